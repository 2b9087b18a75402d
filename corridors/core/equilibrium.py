"""Static traffic assignment on arrays: all-or-nothing, Frank-Wolfe and its conjugate variants.

A demand matrix is loaded onto a network whose link times grow with flow
(:class:`~corridors.core.vdf.DelayFunctions`) until Wardrop's first principle holds: every used
path of an origin-destination pair costs the same, and no unused one costs less (user
equilibrium). With ``criterion="so"`` the links are priced at their marginal cost instead, which
gives the system optimum (least total time).

Shortest paths come from :func:`scipy.sparse.csgraph.dijkstra`, one call for all origins; the
demand is loaded onto the predecessor trees level by level, for all origins at once, so no Python
loop runs over links, nodes or pairs. The descent direction is the all-or-nothing point (``fw``),
its conjugate (``cfw``) or bi-conjugate (``bfw``, Mitradjieva and Lindberg, 2013) combination
with the previous ones, or the method of successive averages (``msa``); the step is the exact
minimiser of the objective along that direction (regula falsi on its derivative). Iterations stop
at a relative gap ``(c.x - c.y) / c.x`` (``y``: all-or-nothing flows at the current costs ``c``).

Anything linear in the loading is carried through the same combinations as the link flows: here
the origin-destination flows through each selected link (select-link analysis).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from corridors.exceptions import DataError, NoRouteError

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from corridors.core.vdf import DelayFunctions

__all__ = [
    "ALGORITHMS",
    "AssignmentProblem",
    "EquilibriumResult",
    "all_or_nothing",
    "assign",
]

ALGORITHMS: tuple[str, ...] = ("bfw", "cfw", "fw", "msa")
"""Names of the equilibrium algorithms."""

Algorithm = Literal["bfw", "cfw", "fw", "msa"]
Criterion = Literal["ue", "so"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_CHUNK_ELEMENTS = 2_000_000  # (origins x nodes) per block of shortest-path trees
_CONJUGATE_MAX = 0.99999  # a conjugate weight of 1 would repeat the previous direction


@dataclass(frozen=True)
class AssignmentProblem:
    """A network in array form with a demand matrix to assign on it.

    Attributes
    ----------
    tail, head : ndarray of int
        Node index (``0 .. n_nodes-1``) at each end of each link; parallel links are allowed.
    n_nodes : int
        Number of nodes.
    delay : DelayFunctions
        The time of each link as a function of its flow.
    origins, destinations : ndarray of int
        Node index of each row and each column of ``demand``.
    demand : ndarray of float, shape (len(origins), len(destinations))
        Flow from each origin to each destination.
    fixed_cost : ndarray of float, optional
        A cost per link, in units of time, added to the time in the generalised cost (tolls,
        distance); it does not depend on flow.
    node_names : sequence of str, optional
        Names of the nodes, for error messages.
    """

    tail: IntArray
    head: IntArray
    n_nodes: int
    delay: DelayFunctions
    origins: IntArray
    destinations: IntArray
    demand: FloatArray
    fixed_cost: FloatArray | None = None
    node_names: Sequence[str] | None = None

    def __post_init__(self) -> None:
        n = self.tail.size
        if self.head.size != n or len(self.delay) != n:
            raise DataError("assignment problem: tail, head and delay functions differ in length")
        if self.demand.shape != (self.origins.size, self.destinations.size):
            raise DataError("assignment problem: demand is not origins x destinations")
        if (self.demand < 0).any() or not np.isfinite(self.demand).all():
            raise DataError("assignment problem: demand must be finite and >= 0")
        if self.fixed_cost is not None and self.fixed_cost.size != n:
            raise DataError("assignment problem: fixed_cost differs in length from the links")

    def name(self, node: int) -> str:
        """The name of a node for messages (its index when the problem has no names)."""
        return str(self.node_names[node]) if self.node_names is not None else str(node)


@dataclass(frozen=True)
class EquilibriumResult:
    """The outcome of :func:`assign`.

    Attributes
    ----------
    flow, time, cost : ndarray of float
        Flow, loaded time and loaded generalised cost (time + fixed cost) of each link.
    skims : dict of str to ndarray
        Origin-destination matrices along the least-cost paths at the final costs: ``"cost"``
        (generalised cost), ``"time"`` (loaded time) and ``"fixed"`` when there is a fixed cost.
    gaps : tuple of float
        The relative gap measured at each iteration.
    iterations : int
        Number of iterations (each one all-or-nothing loading after the initial one).
    converged : bool
        Whether the target gap was reached.
    objective : float
        Beckmann objective (user equilibrium) or total generalised cost (system optimum).
    total_travel_time : float
        Sum over links of flow times loaded time.
    select_link : dict of int to ndarray
        For each selected link, the flow of each origin-destination pair that uses it.
    algorithm, criterion : str
        What was run.
    """

    flow: FloatArray
    time: FloatArray
    cost: FloatArray
    skims: dict[str, FloatArray]
    gaps: tuple[float, ...]
    iterations: int
    converged: bool
    objective: float
    total_travel_time: float
    select_link: dict[int, FloatArray] = field(default_factory=dict)
    algorithm: str = "bfw"
    criterion: str = "ue"

    @property
    def relative_gap(self) -> float:
        """The last relative gap measured."""
        return self.gaps[-1] if self.gaps else 0.0


class _Graph:
    """The link structure, compiled once: a CSR of the cheapest link of each node pair."""

    def __init__(self, problem: AssignmentProblem) -> None:
        n = problem.n_nodes
        self.n = n
        self.n_links = problem.tail.size
        key = problem.tail.astype(np.int64) * n + problem.head.astype(np.int64)
        self.order = np.argsort(key, kind="stable")
        sorted_key = key[self.order]
        first = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        self.starts = first
        self.pair_key = sorted_key[first]
        self.parallel = first.size != key.size
        tails = self.pair_key // n
        self.indices = (self.pair_key % n).astype(np.int32)
        self.indptr = np.searchsorted(tails, np.arange(n + 1)).astype(np.int32)
        self.group = np.repeat(np.arange(first.size), np.diff(np.r_[first, key.size]))

    def cheapest(self, cost: FloatArray) -> tuple[FloatArray, IntArray]:
        """Least cost of each node pair and the link that gives it (lowest index on ties)."""
        if not self.parallel:
            return cost[self.order], self.order
        c = cost[self.order]
        pick = np.lexsort((self.order, c, self.group))
        best = pick[self.starts]
        return c[best], self.order[best]

    def matrix(self, pair_cost: FloatArray) -> csr_matrix:
        """The CSR matrix scipy's shortest paths read."""
        from scipy.sparse import csr_matrix

        return csr_matrix((pair_cost, self.indices, self.indptr), shape=(self.n, self.n))


