"""Routes on the expanded network: best and k materially different alternatives."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.analysis.corridor_kinds import RouteKind, route_kind
from corridors.core import (
    ACCESS,
    DST,
    KIND_NAMES,
    LINK,
    SRC,
    CompiledNetwork,
    Criterion,
    criterion_weights,
    edge_weight,
)
from corridors.core.avoid import Avoid
from corridors.core.network import CoreNetwork, as_core, compiled_of
from corridors.core.paths import PathFinder, path_weight
from corridors.exceptions import DataError, NoRouteError

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    import pandas as pd

__all__ = [
    "Border",
    "Leg",
    "Route",
    "Totals",
    "Transfer",
    "criterion_weights",
    "edge_weight",
    "route",
]

MAX_CANDIDATES = 60  # paths tried for the other corridors, and again for variants
MAX_DETOUR = 2.0  # an alternative may not replace a stretch of a chosen route by one 3x as costly
PENALTY = 2.0  # how much dearer the edges of a route found become, in the search for variants


@dataclass(frozen=True)
class Leg:
    """One link travelled: its id, mode, ends and figures per tonne."""

    link: str
    mode: str
    from_: str
    to: str
    length_km: float
    time_h: float
    cost_usd_per_t: float
    co2_kg_per_t: float

    def to_dict(self) -> dict[str, Any]:
        """As a plain dict, with ``from`` for ``from_``."""
        d = asdict(self)
        d["from"] = d.pop("from_")
        return {
            k: d[k]
            for k in (
                "link",
                "mode",
                "from",
                "to",
                "length_km",
                "time_h",
                "cost_usd_per_t",
                "co2_kg_per_t",
            )
        }


@dataclass(frozen=True)
class Transfer:
    """A change of mode or of rail gauge at a place."""

    place: str
    kind: str
    from_layer: str
    to_layer: str
    time_h: float
    cost_usd_per_t: float


@dataclass(frozen=True)
class Border:
    """A country boundary crossed on a link, with the dwell charged for it."""

    link: str
    from_country: str
    to_country: str
    time_h: float
    cost_usd_per_t: float


@dataclass(frozen=True)
class Totals:
    """Totals of a route per tonne: legs, transfers and borders together."""

    length_km: float
    time_h: float
    cost_usd_per_t: float
    co2_kg_per_t: float


@dataclass(frozen=True)
class Route:
    """A route from an origin to a destination for one commodity.

    ``origin`` and ``destination`` are the places it starts and ends at: where a query names a
    city (or a set of places), the terminal it uses. ``corridors`` are the corridor names of
    its links, most kilometres first; ``countries`` the countries it passes, in order; ``kind``
    the corridor it takes, read from its countries and sea legs
    (:func:`corridors.analysis.corridor_kinds.route_kind`), e.g. ``"Northern, through Russia to
    BY"``.
    """

    origin: str
    destination: str
    commodity: str
    places: list[str]
    legs: list[Leg]
    transfers: list[Transfer]
    borders: list[Border]
    total: Totals
    corridors: tuple[str, ...] = field(default=())
    countries: tuple[str, ...] = field(default=())
    kind: str = ""

    @property
    def links(self) -> list[str]:
        """Ids of the links travelled, in order."""
        return [leg.link for leg in self.legs]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: places, legs, transfers, borders and total (figures to 3 decimals)."""
        return _rounded(
            {
                "origin": self.origin,
                "destination": self.destination,
                "commodity": self.commodity,
                "places": list(self.places),
                "legs": [leg.to_dict() for leg in self.legs],
                "transfers": [asdict(t) for t in self.transfers],
                "borders": [asdict(b) for b in self.borders],
                "total": asdict(self.total),
                "corridors": list(self.corridors),
                "countries": list(self.countries),
                "kind": self.kind,
            }
        )

    def to_gdf(self, G: nx.MultiDiGraph) -> gpd.GeoDataFrame:
        """The legs as a GeoDataFrame (EPSG:4326), one row per leg, geometry drawn from ``G``."""
        import geopandas as gpd
        from shapely.geometry import LineString

        rows = [leg.to_dict() for leg in self.legs]
        geometry = [LineString(G.edges[leg.from_, leg.to, leg.link]["coords"]) for leg in self.legs]
        return gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")

    def to_frame(self) -> pd.DataFrame:
        """The legs as a DataFrame, one row per leg (see :mod:`corridors.display`)."""
        from corridors.display import route_frame

        return route_frame(self)

    def _repr_html_(self) -> str:
        from corridors.display import route_html

        return route_html(self)


