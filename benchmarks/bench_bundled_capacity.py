"""Capacity jobs on the bundled network, together under 2 s.

Target (issue 4): on the bundled network, the throughput from Kazakhstan to Türkiye, an
assignment of 30 origin-destination pairs and a full criticality (every link and place, the
default pairs of ``corridors criticality``, throughput included) take under 2 s in all. Each
run starts from a freshly read network (reading it is timed apart), so expanding it is counted.
The ratio printed is the total against the 2 s budget, and against reading the network once.

Run: ``python benchmarks/bench_bundled_capacity.py [--runs N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import pandas as pd

from corridors import Avoid, load_network
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import TERMINAL_KINDS, max_throughput
from corridors.analysis.corridor_pairs import corridor_pairs
from corridors.analysis.criticality import criticality

BUDGET_S = 2.0


def demand(G) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """30 container and general pairs between terminals, 0.1 to 3 Mt/yr each."""
    rng = random.Random(7)
    terminals = sorted(p for p, d in G.nodes(data=True) if d["kind"] in TERMINAL_KINDS)
    rows: list[tuple[str, str, str, float]] = []
    while len(rows) < 30:
        o, d = rng.sample(terminals, 2)
        rows.append((o, d, rng.choice(["container", "general"]), rng.randint(1, 30) * 1e5))
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    table = demand(load_network())
    laps: dict[str, list[float]] = {"read": [], "throughput": [], "assign": [], "criticality": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        G = load_network()
        laps["read"].append(time.perf_counter() - start)
        start = time.perf_counter()
        max_throughput(
            G, "country:KZ", "country:TR", commodity="container", avoid=Avoid.of(countries=["RU"])
        )
        laps["throughput"].append(time.perf_counter() - start)
        start = time.perf_counter()
        result = assign(G, table)
        laps["assign"].append(time.perf_counter() - start)
        start = time.perf_counter()
        question = corridor_pairs(G)
        crit = criticality(G, question.pairs, avoid=question.avoid, elements="both")
        laps["criticality"].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in laps.items()}
    total = med["throughput"] + med["assign"] + med["criticality"]
    print(f"bundled network: {G.number_of_nodes()} places, {G.number_of_edges()} link edges")
    print(f"reading the network:       {med['read'] * 1e3:7.1f} ms (not counted)")
    print(f"throughput KZ -> TR:       {med['throughput'] * 1e3:7.1f} ms")
    print(
        f"assignment, {len(table)} pairs:     {med['assign'] * 1e3:7.1f} ms "
        f"({result.unserved_tpy / 1e6:.2f} Mt/yr unserved)"
    )
    print(
        f"criticality, {len(crit.table)} elements: {med['criticality'] * 1e3:7.1f} ms "
        f"({len(crit.pairs)} pairs)"
    )
    print(
        f"total: {total:.2f} s = {total / BUDGET_S:.2f} of the 2 s budget, "
        f"{total / med['read']:.1f}x reading the network "
        f"{'OK' if total < BUDGET_S else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
