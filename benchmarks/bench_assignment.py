"""Assignment: total time against the HiGHS solve alone of the same linear programme.

Target (issue 4): with 50 origin-destination pairs on a synthetic network of about 1,000 edges,
:func:`corridors.assignment.assign` takes at most 1.5x the time HiGHS takes to solve the same
programme on its own. The programme is captured from inside ``assign`` and solved again alone
with ``scipy.optimize.linprog(method="highs")``; both are medians of repeated runs, each
``assign`` on a freshly built graph (so expanding it is counted too).

Run: ``python benchmarks/bench_assignment.py [--runs N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import scipy.optimize

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_network, random_pairs

from corridors.assignment import assign


def demand(G: Any, n: int) -> pd.DataFrame:
    rng = random.Random(5)
    rows = [
        (o, d, rng.choice(["container", "general"]), rng.randint(1, 30) * 100_000)
        for o, d in random_pairs(G, n)
    ]
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    side = 16  # 2 * 2 * 16 * 15 = 960 directed link edges
    table = demand(grid_network(side), 50)
    captured: dict[str, Any] = {}
    real = scipy.optimize.linprog

    def capture(*a: Any, **k: Any) -> Any:
        captured["args"], captured["kwargs"] = a, k
        return real(*a, **k)

    totals, solves = [], []
    for _ in range(args.runs):  # interleaved, so load on the machine affects both alike
        G = grid_network(side)
        scipy.optimize.linprog = capture  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            result = assign(G, table)
            totals.append(time.perf_counter() - start)
        finally:
            scipy.optimize.linprog = real  # type: ignore[assignment]
        start = time.perf_counter()
        real(*captured["args"], **captured["kwargs"])
        solves.append(time.perf_counter() - start)
    kw = captured["kwargs"]
    n_vars = len(captured["args"][0])
    n_rows = kw["A_eq"].shape[0] + (kw["A_ub"].shape[0] if kw["A_ub"] is not None else 0)
    edges = G.number_of_edges()
    total, solve = statistics.median(totals), statistics.median(solves)
    print(f"network: {edges} directed link edges; {len(table)} pairs")
    print(f"programme: {n_vars} variables, {n_rows} rows; unserved {result.unserved_tpy:,.0f} t")
    print(f"assign, total:      {total * 1e3:8.1f} ms (median of {args.runs})")
    print(f"HiGHS solve alone:  {solve * 1e3:8.1f} ms (median of {args.runs})")
    ratio = total / solve
    print(f"ratio: {ratio:.2f}x (target <= 1.5x) {'OK' if ratio <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
