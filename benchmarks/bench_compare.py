"""Comparison speed: 6 scenarios with 10 route pairs, one throughput and a 30-pair assignment.

Target (issue 5): under 10 s for the whole comparison (base + 6 scenarios). The baseline, timed
in the same run, is the same jobs called directly on the seven networks, already applied; the
ratio shows what applying scenarios and building the table add. Medians of --repeat runs.
Run: `python benchmarks/bench_compare.py [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import statistics
import time
from pathlib import Path

import networkx as nx
import pandas as pd

import corridors
from corridors import NoRouteError
from corridors.analysis.assignment import assign
from corridors.analysis.capacity import max_throughput
from corridors.analysis.demand import read_demand
from corridors.core.expand import _CACHE
from corridors.scenarios.apply import DemandRow, Scenario, apply_scenario, load_scenario
from corridors.scenarios.compare import compare

EXAMPLES = Path(__file__).parent.parent / "examples" / "scenarios"
FILES = [
    "zangezur_opens.yaml",
    "northern_rail.yaml",
    "northern_closed.yaml",
    "btk_reference.yaml",
    "btk_alat_upgrade.yaml",
    "uzbek_cargo_via_turkmenbashi.yaml",
]
ROUTES = [
    ("Khorgos", "Kars"),
    ("Aktau", "Poti"),
    ("Tashkent", "Constanța"),
    ("Baku", "Kars"),
    ("Xi'an", "Duisburg"),
    ("Turkmenbashi", "Tbilisi"),
    ("Almaty", "Istanbul"),
    ("Dostyk", "Batumi"),
    ("Kuryk", "Ankara"),
    ("Alat", "Mersin"),
]
THROUGHPUT = [(("Aktau", "Kuryk", "Turkmenbashi"), ("Kars",), "general")]
PLACES = ["Almaty", "Tashkent", "Aktau", "Baku", "Tbilisi", "Kars"]
DEMAND = tuple(
    DemandRow(o, d, "container", 200_000.0) for o, d in itertools.permutations(PLACES, 2)
)  # 30 pairs


def _demand_frame() -> pd.DataFrame:
    columns = ["origin", "destination", "commodity", "tonnes_per_year"]
    return pd.DataFrame([[getattr(r, c) for c in columns] for r in DEMAND], columns=columns)


def direct(graphs: list[nx.MultiDiGraph]) -> float:
    """The same jobs called one by one on already-applied networks (fresh expansions)."""
    start = time.perf_counter()
    for H in graphs:
        _CACHE.pop(H, None)  # compare() expands each network afresh too
        for pair in ROUTES:
            with contextlib.suppress(NoRouteError):
                corridors.route(H, *pair)
        for origins, destinations, commodity in THROUGHPUT:
            max_throughput(H, origins, destinations, commodity=commodity)
        assign(H, read_demand(_demand_frame(), H))
    return time.perf_counter() - start


def compared(G: nx.MultiDiGraph, scenarios: list[Scenario]) -> float:
    start = time.perf_counter()
    table = compare(G, scenarios, routes=ROUTES, capacity=THROUGHPUT, demand=DEMAND)
    elapsed = time.perf_counter() - start
    assert len(table) > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    G = corridors.load_network()
    scenarios = [load_scenario(EXAMPLES / f, G) for f in FILES]
    # every scenario takes the common demand and jobs, and the base's year
    scenarios = [dataclasses.replace(s, demand=None, year=None) for s in scenarios]
    graphs = [G, *(apply_scenario(G, s) for s in scenarios)]
    base_times, compare_times = [], []
    for _ in range(args.repeat):
        base_times.append(direct(graphs))
        compare_times.append(compared(G, scenarios))
    b, c = statistics.median(base_times), statistics.median(compare_times)
    print(
        f"{len(scenarios)} scenarios + base, {len(ROUTES)} routes, {len(THROUGHPUT)} throughput, "
        f"{len(DEMAND)}-pair assignment; median of {args.repeat}"
    )
    print(f"  jobs called directly         {b:7.2f} s")
    print(f"  compare()                    {c:7.2f} s  (target < 10 s)")
    print(f"  ratio compare / direct       {c / b:7.2f}x")


if __name__ == "__main__":
    main()