@dataclass
class _Trees:
    """Shortest-path trees from every origin, flattened over (origin, node)."""

    dist: FloatArray  # (origins, nodes)
    parent: IntArray  # flat index of the parent; the root and unreached nodes point to themselves
    link: IntArray  # link into each flat node, -1 at roots and unreached nodes
    depth: IntArray


def _trees(graph: _Graph, problem: AssignmentProblem, cost: FloatArray) -> _Trees:
    """Shortest-path trees from every origin at the given link costs."""
    from scipy.sparse.csgraph import dijkstra

    pair_cost, pair_link = graph.cheapest(cost)
    dist, pred = dijkstra(
        graph.matrix(pair_cost), indices=problem.origins, return_predecessors=True
    )
    n = graph.n
    pred = pred.astype(np.int64).ravel()
    flat = np.arange(pred.size, dtype=np.int64)
    has = pred >= 0
    row = flat // n
    parent = np.where(has, row * n + pred, flat)
    link = np.full(pred.size, -1, dtype=np.int64)
    pos = np.searchsorted(graph.pair_key, pred[has] * n + flat[has] % n)
    link[has] = pair_link[pos]
    depth = _path_sum(parent, has.astype(np.float64)).astype(np.int64)
    return _Trees(dist, parent, link, depth)


def _path_sum(parent: IntArray, weight: FloatArray) -> FloatArray:
    """Sum of ``weight`` over each node and its ancestors, by pointer doubling.

    ``parent`` points roots (and unreached nodes) to themselves; their weight must be 0.
    """
    total = weight.copy()
    anc = parent
    while True:
        up = anc[anc]
        if np.array_equal(up, anc):
            return total
        total = total + total[anc]  # now the sum from each node up to, excluding, up
        anc = up


