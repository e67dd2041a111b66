"""A record id in a console URL that no database integer can hold is bad input (4xx),
never a server error — for every page and form that takes one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backend.models.agents import Agent
from tests.bot.console.forms import sign_in

HUGE = "99999999999999999999999"
POSTS = [
    "/console/handoffs/{id}/claim",
    "/console/handoffs/{id}/reply",
    "/console/handoffs/{id}/return",
    "/console/handoffs/{id}/close",
    "/console/handoffs/{id}/notes",
    "/console/handoffs/{id}/assign",
    "/console/handoffs/{id}/complaint",
    "/console/callbacks/{id}/done",
    "/console/knowledge/{id}",
    "/console/knowledge/{id}/active",
]
GETS = ["/console/live/handoffs/{id}", "/console/knowledge/{id}", "/console?h={id}", "/console/live/queue?h={id}"]


@pytest.mark.parametrize("number", [HUGE, str(2**31), "0", "-3"])
def test_out_of_range_ids_are_refused_as_bad_input(
    client: TestClient, accounts: dict[str, Agent], number: str
) -> None:
    token = sign_in(client, "chen")
    for path in GETS:
        answer = client.get(path.format(id=number))
        assert answer.status_code == 422, (path, answer.status_code)
    for path in POSTS:
        answer = client.post(path.format(id=number), data={"csrf_token": token, "text": "好"})
        assert answer.status_code == 422, (path, answer.status_code)


def test_a_real_id_that_does_not_exist_is_still_a_clear_page(client: TestClient, accounts: dict[str, Agent]) -> None:
    token = sign_in(client, "chen")
    answer = client.post("/console/handoffs/2147483647/claim", data={"csrf_token": token})
    assert answer.status_code < 500 and "Traceback" not in answer.text
