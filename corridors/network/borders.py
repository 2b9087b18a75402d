"""Open borders: where crossing a country boundary costs no border dwell.

A link between two countries carries the ``border_h`` and ``border_usd_per_t`` of both its
places (each side's formalities, charged in :mod:`corridors.core.build`). Between two members of
the European Union there are no customs formalities, so such a link carries none, whatever its
places charge on their other borders (Rotterdam's seaport customs are for the ships from outside
the Union, not for the train to Duisburg). The member states are ``geodata/eu_members.csv``,
from the EU's own list.
"""

from __future__ import annotations

import csv
from functools import cache

from corridors.network.reference import data_dir

__all__ = ["eu_members"]


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
