"""Build the network graph from validated features, and the attribute contract of that graph.

The graph is a :class:`networkx.MultiDiGraph` whose nodes are place ids and whose edges are keyed
by link id, one edge per direction of travel (a one-way link has one). ``G.graph["crs"]`` is
``"EPSG:4326"``. Nodes carry the place properties plus ``x`` (lon) and ``y`` (lat); edges carry the
link properties plus ``coords`` (the line from ``u`` to ``v`` as (lon, lat) tuples) and
``reverse`` (True on the edge that runs against the drawn direction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CRS", "build_graph", "capacity_in", "in_service", "link_edges"]

CRS = "EPSG:4326"


def build_graph(
    places: Iterable[Mapping[str, Any]],
    links: Iterable[Mapping[str, Any]],
    **graph_attrs: Any,
) -> nx.MultiDiGraph:
    """Build the graph from valid GeoJSON-like place and link features.

    Features are added sorted by id, so the same data gives the same graph.
    """
    import networkx as nx

    G = nx.MultiDiGraph(crs=CRS, **graph_attrs)
    for feature in sorted(places, key=lambda f: f["properties"]["id"]):
        props = dict(feature["properties"])
        lon, lat = feature["geometry"]["coordinates"][:2]
        G.add_node(props.pop("id"), x=float(lon), y=float(lat), **props)
    for feature in sorted(links, key=lambda f: f["properties"]["id"]):
        props = dict(feature["properties"])
        key = props.pop("id")
        coords = tuple((float(c[0]), float(c[1])) for c in feature["geometry"]["coordinates"])
        u, v = props.pop("from"), props.pop("to")
        G.add_edge(u, v, key=key, coords=coords, reverse=False, **props)
        if not props.get("oneway", False):
            G.add_edge(v, u, key=key, coords=coords[::-1], reverse=True, **props)
    return G


def link_edges(G: nx.MultiDiGraph) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
    """Each link once, in its drawn direction: ``(from, to, link_id, attrs)``, sorted by id."""
    edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if not d["reverse"]]
    return sorted(edges, key=lambda e: e[2])


def in_service(attrs: Mapping[str, Any], year: int | None) -> bool:
    """Whether a place or link with these attributes is in the network of ``year``.

    With no year, only what is operational now counts. With a year, a feature counts from its
    ``open_year`` (planned ones only with one) until its ``close_year``; a suspended or closed
    one only in the years before its ``close_year``.

    Examples
    --------
    >>> zangezur = {"status": "under_construction", "open_year": 2027}
    >>> in_service(zangezur, None), in_service(zangezur, 2026), in_service(zangezur, 2030)
    (False, False, True)
    """
    status = attrs.get("status", "operational")
    if year is None:
        return status == "operational"
    open_year, close_year = attrs.get("open_year"), attrs.get("close_year")
    if close_year is not None and year >= close_year:
        return False
    if open_year is not None and year < open_year:
        return False
    if status in ("suspended", "closed"):
        return close_year is not None  # in service only in the years before it closed
    return status == "operational" or open_year is not None


def capacity_in(attrs: Mapping[str, Any], commodity: str, year: int | None) -> float | None:
    """The capacity (t/yr) of a place or link for ``commodity`` in the network of ``year``.

    ``capacity_by_year`` maps a year to the figure from that year on, each figure a number or a
    per-commodity mapping as ``capacity_tpy`` is; a year before the first listed one takes the
    first figure. With no year, with no ``capacity_by_year``, or when a scenario has set
    ``capacity_tpy`` (it cites the source ``scenario``), ``capacity_tpy`` is the figure. None
    means unbounded.

    Examples
    --------
    >>> btk = {"capacity_tpy": 5e6, "capacity_by_year": {"2017": 1e6, "2024": 5e6}}
    >>> capacity_in(btk, "general", 2015), capacity_in(btk, "general", 2022)
    (1000000.0, 1000000.0)
    >>> capacity_in(btk, "general", 2024), capacity_in(btk, "general", None)
    (5000000.0, 5000000.0)
    """
    value = attrs.get("capacity_tpy")
    timeline = attrs.get("capacity_by_year")
    scenario = "scenario" in (attrs.get("sources") or {}).get("capacity_tpy", ())
    if year is not None and timeline and not scenario:
        years = sorted(int(y) for y in timeline)
        start = max((y for y in years if y <= year), default=years[0])
        value = timeline[str(start)]
    if isinstance(value, Mapping):
        value = value.get(commodity)
    return None if value is None else float(value)
