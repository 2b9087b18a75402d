"""Where a flow goes: a flow on edges split into paths from sources to sinks, widest first.

:func:`decompose` is a pure function of edge flows, so it explains what any solver returns: the
maximum flow of :mod:`corridors.analysis.capacity` and the per-origin flows of
:mod:`corridors.analysis.assignment`. Each step takes the path of largest bottleneck (most tonnes)
among the edges that still carry flow and removes that many tonnes from each of its edges; what is
left once no path remains is flow on cycles, which carries nothing anywhere and is dropped.
Ties go to the edge listed first, so the same flows give the same paths.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    Floats = Sequence[float] | np.ndarray

__all__ = [
    "PAIR_COLUMNS",
    "ROUTE_COLUMNS",
    "FlowPath",
    "cut_network_paths",
    "decompose",
    "origin_paths",
    "pair_tables",
    "path_figures",
    "path_places",
]


@dataclass(frozen=True)
class FlowPath:
    """Tonnes a year on one path: the places it visits in order and the links it uses.

    ``cost_usd_per_t`` and ``time_h`` (border dwell included) are None where the solver's edges
    carry no such figures (the maximum flow).
    """

    tonnes_tpy: float
    places: tuple[str, ...]
    links: tuple[str, ...]
    cost_usd_per_t: float | None = None
    time_h: float | None = None
    unknown_capacity: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``null`` tonnes when unbounded)."""
        return {
            "tonnes_tpy": None if math.isinf(self.tonnes_tpy) else self.tonnes_tpy,
            "places": list(self.places),
            "links": list(self.links),
            "cost_usd_per_t": self.cost_usd_per_t,
            "time_h": self.time_h,
            "unknown_capacity": list(self.unknown_capacity),
        }


def _widest(
    out: Mapping[Hashable, list[int]],
    tails: Sequence[Hashable],
    heads: Sequence[Hashable],
    left: list[float],
    sources: Iterable[Hashable],
    sinks: set[Hashable],
) -> tuple[float, list[int]] | None:
    """The path of largest bottleneck from any source to any sink over edges with flow left."""
    best: dict[Hashable, float] = {}
    via: dict[Hashable, int] = {}
    heap: list[tuple[float, int, int, Hashable]] = []
    order = 0
    for s in sources:
        best[s] = math.inf
        heap.append((-math.inf, -1, order, s))
        order += 1
    heapq.heapify(heap)
    done: set[Hashable] = set()
    pop, push, no_edges = heapq.heappop, heapq.heappush, ()
    while heap:
        neg, _, _, node = pop(heap)
        if node in done:
            continue
        done.add(node)
        if node in sinks:
            path = []
            while node in via:
                path.append(via[node])
                node = tails[via[node]]
            return -neg, path[::-1]
        reached = -neg
        for i in out.get(node, no_edges):
            width = left[i] if left[i] < reached else reached
            head = heads[i]
            if width > best.get(head, 0.0) and head not in done:
                best[head] = width
                via[head] = i
                push(heap, (-width, i, order, head))
                order += 1
    return None


def decompose(
    tails: Sequence[Hashable],
    heads: Sequence[Hashable],
    flows: Floats,
    sources: Iterable[Hashable],
    sinks: Iterable[Hashable],
    *,
    tol: float = 1e-6,
    limit: int | None = None,
) -> list[tuple[float, list[int]]]:
    """Split a flow into ``(tonnes, edge indices)`` paths from a source to a sink, widest first.

    Parameters
    ----------
    tails, heads, flows
        Edge ``i`` runs from ``tails[i]`` to ``heads[i]`` carrying ``flows[i]`` (``inf`` for an
        unbounded flow); parallel edges are fine.
    sources, sinks
        Where paths start and end.
    tol
        Flows at or below ``tol`` times the largest flow count as none.
    limit
        At most this many paths (the widest); None for all.

    Examples
    --------
    Two tonnes via ``b`` and one via ``c`` from ``a`` to ``d``:

    >>> decompose(["a", "b", "a", "c"], ["b", "d", "c", "d"], [2, 2, 1, 1], ["a"], ["d"])
    [(2.0, [0, 1]), (1.0, [2, 3])]
    """
    left = [float(f) for f in flows]
    finite = [f for f in left if math.isfinite(f)]
    floor = tol * max(finite, default=1.0)
    out: dict[Hashable, list[int]] = {}
    for i, (u, f) in enumerate(zip(tails, left, strict=True)):
        if f > floor:
            out.setdefault(u, []).append(i)
    start, ends = list(dict.fromkeys(sources)), set(sinks)
    paths: list[tuple[float, list[int]]] = []
    while limit is None or len(paths) < limit:
        found = _widest(out, tails, heads, left, start, ends)
        if found is None or found[0] <= floor or not found[1]:
            break
        width, path = found
        paths.append((width, path))
        if math.isinf(width):
            break  # an unbounded path: nothing is left to split
        for i in path:
            left[i] -= width
            if left[i] <= floor:
                out[tails[i]].remove(i)
    return paths


