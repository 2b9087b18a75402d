"""Planning: MILP solve time as candidates (10, 30, 100) and periods (1, 3) grow, with the gap.

Target (issue 14): report how the solve time of :func:`corridors.planning.plan.plan` grows with the
number of candidates and periods on a synthetic network of about 10,000 directed link edges,
and the MILP gap HiGHS proves. The baseline, measured in the same run, is the assignment LP of
one period with no candidates (:func:`corridors.analysis.assignment.assign`, the programme each
period of the plan contains); each case prints its median time and its ratio to that baseline.

The demand: ``--pairs`` origin-destination pairs across the grid, growing 5 % a year. The
candidates: links on those pairs' shortest paths by cost, each doubled in capacity for a random
capex, earliest year random among the periods.

Run: ``python benchmarks/bench_plan.py [--side 50] [--runs 3] [--time-limit 300]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_network, random_pairs

from corridors.analysis.assignment import assign
from corridors.analysis.routing import route
from corridors.planning.plan import Candidate, Plan, PlanDemand, plan
from corridors.scenarios.apply import DemandRow, Scenario

YEARS = {1: (2030,), 3: (2026, 2030, 2035)}


def demand_rows(G: nx.MultiDiGraph, pairs: int) -> list[tuple[str, str, float]]:
    rng = random.Random(5)
    return [(o, d, rng.randint(10, 30) * 100_000) for o, d in random_pairs(G, pairs)]


def candidates(G: nx.MultiDiGraph, rows: list[tuple[str, str, float]], n: int) -> list[Any]:
    """``n`` capacity doublings of capacitated links on the pairs' cheapest routes (then any)."""
    rng = random.Random(7)
    on_routes: list[str] = []
    for o, d, _ in rows:
        (best,) = route(G, o, d, commodity="general", by="cost")
        on_routes += [k for k in best.links if k not in on_routes]
    capacity = {k: d.get("capacity_tpy") for _, _, k, d in G.edges(keys=True, data=True)}
    ids = [k for k in on_routes if capacity.get(k)]
    ids += sorted(k for k, c in capacity.items() if c and k not in ids)
    out = []
    for k in ids[:n]:
        out.append((k, 2 * capacity[k], rng.randint(1, 40) * 5e6))
    return out


def make_plan(rows: list[tuple[str, str, float]], cands: list[Any], periods: int) -> Plan:
    years = YEARS[periods]
    rng = random.Random(11)
    return Plan(
        name=f"bench-{len(cands)}x{periods}",
        years=years,
        discount_rate=0.06,
        unserved_penalty_usd_per_t=200.0,
        demand=PlanDemand(
            rows=tuple((None, DemandRow(o, d, "general", t)) for o, d, t in rows),
            base_year=years[0],
            growth_rate=0.05,
        ),
        candidates=tuple(
            Candidate(
                id=f"c{i}",
                capex_usd=capex,
                earliest_year=rng.choice(years),
                lifetime_years=30,
                scenario=Scenario(name=f"c{i}", change={k: {"capacity_tpy": cap}}),
            )
            for i, (k, cap, capex) in enumerate(cands)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", type=int, default=50, help="grid side (50: 9,800 edges)")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--candidates", type=int, nargs="+", default=[10, 30, 100])
    parser.add_argument("--periods", type=int, nargs="+", default=[1, 3], choices=[1, 3])
    args = parser.parse_args()

    G = grid_network(args.side)
    rows = demand_rows(G, args.pairs)
    table = pd.DataFrame(
        [(o, d, "general", t) for o, d, t in rows],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    assign(G, table, unserved_penalty_usd_per_t=200.0)  # warm-up: imports, expanded graph
    base = []
    for _ in range(args.runs):
        start = time.perf_counter()
        assign(G, table, unserved_penalty_usd_per_t=200.0)
        base.append(time.perf_counter() - start)
    baseline = statistics.median(base)
    edges = G.number_of_edges()
    print(f"network: {edges} directed link edges; {len(rows)} pairs; runs {args.runs}")
    print(f"baseline, one period's assignment LP: {baseline:8.2f} s (median)")
    print(
        f"{'candidates':>10} {'periods':>7} {'binaries':>8} {'median s':>9} {'ratio':>7} "
        f"{'gap':>8} {'built':>5}  status"
    )
    for n in args.candidates:
        cands = candidates(G, rows, n)
        for periods in args.periods:
            p = make_plan(rows, cands, periods)
            times, result = [], None
            for _ in range(args.runs):
                start = time.perf_counter()
                result = plan(G, p, values=False, time_limit=args.time_limit)
                times.append(time.perf_counter() - start)
            assert result is not None
            median = statistics.median(times)
            print(
                f"{len(cands):>10} {periods:>7} {len(cands) * periods:>8} {median:>9.2f} "
                f"{median / baseline:>6.1f}x {result.mip_gap:>8.2e} {len(result.build):>5}  "
                f"{result.status}"
            )


if __name__ == "__main__":
    main()
