"""Build ``corridors/assets/land_50m.geojson.gz`` from world-atlas's ``land-50m.json`` (run once).

Natural Earth 1:50m land (public domain) as redistributed by world-atlas 2.x (ISC) in TopoJSON:
the arcs are decoded, the land is split into 2-degree tiles (so that a line is tested against a
few small polygons, not a continent) and the Caspian Sea, a hole in the Eurasian polygon, is
kept whole as the first geometry. Usage::

    python tools/make_land_50m.py node_modules/world-atlas/land-50m.json
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
import shapely

OUT = Path(__file__).parent.parent / "corridors" / "assets" / "land_50m.geojson.gz"
TILE_DEG = 2.0
CASPIAN_POINT = (50.5, 42.0)  # open water in the middle Caspian


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """The arcs of a quantized TopoJSON topology as (lon, lat) arrays."""
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [
        np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate
        for arc in topology["arcs"]
    ]


def ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Join the arcs of a ring; a negative index ~i is arc i reversed."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])


def land(topology: dict) -> shapely.Geometry:
    arcs = decode_arcs(topology)
    polygons = []
    for geometry in topology["objects"]["land"]["geometries"]:
        rings = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in rings:
            shell, *holes = (ring(arcs, r) for r in polygon)
            polygons.append(shapely.Polygon(shell, holes))
    valid = shapely.make_valid(shapely.MultiPolygon(polygons))
    parts = [g for part in shapely.get_parts(valid) for g in shapely.get_parts(part)]
    return shapely.MultiPolygon([g for g in parts if g.geom_type == "Polygon"])


def caspian(whole: shapely.Geometry) -> shapely.Polygon:
    point = shapely.Point(CASPIAN_POINT)
    for polygon in shapely.get_parts(whole):
        for hole in polygon.interiors:
            basin = shapely.Polygon(hole)
            if basin.contains(point):
                return basin
    raise SystemExit("no hole of the land contains the Caspian point")


def tiles(whole: shapely.Geometry) -> list[shapely.Geometry]:
    shapely.prepare(whole)
    out = []
    for lon in np.arange(-180, 180, TILE_DEG):
        for lat in np.arange(-90, 90, TILE_DEG):
            cell = shapely.box(lon, lat, lon + TILE_DEG, lat + TILE_DEG)
            if whole.intersects(cell):
                part = shapely.intersection(whole, cell, grid_size=1e-3)
                polys = [p for p in shapely.get_parts(part) if p.geom_type == "Polygon"]
                if polys:
                    out.append(shapely.MultiPolygon(polys))
    return out


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    whole = land(topology)
    collection = shapely.GeometryCollection([caspian(whole), *tiles(whole)])
    data = shapely.to_geojson(shapely.set_precision(collection, 1e-3)).encode()
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(collection.geoms) - 1} tiles)")


if __name__ == "__main__":
    main(sys.argv[1])
