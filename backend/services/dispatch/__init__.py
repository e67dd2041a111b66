"""Demand-responsive dispatch as the service sees it: windows, stored plans and run sheets."""
