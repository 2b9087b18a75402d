"""Sweep speed: draws on the local process pool against the same draws run serially.

Target (issue 13): 1,000 draws of route + throughput on the bundled network at least 1.8x
faster on a 2-core machine's process pool than serially, with identical results. Both are
timed in the same run, alternating, and the medians of the repeats are compared.

On a shared machine the pool cannot beat the cores left free, so the CPU time is measured
too: per draw in this process (serial) and in the pool's workers (their CPU, read when they
exit), and what the pool's own process spends. Equal CPU per draw shows the pool adds no work;
"with two free cores" is the speed-up those CPU times give when nothing else runs: serial CPU
over half the workers' CPU plus the parent's (a balanced split).
Run: `python benchmarks/bench_sweep.py [--samples 1000] [--repeat 3] [--workers 2]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from dataclasses import dataclass

import corridors
from corridors.scenarios.sweep import SweepResult, sweep

ROUTES = [("Khorgos", "Kars"), ("Aktau", "Poti"), ("Tashkent", "Constanța")]
THROUGHPUT = [(("Aktau", "Kuryk", "Turkmenbashi"), ("Kars",), "general")]


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    own_cpu: float  # CPU seconds of this process
    worker_cpu: float  # CPU seconds of the pool's workers (0 serially)
    load: float  # one-minute load average after the run
    result: SweepResult


def timed(G: object, samples: int, workers: int) -> Run:
    own, kids = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = sweep(
        G,  # type: ignore[arg-type]
        samples=samples,
        seed=1,
        routes=ROUTES,
        capacity=THROUGHPUT,
        workers=workers,
    )
    wall = time.perf_counter() - start
    own_cpu = _cpu(resource.RUSAGE_SELF) - own
    worker_cpu = _cpu(resource.RUSAGE_CHILDREN) - kids
    return Run(wall, own_cpu, worker_cpu, os.getloadavg()[0], result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    G = corridors.load_network()
    serial: list[Run] = []
    pooled: list[Run] = []
    for _ in range(args.repeat):
        serial.append(timed(G, args.samples, 1))
        pooled.append(timed(G, args.samples, args.workers))
    first = serial[0].result
    identical = all(
        r.result.draws.equals(first.draws) and r.result.summary.equals(first.summary)
        for r in serial + pooled
    )

    def median(runs: list[Run], field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs)

    n, w = args.samples, args.workers
    s_wall, p_wall = median(serial, "wall"), median(pooled, "wall")
    s_cpu = median(serial, "own_cpu")
    p_workers, p_parent = median(pooled, "worker_cpu"), median(pooled, "own_cpu")
    free = s_cpu / (p_workers / w + p_parent)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{n} draws x ({len(ROUTES)} routes + {len(THROUGHPUT)} throughput), {cpus} CPUs")
    print(f"medians of {args.repeat} runs each, alternating")
    print(f"  serial            {s_wall:8.2f} s  ({s_wall / n * 1e3:.1f} ms a draw)")
    print(f"  pool of {w}         {p_wall:8.2f} s")
    print(f"  speed-up          {s_wall / p_wall:8.2f}x  (target >= 1.8x on 2 free cores)")
    print(f"  identical results {identical}")
    print(
        f"  CPU a draw        {s_cpu / n * 1e3:8.1f} ms serial, {p_workers / n * 1e3:.1f} ms "
        f"in the workers (+ {p_parent:.2f} s in the pool's process)"
    )
    print(f"  with {w} free cores {free:7.2f}x  (from those CPU times)")
    loads = ", ".join(f"{r.load:.1f}" for r in serial + pooled)
    print(f"  load average      {loads} (serial runs, then pool runs)")


if __name__ == "__main__":
    main()
