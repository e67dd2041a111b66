"""Classifiers: intent models trained from bags of string features."""
