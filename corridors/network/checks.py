"""Checks of the network as a whole, beyond each feature's own fields.

- Land modes on land: a rail, road or pipeline link runs on land (Natural Earth 1:50m, shipped
  as ``corridors/assets/land_50m.geojson.gz``) except where its ``water_crossing`` says how it
  crosses water. The 1:50m coast is coarse, so a point within :data:`COAST_TOLERANCE_KM` of land
  counts as on land; what lies farther is measured along the line.
- The Caspian is closed: a sea link between two Caspian ports stays in the Caspian (but for
  :data:`CASPIAN_APPROACH_KM` of port channels, such as Olya's through the Volga delta), and a
  sea link never joins a Caspian port to another sea (the Volga-Don passage is a river route).
- Junctions join lines: a place of kind ``junction`` is not a dead end.
- Sources can be followed: a URL past the home page, a DOI or a handle, or a ``note`` saying
  why there is none.

Land and sea are the Earth's only for places in real countries: ISO 3166-1 leaves AA, QM-QZ,
XA-XZ and ZZ to private use, so a link whose two ends lie in such countries belongs to an
invented map (the tests' tiny network) and is not checked against land or the Caspian.

Breaking a rule is an error in a strict run (the bundled network, a finished network) and a
warning for a draft (``severity="warning"``). Findings that call for a look rather than a fix
(a short stretch over water, a junction on a plain through line, a source no feature cites)
are always warnings.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from corridors.network.field_checks import Issue, Report

if TYPE_CHECKING:
    import numpy as np
    import shapely

__all__ = [
    "CASPIAN_APPROACH_KM",
    "CASPIAN_PORT_KM",
    "COAST_TOLERANCE_KM",
    "LAND_MODES",
    "WATER_ERROR_KM",
    "Severity",
    "Stretch",
    "caspian_basin",
    "check_network",
    "followable",
    "haversine_rows",
    "land_tiles",
    "off_land",
]

Severity = Literal["error", "warning"]
LAND_MODES = ("rail", "road", "pipeline")
COAST_TOLERANCE_KM = 5.0  # how far from the 1:50m coast a point still counts as on land
WATER_ERROR_KM = 20.0  # more than this over water is an error; less, a warning
CASPIAN_PORT_KM = 25.0  # a sea link's end this close to the Caspian is a Caspian port
CASPIAN_APPROACH_KM = 30.0  # a Caspian sea link may leave the basin this far (port channels)
_PRIVATE_USE = re.compile(r"AA|Q[M-Z]|X[A-JL-Z]|ZZ")  # XK is Kosovo in common use: real
_STEP_DEG = 0.01  # lines are sampled about every 1 km
_KM_PER_DEG = 111.19  # km per degree of latitude (and of longitude at the equator)
_TILE_DEG = 2.0  # the land file is cut into tiles of this size (tools/make_land_50m.py)
_LAND_FILE = Path(__file__).parents[1] / "assets" / "land_50m.geojson.gz"
_HOME_PATH = re.compile(r"/?([a-z]{2}([-_][a-z]{2})?/?)?(index\.[a-z]+)?", re.IGNORECASE)
_DOI = re.compile(r"^(doi:\s*|https?://(dx\.)?doi\.org/)?10\.\d{4,9}/\S+$", re.IGNORECASE)
_HANDLE = re.compile(r"^(hdl:\s*|https?://hdl\.handle\.net/)\d[\w.]*/\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Stretch:
    """How much of a line lies farther than a tolerance from where it should be."""

    km: float  # length farther than the tolerance
    at: tuple[float, float]  # (lon, lat) where the line first gets that far


@cache
def _land_file() -> tuple[Any, ...]:
    import shapely

    collection = shapely.from_geojson(gzip.decompress(_LAND_FILE.read_bytes()))
    return tuple(shapely.get_parts(collection))


def caspian_basin() -> shapely.Polygon:
    """The Caspian Sea as a polygon (the hole the 1:50m land leaves for it).

    Examples
    --------
    >>> import shapely
    >>> basin = caspian_basin()
    >>> basin.contains(shapely.Point(50.5, 42.0)), basin.contains(shapely.Point(36.0, 43.0))
    (True, False)
    """
    return _land_file()[0]


def land_tiles() -> np.ndarray:
    """Natural Earth 1:50m land cut into 2-degree tiles (an array of shapely geometries).

    Examples
    --------
    >>> import shapely
    >>> tiles = land_tiles()
    >>> bool(shapely.contains(tiles, shapely.Point(44.79, 41.72)).any())  # Tbilisi
    True
    """
    import numpy as np

    return np.array(_land_file()[1:], dtype=object)


@cache
def _land_index() -> tuple[Any, Any, Any]:
    """Land tiles, the water of every tile-sized cell, and a spatial index of each."""
    import numpy as np
    import shapely

    tiles = land_tiles()
    lon = np.arange(-180.0, 180.0, _TILE_DEG)
    lat = np.arange(-90.0, 90.0, _TILE_DEG)
    cells = shapely.box(*np.meshgrid(lon, lat), *np.meshgrid(lon + _TILE_DEG, lat + _TILE_DEG))
    cells = cells.ravel()
    bounds = shapely.bounds(tiles)
    row = np.floor((bounds[:, 1] + 90 + 1e-6) / _TILE_DEG).astype(int)
    col = np.floor((bounds[:, 0] + 180 + 1e-6) / _TILE_DEG).astype(int)
    which = row * len(lon) + col
    water = cells.copy()
    water[which] = shapely.difference(cells[which], tiles)
    water = water[~shapely.is_empty(water)]
    return tiles, shapely.STRtree(tiles), shapely.STRtree(water)


def haversine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle km between rows of (lon, lat) arrays (NaN where a row is NaN)."""
    import numpy as np

    from corridors.network.geometry import EARTH_RADIUS_KM

    lon1, lat1, lon2, lat2 = (np.radians(v) for v in (a[:, 0], a[:, 1], b[:, 0], b[:, 1]))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _stretches(
    pieces: np.ndarray, owner: np.ndarray, allowed: Any, tolerance_km: float, n: int
) -> list[Stretch | None]:
    """Measure, for each of ``n`` lines, its pieces (owned by line ``owner[i]``) that lie
    farther than ``tolerance_km`` from the geometries indexed by ``allowed`` (an STRtree)."""
    import numpy as np
    import shapely

    out: list[Stretch | None] = [None] * n
    parts, index = shapely.get_parts(pieces, return_index=True)
    lines = shapely.get_type_id(parts) == 1
    parts, index = parts[lines], owner[index[lines]]
    if not len(parts):
        return out
    coords, part_of = shapely.get_coordinates(
        shapely.segmentize(parts, _STEP_DEG), return_index=True
    )
    points = shapely.points(coords)
    # a degree of longitude is shortest at the highest latitude: nothing within this many
    # degrees means farther than the tolerance everywhere
    widest = np.cos(np.radians(min(float(np.abs(coords[:, 1]).max()), 80.0)))
    search = tolerance_km / (_KM_PER_DEG * widest)
    far = np.ones(len(coords), dtype=bool)
    hit, nearest = allowed.query_nearest(points, max_distance=search, all_matches=False)
    ends = shapely.get_coordinates(
        shapely.shortest_line(points[hit], allowed.geometries.take(nearest))
    )[1::2]
    far[hit] = haversine_rows(coords[hit], ends) > tolerance_km
    same = part_of[1:] == part_of[:-1]
    step = np.where(same & far[:-1] & far[1:], haversine_rows(coords[:-1], coords[1:]), 0.0)
    line_of = index[part_of]
    km = np.bincount(line_of[:-1], weights=step, minlength=n)
    counted = np.flatnonzero(far & (km[line_of] > 0))
    flagged, first = np.unique(line_of[counted], return_index=True)
    for i, j in zip(flagged.tolist(), counted[first].tolist(), strict=True):
        out[i] = Stretch(float(km[i]), (float(coords[j, 0]), float(coords[j, 1])))
    return out


