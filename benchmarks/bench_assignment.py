"""Assignment: column generation against HiGHS alone on the arc-form programme, and at scale.

Targets (issues 4 and 13): with 50 origin-destination pairs on a synthetic network of about
1,000 edges, :func:`corridors.analysis.assignment.assign` (column generation) within 1.5x of the
time HiGHS takes to solve the arc-form programme of
:func:`corridors.analysis.assignment.build_programme` on its own (the baseline, measured in the same
run; the same optimum is asserted); on 10,000 edges with 50 pairs under 10 s; and the time and peak
memory on 100,000 edges with 10 pairs. Times are medians of repeated runs, each ``assign`` on a
freshly built graph (so compiling it is counted too); the large runs each go in a fresh process, for
its peak RSS. CPU seconds are printed beside wall seconds, since the machine may be shared.

Run: ``python benchmarks/bench_assignment.py [--runs N] [--large-runs N] [--skip-100k]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_network, random_pairs

from corridors.analysis.assignment import assign, build_programme


def demand(G: Any, n: int) -> pd.DataFrame:
    rng = random.Random(5)
    rows = [
        (o, d, rng.choice(["container", "general"]), rng.randint(1, 30) * 100_000)
        for o, d in random_pairs(G, n)
    ]
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


def _arc_solve(G: Any, table: pd.DataFrame) -> tuple[float, float]:
    """Seconds HiGHS takes on the arc-form programme alone, and its objective."""
    from scipy.optimize import linprog

    lp = build_programme(G, table)
    start = time.perf_counter()
    res = linprog(
        lp.cost, A_ub=lp.A_ub, b_ub=lp.b_ub, A_eq=lp.A_eq, b_eq=lp.b_eq, bounds=lp.bounds,
        method="highs",
    )  # fmt: skip
    return time.perf_counter() - start, float(res.fun)


def baseline(runs: int) -> None:
    side = 16  # 2 * 2 * 16 * 15 = 960 directed link edges
    table = demand(grid_network(side), 50)
    totals, solves = [], []
    for _ in range(runs):  # interleaved, so load on the machine affects both alike
        G = grid_network(side)
        start = time.perf_counter()
        result = assign(G, table)
        totals.append(time.perf_counter() - start)
        solve, arc_objective = _arc_solve(grid_network(side), table)
        solves.append(solve)
        assert abs(result.objective - arc_objective) <= 1e-7 * abs(arc_objective) + 1e-3
    total, solve = statistics.median(totals), statistics.median(solves)
    print(f"1k: {G.number_of_edges()} directed link edges, {len(table)} pairs, same optimum")
    print(f"  assign (column generation): {total * 1e3:8.1f} ms (median of {runs})")
    print(f"  HiGHS alone on the arc LP:  {solve * 1e3:8.1f} ms (median of {runs})")
    ratio = total / solve
    print(f"  ratio: {ratio:.2f}x (target <= 1.5x) {'OK' if ratio <= 1.5 else 'MISSED'}")


def one(side: int, pairs: int) -> dict[str, float]:
    """One assign on a fresh grid: wall and CPU seconds, peak RSS, edges, unserved."""
    G = grid_network(side)
    table = demand(G, pairs)
    wall, cpu = time.perf_counter(), time.process_time()
    result = assign(G, table)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": rss,
        "edges": G.number_of_edges(),
        "unserved": result.unserved_tpy,
    }


def large(side: int, pairs: int, runs: int, target: float | None) -> None:
    laps = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(side), str(pairs)],
            check=True,
            capture_output=True,
            text=True,
        )
        laps.append(json.loads(out.stdout.splitlines()[-1]))
    wall = statistics.median(lap["wall"] for lap in laps)
    cpu = statistics.median(lap["cpu"] for lap in laps)
    rss = statistics.median(lap["rss_mb"] for lap in laps)
    print(f"{laps[0]['edges']:,} directed link edges, {pairs} pairs (median of {runs}):")
    verdict = (
        ""
        if target is None
        else f" (target < {target:.0f} s) " + ("OK" if wall < target else "MISSED")
    )
    print(f"  assign: {wall:6.2f} s wall, {cpu:6.2f} s CPU{verdict}")
    print(f"  peak RSS of the process: {rss:,.0f} MB; unserved {laps[0]['unserved']:,.0f} t")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--large-runs", type=int, default=3)
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    baseline(args.runs)
    large(51, 50, args.large_runs, 10.0)  # 2 * 2 * 51 * 50 = 10,200 edges
    if not args.skip_100k:
        large(159, 10, args.large_runs, None)  # 2 * 2 * 159 * 158 = 100,488 edges


if __name__ == "__main__":
    main()