def _rounded(value: Any) -> Any:
    """Round the floats of a JSON-ready structure to 3 decimals."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


class _Search:
    """One query's compiled network, weights and path finder; builds routes from edge paths."""

    def __init__(
        self,
        core: CoreNetwork,
        net: CompiledNetwork,
        by: Criterion,
        origins: list[str],
        destinations: list[str],
    ) -> None:
        self.core, self.net = core, net
        self.weights = net.weights(by)
        self.finder = path_finder(net)
        self.simple = None if self.finder.heap else self.finder.routing_graph_for(by)
        self.origins, self.destinations = origins, destinations
        self.source = _nodes(net, origins, SRC)
        self.target = _nodes(net, destinations, DST)

    def describe(self) -> str:
        """``no route from 'A' to 'B' for container`` (the start of a :class:`NoRouteError`)."""
        o, d = " or ".join(self.origins), " or ".join(self.destinations)
        return f"no route from '{o}' to '{d}' for {self.net.commodity}"

    def path(self, weights: Any = None) -> list[int] | None:
        """A cheapest path for ``weights`` (the criterion's by default), simplified."""
        if weights is None:
            found = self.finder.path(self.source, self.target, self.weights, simple=self.simple)
        else:
            found = self.finder.path(self.source, self.target, weights)
        return None if found is None else self.simplified(found)

    def simplified(self, path: list[int]) -> list[int]:
        """The path without changes of layer that a direct one at the same place beats or ties.

        Two place edges in a row (access, transfer, gauge change) at one place are replaced by
        the place's direct edge when that costs no more, and a change there and back is
        dropped: never worse, and what a forwarder would do. A change that is cheaper in two
        steps (say rail 1435 -> road -> rail 1520 when the gauge change costs more) is kept.
        """
        net, w = self.net, self.weights
        out = list(path)
        i = 0
        while i < len(out) - 1:
            a, b = out[i], out[i + 1]
            if net.kind[a] == LINK or net.kind[b] == LINK:
                i += 1
                continue
            u, v = int(net.tail[a]), int(net.head[b])
            if u == v:
                del out[i : i + 2]
                i = max(i - 1, 0)
                continue
            direct = self._direct(u, v)
            if direct is not None and w[direct] <= w[a] + w[b]:
                out[i : i + 2] = [direct]
                i = max(i - 1, 0)
                continue
            i += 1
        return out

    def _direct(self, u: int, v: int) -> int | None:
        net = self.net
        for e in range(int(net.indptr[u]), int(net.indptr[u + 1])):
            if net.head[e] == v:
                return e
        return None

    def weight(self, path: list[int]) -> float:
        """The criterion's cost of a path."""
        return path_weight(path, self.weights)

    def banned(self, countries: frozenset[str]) -> Any:
        """The criterion's weights with every edge into or out of those countries barred."""
        import numpy as np

        net = self.net
        code = np.array([c in countries for c in net.place_country], dtype=bool)
        node_place = net.node_place()
        bad = code[node_place[net.tail]] | code[node_place[net.head]]
        return np.where(bad, np.inf, self.weights)

    def route(self, path: list[int]) -> Route:
        """The :class:`Route` of a path of edge ids."""
        net = self.net
        origin = net.nodes[net.tail[path[0]]][0]
        return _build_route(self.core, net, path, origin, net.nodes[net.head[path[-1]]][0])


def _nodes(net: CompiledNetwork, places: list[str], role: str) -> list[int]:
    """The source (or sink) nodes of those places that have one, in the order given."""
    found = (net.node_index.get((p, role)) for p in places)
    return [n for n in found if n is not None]


def path_finder(net: CompiledNetwork) -> PathFinder:
    """The path finder of a compiled network (cached with it)."""
    if "path_finder" not in net.cache:
        net.cache["path_finder"] = PathFinder(net)
    finder: PathFinder = net.cache["path_finder"]
    return finder


