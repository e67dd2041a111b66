"""Journeys over the scheduled buses with changes, and booking their legs."""
