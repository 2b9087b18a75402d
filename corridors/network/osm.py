"""Import railway lines, ferry routes, stations and ports from an OpenStreetMap extract.

An ``.osm.pbf`` (or ``.osm``/``.osm.bz2``) file is streamed once with pyosmium. Railway lines
(``railway=rail``, without yard, siding, spur and crossover tracks unless asked) and ferry routes
(``route=ferry``) are cut at every node where lines meet, where a station or port lies and where
the gauge changes; parallel tracks between the same two nodes become one link (the shortest),
and chains of segments through nodes of degree two are merged into one link. Stations
(``railway=station``, not metro or light-rail ones) and ports (``amenity=ferry_terminal``,
``harbour=yes``, ``landuse=port``) off the lines are snapped to the nearest line node within
``snap_m`` metres. Stubs that end nowhere (no station or port at the end) are pruned.

From the tags: ``gauge`` (the first of a dual gauge such as ``1435;1668``; the extract's most
common gauge where a line has none; lines on a gauge the data contract does not list are left
out and counted in :attr:`OsmNetwork.skipped`), whether the
line is ``electrified``, and the posted ``maxspeed``: a link's commercial speed is the mode's
default (``geodata/modes.csv``) except where the posted limit is lower. Lengths are measured on
the WGS84 ellipsoid along the geometry. Every figure cites the extract as its source, so the
result is a contract-valid network (:func:`import_osm` returns the features,
:func:`write_osm_network` writes them as ``places.geojson``, ``links.geojson`` and
``sources.csv``).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corridors.exceptions import DataError
from corridors.network.reference import modes
from corridors.network.schema import schema

__all__ = ["OsmNetwork", "import_osm", "write_osm_network"]

SKIPPED_SERVICE = frozenset({"yard", "siding", "spur", "crossover"})
"""``service=*`` values of tracks that are not through lines."""

URBAN_STATIONS = frozenset({"subway", "light_rail", "monorail", "funicular", "miniature"})
"""``station=*`` values of stations on urban lines, which are not railway=rail lines."""

OSM_SOURCE = "osm"
_EARTH_M = 6_371_008.8
_PORT_TAGS = (("amenity", "ferry_terminal"), ("harbour", "yes"), ("landuse", "port"))


@dataclass
class _Line:
    """One OSM way kept for the network: its node ids, coordinates and the tags that matter."""

    way: int
    mode: str  # rail or sea
    refs: list[int]
    coords: list[tuple[float, float]]
    gauge: int | None
    electrified: bool | None
    maxspeed: float | None
    name: str | None


@dataclass
class _Point:
    """A station or port node: where it is and what it is called."""

    node: int
    kind: str  # rail_station or port
    lon: float
    lat: float
    name: str | None
    aliases: list[str]


@dataclass
class OsmNetwork:
    """Contract-valid place and link features read from an OSM extract, with their source.

    ``skipped`` counts what the extract held and the network leaves out, by reason.
    """

    places: list[dict[str, Any]]
    links: list[dict[str, Any]]
    sources: dict[str, dict[str, str]]
    skipped: Counter[str] = field(default_factory=Counter)


def _number(text: str | None) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", text or "")
    if not match:
        return None
    value = float(match.group(1))
    return value * 1.609344 if match.group(2) else value


def _names(tags: Any) -> tuple[str | None, list[str]]:
    english, local = tags.get("name:en"), tags.get("name")
    name = english or local or tags.get("int_name")
    aliases = sorted({a for a in (local, tags.get("int_name")) if a and a != name})
    return name, aliases


def _line(way: Any, include_service: bool) -> _Line | None:
    tags = way.tags
    if tags.get("route") == "ferry":
        mode = "sea"
    elif tags.get("railway") == "rail" and (
        include_service or tags.get("service") not in SKIPPED_SERVICE
    ):
        mode = "rail"
    else:
        return None
    try:
        coords = [(n.lon, n.lat) for n in way.nodes]
    except Exception:  # osmium.InvalidLocationError: a node outside the extract
        return None
    if len(coords) < 2:
        return None
    electrified = tags.get("electrified")
    return _Line(
        way=way.id,
        mode=mode,
        refs=[n.ref for n in way.nodes],
        coords=coords,
        gauge=int(g) if mode == "rail" and (g := _number(tags.get("gauge"))) else None,
        electrified=None if electrified is None else electrified != "no",
        maxspeed=_number(tags.get("maxspeed")),
        name=_names(tags)[0],
    )


def _point(node: Any) -> _Point | None:
    tags = node.tags
    if tags.get("railway") == "station" and tags.get("station") not in URBAN_STATIONS:
        kind = "rail_station"
    elif any(tags.get(k) == v for k, v in _PORT_TAGS):
        kind = "port"
    else:
        return None
    name, aliases = _names(tags)
    return _Point(node.id, kind, node.location.lon, node.location.lat, name, aliases)


def _read(path: Path, include_service: bool) -> tuple[list[_Line], list[_Point], str]:
    import osmium

    lines: list[_Line] = []
    points: list[_Point] = []
    try:
        processor = osmium.FileProcessor(str(path)).with_locations()
        stamp = processor.header.get("osmosis_replication_timestamp") or ""
        wanted = osmium.filter.KeyFilter("railway", "route", "amenity", "harbour", "landuse")
        for obj in processor.with_filter(wanted):
            if isinstance(obj, osmium.osm.Way):
                if (line := _line(obj, include_service)) is not None:
                    lines.append(line)
            elif isinstance(obj, osmium.osm.Node) and (point := _point(obj)) is not None:
                points.append(point)
    except RuntimeError as err:
        raise DataError(f"{path}: not a readable OSM file ({err})") from None
    return lines, points, stamp[:10]


def _haversine_m(coords: np.ndarray) -> np.ndarray:
    """Lengths in metres of the steps between consecutive (lon, lat) rows."""
    lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    dlat, dlon = np.diff(lat), np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    return 2 * _EARTH_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _local_xy(lonlat: np.ndarray, scale: float) -> np.ndarray:
    """Metres on a plane with ``scale`` = cos(latitude) (good to a fraction for snapping)."""
    return np.radians(lonlat.reshape(-1, 2)) * np.array([scale, 1.0]) * _EARTH_M


def _snap(lines: list[_Line], points: list[_Point], snap_m: float) -> dict[int, _Point]:
    """The line node each station or port stands for: itself, or the nearest within snap_m."""
    from scipy.spatial import cKDTree

    on_lines: dict[int, tuple[float, float]] = {}
    for line in lines:
        on_lines.update(zip(line.refs, line.coords, strict=True))
    bound: dict[int, _Point] = {}
    ids = np.fromiter(on_lines, dtype=np.int64, count=len(on_lines))
    if not len(ids):
        return bound
    xy = np.array(list(on_lines.values()))
    scale = float(np.cos(np.radians(xy[:, 1].mean())))
    tree = cKDTree(_local_xy(xy, scale))
    lonlat = np.array([[p.lon, p.lat] for p in points], dtype=float)
    distance, nearest = tree.query(_local_xy(lonlat, scale))
    for point, d, i in zip(points, np.atleast_1d(distance), np.atleast_1d(nearest), strict=True):
        target = point.node if point.node in on_lines else int(ids[i])
        if (point.node in on_lines or d <= snap_m) and target not in bound:
            bound[target] = point
    return bound


def _segments(lines: list[_Line], cut: set[int]) -> Iterator[tuple[_Line, int, int]]:
    """(line, start, end) index ranges of each line between nodes where it must be cut."""
    for line in lines:
        start = 0
        for i in range(1, len(line.refs)):
            if line.refs[i] in cut or i == len(line.refs) - 1:
                yield line, start, i
                start = i


@dataclass
class _Edge:
    """A segment of a line (or a chain of them) between two nodes of the network."""

    u: int
    v: int
    mode: str
    gauge: int | None
    refs: list[int]
    coords: list[tuple[float, float]]
    lengths: list[float]
    limits: list[float | None]
    electrified: set[bool | None]
    names: set[str]

    @property
    def attrs(self) -> tuple[str, int | None]:
        return self.mode, self.gauge


def _edges(lines: list[_Line], keep: set[int], default_gauge: int) -> list[_Edge]:
    counts = Counter(ref for line in lines for ref in line.refs)
    ends = {ref for line in lines for ref in (line.refs[0], line.refs[-1])}
    cut = keep | ends | {ref for ref, n in counts.items() if n > 1}
    edges = []
    for line, a, b in _segments(lines, cut):
        coords = line.coords[a : b + 1]
        metres = float(_haversine_m(np.asarray(coords)).sum())
        edges.append(
            _Edge(
                line.refs[a],
                line.refs[b],
                line.mode,
                (line.gauge or default_gauge) if line.mode == "rail" else None,
                line.refs[a : b + 1],
                coords,
                [metres],
                [line.maxspeed],
                {line.electrified},
                {line.name} if line.name else set(),
            )
        )
    return edges


def _incidence(edges: list[_Edge]) -> dict[int, list[int]]:
    at: dict[int, list[int]] = defaultdict(list)
    for i, e in enumerate(edges):
        at[e.u].append(i)
        at[e.v].append(i)
    return at


def _prune(edges: list[_Edge], keep: set[int]) -> list[_Edge]:
    """Drop, repeatedly, edges that end at a node of degree one that no station or port holds."""
    alive = set(range(len(edges)))
    at = _incidence(edges)
    stack = [n for n, es in at.items() if len(es) == 1 and n not in keep]
    while stack:
        node = stack.pop()
        live = [i for i in at[node] if i in alive]
        if len(live) != 1 or node in keep:
            continue
        alive.discard(live[0])
        e = edges[live[0]]
        other = e.v if e.u == node else e.u
        if sum(i in alive for i in at[other]) == 1:
            stack.append(other)
    return [edges[i] for i in sorted(alive)]


def _oriented(e: _Edge, start: int) -> _Edge:
    if e.u == start:
        return e
    return _Edge(
        e.v,
        e.u,
        e.mode,
        e.gauge,
        e.refs[::-1],
        e.coords[::-1],
        e.lengths[::-1],
        e.limits[::-1],
        e.electrified,
        e.names,
    )


def _join(a: _Edge, b: _Edge) -> _Edge:
    return _Edge(
        a.u,
        b.v,
        a.mode,
        a.gauge,
        a.refs + b.refs[1:],
        a.coords + b.coords[1:],
        a.lengths + b.lengths,
        a.limits + b.limits,
        a.electrified | b.electrified,
        a.names | b.names,
    )


def _merge(edges: list[_Edge], keep: set[int]) -> list[_Edge]:
    """Merge chains through nodes of degree two whose two edges run on the same layer."""
    at = _incidence(edges)

    def through(node: int) -> bool:
        es = at[node]
        return (
            node not in keep
            and len(es) == 2
            and es[0] != es[1]
            and edges[es[0]].attrs == edges[es[1]].attrs
        )

    used: set[int] = set()
    merged: list[_Edge] = []
    for start in sorted(n for n in at if not through(n)) + sorted(at):
        for i in at[start]:
            if i in used:
                continue
            chain = _oriented(edges[i], start)
            used.add(i)
            while through(chain.v) and chain.v != start:
                nxt = next((j for j in at[chain.v] if j not in used), None)
                if nxt is None:
                    break
                used.add(nxt)
                chain = _join(chain, _oriented(edges[nxt], chain.v))
            merged.append(chain)
    return merged


def _parallel(edges: list[_Edge]) -> tuple[list[_Edge], int]:
    """One edge for each set of parallel tracks (same ends and layer): the shortest of them."""
    best: dict[tuple[int, int, str, int | None], _Edge] = {}
    for e in edges:
        key = (min(e.u, e.v), max(e.u, e.v), *e.attrs)
        if key not in best or sum(e.lengths) < sum(best[key].lengths):
            best[key] = e
    kept = {id(e) for e in best.values()}
    return [e for e in edges if id(e) in kept], len(edges) - len(best)


def _simplify(edges: list[_Edge], keep: set[int], prune: bool) -> tuple[list[_Edge], Counter[str]]:
    """Drop loops and parallel tracks, prune stubs and merge chains until nothing changes."""
    dropped: Counter[str] = Counter()
    while True:
        loops = [e for e in edges if e.u != e.v]
        dropped["loops back to the same node"] += len(edges) - len(loops)
        edges, n = _parallel(loops)
        dropped["parallel tracks"] += n
        if prune:
            edges = _prune(edges, keep)
        merged = _merge(edges, keep)
        if len(merged) == len(edges) and all(e.u != e.v for e in merged):
            return merged, dropped
        edges = merged


def _clusters(
    where: dict[int, tuple[float, float]], bound: set[int], radius_m: float
) -> dict[int, int]:
    """Node -> the node standing for its cluster: nodes closer than ``radius_m`` join, nearest
    pairs first, but a cluster never holds two stations or ports (one of them stands for it)."""
    from scipy.spatial import cKDTree

    nodes = sorted(where)
    lonlat = np.array([where[n] for n in nodes], dtype=float)
    xy = _local_xy(lonlat, float(np.cos(np.radians(lonlat[:, 1].mean()))))
    pairs = cKDTree(xy).query_pairs(radius_m, output_type="ndarray")
    order = np.argsort(np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T), kind="stable")
    head = list(range(len(nodes)))

    def root(i: int) -> int:
        while head[i] != i:
            head[i] = head[head[i]]
            i = head[i]
        return i

    for a, b in pairs[order].tolist():
        ra, rb = root(a), root(b)
        if ra == rb or (nodes[ra] in bound and nodes[rb] in bound):
            continue
        if nodes[rb] in bound or (nodes[ra] not in bound and nodes[rb] < nodes[ra]):
            ra, rb = rb, ra
        head[rb] = ra
    return {n: nodes[root(i)] for i, n in enumerate(nodes)}


def _connector(e: _Edge, a: int, b: int, where: dict[int, tuple[float, float]]) -> _Edge:
    """A straight piece on ``e``'s layer from node ``a`` to node ``b``."""
    coords = [where[a], where[b]]
    metres = float(_haversine_m(np.asarray(coords)).sum())
    return _Edge(a, b, e.mode, e.gauge, [a, b], coords, [metres], [None], set(), set())


