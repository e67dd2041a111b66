from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.models import Trip, Vehicle
from backend.services.rides import checks
from tests.conftest import NOW


def test_trip_seats_follow_the_operator_line_vehicles(session: Session) -> None:
    assert checks.trip_seats(session, "L01-DAILY-1-1220") == 19  # county lines: smallest line minibus
    intercity = session.scalars(select(Trip.trip_id).where(Trip.route_id == "C01")).first()
    assert intercity is not None
    assert checks.trip_seats(session, intercity) == 45  # intercity coaches


def test_trip_seats_default_without_line_vehicles(session: Session) -> None:
    for vehicle in session.scalars(select(Vehicle).where(Vehicle.seats >= 19)):
        vehicle.status = "maintenance"
    session.flush()
    assert checks.trip_seats(session, "L01-DAILY-1-1220") == checks.MIN_LINE_SEATS
    assert checks.demand_max_seats(session) == 9


def test_check_time_slack_and_horizon() -> None:
    checks.check_time(NOW - timedelta(minutes=4), NOW)
    checks.check_time(NOW + timedelta(days=30), NOW)
    with pytest.raises(InvalidInput, match="11月20日 08:50已经过去了"):
        checks.check_time(NOW - timedelta(minutes=10), NOW)
    with pytest.raises(InvalidInput):
        checks.check_time(NOW + timedelta(days=30, minutes=1), NOW)


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "3"])
def test_check_passengers_refuses_non_positive_and_non_integers(value: object) -> None:
    with pytest.raises(InvalidInput, match="至少是1人"):
        checks.check_passengers(value, 19)  # type: ignore[arg-type]


def test_check_passengers_maximum_with_hint() -> None:
    checks.check_passengers(19, 19)
    with pytest.raises(InvalidInput, match="一次最多预约19人，人多请预约包车") as refused:
        checks.check_passengers(20, 19, hint="，人多请预约包车")
    assert refused.value.details["maximum"] == 19
