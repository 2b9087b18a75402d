"""Criticality: what the loss of each link or place costs across a set of origin-destination pairs.

For every element (a link, in both directions, or a place with all its layers) and every pair:

* **cut off**: the pair had a route and has none without the element (a place is always
  critical to the pairs that start or end there);
* **time and cost added**: the best route by the criterion, without the element, less the
  best route with it (in hours and USD per tonne; summed over the pairs not cut off);
* **throughput lost**: the pair's maximum flow (:mod:`corridors.capacity`, each pair on its
  own) less the maximum flow without the element, summed over the pairs; ``inf`` when a pair's
  flow was unbounded and no longer is (``"inf"`` in JSON).

Only what can change is recomputed, and the answer is the same as recomputing everything
(``recompute_all=True`` does that, as a reference): removing an element that the best route of a
pair does not use leaves that route available and nothing better appears, so only the pairs whose
route uses it are routed again; likewise an element that carries no flow in one maximum flow of
a pair can go without lowering that pair's maximum (that flow stays feasible), so only the
elements carrying flow are solved again.

Elements are ranked by :func:`rank_elements`: the share of each pair's throughput lost, summed
over the pairs, then pairs cut off, then the criterion added (the ``by`` of the best route:
hours by time, USD/t by cost; never negative, since removing an element cannot make the best
route better). The time and cost of the re-chosen routes are reported too: by time, the
next-fastest route may be cheaper, so ``cost_added_usd_per_t`` can be negative. A place is not
ranked for the pairs that start or end there (``pairs_ended``): losing an origin says nothing
about the network between. A pair whose maximum flow is unbounded (a path of unknown
capacities) gives no tonnes lost: the elements that would bound it are counted in
``unbounded_pairs_bounded`` and reported apart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.capacity import FlowProblem, flow_network, with_terminals
from corridors.demand import read_pairs
from corridors.exceptions import DataError, UnknownPlaceError
from corridors.expand import DST, SRC, Avoid, expand
from corridors.lookup import find_place
from corridors.routing import Criterion, criterion_weights, edge_weight

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
    "criterion_added",
    "cost_added_usd_per_t",
    "time_added_h",
]
Weight = Callable[[Any, Any, dict[str, Any]], float | None]


@dataclass(frozen=True)
class Criticality:
    """Result of :func:`criticality`.

    Attributes
    ----------
    table
        One row per element, ranked: ``rank``, ``kind`` (link or place), ``id``, ``name``,
        ``pairs_cut``, ``pairs_ended`` (pairs a place starts or ends, not ranked),
        ``pairs_rerouted`` (pairs whose best route changed), ``throughput_lost_tpy``,
        ``throughput_lost_share`` (the share of each pair's maximum flow lost, summed over the
        pairs), ``unbounded_pairs_bounded`` (unbounded pairs it would bound),
        ``criterion_added`` (the ranking criterion, summed over the pairs not cut off),
        ``cost_added_usd_per_t``, ``time_added_h``.
    pairs
        One row per pair with its base route: ``origin``, ``destination``, ``reachable``,
        ``time_h``, ``cost_usd_per_t``, ``throughput_tpy`` (NaN when not computed).
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


def _options(X: nx.MultiDiGraph, weights: dict[str, float]) -> nx.DiGraph:
    """One edge per node pair: its parallel edges as (weight, key, time, cost), best first."""
    D = nx.DiGraph()
    D.add_nodes_from(X)
    for u, v, k, d in X.edges(keys=True, data=True):
        option = (
            edge_weight(d, weights),
            k,
            d["time_h"] + d["border_h"],
            d["cost_usd_per_t"] + d["border_usd_per_t"],
            d["kind"] == "link",
        )
        if D.has_edge(u, v):
            D[u][v]["opts"].append(option)
        else:
            D.add_edge(u, v, opts=[option])
    for _, _, d in D.edges(data=True):
        d["opts"].sort(key=lambda o: (o[0], o[1]))
        d["w"] = d["opts"][0][0]
    return D


def _without(element: tuple[str, str] | None) -> Weight | str:
    if element is None:
        return "w"
    kind, eid = element
    if kind == "place":

        def place_weight(u: Any, v: Any, d: dict[str, Any]) -> float | None:
            return None if u[0] == eid or v[0] == eid else d["w"]

        return place_weight

    def link_weight(u: Any, v: Any, d: dict[str, Any]) -> float | None:
        for option in d["opts"]:
            if not (option[4] and option[1] == eid):
                return float(option[0])
        return None

    return link_weight


def _best(D: nx.DiGraph, pair: tuple[str, str], element: tuple[str, str] | None) -> _Path | None:
    source, target = (pair[0], SRC), (pair[1], DST)
    if source not in D or target not in D:
        return None
    if element is not None and element[0] == "place" and element[1] in pair:
        return None
    try:
        weight, path = nx.single_source_dijkstra(D, source, target, weight=_without(element))
    except nx.NetworkXNoPath:
        return None
    time_h = cost = 0.0
    links: set[str] = set()
    for u, v in itertools.pairwise(path):
        for _, key, t, c, is_link in D[u][v]["opts"]:
            if element is None or not (is_link and element == ("link", key)):
                time_h += t
                cost += c
                if is_link:
                    links.add(key)
                break
    return _Path(float(weight), time_h, cost, frozenset(links), frozenset(n[0] for n in path))


