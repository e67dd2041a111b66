"""Console test accounts: an agent (lin) and a supervisor (chen)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backend.models.agents import Agent
from backend.services.agents.accounts import create_agent
from tests.bot.console.forms import PASSWORD


@pytest.fixture
def accounts(session: Session) -> dict[str, Agent]:
    made = {
        "lin": create_agent(session, username="lin", password=PASSWORD, role="agent", display_name="林小梅"),
        "chen": create_agent(
            session, username="chen", password=PASSWORD, role="supervisor", display_name="陈丽"
        ),
    }
    session.commit()
    return made
