"""A signed-in console session opens the operator API (docs/CONTRACTS.md §6), for reading;
a request that changes something also needs the session's CSRF token in a header."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.models.agents import Agent
from backend.services.complaints import records as complaints
from bot.app import create_app
from bot.console.middleware import ConsoleSessionMiddleware
from bot.runtime import Runtime
from tests.bot.console.forms import sign_in


@pytest.fixture
def api_client(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime=runtime)
    app.add_middleware(ConsoleSessionMiddleware)
    with TestClient(app) as test_client:
        yield test_client


def test_a_console_session_opens_the_operator_api(
    api_client: TestClient, session: Session, accounts: dict[str, Agent]
) -> None:
    ticket = complaints.open_complaint(
        session, category="fare", description="多收了两块钱", contact_phone="13905981234"
    )
    session.commit()
    assert api_client.get(f"/api/complaints/{ticket.id}").status_code == 401
    token = sign_in(api_client, "lin")
    read = api_client.get(f"/api/complaints/{ticket.id}")
    assert read.status_code == 200 and read.json()["description"] == "多收了两块钱"
    move = {"to": "assigned", "assignee": "县公交公司调度室"}
    assert api_client.post(f"/api/complaints/{ticket.id}/transitions", json=move).status_code == 401
    session.refresh(ticket)
    assert ticket.state == "received"
    moved = api_client.post(
        f"/api/complaints/{ticket.id}/transitions", json=move, headers={"X-CSRF-Token": token}
    )
    assert moved.status_code == 200 and moved.json()["transitions"][-1]["by"] == "lin"
