"""Analyses on the network: routes, capacity, assignment, congestion, criticality."""

__all__: list[str] = []