def off_land(
    lines: Iterable[Any], *, tolerance_km: float = COAST_TOLERANCE_KM
) -> list[Stretch | None]:
    """For each line (shapely LineString in lon, lat), the stretch of it over water.

    Only what lies farther than ``tolerance_km`` from the 1:50m land counts; None for a line
    entirely within that distance of land.

    Examples
    --------
    >>> import shapely
    >>> over_sea = shapely.LineString([(36.0, 43.0), (38.0, 43.0)])  # across the Black Sea
    >>> on_land = shapely.LineString([(44.8, 41.7), (42.7, 42.3)])  # Tbilisi to Kutaisi
    >>> [round(s.km, -1) if s else None for s in off_land([over_sea, on_land])]
    [160.0, None]
    """
    import numpy as np
    import shapely

    geoms = np.array(list(lines), dtype=object)
    _, land, water = _land_index()
    line, cell = water.query(geoms, predicate="intersects")
    pieces = shapely.intersection(geoms[line], water.geometries.take(cell))
    return _stretches(pieces, line, land, tolerance_km, len(geoms))


def _outside_caspian(lines: Any, tolerance_km: float) -> list[Stretch | None]:
    import numpy as np
    import shapely

    basin = caspian_basin()
    pieces = shapely.difference(lines, basin)
    return _stretches(
        pieces, np.arange(len(lines)), shapely.STRtree([basin]), tolerance_km, len(lines)
    )


