"""Small spherical-geometry helpers used by validation and the network model."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

__all__ = ["haversine_km", "line_length_km"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle distance in km between two (lon, lat) points.

    Examples
    --------
    >>> round(haversine_km((0, 0), (1, 0)), 1)
    111.2
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def line_length_km(coords: Sequence[Sequence[float]]) -> float:
    """Length in km of a (lon, lat) polyline along great circles."""
    return sum(haversine_km(a, b) for a, b in itertools.pairwise(coords))
