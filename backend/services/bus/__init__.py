"""Scheduled buses: the imported network, timetable answers, live positions and disruptions."""