def _load(trees: _Trees, problem: AssignmentProblem, n_links: int) -> FloatArray:
    """Link flows of the demand sent along the trees (subtree sums, deepest level first)."""
    n_orig = problem.origins.size
    n = trees.dist.shape[1]
    node_flow = np.zeros(n_orig * n)
    rows = np.repeat(np.arange(n_orig, dtype=np.int64) * n, problem.destinations.size)
    np.add.at(node_flow, rows + np.tile(problem.destinations, n_orig), problem.demand.ravel())
    counts = np.bincount(trees.depth)
    order = np.argsort(trees.depth, kind="stable")
    ends = np.cumsum(counts)
    for level in range(counts.size - 1, 0, -1):
        nodes = order[ends[level - 1] : ends[level]]
        np.add.at(node_flow, trees.parent[nodes], node_flow[nodes])
    used = trees.link >= 0
    flows = np.bincount(trees.link[used], weights=node_flow[used], minlength=n_links)
    return flows.astype(np.float64)


def _check_reached(trees: _Trees, problem: AssignmentProblem) -> None:
    """Stop on demand between a pair that no path joins."""
    unreached = (problem.demand > 0) & ~np.isfinite(trees.dist[:, problem.destinations])
    if unreached.any():
        o, d = np.argwhere(unreached)[0]
        origin, destination = problem.origins[o], problem.destinations[d]
        raise NoRouteError(
            f"assignment: demand from {problem.name(origin)} to {problem.name(destination)} "
            "but no path joins them; remove the demand or add a link"
        )


def _through(trees: _Trees, problem: AssignmentProblem, link: int) -> FloatArray:
    """Demand of each origin-destination pair whose tree path uses ``link``."""
    on_path = _path_sum(trees.parent, (trees.link == link).astype(np.float64)) > 0
    n = trees.dist.shape[1]
    return problem.demand * on_path.reshape(-1, n)[:, problem.destinations]