def _elements(
    G: nx.MultiDiGraph, X: nx.MultiDiGraph, elements: str | Iterable[str]
) -> list[tuple[str, str]]:
    links = sorted({k for _, _, k, d in X.edges(keys=True, data=True) if d["kind"] == "link"})
    places = sorted({n[0] for n in X})
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
        ``destination`` columns (:func:`~corridors.demand.read_pairs`).
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
    >>> top["id"], int(top["pairs_cut"])
    ('pipeline:btc', 1)
    """
    import pandas as pd

    od = read_pairs(pairs, G)
    weights = criterion_weights(by)
    X = expand(G, commodity=commodity, year=year, avoid=avoid)
    D = _options(X, weights)
    scope = _elements(G, X, elements)
    base = {pair: _best(D, pair, None) for pair in od}
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for pair, path in base.items():
        if path is not None:
            for link in path.links:
                users.setdefault(("link", link), []).append(pair)
            for place in path.places:
                users.setdefault(("place", place), []).append(pair)

    F = flow_network(G, X) if throughput else None
    flow_base: dict[tuple[str, str], tuple[float, set[str], FlowProblem]] = {}
    if F is not None:
        for pair in od:
            problem = FlowProblem(with_terminals(F, [pair[0]], [pair[1]]))
            value, _, carriers = problem.solve()
            flow_base[pair] = (value, carriers, problem)

    rows = []
    for done, element in enumerate(scope, start=1):
        cut = rerouted = 0
        time_added = cost_added = criterion_added = 0.0
        routed = od if recompute_all else users.get(element, [])
        for pair in routed:
            before = base[pair]
            if before is None or _ends(element, pair):
                continue
            after = _best(D, pair, element)
            if after is None:
                cut += 1
                continue
            if (after.time_h, after.cost_usd_per_t) != (before.time_h, before.cost_usd_per_t):
                rerouted += 1
            time_added += after.time_h - before.time_h
            cost_added += after.cost_usd_per_t - before.cost_usd_per_t
            criterion_added += after.weight - before.weight
        lost, share, unbounded_lost = math.nan, math.nan, 0
        if F is not None:
            lost = share = 0.0
            for pair, (value, carriers, problem) in flow_base.items():
                if value == 0 or _ends(element, pair):
                    continue
                if not (recompute_all or element[1] in carriers):
                    continue
                after_value = problem.solve(problem.without(element))[0]
                if after_value != value and math.isinf(value):
                    unbounded_lost += 1  # its own section: the data do not bound it
                elif after_value != value:
                    lost += value - after_value
                    share += (value - after_value) / value
        name = G.nodes[element[1]].get("name", element[1]) if element[0] == "place" else ""
        rows.append(
            {
                "kind": element[0],
                "id": element[1],
                "name": name,
                "pairs_cut": cut,
                "pairs_ended": sum(_ends(element, pair) for pair in od),
                "pairs_rerouted": rerouted,
                "throughput_lost_tpy": lost,
                "throughput_lost_share": _clean(share),
                "unbounded_pairs_bounded": unbounded_lost,
                "criterion_added": max(_clean(criterion_added), 0.0),
                "cost_added_usd_per_t": _clean(cost_added),
                "time_added_h": _clean(time_added),
            }
        )
        if progress is not None:
            progress(done, len(scope))
    table = rank_elements(pd.DataFrame.from_records(rows, columns=COLUMNS[1:]))
    pair_rows = [
        {
            "origin": o,
            "destination": d,
            "reachable": base[(o, d)] is not None,
            "time_h": getattr(base[(o, d)], "time_h", math.nan),
            "cost_usd_per_t": getattr(base[(o, d)], "cost_usd_per_t", math.nan),
            "throughput_tpy": flow_base[(o, d)][0] if (o, d) in flow_base else math.nan,
        }
        for o, d in od
    ]
    return Criticality(table, pd.DataFrame.from_records(pair_rows), commodity, year, by)


def _ends(element: tuple[str, str], pair: tuple[str, str]) -> bool:
    """Whether the element is a place the pair starts or ends at (not ranked for that pair)."""
    return element[0] == "place" and element[1] in pair


def rank_elements(table: pd.DataFrame) -> pd.DataFrame:
    """Rank a criticality table: tonnes a year lost, then pairs cut off, then the criterion
    added (all largest first), then kind and id, so ties break the same way every run.

    Tonnes lost come first because they weigh a loss by what it carries: a link that cuts off
    a pair with a thin flow matters less than one that halves a main corridor's capacity.

    Losses of an unbounded flow (``unbounded_pairs_bounded``) do not rank: they say where the
    data lack a capacity, not what an element is worth, and are reported on their own.
    """
    if len(table):
        table = table.sort_values(
            ["throughput_lost_share", "pairs_cut", "criterion_added", "kind", "id"],
            ascending=[False, False, False, True, True],
            na_position="last",
            kind="stable",
        ).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def _clean(value: float) -> float:
    """Round away floating-point dust (sums of differences of the same figures)."""
    return round(value, 9) + 0.0
