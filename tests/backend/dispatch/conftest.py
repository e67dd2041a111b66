"""Fixtures for the dispatch engine tests: the pilot county's travel model and rules."""

from __future__ import annotations

import pytest

from backend.dispatch.config import DispatchConfig
from backend.dispatch.pilot_day import pilot_places
from backend.dispatch.travel import GreatCircleTravel


@pytest.fixture(scope="session")
def travel() -> GreatCircleTravel:
    return GreatCircleTravel(pilot_places())


@pytest.fixture(scope="session")
def config() -> DispatchConfig:
    return DispatchConfig(time_limit_s=1.0)
