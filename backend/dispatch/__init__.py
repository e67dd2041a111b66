"""The dispatch engine (客货邮): pool demand-responsive rides and carry parcel consignments on
the same runs. Plain data in `model`, travel times behind `travel.TravelTimes`, one run's
timetable in `schedule`, the OR-Tools planner in `planner`, live insertion and removal in
`insertion`, counter-offers in `offers`, an independent checker in `validator`, plan figures
in `metrics`, a seeded pilot-county day in `pilot_day`, and the database side in `store`.
Times inside the engine are minutes after local midnight of the service day: whole minutes
in the county, fractions allowed (the research benchmarks' plane, `travel.PointTravel`).
"""