class _Findings:
    """Issues of one run: hard ones at the chosen severity, soft ones always warnings."""

    def __init__(self, report: Report, severity: Severity):
        self.report, self.severity = report, severity

    def hard(self, file: str, fid: str, fld: str, message: str) -> None:
        target = self.report.errors if self.severity == "error" else self.report.warnings
        target.append(Issue(file, fid, fld, message))

    def soft(self, file: str, fid: str, fld: str, message: str) -> None:
        self.report.warnings.append(Issue(file, fid, fld, message))


def _usable(features: Iterable[Any], geometry: str) -> list[tuple[str, dict, list]]:
    """(id, properties, coordinates) of well-formed features; validation reports the rest."""
    out = []
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not isinstance(props.get("id"), str):
            continue
        if not isinstance(geom, dict) or geom.get("type") != geometry:
            continue
        coords = geom.get("coordinates")
        points = [coords] if geometry == "Point" else coords
        if not isinstance(points, list):
            continue
        try:
            shaped = [[float(c[0]), float(c[1])] for c in points]
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if all(abs(x) <= 180 and abs(y) <= 90 for x, y in shaped):
            out.append((props["id"], props, shaped))
    return out


def _on_earth(
    links: list[tuple[str, dict, list]], places: list[tuple[str, dict, list]]
) -> list[tuple[str, dict, list]]:
    """The links with an end in a real country (see the module notes)."""
    country = {pid: props.get("country") for pid, props, _ in places}

    def invented(place: Any) -> bool:
        code = country.get(place)
        return isinstance(code, str) and bool(_PRIVATE_USE.fullmatch(code))

    return [
        link
        for link in links
        if not (invented(link[1].get("from")) and invented(link[1].get("to")))
    ]


def _where(stretch: Stretch) -> str:
    lon, lat = stretch.at
    return f"from {lon:.2f}, {lat:.2f}"


def _check_land(found: _Findings, file: str, links: list[tuple[str, dict, list]]) -> None:
    import shapely

    land = [(fid, props, c) for fid, props, c in links if props.get("mode") in LAND_MODES]
    checked = [(fid, props, c) for fid, props, c in land if not props.get("water_crossing")]
    stretches = off_land([shapely.LineString(c) for _, _, c in checked])
    for (fid, props, _), stretch in zip(checked, stretches, strict=True):
        if stretch is None:
            continue
        message = (
            f"a {props['mode']} line runs {stretch.km:,.0f} km over water ({_where(stretch)}); "
            "expected on land: redraw it along its real alignment, or set water_crossing "
            "(subsea, tunnel, bridge, ferry) where it really crosses water"
        )
        if stretch.km > WATER_ERROR_KM:
            found.hard(file, fid, "geometry", message)
        else:
            found.soft(file, fid, "geometry", message)


