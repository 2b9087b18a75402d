"""The compiled core against plain SciPy on synthetic networks (issue 13).

Each job is timed against a baseline measured in the same run, on the same graph, the two
run in turn; medians.

* first route at ``--route-side`` (100k link edges by default): ``route()`` on a graph not seen
  before (reading its columns, compiling, one Dijkstra, the route built) against building a CSR
  matrix of the link times from the same graph and one :func:`scipy.sparse.csgraph.dijkstra`
  (target <= 2x);
* next route: ``route()`` for another pair on the compiled network against one scipy Dijkstra
  on the ready matrix (target <= 2x);
* k = 5 at ``--k-side`` (10k) and at ``--route-side`` (``--k-runs`` runs): ``route(k=5)``
  against Yen's algorithm on scipy Dijkstra, barring edges and nodes by setting their
  weights to ``inf`` in a copy of the matrix's data (target <= 2x);
* max throughput at ``--route-side``: ``max_throughput(paths=False)`` on the compiled network
  (joining the terminals, the check for an unbounded path, the maximum flow and the minimum
  cut) against :func:`scipy.sparse.csgraph.maximum_flow` alone on
  the same flow network as :func:`~corridors.core.flow.flow_arrays` builds it (every place's
  source and sink nodes included; the solver leaves out those that carry nothing) as a ready
  integer matrix (target <= 2x);
* criticality at ``--k-side``: 200 links x 20 pairs, routes only, against the loop that reroutes
  with scipy only the pairs whose best path uses the link (target <= 3x).

Run: ``python benchmarks/bench_core.py [--runs N] [--route-side 158] [--k-side 51]
[--jobs route,flow,k-big,k,criticality]`` (side 158 gives 99,224 directed link edges, side
500 about 1M; the peak RSS is printed after the route jobs: target < 4 GiB at 1M edges).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra, maximum_flow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import grid_network, random_pairs

from corridors import route
from corridors.analysis.capacity import max_throughput
from corridors.analysis.criticality import criticality
from corridors.core import compile_network, compiled, tables
from corridors.core.flow import flow_arrays


def _medians(
    ours: Callable[[], Any],
    theirs: Callable[[], Any],
    runs: int,
    before: Callable[[], Any] | None = None,
) -> tuple[float, float]:
    """Median seconds of the two, run in turn so that the machine's load weighs on both."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((ours, times[0]), (theirs, times[1])):
            if before is not None and fn is ours:
                before()
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def _forget(G: nx.MultiDiGraph) -> None:
    """Drop the compiled forms of ``G``, as for a graph never seen before."""
    tables._CACHE.pop(G, None)
    compiled._CACHE.pop(G, None)


