"""Sweep speed: draws on the local process pool against the same draws run serially.

Target (issue 5): 1,000 draws of route + throughput on the bundled network at least 1.6x
faster on a 2-core machine's process pool than serially, with identical results. Both are
timed in the same run, alternating, and the median of the repeats is compared.
Run: `python benchmarks/bench_sweep.py [--samples 1000] [--repeat 1] [--workers 2]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import corridors
from corridors.sweep import sweep

ROUTES = [("Khorgos", "Kars"), ("Aktau", "Poti"), ("Tashkent", "Constanța")]
THROUGHPUT = [(("Aktau", "Kuryk", "Turkmenbashi"), ("Kars",), "general")]


def timed(G: object, samples: int, workers: int) -> tuple[float, object]:
    start = time.perf_counter()
    result = sweep(
        G,  # type: ignore[arg-type]
        samples=samples,
        seed=1,
        routes=ROUTES,
        capacity=THROUGHPUT,
        workers=workers,
    )
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    G = corridors.load_network()
    serial, pooled = [], []
    identical = True
    for _ in range(args.repeat):
        t_serial, r_serial = timed(G, args.samples, 1)
        t_pool, r_pool = timed(G, args.samples, args.workers)
        serial.append(t_serial)
        pooled.append(t_pool)
        identical &= r_serial.draws.equals(r_pool.draws)  # type: ignore[attr-defined]
    s, p = statistics.median(serial), statistics.median(pooled)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"{args.samples} draws x ({len(ROUTES)} routes + {len(THROUGHPUT)} throughput), {cpus} CPUs"
    )
    print(f"  serial            {s:8.2f} s  ({s / args.samples * 1e3:.1f} ms a draw)")
    print(f"  pool of {args.workers}         {p:8.2f} s")
    print(f"  speed-up          {s / p:8.2f}x  (target >= 1.6x on 2 cores)")
    print(f"  identical results {identical}")


if __name__ == "__main__":
    main()