def _consolidate(
    edges: list[_Edge], bound: set[int], radius_m: float
) -> tuple[list[_Edge], Counter[str]]:
    """Edges between the nodes of :func:`_clusters`, run on to the node standing for each end."""
    where: dict[int, tuple[float, float]] = {}
    for e in edges:
        where[e.u], where[e.v] = e.coords[0], e.coords[-1]
    rep = _clusters(where, bound, radius_m)
    out = []
    for e in edges:
        u, v = rep[e.u], rep[e.v]
        if u == v:
            continue
        if u != e.u:
            e = _join(_connector(e, u, e.u, where), e)
        if v != e.v:
            e = _join(e, _connector(e, e.v, v, where))
        out.append(e)
    merged = Counter({"junctions merged into a neighbour": sum(n != r for n, r in rep.items())})
    return out, merged


def _gauges(lines: list[_Line]) -> tuple[list[_Line], int, Counter[str]]:
    """The lines on a gauge of the data contract, the default gauge, and what was left out."""
    allowed = {int(g) for g in schema("links")["gauge_mm"].allowed}
    off = Counter(
        f"rail lines of {line.gauge} mm gauge"
        for line in lines
        if line.gauge not in allowed | {None}
    )
    kept = [line for line in lines if line.gauge is None or line.gauge in allowed]
    tagged = Counter(line.gauge for line in kept if line.gauge is not None)
    return kept, tagged.most_common(1)[0][0] if tagged else 1435, off


