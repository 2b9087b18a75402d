"""Criticality: the shortcut against the naive loop on a synthetic network.

Target (issue 4): on a synthetic network of about 10,000 directed edges with 20
origin-destination pairs, at least 20x faster than the naive loop (remove each link, rerun the
networkx Dijkstra for every pair), with identical results on a sample of links where the naive
loop is also run. The naive time for all links is extrapolated from the sample (per link, the
naive loop does the same work whichever link it removes). Route-based figures only
(``throughput=False``), as the naive loop has no maximum flows.

Run: ``python benchmarks/bench_criticality.py [--runs N] [--sample N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_network, random_pairs

from corridors.analysis.criticality import criticality
from corridors.core import expand


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()

    G = grid_network(51)
    pairs = random_pairs(G, 20)
    links = sorted({k for _, _, k in G.edges(keys=True)})
    X = expand(G, commodity="container")
    print(
        f"network: {G.number_of_nodes()} places, {G.number_of_edges()} directed link edges "
        f"({X.number_of_edges()} in the expanded graph); {len(pairs)} pairs; {len(links)} links"
    )
    sample = sorted(random.Random(3).sample(links, args.sample))

    fast_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        fast = criticality(G, pairs, elements="links", throughput=False)
        fast_times.append(time.perf_counter() - start)
    naive_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        naive = criticality(G, pairs, elements=sample, throughput=False, recompute_all=True)
        naive_times.append(time.perf_counter() - start)

    ours = fast.table[fast.table["id"].isin(sample)].drop(columns="rank")
    theirs = naive.table.drop(columns="rank")
    key = ["kind", "id"]
    pd.testing.assert_frame_equal(
        ours.sort_values(key).reset_index(drop=True),
        theirs.sort_values(key).reset_index(drop=True),
    )
    fast_s = statistics.median(fast_times)
    naive_s = statistics.median(naive_times) / len(sample) * len(links)
    ratio = naive_s / fast_s
    print(f"shortcut, all {len(links)} links:       {fast_s:8.2f} s (median of {args.runs})")
    print(f"naive loop, extrapolated from {len(sample)}: {naive_s:8.2f} s")
    print(f"identical on the {len(sample)} sampled links: yes")
    print(f"speed-up: {ratio:.1f}x (target >= 20x) {'OK' if ratio >= 20 else 'MISSED'}")


if __name__ == "__main__":
    main()
