"""Equilibrium assignment: Sioux Falls to gap 1e-4, and a 10,000-edge network with 100 zones.

Targets (issue 11):

- Sioux Falls (TNTP, from ``../shared/reference/tntp``) to relative gap 1e-4 with bi-conjugate
  Frank-Wolfe at least 10x faster than AequilibraE 1.7 (about 6 s on this machine). With
  ``--aequilibrae PYTHON`` (an interpreter that has ``aequilibrae`` installed, kept out of the
  project's environment) the same assignment is run by AequilibraE in the same run and timed too.
- A 10,000-edge synthetic grid with 100 zones: time per iteration and to gap 1e-4, against a plain
  loop that runs scipy's Dijkstra from each origin and loads each destination's path in Python.

Times are medians of ``--runs`` runs (``--grid-runs`` on the grid, each some minutes).
Run: ``python benchmarks/bench_equilibrium.py [--runs N] [--aequilibrae PYTHON]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

from corridors.core.equilibrium import AssignmentProblem, assign
from corridors.core.vdf import delay_functions
from corridors.network.tntp import read_tntp

ROOT = Path(__file__).resolve().parents[1]

AEQ_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass
from aequilibrae.matrix import AequilibraeMatrix
links = pd.DataFrame(json.loads(sys.argv[1]))
demand = np.array(json.loads(sys.argv[2]))
n = demand.shape[0]
links["link_id"] = np.arange(1, len(links) + 1)
links["direction"] = 1
g = Graph()
g.cost = links["free_flow_time"].values
g.capacity = links["capacity"].values
g.free_flow_time = links["free_flow_time"].values
g.network = links
g.network_ok = True
g.status = "OK"
g.prepare_graph(np.arange(1, n + 1))
g.set_graph("free_flow_time")
g.set_skimming(["free_flow_time"])
g.set_blocked_centroid_flows(False)
m = AequilibraeMatrix()
m.create_empty(zones=n, matrix_names=["m"], memory_only=True)
m.index[:] = np.arange(1, n + 1)
m.matrix["m"][:, :] = demand
m.computational_view(["m"])
start = time.perf_counter()
ta = TrafficAssignment()
tc = TrafficClass("car", g, m)
ta.set_classes([tc])
ta.set_vdf("BPR")
ta.set_vdf_parameters({"alpha": "b", "beta": "power"})
ta.set_capacity_field("capacity")
ta.set_time_field("free_flow_time")
ta.max_iter = 1000
ta.rgap_target = 1e-4
ta.set_algorithm("bfw")
ta.set_cores(1)
ta.execute()
print(json.dumps({"seconds": time.perf_counter() - start, "iterations": ta.assignment.iter}))
"""


def _tntp_dir() -> Path | None:
    for folder in ROOT.parents:
        candidate = folder / "shared" / "reference" / "tntp"
        if candidate.is_dir():
            return candidate
    return None


def _median_run(problem: AssignmentProblem, runs: int) -> tuple[float, int, float]:
    times, iterations, objective = [], 0, 0.0
    for _ in range(runs):
        start = time.perf_counter()
        result = assign(problem, algorithm="bfw", gap=1e-4)
        times.append(time.perf_counter() - start)
        iterations, objective = result.iterations, result.objective
    return statistics.median(times), iterations, objective


