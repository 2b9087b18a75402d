"""Reading big networks: corridors' read + validate against geopandas reading the same files.

Target (issue 13): a 1M-edge network (500,000 two-way links) read and validated within 1.5x of
`geopandas.read_file` on the same GeoJSON, and of `geopandas.read_parquet` on GeoParquet; peak
RSS printed (a 1M-edge network read and routed in under 4 GB). Each reader runs in a fresh
process so peaks do not mix. Run: `python benchmarks/bench_io.py [--links 500000] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

READERS = {
    "geopandas": "import geopandas as g; g.read_file(P); g.read_file(L)",
    "corridors": "import corridors; corridors.read_network(P, L)",
}
PARQUET_READERS = {
    "geopandas": "import geopandas as g; g.read_parquet(P); g.read_parquet(L)",
    "corridors": "import corridors; corridors.read_network(P, L)",
}
_TIMED = """
import resource, time
P, L = {places!r}, {links!r}
t = time.perf_counter()
{code}
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""


def write_files(folder: Path, links: int) -> tuple[Path, Path, Path]:
    """A contract-valid grid of about ``links`` rail links (GeoJSON), with its sources."""
    side = int((links / 2) ** 0.5) + 1
    src = {"length_km": ["bench"], "geometry": ["bench"]}
    places = []
    for i in range(side):
        for j in range(side):
            props = {"id": f"station:{i}-{j}", "name": f"S{i}-{j}", "country": "KZ"}
            props |= {"kind": "rail_station", "sources": {"geometry": ["bench"]}}
            geometry = {"type": "Point", "coordinates": [50 + j * 0.01, 40 + i * 0.01]}
            places.append({"type": "Feature", "properties": props, "geometry": geometry})
    features = []
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if len(features) >= links or i + di >= side or j + dj >= side:
                    continue
                props = {
                    "id": f"rail:{i}-{j}-{i + di}-{j + dj}",
                    "from": f"station:{i}-{j}",
                    "to": f"station:{i + di}-{j + dj}",
                    "mode": "rail",
                    "gauge_mm": 1520,
                    "length_km": 1.112 if di else round(1.112 * 0.766, 3),
                    "commodities": ["container", "general"],
                    "sources": src,
                }
                line = [
                    [50 + j * 0.01, 40 + i * 0.01],
                    [50 + (j + dj) * 0.01, 40 + (i + di) * 0.01],
                ]
                geometry = {"type": "LineString", "coordinates": line}
                features.append({"type": "Feature", "properties": props, "geometry": geometry})
    paths = folder / "places.geojson", folder / "links.geojson", folder / "sources.csv"
    for path, items in zip(paths, (places, features), strict=False):
        path.write_text(json.dumps({"type": "FeatureCollection", "features": items}))
    paths[2].write_text("id,title,publisher,date,url\nbench,Synthetic grid,corridors,2026,\n")
    return paths


def timed(code: str, places: Path, links: Path) -> tuple[float, float]:
    """Seconds and peak RSS (GiB) of one reader in a fresh process."""
    script = _TIMED.format(places=str(places), links=str(links), code=code)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    seconds, gib = out.stdout.split()
    return float(seconds), float(gib)


def compare(readers: dict[str, str], places: Path, links: Path, repeat: int, label: str) -> None:
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in readers}
    for _ in range(repeat):  # interleaved, so load on a shared machine affects both alike
        for name, code in readers.items():
            results[name].append(timed(code, places, links))
    base = statistics.median(t for t, _ in results["geopandas"])
    for name, runs in results.items():
        seconds = statistics.median(t for t, _ in runs)
        peak = max(g for _, g in runs)
        print(
            f"  {label:10} {name:10} {seconds:7.2f} s  peak {peak:5.2f} GiB  {seconds / base:5.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import corridors

    with tempfile.TemporaryDirectory() as tmp:
        places, links, _ = write_files(Path(tmp), args.links)
        G = corridors.read_network(places, links)
        print(f"{G.number_of_edges():,} edges ({args.links:,} links), medians of {args.repeat}")
        compare(READERS, places, links, args.repeat, "GeoJSON")
        pq_places, pq_links = Path(tmp) / "places.parquet", Path(tmp) / "links.parquet"
        corridors.write_network(G, pq_places, pq_links)
        compare(PARQUET_READERS, pq_places, pq_links, args.repeat, "GeoParquet")


if __name__ == "__main__":
    main()