def _legs(net: CompiledNetwork, path: list[int]) -> tuple[list[Leg], list[Transfer], list[Border]]:
    import numpy as np

    e = np.asarray(path, dtype=np.int64)
    node_place = net.node_place()
    tails, heads = net.tail[e].tolist(), net.head[e].tolist()
    kind, link, place = net.kind[e].tolist(), net.link[e].tolist(), net.place[e].tolist()
    length, time_h = net.length_km[e].tolist(), net.time_h[e].tolist()
    cost, co2 = net.cost_usd_per_t[e].tolist(), net.co2_kg_per_t[e].tolist()
    border_h, border_usd = net.border_h[e].tolist(), net.border_usd_per_t[e].tolist()
    from_place, to_place = node_place[net.tail[e]].tolist(), node_place[net.head[e]].tolist()
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    borders: list[Border] = []
    for i in range(len(path)):
        if kind[i] == LINK:
            a, b = net.place_ids[from_place[i]], net.place_ids[to_place[i]]
            lid = net.link_ids[link[i]]
            legs.append(
                Leg(lid, net.link_mode[link[i]], a, b, length[i], time_h[i], cost[i], co2[i])
            )
            ca, cb = net.place_country[from_place[i]], net.place_country[to_place[i]]
            if ca != cb:
                borders.append(Border(lid, ca, cb, border_h[i], border_usd[i]))
        elif kind[i] != ACCESS:
            transfers.append(
                Transfer(
                    net.place_ids[place[i]],
                    KIND_NAMES[kind[i]],
                    net.nodes[tails[i]][1],
                    net.nodes[heads[i]][1],
                    time_h[i],
                    cost[i],
                )
            )
    return legs, transfers, borders


def _build_route(
    core: CoreNetwork, net: CompiledNetwork, path: list[int], origin: str, destination: str
) -> Route:
    nodes = [net.nodes[net.tail[path[0]]]] + [net.nodes[net.head[e]] for e in path]
    places = [place for place, _ in itertools.groupby(node[0] for node in nodes)]
    legs, transfers, borders = _legs(net, path)
    parts: list[Leg | Transfer | Border] = [*legs, *transfers, *borders]
    total = Totals(
        length_km=sum(leg.length_km for leg in legs),
        time_h=sum(p.time_h for p in parts),
        cost_usd_per_t=sum(p.cost_usd_per_t for p in parts),
        co2_kg_per_t=sum(leg.co2_kg_per_t for leg in legs),
    )
    km: dict[str, float] = {}
    for leg in legs:
        for name in core.link(leg.link).get("corridors") or ():
            km[name] = km.get(name, 0.0) + leg.length_km
    countries = [core.country(p) for p in places]
    in_order = tuple(c for c, _ in itertools.groupby(countries))
    return Route(
        origin,
        destination,
        net.commodity,
        places,
        legs,
        transfers,
        borders,
        total,
        corridors=tuple(sorted(km, key=lambda name: (-km[name], name))),
        countries=in_order,
        kind=_route_kind(core, in_order, legs).label,
    )


def _route_kind(core: CoreNetwork, countries: tuple[str, ...], legs: list[Leg]) -> RouteKind:
    sea = [(leg.link, leg.from_, leg.to) for leg in legs if leg.mode == "sea"]
    return route_kind(core, countries, sea)


def _cost_at(net: CompiledNetwork, weights: Any, path: list[int]) -> dict[str, float]:
    """Generalised cost from the origin to each place of a path, in the order first reached."""
    at: dict[str, float] = {}
    cost = 0.0
    for e in path:
        at.setdefault(net.nodes[net.tail[e]][0], cost)
        cost += float(weights[e])
    at.setdefault(net.nodes[net.head[path[-1]]][0], cost)
    return at


def _detours(candidate: dict[str, float], other: dict[str, float]) -> bool:
    """Whether the candidate leaves the other route and rejoins it by a detour costing more than
    ``1 + MAX_DETOUR`` times the part it replaces (a loop, not an alternative)."""
    shared = [p for p in candidate if p in other]
    order = list(candidate)
    for a, b in itertools.pairwise(shared):
        if order.index(b) - order.index(a) < 2 or other[b] <= other[a]:
            continue  # the two routes run together here, or the other goes the other way
        if candidate[b] - candidate[a] > (1 + MAX_DETOUR) * (other[b] - other[a]) + 1e-9:
            return True
    return False


def _signature(r: Route) -> frozenset[str]:
    """Where a route changes mode or gauge and where it crosses borders."""
    return frozenset([t.place for t in r.transfers] + [b.link for b in r.borders])


