"""Ride bookings: seats on scheduled buses, demand-responsive rides, charters and student shuttles."""
