"""A backend refusal reaches the citizen only when it is plain Chinese; one worded for
programmers (需要带时区, field names, English) becomes a sentence saying what to do next."""

from __future__ import annotations

import pytest

from dialogs.texts import render
from dialogs.texts.promises import INTERNAL


@pytest.mark.parametrize(
    "message",
    ["出发时间需要带时区", "limit 应在 1 到 50 之间。", "None", "KeyError: 'pickup_time'", "invalid assignee", ""],
)
@pytest.mark.parametrize("style", ["rich", "short", "voice"])
def test_internal_refusals_are_said_plainly(message: str, style: str) -> None:
    said = render("backend_refused", style, message=message)  # type: ignore[arg-type]
    assert not INTERNAL.search(said) and "没有办成" in said
    assert "人工" in said or "按0" in said or "回复0" in said


@pytest.mark.parametrize(
    "message",
    ["这班车只剩1个座位，坐不下2人", "没有找到订单“B209901010001”，请核对订单号", "快递单号SF1234567890123查不到"],
)
def test_plain_refusals_pass_unchanged(message: str) -> None:
    """The words as they are; the sentence is ended, as another may follow in the reply."""
    assert render("backend_refused", "rich", message=message) == message + "。"
