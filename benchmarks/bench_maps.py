"""Maps: time and size of the whole bundled network's map, against plain folium.

Targets (issue 6): the map of the whole bundled network is written in under 2 s and is under
3 MB. Measured here, as medians of repeated runs in one process (the first run, which imports
folium and shapely, is reported apart):

* ``network_map`` + ``save_map`` of the bundled network (online, and offline with the scripts
  inlined), and ``route_map`` of three alternatives;
* a baseline drawn in the same run: plain folium, one ``PolyLine`` per link with its full
  geometry, a tooltip and a popup of its id, one ``CircleMarker`` per place, saved with
  ``Map.save``. The ratios say what the styling, popups with sources, escaping and
  deterministic ids cost over that.

Also timed: the whole command ``corridors map`` in a fresh process (imports included; importing
folium alone compiles its templates and takes most of a second), against ``corridors info`` in
a fresh process as the baseline of starting up and loading the network.

Also run on a synthetic network ten times the size (the bundled network's links repeated in
shifted copies) to show how it scales.

Run: ``python benchmarks/bench_maps.py [--runs N]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import corridors
from corridors.maps.interactive import network_map, route_map, save_map
from corridors.network.model import link_edges


def baseline(G: nx.MultiDiGraph, path: Path) -> None:
    import folium

    m = folium.Map(tiles="OpenStreetMap")
    for _, _, key, d in link_edges(G):
        folium.PolyLine([(lat, lon) for lon, lat in d["coords"]], tooltip=key, popup=key).add_to(m)
    for place, d in G.nodes(data=True):
        folium.CircleMarker((d["y"], d["x"]), radius=5, tooltip=place, popup=place).add_to(m)
    m.save(str(path))


def copies(G: nx.MultiDiGraph, n: int) -> nx.MultiDiGraph:
    """``n`` copies of the network side by side, 1 degree apart in latitude."""
    H = nx.MultiDiGraph(**G.graph)
    for i in range(n):
        for node, d in G.nodes(data=True):
            H.add_node(f"{node}#{i}", **{**d, "y": d["y"] + i})
        for u, v, k, d in G.edges(keys=True, data=True):
            coords = tuple((x, y + i) for x, y in d["coords"])
            H.add_edge(f"{u}#{i}", f"{v}#{i}", key=f"{k}#{i}", **{**d, "coords": coords})
    return H


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    first = None
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        if first is None:
            first = elapsed
        else:
            times.append(elapsed)
    assert first is not None
    return first, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    G = corridors.load_network()
    routes = corridors.route(G, "Khorgos", "Constanta", k=3)
    big = copies(G, 10)
    n_links = sum(1 for _ in link_edges(G))
    print(f"bundled network: {G.number_of_nodes()} places, {n_links} links")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cases: list[tuple[str, Callable[[], Any], Path]] = [
            ("network map", lambda: save_map(network_map(G), out / "n.html"), out / "n.html"),
            (
                "network map, offline",
                lambda: save_map(network_map(G, tiles=None), out / "o.html", offline=True),
                out / "o.html",
            ),
            (
                "route map, k=3",
                lambda: save_map(route_map(G, routes), out / "r.html"),
                out / "r.html",
            ),
            ("plain folium (baseline)", lambda: baseline(G, out / "b.html"), out / "b.html"),
            (
                "network map, 10x network",
                lambda: save_map(network_map(big), out / "n10.html"),
                out / "n10.html",
            ),
            (
                "plain folium, 10x network",
                lambda: baseline(big, out / "b10.html"),
                out / "b10.html",
            ),
        ]
        results = {}
        print(f"{'case':28} {'first s':>8} {'median s':>9} {'MB':>7}")
        for name, fn, path in cases:
            first, median = timed(fn, args.runs)
            size = path.stat().st_size / 1e6
            results[name] = (median, size)
            print(f"{name:28} {first:8.3f} {median:9.3f} {size:7.3f}")
    t, mb = results["network map"]
    tb, mbb = results["plain folium (baseline)"]
    t10, mb10 = results["network map, 10x network"]
    t10b, _ = results["plain folium, 10x network"]
    print(f"time ratio vs plain folium: {t / tb:.2f} (10x network: {t10 / t10b:.2f})")
    print(f"size ratio vs plain folium: {mb / mbb:.2f}")
    print(f"10x network / bundled: time {t10 / t:.1f}x, size {mb10 / mb:.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "corridors"]
        _, cli = timed(
            lambda: subprocess.run(
                [*command, "map", "--out", f"{tmp}/m.html"], check=True, capture_output=True
            ),
            max(3, args.runs // 2),
        )
        _, info = timed(
            lambda: subprocess.run([*command, "info"], check=True, capture_output=True),
            max(3, args.runs // 2),
        )
    print(f"`corridors map` in a fresh process: {cli:.2f} s; `corridors info`: {info:.2f} s")
    print(f"  ratio {cli / info:.2f}; the map's own share {cli - info:.2f} s")
    worst = max(results["network map"][0], results["network map, offline"][0])
    largest = max(results["network map"][1], results["network map, offline"][1])
    verdict = "met" if worst < 2.0 and largest < 3.0 else "MISSED"
    print(
        f"target < 2 s and < 3 MB for the bundled network: {verdict} "
        f"({worst:.2f} s, {largest:.2f} MB)"
    )


if __name__ == "__main__":
    main()