def _speed_kmh(e: _Edge, default: float) -> float | None:
    """The commercial speed where a posted limit along the link is below the mode's default."""
    hours = sum(
        m / 1000 / min(default, s or default) for m, s in zip(e.lengths, e.limits, strict=True)
    )
    km = sum(e.lengths) / 1000
    if hours <= 0 or km / hours >= default - 1e-9:
        return None
    return round(km / hours, 1)


def _place_feature(
    node: int,
    lonlat: tuple[float, float],
    point: _Point | None,
    country: str,
    gauges: set[int],
    degree: int,
) -> dict[str, Any]:
    kind = point.kind if point else "junction" if degree > 1 else "line_end"
    prefix = {"rail_station": "station", "port": "port", "junction": "junction", "line_end": "end"}[
        kind
    ]
    props: dict[str, Any] = {
        "id": f"{prefix}:n{point.node if point else node}",  # a station keeps its own OSM id
        "name": (point.name if point and point.name else f"OSM node {node}"),
        "country": country,
        "kind": kind,
        "sources": {"geometry": [OSM_SOURCE]},
    }
    if point and point.aliases:
        props["aliases"] = point.aliases
    if gauges:
        props["gauge_mm"] = sorted(gauges)
    return {"type": "Feature", "properties": props, "geometry": _point_geometry(lonlat)}


