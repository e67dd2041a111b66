"""The dispatch rules a county can tune: how wide a pick-up window is, how long a rider may
be kept on board, how far a told pick-up time may move, stop dwell times, the costs the
planner weighs (vehicle-km, a fixed cost per vehicle used, a penalty per request left
unserved) and its time limit. One frozen dataclass, passed to every part of the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class DispatchConfig:
    window_before_min: int = 0  # a wished 08:00 pick-up is served from 08:00 ...
    window_after_min: int = 25  # ... until 08:25
    max_ride_factor: float = 1.5  # on board at most 1.5 x the direct time ...
    max_ride_extra_min: int = 10  # ... + 10 minutes
    told_tolerance_min: int = 10  # a rider told a time is picked up within +-10 min of it
    dwell_min: int = 1  # boarding or alighting
    parcel_dwell_min: int = 3  # loading or unloading a consignment
    fixed_vehicle_cost_km: float = 30.0  # using one more vehicle costs as much as 30 km
    unserved_penalty_km: float = 1000.0  # leaving a request out costs as much as 1000 km
    told_penalty_factor: int = 20  # dropping a rider already told a time costs 20x more
    parcel_penalty_km: float = 400.0  # leaving a consignment for tomorrow
    time_limit_s: float = 3.0  # the planner's search time for a small day ...
    time_limit_per_job_s: float = 0.05  # ... growing with the number of jobs ...
    time_limit_max_s: float = 60.0  # ... up to a minute
    offer_step_min: int = 10  # counter-offers are searched in 10-minute steps ...
    offer_span_min: int = 180  # ... up to three hours before and after

    def search_seconds(self, jobs: int) -> float:
        """The planner's time limit for a problem of this many jobs (rides and consignments)."""
        return min(self.time_limit_max_s, max(self.time_limit_s, self.time_limit_per_job_s * jobs))

    def max_ride(self, direct_min: float) -> int:
        """Longest allowed ride in whole minutes for a trip whose direct time is given."""
        return math.floor(self.max_ride_factor * direct_min + self.max_ride_extra_min)
