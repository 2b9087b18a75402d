"""The tables of an assignment, from tonnes on the edges of compiled networks.

Both forms of the assignment programme (the path form :func:`corridors.assignment.assign` solves
and the arc form planning stacks) end in a :class:`Part` per commodity: tonnes a year on each
compiled edge. The tables read those the same way whichever form found them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridors.capacity_rows import CapacityRows, handled, networkx_order
from corridors.core.compiled import LINK, CompiledNetwork

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from corridors.decompose import FlowPath

__all__ = [
    "TOL",
    "Part",
    "flow_table",
    "key_paths",
    "shadow_price_table",
    "unserved_table",
    "utilisation_table",
]

TOL = 1e-6
_KEY = ["kind", "id", "from", "to", "commodity"]


@dataclass(frozen=True, eq=False)
class Part:
    """One commodity's tonnes a year on each edge of its compiled network."""

    commodity: str
    net: CompiledNetwork
    flow: npt.NDArray[np.float64]

    def total(self, figure: npt.NDArray[np.float64]) -> float:
        """``sum(flow * figure)`` over the edges, in the networkx order of the edges."""
        order = networkx_order(self.net)
        return float(self.flow[order] @ figure[order])

    @property
    def usd(self) -> npt.NDArray[np.float64]:
        """USD per tonne of each edge (tariff, handling and border)."""
        result: npt.NDArray[np.float64] = self.net.cost_usd_per_t + self.net.border_usd_per_t
        return result

    @property
    def hours(self) -> npt.NDArray[np.float64]:
        """Hours per tonne of each edge (border dwell included)."""
        result: npt.NDArray[np.float64] = self.net.time_h + self.net.border_h
        return result


def utilisation_table(
    rows: CapacityRows, capacity: Any, activity: Any, prices: Any
) -> pd.DataFrame:
    """One row per capacity: flow, utilisation and shadow price (below ``TOL``: 0)."""
    import numpy as np
    import pandas as pd

    prices = np.where(prices < TOL, 0.0, prices)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, activity / np.where(capacity > 0, capacity, 1.0), np.nan)
    table = pd.DataFrame(rows.info, columns=_KEY).assign(
        capacity_tpy=capacity,
        flow_tpy=activity,
        utilisation=util,
        shadow_price_usd_per_t=prices,
    )
    return table.sort_values(_KEY, na_position="first", kind="stable").reset_index(drop=True)


def shadow_price_table(utilisation: pd.DataFrame) -> pd.DataFrame:
    """The capacities with a positive shadow price, most valuable first."""
    binding = utilisation[utilisation["shadow_price_usd_per_t"] > 0]
    return binding.sort_values(
        ["shadow_price_usd_per_t", *_KEY],
        ascending=[False, *([True] * len(_KEY))],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)


def unserved_table(
    table: pd.DataFrame, ends: Sequence[tuple[str, str]], unserved: Any
) -> pd.DataFrame:
    """One row per demand row: its ``ends`` (labels), demand, served and unserved t/yr."""
    import numpy as np
    import pandas as pd

    demand_t = table["tonnes_per_year"].to_numpy(dtype=float)
    unserved = np.where(unserved < TOL * np.maximum(demand_t, 1.0), 0.0, unserved)
    return pd.DataFrame(
        {
            "origin": [o for o, _ in ends],
            "destination": [d for _, d in ends],
            "commodity": table["commodity"],
            "demand_tpy": demand_t,
            "served_tpy": demand_t - unserved,
            "unserved_tpy": unserved,
            "row": table["row"],
        }
    )


def _link_records(part: Part) -> list[dict[str, Any]]:
    net, order = part.net, networkx_order(part.net)
    carried = order[(part.flow[order] > TOL) & (net.kind[order] == LINK)]
    return [
        {
            "kind": "link",
            "id": net.link_ids[int(net.link[e])],
            "from": net.nodes[net.tail[e]][0],
            "to": net.nodes[net.head[e]][0],
            "mode": net.link_mode[int(net.link[e])],
            "commodity": part.commodity,
            "flow_tpy": float(part.flow[e]),
        }
        for e in carried.tolist()
    ]


def _place_records(part: Part) -> list[dict[str, Any]]:
    import numpy as np

    net = part.net
    places, edges = handled(net)
    sums = np.zeros(len(net.place_ids))
    for p, e in zip(places.tolist(), edges.tolist(), strict=True):
        sums[p] += part.flow[e]  # in order, as the networkx sum was
    return [
        {
            "kind": "place",
            "id": net.place_ids[p],
            "from": None,
            "to": None,
            "mode": None,
            "commodity": part.commodity,
            "flow_tpy": float(sums[p]),
        }
        for p in sorted(np.flatnonzero(sums > TOL).tolist(), key=net.place_ids.__getitem__)
    ]


def flow_table(parts: Iterable[Part]) -> pd.DataFrame:
    """Flow per link direction and per place (tonnes handled) and commodity."""
    import pandas as pd

    records = [r for part in parts for r in (*_link_records(part), *_place_records(part))]
    columns = ["kind", "id", "from", "to", "mode", "commodity", "flow_tpy"]
    df = pd.DataFrame.from_records(records, columns=columns)
    return df.sort_values(_KEY, na_position="first", kind="stable").reset_index(drop=True)


def key_paths(
    net: CompiledNetwork,
    flow: npt.NDArray[np.float64],
    origins: Sequence[str],
    destinations: Sequence[str],
    *,
    unlimited: Iterable[str] = (),
) -> list[FlowPath]:
    """The paths of one pair's ``flow`` (on the edges of ``net``) from any of ``origins`` to
    any of ``destinations``, widest first (see :func:`corridors.decompose.origin_paths`)."""
    from corridors.decompose import origin_paths

    order = networkx_order(net)
    carried = order[flow[order] > 0].tolist()
    edges = [
        (net.nodes[net.tail[e]], net.nodes[net.head[e]], net.edge_key(e), net.edge_attrs(e))
        for e in carried
    ]
    found: Mapping[str, list[FlowPath]] = origin_paths(
        edges, flow[carried], origins, destinations, unlimited=unlimited
    )
    paths = [p for d in destinations for p in found.get(d, [])]
    return sorted(paths, key=lambda p: -p.tonnes_tpy)
