"""Path-based column generation for a multi-commodity min-cost flow on compiled networks.

The programme of :mod:`corridors.analysis.assignment` in its path form: one column per path that a
demand may take, one *unserved* column per demand, one row per demand (its paths and its
unserved tonnes add up to its tonnes) and one row per capacity. The restricted master holds
only the paths found so far and is solved by HiGHS (:func:`scipy.optimize.linprog`); pricing
is a shortest-path search (:func:`scipy.sparse.csgraph.dijkstra`) per commodity and origin on
the edge costs plus the master's capacity prices, from every source node of the demand to the
cheapest of its target nodes, so that a city's terminals act as a super-source and a
super-sink. A path whose reduced cost is negative (cheaper than the demand row's dual) enters
the master; when none is left the master's optimum is the optimum over all paths, the same
as the arc-flow programme's (every arc flow splits into paths and cycles, which cost
nothing less than zero).

Capacity rows enter the master only once a master's solution exceeds them: a row no solution
exceeds cannot bind at the optimum, so its price is 0, and the master stays small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.core.compiled import EPSILON, CompiledNetwork
from corridors.exceptions import InfeasibleError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import scipy.sparse as sp

__all__ = ["PathDemand", "PathNetwork", "PathSolution", "solve_paths"]

#: A path enters the master when its reduced cost is below minus this (relative to its cost).
TOL = 1e-9
#: Rounds of pricing before giving up (each adds at least one path).
MAX_ROUNDS = 10_000


@dataclass(frozen=True, eq=False)
class PathNetwork:
    """One commodity's network: the compiled edges, their cost per tonne in the objective
    and, for each edge, the capacity rows its tonnes count in (``members``: rows x edges)."""

    net: CompiledNetwork
    cost: npt.NDArray[np.float64]
    members: sp.csr_array
    by_edge: sp.csr_array = field(init=False, repr=False)
    pairs: _Pairs = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_edge", self.members.T.tocsr())
        object.__setattr__(self, "pairs", _Pairs.of(self.net))

    def rows_of(
        self, edges: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The capacity rows a path of ``edges`` counts in, and how often in each."""
        import numpy as np

        m = self.by_edge
        starts, ends = m.indptr[edges], m.indptr[edges + 1]
        hits = np.concatenate([m.indices[a:b] for a, b in zip(starts, ends, strict=True)] or [[]])
        rows, counts = np.unique(hits.astype(np.int64), return_counts=True)
        return rows, counts.astype(float)


@dataclass(frozen=True)
class PathDemand:
    """Tonnes a year from any of ``sources`` to any of ``targets`` (node ids of network
    ``network``); ``servable`` False: no path can exist, every tonne is unserved."""

    network: int
    sources: tuple[int, ...]
    targets: tuple[int, ...]
    tonnes: float
    servable: bool = True


@dataclass(frozen=True)
class PathSolution:
    """The optimum: per path (``demand`` it serves, its compiled ``edges``) the ``tonnes``
    on it; ``unserved`` per demand; ``prices`` per capacity row (what one more t/yr there
    saves, >= 0); ``objective``; the pricing ``rounds`` it took."""

    demand: list[int]
    edges: list[npt.NDArray[np.int64]]
    tonnes: npt.NDArray[np.float64]
    unserved: npt.NDArray[np.float64]
    prices: npt.NDArray[np.float64]
    objective: float
    rounds: int