def _check_caspian(found: _Findings, file: str, links: list[tuple[str, dict, list]]) -> None:
    import numpy as np
    import shapely

    sea = [(fid, c) for fid, props, c in links if props.get("mode") == "sea"]
    if not sea:
        return
    basin = caspian_basin()
    ends = shapely.points(np.array([[c[0], c[-1]] for _, c in sea]).reshape(-1, 2))
    distance = haversine_rows(
        shapely.get_coordinates(ends),
        shapely.get_coordinates(shapely.shortest_line(ends, basin))[1::2],
    )
    near = distance.reshape(-1, 2) <= CASPIAN_PORT_KM
    inner: list[int] = np.flatnonzero(near.all(axis=1)).tolist()
    lines = np.array([shapely.LineString(sea[i][1]) for i in inner], dtype=object)
    for i, stretch in zip(inner, _outside_caspian(lines, COAST_TOLERANCE_KM), strict=True):
        if stretch is not None and stretch.km > CASPIAN_APPROACH_KM:
            found.hard(
                file,
                sea[i][0],
                "geometry",
                f"a sea link between Caspian ports leaves the Caspian for {stretch.km:,.0f} km "
                f"({_where(stretch)}); expected within the Caspian: redraw it across the sea",
            )
    for i in np.flatnonzero(near.any(axis=1) & ~near.all(axis=1)).tolist():
        found.hard(
            file,
            sea[i][0],
            "to" if near[i, 0] else "from",
            "a sea link joins a Caspian port to another sea; the Caspian has no outlet to "
            "the ocean: end it at a Caspian port (the Volga-Don canal is a river passage)",
        )


def _check_junctions(
    found: _Findings,
    file: str,
    places: list[tuple[str, dict, list]],
    links: list[tuple[str, dict, list]],
) -> None:
    """A junction joins lines: never a dead end; two lines meeting there must differ."""
    meets: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for _, props, _ in links:
        a, b = props.get("from"), props.get("to")
        if isinstance(a, str) and isinstance(b, str):
            meets[a].append((b, props))
            meets[b].append((a, props))
    for pid, props, _ in places:
        if props.get("kind") != "junction" or pid not in meets:
            continue  # a place no link reaches is already a warning
        ends = meets[pid]
        neighbours = {other for other, _ in ends}
        oneway = [p for _, p in ends if p.get("oneway")]
        if len(neighbours) < 2:
            found.hard(
                file,
                pid,
                "kind",
                f"a junction with links to one place only ('{min(neighbours)}') is a dead end; "
                "expected links to 2 or more places: add the missing line, or give the "
                "place its own kind (rail_station, port, ...)",
            )
        elif len(oneway) == len(ends) and len({p.get("to") == pid for p in oneway}) == 1:
            way = "into" if oneway[0].get("to") == pid else "out of"
            found.hard(
                file,
                pid,
                "kind",
                f"every link is one way {way} this junction; a dead end for flows",
            )
        elif len(neighbours) == 2 and len({_line_kind(p) for _, p in ends}) == 1:
            found.soft(
                file,
                pid,
                "kind",
                "a junction where one line passes through (2 neighbours, same mode, gauge "
                "and corridors); expected 3+ lines, or a change of mode, gauge or line",
            )


def _line_kind(props: Mapping[str, Any]) -> tuple[Any, ...]:
    corridors = props.get("corridors")
    return (
        props.get("mode"),
        props.get("gauge_mm"),
        tuple(sorted(corridors)) if isinstance(corridors, list) else (),
    )


