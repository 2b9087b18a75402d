"""Sweep speed: draws on the local process pool against the same draws run serially.

Target (issue 5): 1,000 draws of route + throughput on the bundled network at least 1.6x
faster on a 2-core machine's process pool than serially, with identical results. Both are
timed in the same run, alternating, and the median of the repeats is compared. CPU seconds
and the load average are printed too: on a shared machine the pool cannot beat the cores
left free, and equal CPU totals show the pool itself adds no work.
Run: `python benchmarks/bench_sweep.py [--samples 1000] [--repeat 1] [--workers 2]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import corridors
from corridors.sweep import sweep

ROUTES = [("Khorgos", "Kars"), ("Aktau", "Poti"), ("Tashkent", "Constanța")]
THROUGHPUT = [(("Aktau", "Kuryk", "Turkmenbashi"), ("Kars",), "general")]


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(G: object, samples: int, workers: int) -> tuple[float, float, object]:
    cpu = _cpu()
    start = time.perf_counter()
    result = sweep(
        G,  # type: ignore[arg-type]
        samples=samples,
        seed=1,
        routes=ROUTES,
        capacity=THROUGHPUT,
        workers=workers,
    )
    return time.perf_counter() - start, _cpu() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    G = corridors.load_network()
    serial, pooled, cpu_serial, cpu_pool = [], [], [], []
    identical = True
    for _ in range(args.repeat):
        t_serial, c_serial, r_serial = timed(G, args.samples, 1)
        t_pool, c_pool, r_pool = timed(G, args.samples, args.workers)
        serial.append(t_serial)
        pooled.append(t_pool)
        cpu_serial.append(c_serial)
        cpu_pool.append(c_pool)
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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"  CPU seconds       {statistics.median(cpu_serial):8.2f} serial, "
        f"{statistics.median(cpu_pool):.2f} pool (all processes); load average {load:.1f}"
    )


if __name__ == "__main__":
    main()