class _Master:
    """The restricted master in HiGHS, grown in place and re-solved from the last basis.

    Columns are the unserved tonnes of each demand and then the paths; rows are the demands
    and then the capacity rows some path would exceed (:meth:`cut`): a row that no solution
    has exceeded cannot bind, so it stays out and its price is 0.
    """

    def __init__(
        self,
        capacity: npt.NDArray[np.float64],
        tonnes: npt.NDArray[np.float64],
        fixed: npt.NDArray[np.bool_],
        penalty: float,
    ) -> None:
        import numpy as np
        from highspy import _core  # the bindings, without highspy.Highs's banner

        self.capacity, self.tonnes, self.fixed = capacity, tonnes, fixed
        # HiGHS works in units of `unit` tonnes, so that demands are of order 1,000 whatever
        # their size (costs stay per tonne, so the duals are unchanged)
        biggest = float(tonnes.max()) if len(tonnes) else 1.0
        self.unit = max(1.0, 10.0 ** math.floor(math.log10(max(biggest, 1.0))) / 1e3)
        self.highs = h = _core._Highs()
        h.setOptionValue("output_flag", False)
        n = len(tonnes)
        none = np.zeros(0, dtype=np.int32)
        scaled = tonnes / self.unit
        h.addCols(n, np.full(n, penalty), np.where(fixed, scaled, 0.0), scaled, 0, none, none, [])
        span = np.arange(n, dtype=np.int32)
        h.addRows(n, scaled, scaled, n, span, span, np.ones(n))
        self.row_of = np.full(len(capacity), -1, dtype=np.int64)
        self.n_rows = n
        self.demand: list[int] = []
        self.edges: list[npt.NDArray[np.int64]] = []
        self.cost: list[float] = []
        self.rows: list[npt.NDArray[np.int64]] = []
        self.counts: list[npt.NDArray[np.float64]] = []
        self.seen: set[tuple[int, bytes]] = set()

    def add(
        self,
        d: int,
        edges: npt.NDArray[np.int64],
        cost: float,
        rows: npt.NDArray[np.int64],
        counts: npt.NDArray[np.float64],
    ) -> bool:
        """Add the path ``edges`` of demand ``d`` (counted ``counts`` times in capacity rows
        ``rows``); False if it is already in."""
        import numpy as np

        key = (d, edges.tobytes())
        if key in self.seen:
            return False
        self.seen.add(key)
        inside = self.row_of[rows] >= 0
        index = np.concatenate([[d], self.row_of[rows[inside]]]).astype(np.int32)
        values = np.concatenate([[1.0], counts[inside]])
        self.highs.addCol(cost, 0.0, np.inf, len(index), index, values)
        self.demand.append(d)
        self.edges.append(edges)
        self.cost.append(cost)
        self.rows.append(rows)
        self.counts.append(counts)
        return True

    def cut(self, paths: npt.NDArray[np.float64]) -> int:
        """Add the capacity rows the paths' tonnes ``paths`` exceed; how many."""
        import numpy as np

        if not self.rows:
            return 0
        cols = np.repeat(np.arange(len(self.rows)), [len(r) for r in self.rows])
        rows, counts = np.concatenate(self.rows), np.concatenate(self.counts)
        activity = np.bincount(rows, weights=counts * paths[cols], minlength=len(self.capacity))
        over = activity > self.capacity * (1 + TOL) + TOL
        new = np.flatnonzero(over & (self.row_of < 0))
        if not len(new):
            return 0
        self.row_of[new] = self.n_rows + np.arange(len(new))
        self.n_rows += len(new)
        keep = np.isin(rows, new)
        local = self.row_of[rows[keep]] - (self.n_rows - len(new))
        order = np.lexsort((cols[keep], local))
        starts = np.searchsorted(local[order], np.arange(len(new)))
        n_dem = len(self.tonnes)
        self.highs.addRows(
            len(new),
            np.full(len(new), -np.inf),
            self.capacity[new] / self.unit,
            int(keep.sum()),
            starts.astype(np.int32),
            (cols[keep][order] + n_dem).astype(np.int32),
            counts[keep][order],
        )
        return len(new)

    def solve(
        self, *, primal: bool
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """``(x, duals of the demand rows, prices of every capacity row)``; x is the unserved
        tonnes of each demand and then the paths' tonnes. ``primal``: by the primal simplex
        (after columns were added, the last basis is still feasible), else the dual (after
        rows were)."""
        import numpy as np
        from highspy import _core

        h = self.highs
        h.setOptionValue("simplex_strategy", 4 if primal else 1)
        h.run()
        status = h.getModelStatus()
        if status != _core.HighsModelStatus.kOptimal:
            raise InfeasibleError(
                f"the assignment programme was not solved: {h.modelStatusToString(status)}"
            )
        solution = h.getSolution()
        x = np.asarray(solution.col_value, dtype=float) * self.unit
        duals = np.asarray(solution.row_dual, dtype=float)
        n = len(self.tonnes)
        prices = np.zeros(len(self.capacity))
        used = np.flatnonzero(self.row_of >= 0)
        prices[used] = np.maximum(-duals[self.row_of[used]], 0.0)
        return x, duals[:n], prices


def _search(
    matrix: Any, sources: tuple[int, ...], limit: float, *, single: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
    """Distances (up to ``limit``) and predecessors from each of ``sources`` (one row each)
    or, not ``single``, from the nearest of them (one row)."""
    from scipy.sparse.csgraph import dijkstra

    dist, pred = dijkstra(
        matrix, indices=list(sources), return_predecessors=True, min_only=not single, limit=limit
    )[:2]
    return dist.reshape(-1, matrix.shape[0]), pred.reshape(-1, matrix.shape[0])


@dataclass(frozen=True, eq=False)
class _Pairs:
    """The node pairs an edge joins, fixed for a network: each round's csgraph takes the
    cheapest edge of each pair (ties: the lower edge id, as
    :meth:`~corridors.core.compiled.CompiledNetwork.simple` does) without sorting again."""

    order: npt.NDArray[np.int64]  # edges by (tail, head, id)
    starts: npt.NDArray[np.int64]  # first position of each pair in ``order``
    heads: npt.NDArray[np.int32]
    indptr: npt.NDArray[np.int64]
    keys: npt.NDArray[np.int64]  # tail * n + head of each pair, ascending

    @classmethod
    def of(cls, net: CompiledNetwork) -> _Pairs:
        import numpy as np

        ids = np.arange(net.n_edges)
        order = np.lexsort((ids, net.head, net.tail))
        tail, head = net.tail[order].astype(np.int64), net.head[order].astype(np.int64)
        first = np.ones(len(order), dtype=bool)
        first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
        starts = np.flatnonzero(first)
        indptr = np.zeros(net.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(tail[starts], minlength=net.n_nodes), out=indptr[1:])
        keys = tail[starts] * net.n_nodes + head[starts]
        return cls(order, starts, head[starts].astype(np.int32), indptr, keys)

    def graph(self, weights: npt.NDArray[np.float64]) -> tuple[Any, npt.NDArray[np.int64]]:
        """The csgraph of the cheapest edge of each pair (zero raised to ``EPSILON``), and
        the edge behind each entry."""
        import numpy as np
        import scipy.sparse as sp

        w = weights[self.order]
        cheapest = np.minimum.reduceat(w, self.starts)
        group = np.repeat(np.arange(len(self.starts)), np.diff(np.append(self.starts, len(w))))
        at = np.where(w == cheapest[group], np.arange(len(w)), len(w))
        edge = self.order[np.minimum.reduceat(at, self.starts)]
        n = len(self.indptr) - 1
        data = np.where(cheapest > 0, cheapest, EPSILON)
        return sp.csr_matrix((data, self.heads, self.indptr), shape=(n, n)), edge

    def trace(
        self, pred: npt.NDArray[np.int32], target: int, edge: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """The edge ids of the path the predecessors ``pred`` give to ``target``."""
        import numpy as np

        nodes = [target]
        while pred[nodes[-1]] >= 0:
            nodes.append(int(pred[nodes[-1]]))
        path = np.array(nodes[::-1], dtype=np.int64)
        n = len(self.indptr) - 1
        result: npt.NDArray[np.int64] = edge[np.searchsorted(self.keys, path[:-1] * n + path[1:])]
        return result


def _reduced(
    networks: Sequence[PathNetwork], prices: npt.NDArray[np.float64]
) -> list[npt.NDArray[np.float64]]:
    """Each network's edge costs plus the prices of the capacity rows each edge counts in."""
    out = []
    for pn in networks:
        out.append(pn.cost + pn.members.T @ prices if pn.members.shape[0] else pn.cost)
    return out


def _searches(
    pn: PathNetwork, weights: npt.NDArray[np.float64], limits: Mapping[tuple[int, ...], float]
) -> tuple[npt.NDArray[np.int64], dict[tuple[int, ...], tuple[Any, Any]]]:
    """The edge behind each entry of the csgraph of ``weights`` and, per group of source
    nodes, distances (up to its limit) and predecessors from the nearest of them."""
    matrix, edge = pn.pairs.graph(weights)
    found = {}
    for g in sorted(limits):  # one search each: each has its own limit
        dist, pred = _search(matrix, g, limits[g], single=len(g) == 1)
        found[g] = (dist[0], pred[0])
    return edge, found


def _price(
    networks: Sequence[PathNetwork],
    demands: Sequence[PathDemand],
    master: _Master,
    duals: npt.NDArray[np.float64],
    prices: npt.NDArray[np.float64],
    wanted: set[int],
) -> set[int]:
    """Add the cheapest path of every ``wanted`` demand whose reduced cost is negative; the
    demands that got one."""
    import numpy as np

    added: set[int] = set()
    reduced = _reduced(networks, prices)
    for k, pn in enumerate(networks):
        mine = [d for d in sorted(wanted) if demands[d].network == k]
        if not mine:
            continue
        limits: dict[tuple[int, ...], float] = {}
        for d in mine:  # a path costing more than the demand row's dual cannot enter
            g = demands[d].sources
            limits[g] = max(limits.get(g, 0.0), float(duals[d]) * (1 + 1e-9) + 1e-6)
        edge, found = _searches(pn, reduced[k], limits)
        for d in mine:
            dist, pred = found[demands[d].sources]
            targets = np.array(demands[d].targets, dtype=np.int64)
            t = int(targets[np.argmin(dist[targets])])
            if not np.isfinite(dist[t]):
                continue
            edges = pn.pairs.trace(pred, t, edge)
            cost = float(pn.cost[edges].sum())
            gap = float(reduced[k][edges].sum()) - float(duals[d])
            if gap < -TOL * max(1.0, abs(cost), abs(float(duals[d]))):
                rows, counts = pn.rows_of(edges)
                if master.add(d, edges, cost, rows, counts):
                    added.add(d)
    return added


def solve_paths(
    networks: Sequence[PathNetwork],
    demands: Sequence[PathDemand],
    capacity: npt.NDArray[np.float64],
    *,
    penalty: float,
) -> PathSolution:
    """The least-cost paths of every demand within every ``capacity`` row.

    Parameters
    ----------
    networks
        One per commodity; all ``members`` have ``len(capacity)`` rows (a row shared by
        commodities appears in several).
    demands
        The demands; the ones not ``servable`` are left unserved.
    capacity
        Tonnes a year of each capacity row.
    penalty
        What a tonne left unserved costs, in the units of the networks' ``cost``.

    Raises
    ------
    InfeasibleError
        When HiGHS fails on a master (it should not: unserved tonnes are always allowed).
    """
    import numpy as np

    tonnes = np.array([d.tonnes for d in demands], dtype=float)
    fixed = np.array([not d.servable for d in demands], dtype=bool)
    master = _Master(np.asarray(capacity, dtype=float), tonnes, fixed, float(penalty))
    every = {d for d, dem in enumerate(demands) if dem.servable}
    wanted, primal = every, False
    for rounds in range(1, MAX_ROUNDS + 1):
        x, duals, prices = master.solve(primal=primal)
        primal = not master.cut(x[len(tonnes) :])
        if not primal:
            continue
        # price the demands that gained a path last time until none does, then all of them
        found = _price(networks, demands, master, duals, prices, wanted)
        if not found and wanted is every:
            n = len(tonnes)
            paths = np.clip(x[n:], 0.0, None)
            unserved = np.clip(x[:n], 0.0, None)
            return PathSolution(
                demand=master.demand,
                edges=master.edges,
                tonnes=paths,
                unserved=unserved,
                prices=prices,
                objective=float(np.dot(master.cost, paths) + penalty * unserved.sum()),
                rounds=rounds,
            )
        wanted = found or every
    raise InfeasibleError(f"the assignment's column generation did not converge in {MAX_ROUNDS}")
