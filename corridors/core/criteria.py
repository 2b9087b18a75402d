"""Routing criteria: which edge figures a criterion sums, and with what weights."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridors.exceptions import DataError

__all__ = ["BORDER", "METRICS", "Criterion", "criterion_weights", "edge_weight"]

METRICS = {
    "time": "time_h",
    "cost": "cost_usd_per_t",
    "distance": "length_km",
    "co2": "co2_kg_per_t",
}
#: The border dwell figure charged on top of an edge figure (the same unit).
BORDER = {"time_h": "border_h", "cost_usd_per_t": "border_usd_per_t"}

Criterion = str | Mapping[str, float]


def criterion_weights(by: Criterion) -> dict[str, float]:
    """Edge attributes and their weights for a criterion (``"time"`` or ``{"cost": 1, ...}``).

    Examples
    --------
    >>> criterion_weights({"time": 5, "cost": 1})
    {'cost_usd_per_t': 1.0, 'time_h': 5.0}
    """
    if isinstance(by, str):
        if by not in METRICS:
            raise DataError(
                f"unknown criterion '{by}'; expected one of {', '.join(METRICS)} "
                "or a mapping of them to weights"
            )
        return {METRICS[by]: 1.0}
    unknown = sorted(set(by) - set(METRICS))
    if unknown or not by:
        raise DataError(
            f"unknown criterion {unknown or by!r}; expected weights of {', '.join(METRICS)}"
        )
    if any(w < 0 for w in by.values()):
        raise DataError("criterion weights must be >= 0")
    return {METRICS[k]: float(w) for k, w in sorted(by.items())}


def edge_weight(attrs: Mapping[str, Any], weights: Mapping[str, float]) -> float:
    """The generalised cost of one expanded edge (border dwell included)."""
    return sum(w * (attrs[m] + attrs.get(BORDER.get(m, ""), 0.0)) for m, w in weights.items())
