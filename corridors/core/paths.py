"""Shortest paths on a compiled network, as lists of edge ids.

:class:`PathFinder` answers one-pair queries for any edge weights (``inf`` bars an edge). On a
network of up to ``HEAP_EDGES`` edges it runs a heap Dijkstra in Python on the CSR arrays that
stops at the target and breaks ties as :func:`networkx.dijkstra_path` does on the graph of the
cheapest parallel edges (so answers do not depend on the size switch for small networks and
no scipy import is needed); above that it uses :func:`scipy.sparse.csgraph.dijkstra`.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from corridors.core.compiled import ACCESS, CompiledNetwork, Simple
from corridors.core.criteria import Criterion, criterion_weights

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["HEAP_EDGES", "PathFinder", "path_weight"]

#: Networks up to this many edges are searched by the Python heap Dijkstra.
HEAP_EDGES = 2_000


def path_weight(path: list[int], weights: Any) -> float:
    """The sum of the weights of a path's edges, in order (the same float every time)."""
    return sum((float(weights[e]) for e in path), 0.0)


class PathFinder:
    """Shortest paths from node to node of one compiled network for changing edge weights."""

    def __init__(self, net: CompiledNetwork, *, heap: bool | None = None) -> None:
        self.net = net
        self.heap = net.n_edges <= HEAP_EDGES if heap is None else heap
        self._adjacency: list[list[tuple[int, tuple[int, ...]]]] | None = None
        self._graphs: dict[Any, Simple] = {}

    def adjacency(self) -> list[list[tuple[int, tuple[int, ...]]]]:
        """Per node, ``(head, edges)`` in the order heads first appear (parallel edges together)."""
        if self._adjacency is None:
            net = self.net
            heads, indptr = net.head.tolist(), net.indptr.tolist()
            adjacency: list[list[tuple[int, tuple[int, ...]]]] = []
            for u in range(net.n_nodes):
                groups: dict[int, list[int]] = {}
                for e in range(indptr[u], indptr[u + 1]):
                    groups.setdefault(heads[e], []).append(e)
                adjacency.append([(v, tuple(es)) for v, es in groups.items()])
            self._adjacency = adjacency
        return self._adjacency

    def path(
        self,
        source: int | Sequence[int],
        target: int | Sequence[int],
        weights: npt.NDArray[np.float64],
        *,
        simple: Simple | None = None,
    ) -> list[int] | None:
        """Edge ids of a cheapest path from ``source`` to ``target``, or None (no path).

        Either end may be several nodes (the source nodes of a city's terminals, say): the
        path is then the cheapest from any of the sources to any of the targets, ties going
        to the source listed first. ``simple`` is :meth:`routing_graph` of ``weights`` when
        the caller has it (it is what a search costs to prepare beyond the Dijkstra itself on
        a large network).
        """
        sources = [source] if isinstance(source, int) else list(source)
        targets = [target] if isinstance(target, int) else list(target)
        if self.heap:
            return self._heap_path(sources, targets, weights.tolist())
        return self._scipy_path(sources, targets, simple or self.routing_graph(weights))

    def _heap_path(
        self, sources: list[int], targets: list[int], weights: list[float]
    ) -> list[int] | None:
        adjacency = self.adjacency()
        dist: dict[int, float] = {}
        seen = dict.fromkeys(sources, 0.0)
        via: dict[int, int] = {}
        counter = itertools.count()
        fringe = [(0.0, next(counter), s) for s in sources]
        ends = set(targets)
        reached = None
        while fringe:
            d, _, u = heapq.heappop(fringe)
            if u in dist:
                continue
            dist[u] = d
            if u in ends:
                reached = u
                break
            for v, edges in adjacency[u]:
                e = min(edges, key=weights.__getitem__) if len(edges) > 1 else edges[0]
                w = weights[e]
                if w == math.inf or v in dist:
                    continue
                dv = d + w
                if v not in seen or dv < seen[v]:
                    seen[v] = dv
                    via[v] = e
                    heapq.heappush(fringe, (dv, next(counter), v))
        if reached is None:
            return None
        return self._unwind(set(sources), reached, via)

    def _unwind(self, sources: set[int], target: int, via: dict[int, int]) -> list[int]:
        tail = self.net.tail
        path: list[int] = []
        node = target
        while node not in sources:
            e = via[node]
            path.append(e)
            node = int(tail[e])
        return path[::-1]

    def routing_graph(self, weights: npt.NDArray[np.float64]) -> Simple:
        """The csgraph SciPy searches: ``net.simple(weights)`` without the access edges.

        A journey's access edges cost nothing; the search starts from every layer of the
        origin at once and ends at the cheapest layer of the destination instead, so the
        source and sink nodes of the places stay out of the search.
        """
        import numpy as np

        return self.net.simple(np.where(self.net.kind == ACCESS, np.inf, weights))

    def routing_graph_for(self, by: Criterion) -> Simple:
        """:meth:`routing_graph` of a criterion's weights (cached)."""
        key = tuple(criterion_weights(by).items())
        if key not in self._graphs:
            self._graphs[key] = self.routing_graph(self.net.weights(by))
        return self._graphs[key]

    def _scipy_path(
        self, sources: list[int], targets: list[int], simple: Simple
    ) -> list[int] | None:
        import numpy as np
        from scipy.sparse.csgraph import dijkstra

        net = self.net
        starts = np.concatenate([self._access(s, out=True) for s in sources])
        ends = np.concatenate([self._access(t, out=False) for t in targets])
        first = net.head[starts] if len(starts) else np.array(sources)
        last = net.tail[ends] if len(ends) else np.array(targets)
        dist, pred, _ = dijkstra(
            simple.matrix, indices=first, return_predecessors=True, min_only=True
        )
        j = int(np.argmin(dist[last]))
        if not np.isfinite(dist[last[j]]):
            return None
        nodes = [int(last[j])]
        while pred[nodes[-1]] >= 0:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        path = simple.edges_along(nodes)
        head = [int(starts[first == nodes[0]][0])] if len(starts) else []
        tail = [int(ends[j])] if len(ends) else []
        return head + path + tail

    def _access(self, node: int, *, out: bool) -> npt.NDArray[np.int64]:
        """The access edges leaving a source node (``out``) or entering a sink node."""
        import numpy as np

        net = self.net
        if out:
            edges = np.arange(net.indptr[node], net.indptr[node + 1])
        else:
            edges = np.flatnonzero(net.head == node)  # a sink has few edges; found by scan
        return edges[net.kind[edges] == ACCESS]