class Baseline:
    """The link-time CSR matrix of a grid built straight from the graph, and scipy on it."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        index = {p: i for i, p in enumerate(G)}
        rows = [(index[u], index[v], d["time_h"]) for u, v, d in G.edges(data=True)]
        u, v, w = (np.array(c) for c in zip(*rows, strict=True))
        self.index = index
        self.matrix = sp.csr_matrix((w, (u, v)), shape=(len(index), len(index)))

    def path(self, o: str, d: str, matrix: Any = None) -> list[int] | None:
        m = self.matrix if matrix is None else matrix
        _, pred = dijkstra(m, indices=self.index[o], return_predecessors=True)
        node, path = self.index[d], [self.index[d]]
        if pred[node] < 0:
            return None
        while node != self.index[o]:
            node = int(pred[node])
            path.append(node)
        return path[::-1]


class _Entries:
    """Row and ``row * n + column`` key of every entry of a CSR matrix with sorted indices."""

    def __init__(self, m: Any) -> None:
        self.m, self.n = m, m.shape[0]
        self.rows = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(m.indptr))
        self.keys = self.rows * self.n + m.indices  # ascending

    def at(self, edges: list[tuple[int, int]]) -> Any:
        a, b = (np.array(c, dtype=np.int64) for c in zip(*edges, strict=True))
        return np.searchsorted(self.keys, a * self.n + b)

    def cost(self, path: list[int]) -> float:
        return float(self.m.data[self.at(list(itertools.pairwise(path)))].sum())

    def barred(self, edges: list[tuple[int, int]], nodes: list[int]) -> Any:
        """The matrix with those edges and every edge into or out of those nodes at ``inf``."""
        m = self.m
        data = m.data.copy()
        data[np.isin(self.rows, nodes) | np.isin(m.indices, nodes)] = np.inf
        if edges:
            data[self.at(edges)] = np.inf
        return sp.csr_matrix((data, m.indices, m.indptr), shape=m.shape)


def yen(base: Baseline, o: str, d: str, k: int) -> list[list[int]]:
    """Yen's k shortest simple paths on scipy Dijkstra (edges and nodes barred at ``inf``)."""
    m = base.matrix.tocsr()
    m.sort_indices()
    entries = _Entries(m)
    paths = [base.path(o, d)]
    candidates: list[tuple[float, list[int]]] = []
    while len(paths) < k and paths[-1] is not None:
        last = paths[-1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            edges = [(p[i], p[i + 1]) for p in paths if p is not None and p[: i + 1] == root]
            W = entries.barred(edges, root[:-1])
            dist, pred = dijkstra(W, indices=root[-1], return_predecessors=True)
            node = base.index[d]
            if not np.isfinite(dist[node]):
                continue
            spur = [node]
            while node != root[-1]:
                node = int(pred[node])
                spur.append(node)
            full = root[:-1] + spur[::-1]
            if all(full != c for _, c in candidates) and full not in paths:
                candidates.append((entries.cost(full), full))
        if not candidates:
            break
        candidates.sort(key=lambda c: c[0])
        paths.append(candidates.pop(0)[1])
    return [p for p in paths if p is not None]


def bench_route(G: nx.MultiDiGraph, pairs: list[tuple[str, str]], runs: int) -> None:
    ours_first, base_first = _medians(
        lambda: route(G, *pairs[0]),
        lambda: Baseline(G).path(*pairs[0]),
        runs,
        before=lambda: _forget(G),
    )
    route(G, *pairs[0])
    base = Baseline(G)
    ours_cycle, base_cycle = itertools.cycle(pairs[1:]), itertools.cycle(pairs[1:])
    ours_next, base_next = _medians(
        lambda: route(G, *next(ours_cycle)), lambda: base.path(*next(base_cycle)), runs * 3
    )
    _report("first route", ours_first, base_first, 2.0, "CSR build + scipy Dijkstra")
    _report("next route", ours_next, base_next, 2.0, "scipy Dijkstra")


def bench_k(G: nx.MultiDiGraph, pairs: list[tuple[str, str]], runs: int) -> None:
    route(G, *pairs[0])
    base = Baseline(G)
    ours_cycle, base_cycle = itertools.cycle(pairs[:3]), itertools.cycle(pairs[:3])
    ours, theirs = _medians(
        lambda: route(G, *next(ours_cycle), k=5), lambda: yen(base, *next(base_cycle), 5), runs
    )
    edges = f"{G.number_of_edges() // 1000}k"
    _report(f"k = 5 routes at {edges}", ours, theirs, 2.0, "Yen on scipy Dijkstra")


def bench_flow(G: nx.MultiDiGraph, pairs: list[tuple[str, str]], runs: int) -> None:
    o, d = pairs[0]
    net = compile_network(G)
    flow = flow_arrays(net, [o], [d])
    n = len(flow.nodes)
    finite = np.isfinite(flow.cap)
    units = np.full(len(flow.cap), flow.cap[finite].sum() // 100_000 + 1)
    units[finite] = flow.cap[finite] // 100_000  # the synthetic capacities are whole 0.1 Mt
    C = sp.csr_array((units.astype(np.int32), (flow.tail, flow.head)), shape=(n, n))
    source, sink = flow.nodes.index(("", "source")), flow.nodes.index(("", "sink"))
    ours, theirs = _medians(
        lambda: max_throughput(G, o, d, paths=False),
        lambda: maximum_flow(C, source, sink),
        runs,
    )
    value = max_throughput(G, o, d, paths=False).throughput_tpy
    assert value == maximum_flow(C, source, sink).flow_value * 100_000
    _report("max throughput", ours, theirs, 2.0, "scipy maximum_flow on a ready matrix")
    start = time.perf_counter()
    sent = max_throughput(G, o, d).paths
    print(
        f"  with where the flow goes (sent at least cost, {len(sent)} paths): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms, no target"
    )


def bench_criticality(G: nx.MultiDiGraph, runs: int) -> None:
    pairs = random_pairs(G, 20)
    links = sorted({k for _, _, k in G.edges(keys=True)})[:200]

    def loop() -> None:  # from the graph, as criticality() is timed on a graph not seen before
        base = Baseline(G)
        edge_of = {(base.index[u], base.index[v]): k for u, v, k in G.edges(keys=True)}
        paths = {p: base.path(*p) for p in pairs}
        users: dict[str, list[tuple[str, str]]] = {}
        for pair, path in paths.items():
            for a, b in itertools.pairwise(path or []):
                users.setdefault(edge_of[(a, b)], []).append(pair)
        for link in links:
            if link not in users:
                continue
            W = base.matrix.tolil(copy=True)
            for (a, b), k in edge_of.items():
                if k == link:
                    W[a, b] = 0
            W = W.tocsr()
            W.eliminate_zeros()
            for pair in users[link]:
                base.path(*pair, matrix=W)

    ours, theirs = _medians(
        lambda: criticality(G, pairs, elements=links, throughput=False),
        loop,
        runs,
        before=lambda: _forget(G),
    )
    _report("criticality 200 x 20", ours, theirs, 3.0, "affected-pairs scipy loop")


def _report(job: str, ours: float, theirs: float, target: float, baseline: str) -> None:
    ratio = ours / theirs
    verdict = "OK" if ratio <= target else "MISSED"
    print(
        f"{job:22} {ours * 1e3:9.1f} ms   {baseline}: {theirs * 1e3:9.1f} ms   "
        f"ratio {ratio:5.2f}x (target <= {target:g}x) {verdict}"
    )


def _peak_rss() -> None:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
    print(f"peak RSS so far (network built, compiled and routed): {peak:.2f} GiB")


JOBS = ("route", "flow", "k-big", "k", "criticality")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--k-runs", type=int, default=3, help="runs of k = 5 at --route-side")
    parser.add_argument("--route-side", type=int, default=158)
    parser.add_argument("--k-side", type=int, default=51)
    parser.add_argument("--jobs", default=",".join(JOBS), help=f"any of {', '.join(JOBS)}")
    args = parser.parse_args()
    jobs = set(args.jobs.split(","))
    big = grid_network(args.route_side)
    pairs = random_pairs(big, 8)
    print(f"route network: {big.number_of_edges():,} directed link edges")
    if "route" in jobs:
        bench_route(big, pairs, args.runs)
        _peak_rss()
    if "flow" in jobs:
        bench_flow(big, pairs, args.runs)
    if "k-big" in jobs:
        bench_k(big, pairs, args.k_runs)
    del big
    small = grid_network(args.k_side)
    print(f"k and criticality network: {small.number_of_edges():,} directed link edges")
    if "k" in jobs:
        bench_k(small, random_pairs(small, 3), args.runs)
    if "criticality" in jobs:
        bench_criticality(small, args.runs)


if __name__ == "__main__":
    main()
