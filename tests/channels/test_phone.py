"""Gateway numbers to the service's sender ids and back."""

from __future__ import annotations

import pytest

from channels.phone import e164, sender_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+8613905981234", "13905981234"),
        ("008613905981234", "13905981234"),
        ("139 0598 1234", "13905981234"),
        ("+85291234567", "+85291234567"),
        ("05912328", "05912328"),
        ("anonymous", "anonymous"),
    ],
)
def test_sender_id(raw: str, expected: str) -> None:
    assert sender_id(raw) == expected


def test_e164() -> None:
    assert e164("13905981234") == "+8613905981234"
    assert e164("+85291234567") == "+85291234567"
