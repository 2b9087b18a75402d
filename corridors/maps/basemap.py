"""A light base map of countries, for maps drawn without tiles (offline) and for PNGs.

The outlines are Natural Earth's 1:50m countries (public domain) as the npm package
``world-atlas@2.0.2`` ships them (TopoJSON, ISC licence), shipped with corridors in
``corridors/assets/`` (see :mod:`corridors.maps.offline`). They are decoded here, clipped to the
area drawn, simplified below what shows at country zoom, and carry no names or other text.
Where ``CORRIDORS_ASSETS`` names a folder without the package, maps are drawn on a plain
background.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.exceptions import DataError

if TYPE_CHECKING:
    import folium

__all__ = ["ATLAS", "LAND", "WATER", "add_basemap", "countries", "country_codes"]

ATLAS = ("world-atlas", "2.0.2", "countries-50m.json")
"""The npm package, version and file the outlines come from."""

LAND, BORDER, WATER = "#f3f1ec", "#c8c2b4", "#d3e2ec"
"""Fill of land, colour of borders and coastlines, and the background (water)."""

_TOLERANCE_DEG = 0.02
_PRECISION = 3


def _atlas_file(assets: str | os.PathLike[str] | None) -> Path | None:
    from corridors.maps.offline import find_assets, installed_version

    try:
        folder = find_assets(assets)
    except DataError:
        return None
    package = folder / ATLAS[0]
    path = package / ATLAS[2]
    return path if path.is_file() and installed_version(package.resolve()) == ATLAS[1] else None


@cache
def _decode(path: Path) -> tuple[Any, ...]:
    """The countries of a world-atlas TopoJSON file as shapely geometries."""
    return tuple(shape for _, shape in _decode_with_ids(path))


@cache
def _decode_with_ids(path: Path) -> tuple[tuple[str, Any], ...]:
    """The countries of a world-atlas TopoJSON file: (ISO 3166 numeric id, geometry) pairs."""
    from shapely import MultiPolygon, Polygon, make_valid

    topology = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = (
            [geometry["arcs"]]
            if kind == "Polygon"
            else geometry["arcs"]
            if kind == "MultiPolygon"
            else []
        )
        parts = [Polygon(ring(rings[0]), [ring(r) for r in rings[1:]]) for rings in polygons]
        if parts:
            shapes.append((str(geometry.get("id") or ""), make_valid(MultiPolygon(parts))))
    return tuple(shapes)


def country_codes(
    points: list[tuple[float, float]], *, assets: str | os.PathLike[str] | None = None
) -> list[str]:
    """The ISO 3166-1 alpha-2 code of the country each (lon, lat) point lies in (or nearest).

    Raises
    ------
    DataError
        When the Natural Earth outlines are not installed, or a point is in no country.
    """
    import numpy as np
    import pycountry
    import shapely

    path = _atlas_file(assets)
    if path is None:
        raise DataError("the Natural Earth country outlines are not installed; name the country")
    known = [(pycountry.countries.get(numeric=i), s) for i, s in _decode_with_ids(path)]
    alpha2 = np.array([country.alpha_2 for country, _ in known if country is not None])
    tree = shapely.STRtree([s for country, s in known if country is not None])
    geoms = shapely.points(np.asarray(points, dtype=float).reshape(-1, 2))
    found = np.full(len(geoms), -1)
    point_index, shape_index = tree.query_nearest(geoms, max_distance=0.5, all_matches=False)
    found[point_index] = shape_index  # within half a degree: ports on a coarse coastline
    if (found < 0).any():
        lon, lat = np.asarray(points)[int(np.argmax(found < 0))]
        raise DataError(f"point ({lon}, {lat}) lies in no country; name the country")
    return [str(code) for code in alpha2[found]]


def countries(
    bounds: tuple[float, float, float, float],
    *,
    assets: str | os.PathLike[str] | None = None,
) -> list[Any] | None:
    """Country shapes clipped to ``(west, south, east, north)`` and simplified; None when the
    assets folder (see :func:`corridors.maps.offline.find_assets`) has no ``world-atlas@2.0.2``."""
    path = _atlas_file(assets)
    if path is None:
        return None
    west, south, east, north = (float(b) for b in bounds)
    return list(_clipped(path, (west, south, east, north)))


@cache
def _clipped(path: Path, bounds: tuple[float, float, float, float]) -> tuple[Any, ...]:
    import shapely

    out = []
    for shape in _decode(path):
        clipped = shapely.clip_by_rect(shape, *bounds)
        if clipped.is_empty:
            continue
        simple = shapely.set_precision(
            clipped.simplify(_TOLERANCE_DEG, preserve_topology=True), 10**-_PRECISION
        )
        if not simple.is_empty:
            out.append(simple)
    return tuple(out)


def _around(points: list[list[float]]) -> tuple[float, float, float, float]:
    """The area to draw countries in: the points' box and more, in whole degrees."""
    import math

    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    pad_lat = max(10.0, (max(lats) - min(lats)) * 0.6)
    pad_lon = max(15.0, (max(lons) - min(lons)) * 0.6)
    return (
        max(-180.0, math.floor(min(lons) - pad_lon)),
        max(-85.0, math.floor(min(lats) - pad_lat)),
        min(180.0, math.ceil(max(lons) + pad_lon)),
        min(85.0, math.ceil(max(lats) + pad_lat)),
    )


def add_basemap(
    m: folium.Map, points: list[list[float]], *, assets: str | os.PathLike[str] | None = None
) -> bool:
    """Draw the countries around ``points`` ([lat, lon]) under everything else on ``m``.

    Returns whether the base map was drawn (False where the assets lack ``world-atlas``).
    """
    import shapely
    from branca.element import Element

    from corridors.maps.page import figure_of, script_element

    if not points:
        return False
    shapes = countries(_around(points), assets=assets)
    if shapes is None:
        return False
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(s))}
            for s in shapes
        ],
    }
    look = {"color": BORDER, "weight": 0.6, "fillColor": LAND, "fillOpacity": 1}
    options = {**look, "style": look, "interactive": False, "className": "corridors-basemap"}
    code = (
        f"L.geoJSON({json.dumps(data, separators=(',', ':'))}, {json.dumps(options)})"
        ".addTo(__MAP__);"
    )
    m.add_child(script_element("Basemap", code))  # numbers only: no text from data
    figure_of(m).header.add_child(
        Element(f"<style>.folium-map.leaflet-container{{background:{WATER}}}</style>"),
        name="corridors_water",
    )
    return True
