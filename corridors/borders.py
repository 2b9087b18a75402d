"""What crossing a country boundary costs: the border dwell of a link, and the open borders.

A link between two countries carries the ``border_h`` and ``border_usd_per_t`` of both its
places (each side's formalities). Between two members of the European Union there are no
customs formalities, so such a link carries none, whatever its places charge on their other
borders (Rotterdam's seaport customs are for the ships from outside the Union, not for the
train to Duisburg). The member states are ``geodata/eu_members.csv``, from the EU's own list.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from typing import Any

from corridors.reference import data_dir

__all__ = ["border_dwell", "eu_members", "open_border"]


@cache
def eu_members() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the member states of the European Union.

    Examples
    --------
    >>> sorted(eu_members())[:3], len(eu_members()), "TR" in eu_members()
    (['AT', 'BE', 'BG'], 27, False)
    """
    with (data_dir() / "eu_members.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["country"] for row in csv.DictReader(f))


def open_border(a: str | None, b: str | None) -> bool:
    """Whether goods cross between countries ``a`` and ``b`` without customs formalities.

    Examples
    --------
    >>> open_border("NL", "DE"), open_border("BG", "TR"), open_border("GE", "GE")
    (True, False, True)
    """
    return a == b or (a in eu_members() and b in eu_members())


def border_dwell(pu: Mapping[str, Any], pv: Mapping[str, Any]) -> tuple[float, float]:
    """``(hours, USD/t)`` of border formalities on a link from place ``pu`` to place ``pv``.

    Both sides' dwell when the link crosses a border that is not open, nothing otherwise.

    Examples
    --------
    >>> rotterdam = {"country": "NL", "border_h": 24, "border_usd_per_t": 5}
    >>> border_dwell(rotterdam, {"country": "DE"}), border_dwell(rotterdam, {"country": "CN"})
    ((0.0, 0.0), (24.0, 5.0))
    """
    if open_border(pu.get("country"), pv.get("country")):
        return 0.0, 0.0
    hours = float(pu.get("border_h", 0) + pv.get("border_h", 0))
    cost = float(pu.get("border_usd_per_t", 0) + pv.get("border_usd_per_t", 0))
    return hours, cost
