"""Route speed: command start-up against `import networkx`, and a query on the loaded network.

Targets (issue 2): `corridors route Altynkol Constanta` end to end within 3x the time of
`python -c "import networkx"`, measured side by side; a route query on the loaded network
under 5 ms median after the first. Run: `python benchmarks/bench_route.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import corridors

PAIRS = [
    ("Altynkol", "Constanta"),
    ("Dostyk", "Kars"),
    ("Aktau", "Poti"),
    ("Turkmenbashi", "Tbilisi"),
    ("Khorgos", "Istanbul"),
]


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(runs: int) -> tuple[float, float]:
    """Median seconds of the two commands, interleaved so load affects both alike."""
    base, ours = [], []
    for _ in range(runs):
        base.append(_wall([sys.executable, "-c", "import networkx"]))
        ours.append(_wall([sys.executable, "-m", "corridors", "route", "Altynkol", "Constanta"]))
    return statistics.median(base), statistics.median(ours)


def query(runs: int) -> tuple[float, float]:
    """Median ms of a route query (after a first one per pair) and of the first one."""
    G = corridors.load_network()
    start = time.perf_counter()
    corridors.route(G, *PAIRS[0])
    first = (time.perf_counter() - start) * 1e3
    for pair in PAIRS:
        corridors.route(G, *pair)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        corridors.route(G, *PAIRS[i % len(PAIRS)])
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    base, ours = startup(args.runs)
    print(
        f"start-up: import networkx {base * 1e3:.0f} ms, corridors route {ours * 1e3:.0f} ms "
        f"(median of {args.runs}); ratio {ours / base:.2f}x (target <= 3x)"
    )
    median, first = query(args.runs * 20)
    print(
        f"route query: first {first:.1f} ms, then median {median:.2f} ms "
        f"over {args.runs * 20} queries (target < 5 ms)"
    )


if __name__ == "__main__":
    main()