def _point_geometry(lonlat: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lonlat[0], 7), round(lonlat[1], 7)]}


def _link_feature(e: _Edge, link_id: str, place_ids: dict[int, str]) -> dict[str, Any]:
    defaults = modes()[e.mode]
    props: dict[str, Any] = {
        "id": link_id,
        "from": place_ids[e.u],
        "to": place_ids[e.v],
        "mode": e.mode,
        "length_km": round(sum(e.lengths) / 1000, 3),
        "commodities": ["container", "general"],
        "sources": {"length_km": [OSM_SOURCE], "geometry": [OSM_SOURCE]},
    }
    if e.gauge is not None:
        props["gauge_mm"] = e.gauge
    if (speed := _speed_kmh(e, defaults.speed_kmh)) is not None:
        props["speed_kmh"] = speed
        props["sources"]["speed_kmh"] = [OSM_SOURCE]
    if e.names:
        props["notes"] = "OSM: " + "; ".join(sorted(e.names))
    if len(e.electrified) == 1 and None not in e.electrified:  # known, and alike all along
        props["electrified"] = next(iter(e.electrified))
    coords = [[round(x, 7), round(y, 7)] for x, y in e.coords]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def _countries(lonlats: list[tuple[float, float]], country: str | None) -> list[str]:
    if country is not None:
        return [country] * len(lonlats)
    from corridors.maps.basemap import country_codes

    return country_codes(lonlats)


