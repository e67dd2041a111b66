"""Complaint tickets (12328): records, workflow, deadlines, contact and statistics."""
