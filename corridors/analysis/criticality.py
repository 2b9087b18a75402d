"""Criticality: what the loss of each link or place costs across a set of origin-destination pairs.

For every element (a link, in both directions, or a place with all its layers) and every pair:

* **cut off**: the pair had a route and has none without the element (a place is always
  critical to the pairs that start or end there);
* **time and cost added**: the best route by the criterion, without the element, less the
  best route with it (in hours and USD per tonne; summed over the pairs not cut off);
* **throughput lost**: the pair's maximum flow (:mod:`corridors.analysis.capacity`, each pair on its
  own) less the maximum flow without the element, summed over the pairs; ``inf`` when a pair's
  flow was unbounded and no longer is (``"inf"`` in JSON).

Only what can change is recomputed, and the answer is the same as recomputing everything
(``recompute_all=True`` does that, as a reference): removing an element that the best route of a
pair does not use leaves that route available and nothing better appears, so only the pairs whose
route uses it are routed again; likewise an element that carries no flow in one maximum flow of
a pair can go without lowering that pair's maximum (that flow stays feasible), so only the
elements carrying flow are solved again.

Elements are ranked by :func:`rank_elements`: the share of each pair's throughput lost, summed
over the pairs, then pairs cut off, then the pairs whose maximum flow fills the element's known
capacity (``pairs_at_capacity``: where it is the bottleneck), then the tonnes lost and the
criterion added (the ``by`` of the best route: hours by time, USD/t by cost; never negative,
since removing an element cannot make the best route better). Elements whose loss does the same
on every figure (the links and stations of one line) share a rank. The time and cost of the
re-chosen routes are reported too: by time, the next-fastest route may be cheaper, so
``cost_added_usd_per_t`` can be negative. A place is not ranked for the pairs that start or end
there (``pairs_ended``): losing an origin says nothing about the network between. A pair whose
maximum flow is unbounded (a path of unknown capacities) gives no tonnes lost: the elements that
would bound it are counted in ``unbounded_pairs_bounded`` and reported apart.

What the data do not know is shown, never filled in: ``capacity_tpy`` is the element's own
capacity for the commodity (NaN where the data give none), and ``pairs_on_unknown`` counts the
pairs whose figure rests on links of unknown capacity, taken as unbounded: the flow lost ran on
them, or the flow kept is rerouted onto links the base flow did not use (then the loss is nil
only if they can carry it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.analysis.capacity import FlowProblem
from corridors.analysis.demand import read_pairs
from corridors.analysis.routing import path_finder
from corridors.core import DST, SRC, CompiledNetwork, Criterion, compile_network, criterion_weights
from corridors.core.avoid import Avoid
from corridors.core.flow import flow_arrays
from corridors.exceptions import DataError, UnknownPlaceError
from corridors.network.lookup import find_place

if TYPE_CHECKING:
    import os

    import geopandas as gpd
    import pandas as pd

__all__ = ["Criticality", "criticality", "rank_elements"]

COLUMNS = [
    "rank",
    "kind",
    "id",
    "name",
    "pairs_cut",
    "pairs_ended",
    "pairs_rerouted",
    "throughput_lost_tpy",
    "throughput_lost_share",
    "unbounded_pairs_bounded",
    "capacity_tpy",
    "pairs_at_capacity",
    "pairs_on_unknown",
    "criterion_added",
    "cost_added_usd_per_t",
    "time_added_h",
]


@dataclass(frozen=True)
class Criticality:
    """Result of :func:`criticality`.

    Attributes
    ----------
    table
        One row per element, ranked (elements of one line share a ``rank``): ``rank``,
        ``kind`` (link or place), ``id``, ``name``, ``pairs_cut``, ``pairs_ended`` (pairs a
        place starts or ends, not ranked),
        ``pairs_rerouted`` (pairs whose best route changed), ``throughput_lost_tpy``,
        ``throughput_lost_share`` (the share of each pair's maximum flow lost, summed over the
        pairs), ``unbounded_pairs_bounded`` (unbounded pairs it would bound), ``capacity_tpy``
        (its own, NaN: unknown), ``pairs_at_capacity`` (pairs whose maximum flow fills it),
        ``pairs_on_unknown`` (pairs whose figure rests on links of unknown capacity),
        ``criterion_added`` (the ranking criterion, summed over the pairs not cut off),
        ``cost_added_usd_per_t``, ``time_added_h``.
    pairs
        One row per pair with its base route: ``origin``, ``destination``, ``reachable``,
        ``time_h``, ``cost_usd_per_t``, ``throughput_tpy`` (NaN when not computed),
        ``on_unknown_capacity`` (its maximum flow runs on links of unknown capacity).
    """

    table: pd.DataFrame
    pairs: pd.DataFrame
    commodity: str
    year: int | None
    by: Criterion

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: the pairs and the ranked elements (the first ``top`` of them)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            rows = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            return [{str(k): _plain(v) for k, v in r.items()} for r in rows]

        table = self.table if top is None else self.table.head(top)
        return {
            "commodity": self.commodity,
            "year": self.year,
            "by": self.by if isinstance(self.by, str) else dict(self.by),
            "pairs": records(self.pairs),
            "elements": records(table),
        }

    def to_frame(self) -> pd.DataFrame:
        """The ranked elements (a copy of :attr:`table`)."""
        return self.table.copy()

    def to_gdf(self, G: nx.MultiDiGraph) -> gpd.GeoDataFrame:
        """The ranked elements with their geometry from ``G`` (EPSG:4326)."""
        from corridors.display import element_gdf

        return element_gdf(G, self.table)

    def _repr_html_(self) -> str:
        from corridors.display import criticality_html

        return criticality_html(self)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


@dataclass(frozen=True)
class _Path:
    weight: float  # the criterion summed along the route
    time_h: float
    cost_usd_per_t: float
    links: frozenset[str]
    places: frozenset[str]


class _Router:
    """Best paths of the pairs on the compiled network, with one element barred at a time."""

    def __init__(self, net: CompiledNetwork, by: Criterion) -> None:
        import numpy as np

        self.net = net
        self.weights = net.weights(by)
        self.finder = path_finder(net)
        self.time = (net.time_h + net.border_h).tolist()
        self.cost = (net.cost_usd_per_t + net.border_usd_per_t).tolist()
        self.weight = self.weights.tolist()
        node_place = net.node_place()
        self.edges: dict[tuple[str, str], Any] = {}
        links = np.flatnonzero(net.link >= 0)
        for li, group in _groups(net.link[links], links):
            self.edges[("link", net.link_ids[li])] = group
        ends = np.concatenate([np.arange(net.n_edges), np.arange(net.n_edges)])
        places = np.concatenate([node_place[net.tail], node_place[net.head]])
        for pi, group in _groups(places, ends):
            self.edges[("place", net.place_ids[pi])] = np.unique(group)
        self._barred: tuple[tuple[str, str] | None, Any, Any] = (None, self.weights, None)

    def _weights(self, element: tuple[str, str] | None) -> tuple[Any, Any]:
        """The weights with the element's edges barred, and their csgraph (for scipy)."""
        import numpy as np

        if self._barred[0] != element:
            weights = self.weights
            if element is not None:
                weights = weights.copy()
                weights[self.edges.get(element, [])] = np.inf
            simple = None if self.finder.heap else self.finder.routing_graph(weights)
            self._barred = (element, weights, simple)
        elif self._barred[2] is None and not self.finder.heap:
            self._barred = (element, self._barred[1], self.finder.routing_graph(self._barred[1]))
        return self._barred[1], self._barred[2]

    def best(self, pair: tuple[str, str], element: tuple[str, str] | None) -> _Path | None:
        """The pair's best path without the element (None: no path)."""
        net = self.net
        source, target = net.node_index.get((pair[0], SRC)), net.node_index.get((pair[1], DST))
        if source is None or target is None:
            return None
        if element is not None and element[0] == "place" and element[1] in pair:
            return None
        weights, simple = self._weights(element)
        path = self.finder.path(source, target, weights, simple=simple)
        if path is None:
            return None
        time_h = cost = weight = 0.0
        for e in path:
            time_h += self.time[e]
            cost += self.cost[e]
            weight += self.weight[e]
        nodes = [net.nodes[net.tail[path[0]]], *(net.nodes[net.head[e]] for e in path)]
        links = {net.link_ids[net.link[e]] for e in path if net.link[e] >= 0}
        return _Path(weight, time_h, cost, frozenset(links), frozenset(n[0] for n in nodes))