def path_places(nodes: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The places of a path of ``(place, layer)`` nodes, in order, each once per visit."""
    places: list[str] = []
    for place, _ in nodes:
        if place and (not places or places[-1] != place):
            places.append(place)
    return tuple(places)


def path_figures(edges: Iterable[Mapping[str, Any]]) -> tuple[float, float]:
    """``(USD/t, hours)`` along expanded-graph edges, border dwell included."""
    cost = hours = 0.0
    for d in edges:
        cost += d["cost_usd_per_t"] + d["border_usd_per_t"]
        hours += d["time_h"] + d["border_h"]
    return cost, hours


def cut_network_paths(
    edges: Sequence[tuple[tuple[str, str], tuple[str, str]]],
    elements: Sequence[tuple[str, str] | None],
    capacities: Floats,
    flows: Floats,
    source: tuple[str, str],
    sink: tuple[str, str],
    *,
    unlimited: Iterable[str] = (),
    limit: int | None = None,
) -> list[FlowPath]:
    """The paths of a maximum flow on a :func:`corridors.analysis.capacity.flow_network`.

    ``edges``, ``elements`` and ``capacities`` describe its edges (``inf`` where unbounded),
    ``flows`` the tonnes on each. A path's ``unknown_capacity`` lists what on it is unbounded in
    the flow network for want of a figure: links (not those in ``unlimited``, whose data say
    that capacity is no constraint), then places where it changes mode or gauge (a place with
    a capacity is split into ``in`` and ``out`` nodes, so a transfer between two of its layers
    means the place has none).
    """
    unlimited = frozenset(unlimited)
    number: dict[tuple[str, str], int] = {}  # the search hashes numbers faster than keys
    tails = [number.setdefault(u, len(number)) for u, _ in edges]
    heads = [number.setdefault(v, len(number)) for _, v in edges]
    ends = [number.setdefault(source, len(number))], [number.setdefault(sink, len(number))]
    paths = []
    for tonnes, path in decompose(tails, heads, flows, *ends, limit=limit):
        nodes = [edges[path[0]][0], *(edges[i][1] for i in path)]
        links = [elements[i] for i in path]
        paths.append(
            FlowPath(
                tonnes_tpy=tonnes,
                places=path_places(nodes),
                links=tuple(e[1] for e in links if e is not None and e[0] == "link"),
                unknown_capacity=tuple(
                    dict.fromkeys(
                        [
                            *(
                                e[1]
                                for e, i in zip(links, path, strict=True)
                                if e is not None
                                and e[0] == "link"
                                and math.isinf(capacities[i])
                                and e[1] not in unlimited
                            ),
                            *(u[0] for u, v in (edges[i] for i in path) if _transfer(u, v)),
                        ]
                    )
                ),
            )
        )
    return paths


#: Nodes of a place that are not one of its layers (journey ends, the halves of a split place).
_NOT_LAYERS = frozenset({"src", "dst", "in", "out"})


def _transfer(u: tuple[str, str], v: tuple[str, str]) -> bool:
    """Whether an edge joins two layers of one place (a transfer or gauge change)."""
    return bool(u[0]) and u[0] == v[0] and u[1] != v[1] and not {u[1], v[1]} & _NOT_LAYERS


def origin_paths(
    edges: Sequence[tuple[Any, Any, str, Mapping[str, Any]]],
    flow: Floats,
    origin: str | Sequence[str],
    destinations: Iterable[str],
    *,
    unlimited: Iterable[str] = (),
) -> dict[str, list[FlowPath]]:
    """The paths of one origin's flow (or of several origins', a city's terminals) on
    expanded-graph ``edges`` ``(u, v, key, attrs)``, by destination, each with its USD/t and
    hours (border dwell included) and what on it has no known capacity: links (not those in
    ``unlimited``), then places where it changes mode or gauge."""
    from corridors.core.expand import DST, SRC

    unlimited = frozenset(unlimited)
    tails = [e[0] for e in edges]
    heads = [e[1] for e in edges]
    sinks = {(d, DST) for d in destinations}
    out: dict[str, list[FlowPath]] = {}
    origins = [origin] if isinstance(origin, str) else list(origin)
    for tonnes, path in decompose(tails, heads, flow, [(o, SRC) for o in origins], sinks):
        attrs = [edges[i][3] for i in path]
        cost, hours = path_figures(attrs)
        links = tuple(edges[i][2] for i, d in zip(path, attrs, strict=True) if d["kind"] == "link")
        unknown = tuple(
            dict.fromkeys(
                [
                    *(
                        edges[i][2]
                        for i, d in zip(path, attrs, strict=True)
                        if d["kind"] == "link"
                        and d["capacity_tpy"] is None
                        and edges[i][2] not in unlimited
                    ),
                    *(
                        d["place"]
                        for d in attrs
                        if d["kind"] in ("transfer", "gauge_change") and d["capacity_tpy"] is None
                    ),
                ]
            )
        )
        nodes = [tails[path[0]], *(heads[i] for i in path)]
        out.setdefault(heads[path[-1]][0], []).append(
            FlowPath(tonnes, path_places(nodes), links, cost, hours, unknown)
        )
    return out


PAIR_COLUMNS = [
    "origin",
    "destination",
    "commodity",
    "demand_tpy",
    "served_tpy",
    "unserved_tpy",
    "cost_usd_per_t",
    "time_h",
    "paths",
    "main_path",
    "main_share",
    "unknown_capacity",
]
ROUTE_COLUMNS = [
    "origin",
    "destination",
    "commodity",
    "path",
    "tonnes_tpy",
    "cost_usd_per_t",
    "time_h",
    "places",
    "links",
    "unknown_capacity",
]


def _mean(paths: list[FlowPath], figure: str) -> float:
    """The tonne-weighted mean of a figure over paths (NaN for none)."""
    tonnes = sum(p.tonnes_tpy for p in paths)
    if not tonnes:
        return math.nan
    return sum(getattr(p, figure) * p.tonnes_tpy for p in paths) / tonnes


def pair_tables(
    unserved: pd.DataFrame, paths: Mapping[tuple[str, str, str], list[FlowPath]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per pair and per path tables of an assignment.

    ``unserved`` has one row per demand row (``origin``, ``destination``, ``commodity``,
    ``demand_tpy``, ``served_tpy``, ``unserved_tpy``); ``paths`` the paths of each
    ``(origin, destination, commodity)``. Rows of one pair are summed (the flow does not tell
    them apart). Cost and time per tonne are means weighted by the tonnes on each path; the
    main path is the widest.
    """
    import pandas as pd

    sums = (
        unserved.groupby(["origin", "destination", "commodity"], sort=True)[
            ["demand_tpy", "served_tpy", "unserved_tpy"]
        ]
        .sum()
        .reset_index()
    )
    pairs, routes = [], []
    for r in sums.to_dict(orient="records"):
        key = (str(r["origin"]), str(r["destination"]), str(r["commodity"]))
        found = paths.get(key, [])
        tonnes = sum(p.tonnes_tpy for p in found)
        pairs.append(
            {
                **r,
                "cost_usd_per_t": _mean(found, "cost_usd_per_t"),
                "time_h": _mean(found, "time_h"),
                "paths": len(found),
                "main_path": list(found[0].places) if found else [],
                "main_share": found[0].tonnes_tpy / tonnes if tonnes else math.nan,
                "unknown_capacity": sorted({x for p in found for x in p.unknown_capacity}),
            }
        )
        for i, p in enumerate(found, start=1):
            routes.append(
                {
                    **dict(zip(("origin", "destination", "commodity"), key, strict=True)),
                    "path": i,
                    "tonnes_tpy": p.tonnes_tpy,
                    "cost_usd_per_t": p.cost_usd_per_t,
                    "time_h": p.time_h,
                    "places": " > ".join(p.places),
                    "links": " ".join(p.links),
                    "unknown_capacity": " ".join(p.unknown_capacity),
                }
            )
    return (
        pd.DataFrame.from_records(pairs, columns=PAIR_COLUMNS),
        pd.DataFrame.from_records(routes, columns=ROUTE_COLUMNS),
    )