def followable(row: Mapping[str, str]) -> bool:
    """Whether a source row leads a reader to the document: a URL past the home page (a path
    or a query), a DOI or a handle (in ``url``), or a ``note`` saying why there is none.

    Examples
    --------
    >>> followable({"url": "https://astanatimes.com/"}), followable({"url": "10.1596/40022"})
    (False, True)
    >>> followable({"url": "https://en.trend.az/business/3912345.html"})
    True
    >>> followable({"url": "", "note": "internal KTZ tariff sheet, not published"})
    True
    """
    url = (row.get("url") or "").strip()
    if (row.get("note") or "").strip():
        return True
    if _DOI.match(url) or _HANDLE.match(url):
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return bool(parts.query) or not _HOME_PATH.fullmatch(parts.path)


def _check_sources(
    found: _Findings,
    file: str,
    sources: Mapping[str, Mapping[str, str]],
    cited: set[str],
) -> None:
    for sid, row in sources.items():
        if not followable(row):
            url = (row.get("url") or "").strip()
            what = f"is the home page {url!r}" if url else "is empty"
            found.hard(
                file,
                sid,
                "url",
                f"{what}; expected a link to the document itself (a URL past the home page, "
                "a DOI or a handle), or a note saying why there is none",
            )
        if sid not in cited:
            found.soft(file, sid, "id", "no feature or reference table cites this source")


def _cited(features: Iterable[tuple[str, dict, list]], tables: Iterable[str]) -> set[str]:
    cited = set(tables)
    for _, props, _ in features:
        named = props.get("sources")
        for ids in named.values() if isinstance(named, dict) else ():
            if isinstance(ids, list):
                cited.update(s for s in ids if isinstance(s, str))
    return cited


def check_network(
    places: list[Any],
    links: list[Any],
    sources: Mapping[str, Mapping[str, str]] | None,
    report: Report,
    *,
    places_file: str = "places",
    links_file: str = "links",
    sources_file: str = "sources.csv",
    severity: Severity = "error",
) -> None:
    """Run the network checks on GeoJSON-like features and add what they find to ``report``.

    Parameters
    ----------
    places, links
        Place and link features, as read; malformed ones are skipped (the field checks of
        :func:`~corridors.network.validation.validate_features` report them).
    sources
        The sources table keyed by id (``url`` and an optional ``note``), or None to skip
        the source checks.
    report
        Where errors and warnings are added.
    severity
        ``"error"`` for a network that must obey the rules, ``"warning"`` for a draft.

    Examples
    --------
    >>> from corridors.network.validation import Report
    >>> place = lambda pid, lon, lat: {
    ...     "properties": {"id": pid, "country": "GE", "kind": "port"},
    ...     "geometry": {"type": "Point", "coordinates": [lon, lat]},
    ... }
    >>> out_at_sea = {
    ...     "properties": {"id": "rail:poti-batumi", "from": "port:poti", "to": "port:batumi",
    ...                    "mode": "rail"},
    ...     "geometry": {"type": "LineString",
    ...                  "coordinates": [[41.66, 42.15], [41.2, 41.9], [41.64, 41.65]]},
    ... }
    >>> report = Report()
    >>> check_network([place("port:poti", 41.66, 42.15), place("port:batumi", 41.64, 41.65)],
    ...               [out_at_sea], None, report, severity="warning")
    >>> report.ok, [w.feature for w in report.warnings]
    (True, ['rail:poti-batumi'])
    """
    from corridors.network.reference import commodities, modes

    found = _Findings(report, severity)
    place_rows, link_rows = _usable(places, "Point"), _usable(links, "LineString")
    on_earth = _on_earth(link_rows, place_rows)
    _check_land(found, links_file, on_earth)
    _check_caspian(found, links_file, on_earth)
    _check_junctions(found, places_file, place_rows, link_rows)
    if sources is not None:
        tables = [
            s for table in (modes(), commodities()) for row in table.values() for s in row.sources
        ]
        _check_sources(found, sources_file, sources, _cited([*place_rows, *link_rows], tables))