def _aequilibrae_once(python: str, args: list[str]) -> tuple[float, int] | None:
    done = subprocess.run([python, "-c", AEQ_SCRIPT, *args], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  AequilibraE failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["seconds"], answer["iterations"]


def _aequilibrae_args(problem: AssignmentProblem, links: dict[str, np.ndarray]) -> list[str]:
    table = {
        "a_node": links["init_node"].astype(int).tolist(),
        "b_node": links["term_node"].astype(int).tolist(),
        **{k: links[k].tolist() for k in ("capacity", "free_flow_time", "b", "power")},
    }
    return [json.dumps(table), json.dumps(problem.demand.tolist())]


def sioux_falls(runs: int, aequilibrae: str | None) -> None:
    folder = _tntp_dir()
    if folder is None:
        print("Sioux Falls: no shared/reference/tntp beside the repository; skipped")
        return
    net = read_tntp(folder / "SiouxFalls_net.tntp", folder / "SiouxFalls_trips.tntp")
    assign(net.problem, max_iter=2)  # warm imports
    args = _aequilibrae_args(net.problem, net.links)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):  # interleaved, so load on the machine affects both alike
        seconds, iterations, objective = _median_run(net.problem, 1)
        ours.append(seconds)
        measured = _aequilibrae_once(aequilibrae, args) if aequilibrae else None
        if measured is not None:
            theirs.append(measured[0])
            print(f"  AequilibraE bfw: {measured[0]:.3f} s, {measured[1]} iterations")
    seconds = statistics.median(ours)
    print(
        f"Sioux Falls, bfw to gap 1e-4: {seconds:.3f} s median, {iterations} iterations, "
        f"{1e3 * seconds / iterations:.2f} ms per iteration, objective {objective:,.2f}"
    )
    if theirs:
        baseline = statistics.median(theirs)
        print(f"  AequilibraE bfw median {baseline:.3f} s: corridors is {baseline / seconds:.1f}x")
    else:
        print(f"  against AequilibraE's ~6 s (issue 11, not measured here): {6.0 / seconds:.0f}x")


def grid_problem(side: int, zones: int, *, seed: int = 3) -> AssignmentProblem:
    """A ``side`` x ``side`` two-way grid with random BPR links and ``zones`` random zones."""
    rng = np.random.default_rng(seed)
    node = np.arange(side * side).reshape(side, side)
    pairs = [(node[:, :-1], node[:, 1:]), (node[:-1, :], node[1:, :])]
    a = np.concatenate([p.ravel() for p, _ in pairs])
    b = np.concatenate([q.ravel() for _, q in pairs])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    n = tail.size
    vdf = delay_functions(
        "bpr", rng.uniform(1.0, 3.0, n), rng.uniform(300.0, 900.0, n), alpha=0.15, beta=4
    )
    centroids = np.sort(rng.choice(side * side, zones, replace=False))
    demand = rng.uniform(0.0, 20.0, (zones, zones))
    np.fill_diagonal(demand, 0.0)
    return AssignmentProblem(tail, head, side * side, vdf, centroids, centroids, demand)


def plain_aon(problem: AssignmentProblem, cost: np.ndarray) -> np.ndarray:
    """The baseline: Dijkstra per origin with scipy, then each path walked back in Python."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    matrix = csr_matrix((cost, (problem.tail, problem.head)), shape=(problem.n_nodes,) * 2)
    edge = {
        (int(u), int(v)): k for k, (u, v) in enumerate(zip(problem.tail, problem.head, strict=True))
    }
    flow = np.zeros(cost.size)
    for row, origin in enumerate(problem.origins):
        _, pred = dijkstra(matrix, indices=int(origin), return_predecessors=True)
        for col, destination in enumerate(problem.destinations):
            volume = problem.demand[row, col]
            v = int(destination)
            while volume > 0 and v != origin:
                u = int(pred[v])
                flow[edge[(u, v)]] += volume
                v = u
    return flow


def synthetic(runs: int) -> None:
    problem = grid_problem(50, 100)
    print(f"synthetic grid: {problem.tail.size:,} edges, {problem.origins.size} zones")
    seconds, iterations, _ = _median_run(problem, runs)
    ours = seconds / iterations
    plain = []
    for _ in range(runs):
        start = time.perf_counter()
        plain_aon(problem, problem.delay.free_time)
        plain.append(time.perf_counter() - start)
    base = statistics.median(plain)
    print(f"  bfw to gap 1e-4: {seconds:.3f} s, {iterations} iterations, {1e3 * ours:.1f} ms each")
    print(f"  plain scipy all-or-nothing loop: {1e3 * base:.1f} ms per iteration")
    print(f"  per iteration, corridors is {base / ours:.1f}x the plain loop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--grid-runs", type=int, default=1, help="runs on the grid (slow)")
    parser.add_argument("--aequilibrae", help="a Python interpreter with aequilibrae installed")
    args = parser.parse_args()
    sioux_falls(args.runs, args.aequilibrae)
    synthetic(args.grid_runs)


if __name__ == "__main__":
    main()