def _differs(candidate: Route, accepted: Iterable[Route], min_difference: float) -> bool:
    """Whether the candidate differs materially from every accepted route.

    It must use other ports, gauge changes or border crossings, or have at least
    ``min_difference`` of its length on links the other route does not share (and vice versa).
    """
    km = {leg.link: leg.length_km for leg in candidate.legs}
    for other in accepted:
        other_km = {leg.link: leg.length_km for leg in other.legs}
        if km.keys() == other_km.keys():
            return False
        changed = sum(v for k, v in km.items() if k not in other_km) + sum(
            v for k, v in other_km.items() if k not in km
        )
        same_places = _signature(candidate) == _signature(other)
        if same_places and changed < min_difference * max(candidate.total.length_km, 1e-9):
            return False
    return True


def _kind(core: CoreNetwork, r: Route) -> tuple[str, ...]:
    """What tells corridors apart (:func:`corridors.analysis.corridor_kinds.route_kind`)."""
    return _route_kind(core, r.countries, r.legs).key


def _transit(r: Route) -> list[str]:
    """The countries a route passes through, other than those of its two ends."""
    ends = {r.countries[0], r.countries[-1]}
    return sorted({c for c in r.countries if c and c not in ends})


def _corridors(search: _Search, best: list[int], k: int) -> list[list[int]]:
    """The best route of each corridor (:func:`_kind`), best first, up to ``k`` of them.

    Found by avoiding in turn each country a route found passes through (and then each of
    the next route's, and so on): the cheapest route not yet seen under any such set of
    avoided countries comes next; it is kept when its kind is new.
    """
    import heapq

    chosen, kinds = [best], {_kind(search.core, search.route(best))}
    pool: list[tuple[float, int, frozenset[str], list[int]]] = []
    tried: set[frozenset[str]] = {frozenset()}
    budget = MAX_CANDIDATES

    def spawn(banned: frozenset[str], r: Route) -> None:
        nonlocal budget
        for country in _transit(r):
            more = banned | {country}
            if more in tried or budget <= 0:
                continue
            tried.add(more)
            budget -= 1
            path = search.path(search.banned(more))
            if path is not None:
                heapq.heappush(pool, (search.weight(path), len(tried), more, path))

    spawn(frozenset(), search.route(best))
    while pool and len(chosen) < k:
        _, _, banned, path = heapq.heappop(pool)
        r = search.route(path)
        if _kind(search.core, r) not in kinds:
            kinds.add(_kind(search.core, r))
            chosen.append(path)
        spawn(banned, r)
    return chosen


def _variants(
    search: _Search, chosen: list[list[int]], k: int, min_difference: float
) -> list[list[int]]:
    """Up to ``k`` more routes, materially different from the chosen ones and from each other.

    A penalty method: the edges of every route found so far cost ``PENALTY`` times more, the
    cheapest path under those costs is a candidate, and it is kept when it differs enough
    (:func:`_differs`) and is no detour (:func:`_detours`) by the true costs.
    """
    routes = [search.route(p) for p in chosen]
    reached = [_cost_at(search.net, search.weights, p) for p in chosen]
    penalised = search.weights.copy()
    for p in chosen:
        penalised[p] *= PENALTY
    found: list[list[int]] = []
    for _ in range(MAX_CANDIDATES):
        if len(found) == k:
            break
        path = search.path(penalised)
        if path is None:
            break
        penalised[path] *= PENALTY
        candidate, at = search.route(path), _cost_at(search.net, search.weights, path)
        if _differs(candidate, routes, min_difference) and not any(
            _detours(at, other) for other in reached
        ):
            routes.append(candidate)
            reached.append(at)
            found.append(path)
    return sorted(found, key=search.weight)