def _groups(keys: Any, values: Any) -> list[tuple[int, Any]]:
    """``values`` grouped by ``keys``: (key, array of its values), keys ascending."""
    import numpy as np

    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    uniq, starts = np.unique(keys, return_index=True)
    bounds = [*starts.tolist(), len(keys)]
    return [(int(k), values[a:b]) for k, a, b in zip(uniq, bounds, bounds[1:], strict=False)]


def _elements(
    G: nx.MultiDiGraph, net: CompiledNetwork, elements: str | Iterable[str]
) -> list[tuple[str, str]]:
    links = sorted(net.link_ids)
    places = sorted({n[0] for n in net.nodes})
    if isinstance(elements, str):
        if elements == "links":
            return [("link", k) for k in links]
        if elements == "places":
            return [("place", p) for p in places]
        if elements == "both":
            return [("link", k) for k in links] + [("place", p) for p in places]
        elements = [elements]
    known_links = {k for _, _, k in G.edges(keys=True)}
    out: list[tuple[str, str]] = []
    for e in elements:
        if e in known_links:
            out.append(("link", e))
        else:
            try:
                out.append(("place", find_place(G, e)))
            except UnknownPlaceError:
                raise DataError(
                    f"elements: '{e}' is neither a link id nor a place; expected 'links', "
                    "'places', 'both' or ids"
                ) from None
    return list(dict.fromkeys(out))


