"""The data contract as data: attribute tables for places and links drive validation and docs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Attribute", "schema"]

_SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a place or link feature, as documented in ``corridors/schema/*.csv``."""

    name: str
    type: str
    unit: str
    required: bool
    default: str
    allowed: tuple[str, ...]
    meaning: str


@cache
def schema(feature: str) -> dict[str, Attribute]:
    """Return the attributes of ``"places"`` or ``"links"`` keyed by name, in table order.

    Examples
    --------
    >>> schema("links")["length_km"].unit
    'km'
    >>> schema("places")["kind"].allowed[:2]
    ('port', 'rail_station')
    """
    with (_SCHEMA_DIR / f"{feature}.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["attribute"]: Attribute(
                name=row["attribute"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                default=row["default"],
                allowed=tuple(row["allowed"].split("|")) if row["allowed"] else (),
                meaning=row["meaning"],
            )
            for row in csv.DictReader(f)
        }