def route(
    G: nx.MultiDiGraph | CoreNetwork,
    origin: str | Sequence[str],
    destination: str | Sequence[str],
    *,
    commodity: str = "container",
    by: Criterion = "time",
    year: int | None = None,
    avoid: Avoid | None = None,
    k: int = 1,
    min_difference: float = 0.25,
) -> list[Route]:
    """Best route(s) from ``origin`` to ``destination``: the best, other corridors, variants.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`, or
        one held only in the core's columns, from :func:`~corridors.network.io.load_core`
        (for networks too big for a graph): the same routes either way.
    origin, destination
        Place ids, names or aliases (case- and accent-insensitive), or a city that several
        terminals serve (their ``city`` attribute, see
        :func:`~corridors.network.lookup.find_places`), or a list of any of these: the route is the
        best from any of the origin's places to any of the destination's, and :attr:`Route.origin`
        and :attr:`Route.destination` say which it uses (alternatives may use others).
    commodity
        One of the commodities table (``container``, ``general``, ``oil``, ``gas``).
    by
        ``"time"``, ``"cost"``, ``"distance"``, ``"co2"`` or a weighted mix such as
        ``{"time": 10.0, "cost": 1.0}`` (USD per hour and per USD).
    year
        Network of that year (links by ``open_year``); None for what is operational now.
    avoid
        Countries, places, links, modes or corridors not to use.
    k
        How many routes. First the best; then the best route of each other corridor, best first: a
        route's corridor comes from where it goes
        (:func:`corridors.analysis.corridor_kinds.route_kind`: Northern through Russia, Southern
        through Iran, by sea on an ocean lane, across a closed sea such as the Caspian, else
        overland through its countries), and the best of each is found by avoiding the countries the
        routes already found pass through. Then variants that differ materially from every route
        already chosen: through other ports, gauge changes or border crossings, or on at least
        ``min_difference`` of their length; an alternative that leaves a chosen route only to rejoin
        it by a detour more than three times as costly as the stretch it avoids is a loop, and is
        skipped. No route changes mode at its very start or end, or twice in a row at one place, for
        nothing. Each :class:`Route` names its ``kind``, its links' ``corridors`` and its
        ``countries``, and lists its ``borders``.

    Raises
    ------
    UnknownPlaceError
        An origin or destination matches no place (with suggestions).
    NoRouteError
        No route exists under the given conditions.

    Examples
    --------
    >>> from corridors import load_network
    >>> best = route(load_network(), "Alat", "Aktau", by="distance")[0]
    >>> [(leg.link, leg.mode) for leg in best.legs]
    [('sea:aktau-alat', 'sea')]
    """
    if k < 1:
        raise DataError(f"k is {k}; expected at least 1")
    search = _query(G, origin, destination, commodity=commodity, by=by, year=year, avoid=avoid)
    best = search.path()
    if best is None:
        raise NoRouteError(f"{search.describe()}{_conditions(year, avoid)}")
    chosen = _corridors(search, best, k) if k > 1 else [best]
    chosen += _variants(search, chosen, k - len(chosen), min_difference) if len(chosen) < k else []
    return [search.route(p) for p in chosen]


def _query(
    G: nx.MultiDiGraph | CoreNetwork,
    origin: str | Sequence[str],
    destination: str | Sequence[str],
    *,
    commodity: str,
    by: Criterion,
    year: int | None,
    avoid: Avoid | None,
) -> _Search:
    """The search of one query: its ends resolved, checked and present on the network."""
    core = as_core(G)
    origins, destinations = _ends(core, origin), _ends(core, destination)
    same = sorted(set(origins) & set(destinations))
    if same:
        raise DataError(f"origin and destination are the same place '{same[0]}'")
    criterion_weights(by)
    net = compiled_of(G, commodity=commodity, year=year, avoid=avoid)
    search = _Search(core, net, by, origins, destinations)
    if not search.source or not search.target:
        missing = " or ".join(origins if not search.source else destinations)
        raise NoRouteError(
            f"{search.describe()}: '{missing}' has no link in service for "
            f"{commodity}{_conditions(year, avoid)}"
        )
    return search


def _ends(core: CoreNetwork, query: str | Sequence[str]) -> list[str]:
    """The places one end of a query stands for: a city's terminals, or those of a list."""
    names = [query] if isinstance(query, str) else list(query)
    if not names:
        raise DataError("an end of the route names no place")
    found = (p for name in names for p in core.find_places(name))
    return list(dict.fromkeys(found))


def _conditions(year: int | None, avoid: Avoid | None) -> str:
    parts = [f" in {year}" if year is not None else ""]
    if avoid:
        named = [f"{k} {', '.join(sorted(v))}" for k, v in vars(avoid).items() if v]
        parts.append(f" avoiding {'; '.join(named)}" if named else "")
    return "".join(parts)
