"""Reading big networks: corridors' read + validate against geopandas reading the same files.

Target (issue 13): a 1M-edge network (500,000 two-way links) read and validated within 1.5x of
`geopandas.read_file` on the same GeoJSON, and of `geopandas.read_parquet` on GeoParquet, and
read and routed in under 4 GB of RSS. corridors reads with `corridors.network.io.load_core` (read,
validate every feature, build the core's columns: no networkx graph); `read_network` (the
networkx graph as well) is timed too, for reference. Each reader runs in a fresh process so
peaks do not mix, interleaved with the baseline so load on a shared machine affects both
alike; times are medians of the repeats, peaks the highest.

Run: `python benchmarks/bench_io.py [--links 500000] [--repeat 3] [--graph] [--only parquet]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

GEOJSON = {
    "geopandas": "import geopandas as g; g.read_file(P); g.read_file(L)",
    "load_core": "from corridors.network.io import load_core; load_core(P, L)",
}
PARQUET = {
    "geopandas": "import geopandas as g; g.read_parquet(P); g.read_parquet(L)",
    "load_core": "from corridors.network.io import load_core; load_core(P, L)",
}
GRAPH = {"read_network": "import corridors; corridors.read_network(P, L)"}
ROUTE = {
    "read+route": "from corridors.network.io import load_core; "
    "from corridors.analysis.routing import route; "
    "r = route(load_core(P, L), 'station:0-0', END, by='distance')",
}
#: Peak RSS from the process's own high-water mark (``ru_maxrss`` would carry the parent's
#: peak over ``exec``).
_TIMED = """
import re, time
from pathlib import Path
P, L, END = {places!r}, {links!r}, {end!r}
t = time.perf_counter()
{code}
kib = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
print(time.perf_counter() - t, kib / 2**20)
"""
_SOURCES = {"length_km": ["bench"], "geometry": ["bench"]}


def _grid(links: int) -> tuple[int, list[tuple[int, int, int, int]]]:
    """The side of a square grid and its first ``links`` edges as (i, j, i2, j2)."""
    side = int((links / 2) ** 0.5) + 1
    edges = [
        (i, j, i + di, j + dj)
        for i in range(side)
        for j in range(side)
        for di, dj in ((0, 1), (1, 0))
        if i + di < side and j + dj < side
    ]
    return side, edges[:links]


def _xy(i: int, j: int) -> list[float]:
    return [50 + j * 0.01, 40 + i * 0.01]


def _place(i: int, j: int) -> dict:
    props = {"id": f"station:{i}-{j}", "name": f"S{i}-{j}", "country": "KZ"}
    props |= {"kind": "rail_station", "sources": {"geometry": ["bench"]}}
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": _xy(i, j)},
    }


def _link(i: int, j: int, i2: int, j2: int) -> dict:
    props = {
        "id": f"rail:{i}-{j}-{i2}-{j2}",
        "from": f"station:{i}-{j}",
        "to": f"station:{i2}-{j2}",
        "mode": "rail",
        "gauge_mm": 1520,
        "length_km": 1.112 if i2 > i else round(1.112 * 0.766, 3),
        "commodities": ["container", "general"],
        "sources": _SOURCES,
    }
    line = {"type": "LineString", "coordinates": [_xy(i, j), _xy(i2, j2)]}
    return {"type": "Feature", "properties": props, "geometry": line}


def write_files(folder: Path, links: int) -> tuple[Path, Path, str]:
    """A contract-valid grid of ``links`` rail links as GeoJSON and GeoParquet (the tables
    as :func:`corridors.write_network` writes them), its sources, and a far corner."""
    import geopandas as gpd

    side, edges = _grid(links)
    places = [_place(i, j) for i in range(side) for j in range(side)]
    features = [_link(*e) for e in edges]
    for name, items in (("places", places), ("links", features)):
        text = ",\n".join(json.dumps(f) for f in items)
        (folder / f"{name}.geojson").write_text(
            '{"type": "FeatureCollection", "features": [\n' + text + "\n]}\n"
        )
        gdf = gpd.GeoDataFrame.from_features(items, crs="EPSG:4326")
        for column in ("commodities", "sources"):
            if column in gdf:
                gdf[column] = [json.dumps(v) for v in gdf[column]]
        gdf.to_parquet(folder / f"{name}.parquet", index=False, schema_version="1.0.0")
    (folder / "sources.csv").write_text(
        "id,title,publisher,date,url,note\nbench,Synthetic grid,corridors,2026,,invented\n"
    )
    far = max(edges, key=lambda e: e[2] + e[3])
    return folder / "places", folder / "links", f"station:{far[2]}-{far[3]}"


def timed(code: str, places: Path, links: Path, end: str) -> tuple[float, float]:
    """Seconds and peak RSS (GiB) of one reader in a fresh process."""
    script = _TIMED.format(places=str(places), links=str(links), end=end, code=code)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    seconds, gib = out.stdout.split()
    return float(seconds), float(gib)


def compare(
    readers: dict[str, str], files: tuple[Path, Path, str], repeat: int, label: str
) -> None:
    """Print each reader's median time, peak RSS and ratio to the geopandas baseline."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in readers}
    for _ in range(repeat):
        for name, code in readers.items():
            results[name].append(timed(code, *files))
    base = statistics.median(t for t, _ in results["geopandas"])
    for name, runs in results.items():
        seconds = statistics.median(t for t, _ in runs)
        peak = max(g for _, g in runs)
        print(
            f"  {label:10} {name:12} {seconds:7.2f} s  peak {peak:5.2f} GiB  {seconds / base:5.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--graph", action="store_true", help="Also time read_network.")
    parser.add_argument("--only", choices=("geojson", "parquet"), help="Time one format only.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stem_places, stem_links, end = write_files(Path(tmp), args.links)
        print(f"{args.links:,} two-way links ({2 * args.links:,} edges), medians of {args.repeat}")
        for label, suffix, readers in (
            ("GeoJSON", ".geojson", GEOJSON),
            ("GeoParquet", ".parquet", PARQUET),
        ):
            if args.only and args.only not in suffix:
                continue
            extra = GRAPH if args.graph else {}
            files = (stem_places.with_suffix(suffix), stem_links.with_suffix(suffix), end)
            compare({**readers, **extra}, files, args.repeat, label)
        files = (stem_places.with_suffix(".parquet"), stem_links.with_suffix(".parquet"), end)
        runs = [timed(ROUTE["read+route"], *files) for _ in range(args.repeat)]
        seconds, peak = statistics.median(t for t, _ in runs), max(g for _, g in runs)
        print(f"  GeoParquet read+route   {seconds:7.2f} s  peak {peak:5.2f} GiB (target < 4 GiB)")


if __name__ == "__main__":
    main()
