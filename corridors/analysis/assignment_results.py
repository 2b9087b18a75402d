"""The result of an assignment and its tables, from tonnes on the edges of compiled networks.

Both forms of the assignment programme (the path form :func:`corridors.analysis.assignment.assign`
solves and the arc form of :mod:`corridors.analysis.assignment_arcs` that planning stacks) end in a
:class:`Part` per commodity: tonnes a year on each compiled edge, gathered in a :class:`Solved` that
:func:`assemble` turns into an :class:`Assignment`, the same way whichever form found them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.analysis.capacity_rows import CapacityRows, handled, networkx_order
from corridors.analysis.demand import demand_ends
from corridors.analysis.routing import Criterion
from corridors.core.compiled import LINK, CompiledNetwork

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from corridors.analysis.decompose import FlowPath

__all__ = [
    "TIE_BREAK",
    "TOL",
    "Assignment",
    "Part",
    "Solved",
    "assemble",
    "end_labels",
    "flow_table",
    "key_paths",
    "shadow_price_table",
    "unserved_table",
    "utilisation_table",
]

#: Extra cost per tonne of an edge at a place: of routes of equal cost, the one that handles
#: each tonne fewer times wins (reported costs leave it out).
TIE_BREAK = 1e-6
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
    any of ``destinations``, widest first (see
    :func:`corridors.analysis.decompose.origin_paths`)."""
    from corridors.analysis.decompose import origin_paths

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


@dataclass(frozen=True)
class Assignment:
    """The result of :func:`assign`.

    Attributes
    ----------
    flows
        One row per link direction or place and commodity that carries flow: ``kind`` (link
        or place), ``id``, ``from``, ``to`` (links), ``mode``, ``commodity``, ``flow_tpy``.
    utilisation
        One row per capacity: ``kind``, ``id``, ``from``, ``to``, ``commodity`` (``*`` when
        shared by all), ``capacity_tpy``, ``flow_tpy``, ``utilisation`` (flow / capacity),
        ``shadow_price_usd_per_t``.
    unserved
        One row per demand row: ``origin``, ``destination``, ``commodity``,
        ``demand_tpy``, ``served_tpy``, ``unserved_tpy``, ``row``.
    shadow_prices
        The capacities with a positive shadow price, most valuable first.
    total_cost_usd
        USD a year for the tonnes served (tariffs, handling and border costs).
    total_time_th
        Thousand tonne-hours a year spent travelling by the tonnes served.
    objective
        The programme's optimum: the criterion summed over the flows, plus the penalty for
        unserved tonnes.
    pairs
        One row per (origin, destination, commodity): demand, served and unserved t/yr, the
        mean ``cost_usd_per_t`` and ``time_h`` of the tonnes served, the number of ``paths``,
        the ``main_path`` (places) and its ``main_share``, and the links of unknown capacity
        used (see :func:`corridors.analysis.decompose.pair_tables`).
    routes
        One row per path of each pair: ``tonnes_tpy``, ``cost_usd_per_t``, ``time_h``, the
        ``places`` and ``links`` it takes.
    paths
        The same paths as :class:`~corridors.analysis.decompose.FlowPath` lists, by
        ``(origin, destination, commodity)`` as the tables label the pair.
    """

    flows: pd.DataFrame
    utilisation: pd.DataFrame
    unserved: pd.DataFrame
    shadow_prices: pd.DataFrame
    total_cost_usd: float
    total_time_th: float
    objective: float
    by: Criterion
    year: int | None
    unserved_penalty_usd_per_t: float
    pairs: pd.DataFrame
    routes: pd.DataFrame
    paths: Mapping[tuple[str, str, str], list[FlowPath]]

    @property
    def unserved_tpy(self) -> float:
        """Tonnes a year of demand left unserved, in all."""
        return float(self.unserved["unserved_tpy"].sum())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the totals and of every table (lists of records)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            return [{str(k): _plain(v) for k, v in row.items()} for row in out]

        return {
            "by": self.by if isinstance(self.by, str) else dict(self.by),
            "year": self.year,
            "unserved_penalty_usd_per_t": self.unserved_penalty_usd_per_t,
            "total_cost_usd": self.total_cost_usd,
            "total_time_th": self.total_time_th,
            "objective": self.objective,
            "unserved_tpy": self.unserved_tpy,
            "flows": records(self.flows),
            "utilisation": records(self.utilisation),
            "unserved": records(self.unserved),
            "shadow_prices": records(self.shadow_prices),
            "pairs": records(self.pairs),
            "routes": records(self.routes),
        }

    def to_frame(self) -> pd.DataFrame:
        """The pairs: how each was served and routed (a copy of :attr:`pairs`)."""
        return self.pairs.copy()

    def to_gdf(self, G: nx.MultiDiGraph) -> gpd.GeoDataFrame:
        """The flows with their geometry from ``G``: a line per link direction, a point per
        place (EPSG:4326)."""
        from corridors.display import element_gdf

        return element_gdf(G, self.flows)

    def _repr_html_(self) -> str:
        from corridors.display import assignment_html

        return assignment_html(self)


def _plain(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def end_labels(G: nx.MultiDiGraph, table: pd.DataFrame) -> list[tuple[str, str]]:
    """What the tables call each row's ends: the place id, or the city of several terminals."""

    def label(places: tuple[str, ...], given: str) -> str:
        return str(G.nodes[places[0]].get("city") or given) if len(places) > 1 else places[0]

    return [
        (label(o, str(r["origin"])), label(d, str(r["destination"])))
        for (o, d), r in zip(demand_ends(table), table.to_dict(orient="records"), strict=True)
    ]


@dataclass(frozen=True)
class Solved:
    """What both forms hand to :func:`assemble`: the flows on compiled edges, the capacity
    rows' activity, capacity and prices, the unserved tonnes and each pair's paths."""

    parts: list[Part]
    rows: CapacityRows
    capacity: np.ndarray
    activity: np.ndarray
    prices: np.ndarray
    unserved: pd.DataFrame
    paths: dict[tuple[str, str, str], list[FlowPath]]


def assemble(
    solved: Solved, *, objective: float, by: Criterion, year: int | None, penalty: float
) -> Assignment:
    """The :class:`Assignment` of a solved programme (``objective`` with the tie-break in;
    the result leaves it out)."""
    from corridors.analysis.decompose import pair_tables

    parts = solved.parts
    pairs, routes = pair_tables(solved.unserved, solved.paths)
    utilisation = utilisation_table(solved.rows, solved.capacity, solved.activity, solved.prices)
    at_place = sum(p.total((p.net.kind != LINK).astype(float)) for p in parts)
    return Assignment(
        flows=flow_table(parts),
        utilisation=utilisation,
        unserved=solved.unserved,
        shadow_prices=shadow_price_table(utilisation),
        total_cost_usd=float(sum(p.total(p.usd) for p in parts)),
        total_time_th=float(sum(p.total(p.hours) for p in parts)) / 1e3,
        objective=objective - TIE_BREAK * float(at_place),
        by=by,
        year=year,
        unserved_penalty_usd_per_t=penalty,
        pairs=pairs,
        routes=routes,
        paths=solved.paths,
    )
