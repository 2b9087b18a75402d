"""Big-network maps: corridors' network map against a plain folium GeoJson layer of the lines.

Target (issue 13): at 100k edges (a 160 x 160 grid, 50,880 links), build time, file size and
time to open in Chromium each within 2x of one folium.GeoJson layer holding the same lines (no
popups, no places: the least a map of them can be). Opening is timed from navigation until
Leaflet has drawn every link's path; both pages get Leaflet and jQuery from the shipped copies.
Run: `python benchmarks/bench_big_map.py [--side 160] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from synthetic import grid_network

from corridors.network.model import link_edges

_DRAWN = "n => document.querySelectorAll('path.leaflet-interactive').length >= n"


def baseline(G: Any, path: Path) -> float:
    """Seconds to build and save one folium GeoJson layer of all the links."""
    import folium

    start = time.perf_counter()
    features = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": d["coords"]},
        }
        for *_, d in link_edges(G)
    ]
    m = folium.Map(tiles=None)
    folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(m)
    m.save(str(path))
    return time.perf_counter() - start


def ours(G: Any, path: Path) -> float:
    """Seconds to build and save corridors' network map (links, places, legend, base map)."""
    from corridors.maps.interactive import network_map, save_map

    start = time.perf_counter()
    save_map(network_map(G, tiles=None), path)
    return time.perf_counter() - start


def open_seconds(browser: Any, path: Path, links: int) -> float:
    """Seconds from navigation until Leaflet has drawn a path per link."""
    from corridors.maps.offline import asset_file

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()

    def handle(route: Any) -> None:
        local = asset_file(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        elif local is not None:
            route.fulfill(path=str(local))
        else:
            route.abort()

    context.route("**/*", handle)
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    page.wait_for_function(_DRAWN, arg=links, timeout=600_000)
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", type=int, default=160)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    G = grid_network(args.side)
    links = sum(1 for _ in link_edges(G))
    print(f"{G.number_of_edges():,} edges, {links:,} links; medians of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        rows = {}
        for name, build in (("folium GeoJson", baseline), ("corridors", ours)):
            path = Path(tmp) / f"{name.split()[0]}.html"
            built = statistics.median(build(G, path) for _ in range(args.repeat))
            opened = statistics.median(
                open_seconds(browser, path, links) for _ in range(args.repeat)
            )
            rows[name] = (built, path.stat().st_size / 2**20, opened)
        browser.close()
    base = rows["folium GeoJson"]
    for name, row in rows.items():
        ratios = ", ".join(f"{a / b:.2f}x" for a, b in zip(row, base, strict=True))
        figures = f"build {row[0]:6.1f} s  file {row[1]:6.1f} MB  open {row[2]:6.1f} s"
        print(f"  {name:15} {figures}  ({ratios})")
    print("  target: each ratio <= 2x")


if __name__ == "__main__":
    main()