def criticality(
    G: nx.MultiDiGraph,
    pairs: str | os.PathLike[str] | pd.DataFrame | Iterable[tuple[str, str]],
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
    by: Criterion = "time",
    elements: str | Iterable[str] = "links",
    throughput: bool = True,
    recompute_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Criticality:
    """Rank links and places by what their loss costs across origin-destination pairs.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`.
    pairs
        ``(origin, destination)`` tuples, or a CSV file or DataFrame with ``origin`` and
        ``destination`` columns (:func:`~corridors.analysis.demand.read_pairs`); a corridor's own
        pairs come from :func:`corridors.analysis.corridor_pairs.corridor_pairs`.
    commodity, year, avoid
        As for :func:`~corridors.route`.
    by
        The criterion of the best route (time, cost, distance, co2 or a weighted mix).
    elements
        ``"links"``, ``"places"``, ``"both"`` or an iterable of link ids and places.
    throughput
        Also compute the throughput lost (a maximum flow per pair, and again per element that
        carries flow); False skips it (the column is then NaN).
    recompute_all
        Recompute every pair for every element (the slow reference the shortcut must match).
    progress
        Called as ``progress(done, total)`` after each element.

    Returns
    -------
    Criticality
        ``table`` ranked most critical first, and ``pairs`` with each pair's base figures.

    Examples
    --------
    >>> from corridors import load_network
    >>> result = criticality(load_network(), [("Sangachal", "Ceyhan")], commodity="oil")
    >>> top = result.table.iloc[0]
    >>> top["id"], int(top["pairs_cut"]), int(top["pairs_at_capacity"])
    ('pipeline:btc', 1, 1)
    """
    import pandas as pd

    od = read_pairs(pairs, G)
    criterion_weights(by)
    net = compile_network(G, commodity=commodity, year=year, avoid=avoid)
    router = _Router(net, by)
    scope = _elements(G, net, elements)
    base = {pair: router.best(pair, None) for pair in od}
    users = _users(base)
    flows = _Flows(G, net, od) if throughput else None
    rows = []
    for done, element in enumerate(scope, start=1):
        routed = od if recompute_all else users.get(element, [])
        row = {
            "kind": element[0],
            "id": element[1],
            "name": G.nodes[element[1]].get("name", element[1]) if element[0] == "place" else "",
            "pairs_ended": sum(_ends(element, pair) for pair in od),
            **_route_effects(router, base, routed, element),
            **_throughput_effects(flows, element, recompute_all),
        }
        rows.append({c: row[c] for c in COLUMNS[1:]})
        if progress is not None:
            progress(done, len(scope))
    table = rank_elements(pd.DataFrame.from_records(rows, columns=COLUMNS[1:]))
    return Criticality(table, _pair_table(od, base, flows), commodity, year, by)


def _users(
    base: dict[tuple[str, str], _Path | None],
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The pairs whose best route uses each element (the only ones to route again)."""
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for pair, path in base.items():
        if path is not None:
            for link in sorted(path.links):
                users.setdefault(("link", link), []).append(pair)
            for place in sorted(path.places):
                users.setdefault(("place", place), []).append(pair)
    return users


@dataclass(frozen=True)
class _PairFlow:
    value: float  # the pair's maximum flow (inf: unbounded)
    carriers: set[str]  # the elements one maximum flow uses
    full: frozenset[tuple[str, str]]  # elements of known capacity that flow fills
    problem: FlowProblem


class _Flows:
    """Each pair's maximum flow on its own, and what is known of the elements' capacities."""

    def __init__(self, G: nx.MultiDiGraph, net: CompiledNetwork, od: list[tuple[str, str]]):
        self.unknown: frozenset[str] = frozenset()
        self.capacity: dict[tuple[str, str], float] = {}
        self.pairs: dict[tuple[str, str], _PairFlow] = {}
        for pair in od:
            problem = FlowProblem(flow_arrays(net, [pair[0]], [pair[1]]))
            if not self.capacity:
                self.capacity, self.unknown = _capacities(G, problem)
            value, _, carriers = problem.solve()
            self.pairs[pair] = _PairFlow(value, carriers, _filled(problem), problem)

    def capacity_of(self, element: tuple[str, str]) -> float:
        """The element's own capacity for the commodity (NaN: not known)."""
        return self.capacity.get(element, math.nan)

    def on_unknown(self, carriers: set[str]) -> bool:
        """Whether a flow runs on a link whose capacity is not known."""
        return not self.unknown.isdisjoint(carriers)


def _capacities(
    G: nx.MultiDiGraph, problem: FlowProblem
) -> tuple[dict[tuple[str, str], float], frozenset[str]]:
    """The known capacity of each element with one, and the links whose capacity is unknown
    (not marked ``unlimited``), from a flow problem's edges."""
    import numpy as np

    known: dict[tuple[str, str], float] = {}
    uncapped: set[str] = set()
    for i, element in enumerate(problem.elements):
        if element is None:
            continue
        cap = float(problem.cap[i])
        if np.isfinite(cap):
            known[element] = max(known.get(element, 0.0), cap)
        elif element[0] == "link":
            uncapped.add(element[1])
    unlimited = {k for _, _, k, d in G.edges(keys=True, data=True) if d.get("unlimited")}
    return known, frozenset(uncapped - unlimited - {k for _, k in known})


def _filled(problem: FlowProblem) -> frozenset[tuple[str, str]]:
    """The elements whose known capacity the last solve's flow fills (in either direction)."""
    import numpy as np

    flow = problem.flow_tpy
    if flow is None:
        return frozenset()
    full = np.isfinite(problem.cap) & (problem.cap > 0) & (flow >= problem.cap * (1 - 1e-9))
    return frozenset(e for e in (problem.elements[i] for i in np.flatnonzero(full)) if e)


def _route_effects(
    router: _Router,
    base: dict[tuple[str, str], _Path | None],
    pairs: Iterable[tuple[str, str]],
    element: tuple[str, str],
) -> dict[str, Any]:
    """Pairs cut off and rerouted, and the criterion, time and cost added, without the
    element (pairs that start or end at it are not counted: see ``pairs_ended``)."""
    cut = rerouted = 0
    time_added = cost_added = criterion_added = 0.0
    for pair in pairs:
        before = base[pair]
        if before is None or _ends(element, pair):
            continue
        after = router.best(pair, element)
        if after is None:
            cut += 1
            continue
        if (after.time_h, after.cost_usd_per_t) != (before.time_h, before.cost_usd_per_t):
            rerouted += 1
        time_added += after.time_h - before.time_h
        cost_added += after.cost_usd_per_t - before.cost_usd_per_t
        criterion_added += after.weight - before.weight
    return {
        "pairs_cut": cut,
        "pairs_rerouted": rerouted,
        "criterion_added": max(_clean(criterion_added), 0.0),
        "cost_added_usd_per_t": _clean(cost_added),
        "time_added_h": _clean(time_added),
    }


def _throughput_effects(
    flows: _Flows | None, element: tuple[str, str], recompute_all: bool
) -> dict[str, Any]:
    """The maximum flows lost without the element, in t/yr and as shares of each pair's flow
    summed over the pairs; the unbounded flows it bounds; its own capacity, the pairs whose
    maximum flow fills it, and those whose loss rests on links of unknown capacity (re-solving
    only the pairs whose maximum flow the element carries)."""
    if flows is None:
        return {
            "throughput_lost_tpy": math.nan,
            "throughput_lost_share": math.nan,
            "unbounded_pairs_bounded": 0,
            "capacity_tpy": math.nan,
            "pairs_at_capacity": 0,
            "pairs_on_unknown": 0,
        }
    lost = share = 0.0
    unbounded = on_unknown = 0
    for pair, base in flows.pairs.items():
        if base.value == 0 or _ends(element, pair):
            continue
        if not (recompute_all or element[1] in base.carriers):
            continue
        problem = base.problem
        after, _, carriers = problem.solve(problem.without(element))
        if math.isinf(base.value):
            unbounded += after != base.value  # its own section: the data do not bound it
        elif after != base.value:
            lost += base.value - after
            share += (base.value - after) / base.value
            on_unknown += flows.on_unknown(base.carriers | carriers)
        elif element[1] in base.carriers:  # carried as before, by other links
            on_unknown += flows.on_unknown(carriers - base.carriers)
    return {
        "throughput_lost_tpy": lost,
        "throughput_lost_share": _clean(share),
        "unbounded_pairs_bounded": unbounded,
        "capacity_tpy": flows.capacity_of(element),
        "pairs_at_capacity": sum(
            element in f.full for p, f in flows.pairs.items() if not _ends(element, p)
        ),
        "pairs_on_unknown": on_unknown,
    }


def _pair_table(
    od: list[tuple[str, str]], base: dict[tuple[str, str], _Path | None], flows: _Flows | None
) -> pd.DataFrame:
    """One row per pair with its base figures."""
    import pandas as pd

    rows = [
        {
            "origin": o,
            "destination": d,
            "reachable": base[(o, d)] is not None,
            "time_h": getattr(base[(o, d)], "time_h", math.nan),
            "cost_usd_per_t": getattr(base[(o, d)], "cost_usd_per_t", math.nan),
            "throughput_tpy": flows.pairs[(o, d)].value if flows else math.nan,
            "on_unknown_capacity": bool(flows and flows.on_unknown(flows.pairs[(o, d)].carriers)),
        }
        for o, d in od
    ]
    return pd.DataFrame.from_records(rows)


def _clean(value: float) -> float:
    """Round away floating-point dust (sums of differences of the same figures)."""
    return round(value, 9) + 0.0


def _ends(element: tuple[str, str], pair: tuple[str, str]) -> bool:
    """Whether the element is a place the pair starts or ends at (not ranked for that pair)."""
    return element[0] == "place" and element[1] in pair


#: The figures of an element's loss, in the order they rank it (largest first).
RANKED_BY = [
    "throughput_lost_share",
    "pairs_cut",
    "pairs_at_capacity",
    "throughput_lost_tpy",
    "criterion_added",
]
#: Elements equal on all of these (say, the links and stations of one line) share a rank.
TIED_ON = [*RANKED_BY, "unbounded_pairs_bounded", "cost_added_usd_per_t", "time_added_h"]


def rank_elements(table: pd.DataFrame) -> pd.DataFrame:
    """Rank a criticality table: the share of each pair's throughput lost (summed over the
    pairs), then pairs cut off, then pairs whose maximum flow fills the element's known
    capacity (its bottlenecks), then the tonnes lost and the criterion added (all largest
    first), then kind and id, so ties break the same way every run. Elements whose loss does
    the same on every figure (:data:`TIED_ON`: the links and stations of one line, in series)
    share a rank: ``rank`` counts the distinct losses, not the elements.

    Throughput lost comes first because it weighs a loss by what it carries: a link that cuts off
    a pair with a thin flow matters less than one that halves a main corridor's capacity.

    Losses of an unbounded flow (``unbounded_pairs_bounded``) do not rank: they say where the
    data lack a capacity, not what an element is worth, and are reported on their own.
    """
    if len(table):
        table = table.sort_values(
            [*RANKED_BY, "kind", "id"],
            ascending=[False] * len(RANKED_BY) + [True, True],
            na_position="last",
            kind="stable",
        ).reset_index(drop=True)
    figures = table[TIED_ON].astype(float).fillna(-math.inf)
    new_rank = figures.ne(figures.shift()).any(axis=1)
    table.insert(0, "rank", new_rank.cumsum().astype(int) if len(table) else [])
    return table
