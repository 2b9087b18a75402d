"""Routes on the expanded network: best and k materially different alternatives."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import DataError, NoRouteError
from corridors.expand import DST, SRC, Avoid, expand
from corridors.lookup import find_place

if TYPE_CHECKING:
    import geopandas as gpd
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

METRICS = {
    "time": "time_h",
    "cost": "cost_usd_per_t",
    "distance": "length_km",
    "co2": "co2_kg_per_t",
}
_BORDER = {"time_h": "border_h", "cost_usd_per_t": "border_usd_per_t"}
MAX_CANDIDATES = 60
MAX_DETOUR = 2.0  # an alternative may not replace a stretch of a chosen route by one 3x as costly

Criterion = str | Mapping[str, float]


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
    """A route from an origin to a destination for one commodity."""

    origin: str
    destination: str
    commodity: str
    places: list[str]
    legs: list[Leg]
    transfers: list[Transfer]
    borders: list[Border]
    total: Totals

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


def criterion_weights(by: Criterion) -> dict[str, float]:
    """Edge attributes and their weights for a criterion (``"time"`` or ``{"cost": 1, ...}``).

    Examples
    --------
    >>> criterion_weights({"time": 5, "cost": 1})
    {'cost_usd_per_t': 1.0, 'time_h': 5.0}
    """
    if isinstance(by, str):
        if by not in METRICS:
            raise DataError(
                f"unknown criterion '{by}'; expected one of {', '.join(METRICS)} "
                "or a mapping of them to weights"
            )
        return {METRICS[by]: 1.0}
    unknown = sorted(set(by) - set(METRICS))
    if unknown or not by:
        raise DataError(
            f"unknown criterion {unknown or by!r}; expected weights of {', '.join(METRICS)}"
        )
    if any(w < 0 for w in by.values()):
        raise DataError("criterion weights must be >= 0")
    return {METRICS[k]: float(w) for k, w in sorted(by.items())}


def edge_weight(attrs: Mapping[str, Any], weights: Mapping[str, float]) -> float:
    """The generalised cost of one expanded edge (border dwell included)."""
    return sum(w * (attrs[m] + attrs.get(_BORDER.get(m, ""), 0.0)) for m, w in weights.items())


_SIMPLE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[Any, nx.DiGraph]] = (
    weakref.WeakKeyDictionary()
)


def _simple(X: nx.MultiDiGraph, weights: Mapping[str, float]) -> nx.DiGraph:
    """Collapse parallel edges to the cheapest one, remembering its key (cached per X)."""
    cache = _SIMPLE.setdefault(X, {})
    key = tuple(sorted(weights.items()))
    if key not in cache:
        D = nx.DiGraph()
        D.add_nodes_from(X)
        for u, v, k, d in X.edges(keys=True, data=True):
            w = edge_weight(d, weights)
            if not D.has_edge(u, v) or (w, k) < (D[u][v]["weight"], D[u][v]["key"]):
                D.add_edge(u, v, weight=w, key=k)
        cache[key] = D
    return cache[key]


def _build_route(
    X: nx.MultiDiGraph, D: nx.DiGraph, path: list[Any], origin: str, destination: str
) -> Route:
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    borders: list[Border] = []
    places = [place for place, _ in itertools.groupby(node[0] for node in path)]
    for u, v in itertools.pairwise(path):
        d = X.edges[u, v, D[u][v]["key"]]
        if d["kind"] == "link":
            legs.append(
                Leg(
                    d["link"],
                    d["mode"],
                    d["from"],
                    d["to"],
                    d["length_km"],
                    d["time_h"],
                    d["cost_usd_per_t"],
                    d["co2_kg_per_t"],
                )
            )
            if d["border"]:
                borders.append(
                    Border(
                        d["link"],
                        d["border"][0],
                        d["border"][1],
                        d["border_h"],
                        d["border_usd_per_t"],
                    )
                )
        elif d["kind"] != "access":
            transfers.append(
                Transfer(d["place"], d["kind"], u[1], v[1], d["time_h"], d["cost_usd_per_t"])
            )
    parts: list[Leg | Transfer | Border] = [*legs, *transfers, *borders]
    total = Totals(
        length_km=sum(leg.length_km for leg in legs),
        time_h=sum(p.time_h for p in parts),
        cost_usd_per_t=sum(p.cost_usd_per_t for p in parts),
        co2_kg_per_t=sum(leg.co2_kg_per_t for leg in legs),
    )
    commodity = X.graph["commodity"]
    return Route(origin, destination, commodity, places, legs, transfers, borders, total)


def _wasteful(X: nx.MultiDiGraph, D: nx.DiGraph, path: list[Any]) -> bool:
    """Whether a path changes layer right after leaving or before arriving, or twice in a row
    at one place: never better than the same path without those changes."""
    kinds = [X.edges[u, v, D[u][v]["key"]]["kind"] for u, v in itertools.pairwise(path)]
    place_edge = [kind not in ("link", "access") for kind in kinds]
    return (len(kinds) > 2 and (place_edge[1] or place_edge[-2])) or any(
        a and b for a, b in itertools.pairwise(place_edge)
    )


def _cost_at(D: nx.DiGraph, path: list[Any]) -> dict[str, float]:
    """Generalised cost from the origin to each place of a path, in the order first reached."""
    at: dict[str, float] = {}
    cost = 0.0
    for u, v in itertools.pairwise(path):
        at.setdefault(u[0], cost)
        cost += D[u][v]["weight"]
    at.setdefault(path[-1][0], cost)
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


def route(
    G: nx.MultiDiGraph,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    by: Criterion = "time",
    year: int | None = None,
    avoid: Avoid | None = None,
    k: int = 1,
    min_difference: float = 0.25,
) -> list[Route]:
    """Best route(s) from ``origin`` to ``destination``, best first.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`.
    origin, destination
        Place ids, names or aliases (case- and accent-insensitive).
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
        How many routes: the best, then alternatives that differ materially from every route
        already chosen: through other ports, gauge changes or border crossings, or on at least
        ``min_difference`` of their length; an alternative that leaves a chosen route only to
        rejoin it by a detour more than three times as costly as the stretch it avoids is a
        loop, and is skipped; so is one that changes mode at its very start or end, or twice
        in a row at one place, for nothing.

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
    o, d = find_place(G, origin), find_place(G, destination)
    if o == d:
        raise DataError(f"origin and destination are the same place '{o}'")
    weights = criterion_weights(by)
    X = expand(G, commodity=commodity, year=year, avoid=avoid)
    D = _simple(X, weights)
    source, target = (o, SRC), (d, DST)
    if source not in D or target not in D:
        missing = o if source not in D else d
        raise NoRouteError(
            f"no route from '{o}' to '{d}' for {commodity}: '{missing}' has no "
            f"link in service for {commodity}{_conditions(year, avoid)}"
        )
    try:
        if k == 1:
            paths: Iterable[list[Any]] = [nx.dijkstra_path(D, source, target, weight="weight")]
        else:
            paths = nx.shortest_simple_paths(D, source, target, weight="weight")
        routes: list[Route] = []
        reached: list[dict[str, float]] = []
        for path in itertools.islice(paths, MAX_CANDIDATES):
            if _wasteful(X, D, path):
                continue
            candidate, at = _build_route(X, D, path, o, d), _cost_at(D, path)
            if _differs(candidate, routes, min_difference) and not any(
                _detours(at, other) for other in reached
            ):
                routes.append(candidate)
                reached.append(at)
                if len(routes) == k:
                    break
    except nx.NetworkXNoPath:
        raise NoRouteError(
            f"no route from '{o}' to '{d}' for {commodity}{_conditions(year, avoid)}"
        ) from None
    return routes


def _conditions(year: int | None, avoid: Avoid | None) -> str:
    parts = [f" in {year}" if year is not None else ""]
    if avoid:
        named = [f"{k} {', '.join(sorted(v))}" for k, v in vars(avoid).items() if v]
        parts.append(f" avoiding {'; '.join(named)}" if named else "")
    return "".join(parts)