def _chunks(problem: AssignmentProblem) -> Iterator[AssignmentProblem]:
    """The problem in blocks of origins, so that trees of (origins x nodes) stay small."""
    size = max(1, _CHUNK_ELEMENTS // max(problem.n_nodes, 1))
    if problem.origins.size <= size:
        yield problem
        return
    for start in range(0, problem.origins.size, size):
        rows = slice(start, start + size)
        yield replace(problem, origins=problem.origins[rows], demand=problem.demand[rows])


def _loading(
    graph: _Graph, problem: AssignmentProblem, cost: FloatArray, select: Sequence[int]
) -> FloatArray:
    """All-or-nothing loading as one vector: link flows, then each select-link matrix flattened."""
    flows = np.zeros(graph.n_links)
    blocks: list[list[FloatArray]] = [[] for _ in select]
    for part in _chunks(problem):
        trees = _trees(graph, part, cost)
        _check_reached(trees, part)
        flows += _load(trees, part, graph.n_links)
        for block, link in zip(blocks, select, strict=True):
            block.append(_through(trees, part, link))
    return np.concatenate([flows, *(np.vstack(block).ravel() for block in blocks)])


def _skims(
    graph: _Graph, problem: AssignmentProblem, cost: FloatArray, weights: dict[str, FloatArray]
) -> dict[str, FloatArray]:
    """Sums of each link weight along the least-cost paths of every pair (inf where none)."""
    rows: dict[str, list[FloatArray]] = {name: [] for name in weights}
    for part in _chunks(problem):
        trees = _trees(graph, part, cost)
        reached = np.isfinite(trees.dist[:, part.destinations])
        width = trees.dist.shape[1]
        for name, weight in weights.items():
            along = np.where(trees.link >= 0, weight[trees.link], 0.0)
            total = _path_sum(trees.parent, along).reshape(-1, width)[:, part.destinations]
            rows[name].append(np.where(reached, total, np.inf))
    return {name: np.vstack(blocks) for name, blocks in rows.items()}


def all_or_nothing(problem: AssignmentProblem, cost: FloatArray | None = None) -> FloatArray:
    """Link flows when all demand takes the least-cost path at fixed link costs.

    Parameters
    ----------
    problem : AssignmentProblem
    cost : ndarray of float, optional
        Cost of each link; by default the free-flow time plus the fixed cost.

    Returns
    -------
    ndarray of float
        Flow on each link.

    Raises
    ------
    NoRouteError
        When a pair with demand has no path.
    """
    if cost is None:
        cost = _Pricing(problem, "ue").cost(np.zeros(problem.tail.size))[0]
    return _loading(_Graph(problem), problem, cost, ())[: problem.tail.size]


class _Pricing:
    """Link cost as a function of flow: time + fixed (``ue``) or marginal cost (``so``)."""

    def __init__(self, problem: AssignmentProblem, criterion: Criterion) -> None:
        self.delay = problem.delay
        n = problem.tail.size
        self.fixed = np.zeros(n) if problem.fixed_cost is None else problem.fixed_cost
        self.marginal = criterion == "so"

    def cost(self, flow: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Cost of each link and its derivative (exact for ``ue``, ``2 t'`` for ``so``)."""
        time, slope, _ = self.delay.evaluate(flow)
        if self.marginal:
            return time + flow * slope + self.fixed, 2.0 * slope
        return time + self.fixed, slope

    def objective(self, flow: FloatArray) -> float:
        """Beckmann objective (``ue``) or total generalised cost (``so``)."""
        time, _, integral = self.delay.evaluate(flow)
        base = flow @ time if self.marginal else integral.sum()
        return float(base + flow @ self.fixed)


def _exact_step(pricing: _Pricing, flow: FloatArray, direction: FloatArray) -> float:
    """The step from ``flow`` along ``direction`` that minimises the objective."""
    return _line_search(lambda t: float(pricing.cost(flow + t * direction)[0] @ direction))


def _line_search(derivative: Callable[[float], float]) -> float:
    """Step in [0, 1] where the objective's derivative along the direction is zero.

    Regula falsi with the Illinois modification: it keeps a bracket and converges superlinearly.
    """
    g0 = derivative(0.0)
    if g0 >= 0.0:
        return 0.0
    g1 = derivative(1.0)
    if g1 <= 0.0:
        return 1.0
    a, ga, b, gb = 0.0, g0, 1.0, g1
    for _ in range(100):
        c = (a * gb - b * ga) / (gb - ga)
        gc = derivative(c)
        if abs(gc) <= 1e-10 * abs(g0) or abs(b - a) <= 1e-13:
            return c
        if gc * gb < 0.0:
            a, ga = b, gb
        else:
            ga *= 0.5
        b, gb = c, gc
    return b


class _Directions:
    """Target points of the descent: all-or-nothing, conjugate or bi-conjugate."""

    def __init__(self, algorithm: Algorithm, n_links: int) -> None:
        self.algorithm = algorithm
        self.n = n_links
        self.previous: list[FloatArray] = []  # the last target points, newest first
        self.step = 0.0

    def target(self, x: FloatArray, y: FloatArray, hessian: FloatArray) -> FloatArray:
        """The point to move towards from ``x``, given the all-or-nothing point ``y``."""
        if self.algorithm in ("fw", "msa") or not self.previous or self.step >= 1.0:
            self.previous = []
            return y
        if self.algorithm == "cfw" or len(self.previous) == 1:
            return self._conjugate(x, y, hessian)
        return self._biconjugate(x, y, hessian)

    def advance(self, target: FloatArray, step: float) -> None:
        """Remember the target taken and the step made towards it."""
        self.previous = [target, *self.previous[:1]]
        self.step = step

    def reset(self) -> None:
        """Start again from a plain Frank-Wolfe direction."""
        self.previous = []

    def _conjugate(self, x: FloatArray, y: FloatArray, h: FloatArray) -> FloatArray:
        n = self.n
        s1 = self.previous[0]
        d1 = (s1[:n] - x[:n]) * h
        denominator = float(d1 @ (y[:n] - s1[:n]))
        a = float(d1 @ (y[:n] - x[:n])) / denominator if denominator != 0.0 else 0.0
        a = min(max(a, 0.0), _CONJUGATE_MAX)
        return a * s1 + (1.0 - a) * y

    def _biconjugate(self, x: FloatArray, y: FloatArray, h: FloatArray) -> FloatArray:
        n, tau = self.n, self.step
        s1, s2 = self.previous
        xs, ys, s1n, s2n = x[:n], y[:n], s1[:n], s2[:n]
        dbar = (tau * s1n + (1.0 - tau) * s2n - xs) * h
        z = s1n - xs
        mu_den = float(dbar @ (s2n - s1n))
        mu = max(0.0, -float(dbar @ (ys - xs)) / mu_den) if mu_den != 0.0 else 0.0
        nu_den = float((z * h) @ z)
        nu = -float((z * h) @ (ys - xs)) / nu_den + mu * tau / (1.0 - tau) if nu_den else 0.0
        nu = max(0.0, nu)
        b0 = 1.0 / (1.0 + mu + nu)
        return b0 * y + (nu * b0) * s1 + (mu * b0) * s2


def _check_options(
    problem: AssignmentProblem,
    algorithm: str,
    criterion: str,
    gap: float,
    max_iter: int,
    select_links: Sequence[int],
) -> None:
    if algorithm not in ALGORITHMS:
        raise DataError(
            f"assignment: unknown algorithm {algorithm!r}; expected one of bfw, cfw, fw, msa"
        )
    if criterion not in ("ue", "so"):
        raise DataError(f"assignment: unknown criterion {criterion!r}; expected ue or so")
    if not gap > 0.0:
        raise DataError(f"assignment: the target gap must be > 0, got {gap}")
    if max_iter < 1:
        raise DataError(f"assignment: max_iter must be >= 1, got {max_iter}")
    bad = [link for link in select_links if not 0 <= link < problem.tail.size]
    if bad:
        raise DataError(f"assignment: select link {bad[0]} is not a link index")


def assign(
    problem: AssignmentProblem,
    *,
    algorithm: Algorithm = "bfw",
    gap: float = 1e-4,
    max_iter: int = 1000,
    criterion: Criterion = "ue",
    select_links: Sequence[int] = (),
) -> EquilibriumResult:
    """Assign the demand at user equilibrium (or system optimum) by a Frank-Wolfe method.

    Parameters
    ----------
    problem : AssignmentProblem
    algorithm : {"bfw", "cfw", "fw", "msa"}, optional
        Bi-conjugate, conjugate or plain Frank-Wolfe, or successive averages.
    gap : float, optional
        Stop once the relative gap is at most this.
    max_iter : int, optional
        Stop after this many iterations in any case (``converged`` then says whether it got there).
    criterion : {"ue", "so"}, optional
        User equilibrium, or system optimum (links priced at marginal cost).
    select_links : sequence of int, optional
        Links whose users to report, pair by pair.

    Returns
    -------
    EquilibriumResult

    Raises
    ------
    DataError
        On a bad option.
    NoRouteError
        When a pair with demand has no path.
    """
    _check_options(problem, algorithm, criterion, gap, max_iter, select_links)
    graph = _Graph(problem)
    n = graph.n_links
    pricing = _Pricing(problem, criterion)
    x = _loading(graph, problem, pricing.cost(np.zeros(n))[0], select_links)
    directions = _Directions(algorithm, n)
    gaps: list[float] = []
    for iteration in range(max_iter):
        cost, hessian = pricing.cost(x[:n])
        y = _loading(graph, problem, cost, select_links)
        current = float(cost @ x[:n])
        gaps.append((current - float(cost @ y[:n])) / current if current > 0 else 0.0)
        if gaps[-1] <= gap or iteration == max_iter - 1:
            break
        target = directions.target(x, y, hessian)
        if target is not y and cost @ (target[:n] - x[:n]) >= 0.0:
            directions.reset()  # not a descent direction: fall back on Frank-Wolfe
            target = y
        if algorithm == "msa":
            step = 1.0 / (iteration + 2)
        else:
            step = _exact_step(pricing, x[:n], target[:n] - x[:n])
        directions.advance(target, step)
        x = x + step * (target - x)
    skims = _final_skims(graph, problem, pricing, x[:n])
    return _result(problem, pricing, skims, x, gaps, gap, algorithm, criterion, select_links)


def _final_skims(
    graph: _Graph, problem: AssignmentProblem, pricing: _Pricing, flow: FloatArray
) -> dict[str, FloatArray]:
    """Skims of cost, time (and fixed cost) along the least-cost paths at the final flows."""
    time = problem.delay.time(flow)
    weights = {"cost": time + pricing.fixed, "time": time}
    if problem.fixed_cost is not None:
        weights["fixed"] = pricing.fixed
    return _skims(graph, problem, pricing.cost(flow)[0], weights)


def _result(
    problem: AssignmentProblem,
    pricing: _Pricing,
    skims: dict[str, FloatArray],
    x: FloatArray,
    gaps: list[float],
    target: float,
    algorithm: str,
    criterion: str,
    select_links: Sequence[int],
) -> EquilibriumResult:
    n = problem.tail.size
    flow = x[:n]
    time = problem.delay.time(flow)
    size = problem.demand.size
    shape = problem.demand.shape
    select = {
        link: x[n + k * size : n + (k + 1) * size].reshape(shape)
        for k, link in enumerate(select_links)
    }
    return EquilibriumResult(
        flow=flow,
        time=time,
        cost=time + pricing.fixed,
        skims=skims,
        gaps=tuple(gaps),
        iterations=len(gaps),
        converged=gaps[-1] <= target,
        objective=pricing.objective(flow),
        total_travel_time=float(flow @ time),
        select_link=select,
        algorithm=algorithm,
        criterion=criterion,
    )