def _link_ids(edges: list[_Edge], place_ids: dict[int, str]) -> list[str]:
    seen: Counter[str] = Counter()
    ids = []
    for e in edges:
        base = f"{e.mode}:n{e.u}-n{e.v}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def _features(
    edges: list[_Edge], bound: dict[int, _Point], country: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = sorted({n for e in edges for n in (e.u, e.v)})
    where: dict[int, tuple[float, float]] = {}
    gauges: dict[int, set[int]] = defaultdict(set)
    degree: Counter[int] = Counter()
    for e in edges:
        where[e.u], where[e.v] = e.coords[0], e.coords[-1]
        degree.update((e.u, e.v))
        if e.gauge is not None:
            gauges[e.u].add(e.gauge)
            gauges[e.v].add(e.gauge)
    codes = _countries([where[n] for n in nodes], country)
    places = [
        _place_feature(n, where[n], bound.get(n), code, gauges[n], degree[n])
        for n, code in zip(nodes, codes, strict=True)
    ]
    place_ids = {n: f["properties"]["id"] for n, f in zip(nodes, places, strict=True)}
    edges = sorted(edges, key=lambda e: (e.mode, e.u, e.v, e.refs))
    links = [
        _link_feature(e, link_id, place_ids)
        for e, link_id in zip(edges, _link_ids(edges, place_ids), strict=True)
    ]
    return places, links


def _source(path: Path, stamp: str) -> dict[str, str]:
    return {
        "title": f"OpenStreetMap extract {path.name}: railway lines, ferry routes, stations, ports",
        "publisher": "OpenStreetMap contributors (ODbL 1.0)",
        "date": stamp,
        "url": "https://www.openstreetmap.org/copyright",
    }


def import_osm(
    path: str | os.PathLike[str],
    *,
    country: str | None = None,
    snap_m: float = 500.0,
    include_service: bool = False,
    prune: bool = True,
    merge_m: float = 0.0,
) -> OsmNetwork:
    """Read an OSM extract into contract-valid place and link features.

    Parameters
    ----------
    path
        An ``.osm.pbf``, ``.osm`` or ``.osm.bz2`` file.
    country
        The ISO 3166-1 alpha-2 code of every place; by default each place gets the country
        whose Natural Earth outline holds it.
    snap_m
        How far (metres) a station or port off the lines may be snapped to the nearest line node.
    include_service
        Keep yard, siding, spur and crossover tracks.
    prune
        Drop stubs that end at no station or port; kept, each such end is a place of kind
        ``line_end``.
    merge_m
        Merge the line nodes closer than this many metres into one (the station or port among
        them, or one of them): the switches of a station throat become one junction. 0 keeps
        every node where lines meet.

    Raises
    ------
    DataError
        When the file cannot be read, or holds no railway line or ferry route.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such OSM file")
    lines, points, stamp = _read(path, include_service)
    if not lines:
        raise DataError(f"{path}: no railway line (railway=rail) or ferry route (route=ferry)")
    lines, default_gauge, skipped = _gauges(lines)
    if not lines:
        raise DataError(
            f"{path}: no railway line on a gauge of the data contract ({dict(skipped)})"
        )
    bound = _snap(lines, points, snap_m)
    keep = set(bound)
    edges, dropped = _simplify(_edges(lines, keep, default_gauge), keep, prune)
    skipped.update(dropped)
    if merge_m > 0:
        edges, merged = _consolidate(edges, keep, merge_m)
        edges, dropped = _simplify(edges, keep, prune)
        skipped.update(merged + dropped)
    if not edges:
        raise DataError(
            f"{path}: no line joins two stations or ports once stubs are pruned "
            f"({len(bound)} station(s) or port(s) on the lines)"
        )
    places, links = _features(edges, bound, country)
    skipped["stations and ports off the lines"] = len(points) - len(bound)
    return OsmNetwork(places, links, {OSM_SOURCE: _source(path, stamp)}, +skipped)


def write_osm_network(network: OsmNetwork, folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``places.geojson``, ``links.geojson`` and ``sources.csv`` into ``folder``."""
    from corridors.network.io import write_feature_set

    return write_feature_set(Path(folder), network.places, network.links, network.sources)
