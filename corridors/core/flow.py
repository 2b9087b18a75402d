"""Flow networks of a compiled network, and a maximum flow exact for any finite capacities.

:func:`flow_arrays` builds the single-commodity flow network of :mod:`corridors.analysis.capacity`
(places with a capacity split into ``in`` and ``out`` nodes, parallel links through nodes of their
own) as arrays. :func:`max_flow` solves it: SciPy's :func:`~scipy.sparse.csgraph.maximum_flow`
works in 32-bit integers, so capacities are made whole numbers (times a power of ten for
fractions of a tonne), divided by their greatest common divisor, and capacities above a bound
on the flow (the value of one cut, found first on capacities rounded up) are lowered to that
bound, which cannot change the maximum or the minimum cut. When even then the numbers do not
fit, networkx's preflow-push solves it in Python integers. Either way the answer is exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.core.build import DST, SRC
from corridors.core.compiled import LINK, CompiledNetwork

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "IN",
    "INT32_MAX",
    "OUT",
    "SINK",
    "SOURCE",
    "FlowArrays",
    "csr",
    "flow_arrays",
    "joined",
    "max_flow",
    "unbounded_reach",
]

SOURCE, SINK = ("", "source"), ("", "sink")
IN, OUT = "in", "out"
INT32_MAX = 2**31 - 1
Element = tuple[str, str] | None


@dataclass(frozen=True, eq=False)
class FlowArrays:
    """A flow network: node keys, edges ``tail -> head`` with ``cap`` (``inf``: unbounded) and
    the ``element`` a cut through each edge would name (``("link", id)``, ``("place", id)``
    or None for a connector)."""

    nodes: list[Any]
    tail: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    cap: npt.NDArray[np.float64]
    elements: list[Element]
    index: dict[Any, int] | None = None  # node key -> number, when the builder has it
    source: int | None = None  # the SOURCE and SINK nodes, when the builder knows them
    sink: int | None = None

    def in_csr_order(self) -> FlowArrays:
        """The same network with its edges sorted by tail, then head (the solver's order)."""
        import numpy as np

        key = self.tail * (len(self.nodes) + 2) + self.head
        if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
            return self
        order = np.argsort(key, kind="stable")
        return FlowArrays(
            self.nodes,
            self.tail[order],
            self.head[order],
            self.cap[order],
            [self.elements[i] for i in order.tolist()],
            self.index,
            self.source,
            self.sink,
        )

    def terminals(self) -> tuple[int | None, int | None]:
        """The numbers of the ``SOURCE`` and ``SINK`` nodes (None: absent)."""
        if self.source is not None:
            return self.source, self.sink
        found = {key: i for i, key in enumerate(self.nodes) if key in (SOURCE, SINK)}
        return found.get(SOURCE), found.get(SINK)


def _place_capacities(net: CompiledNetwork) -> dict[int, float]:
    """Known capacity of each place of the network (read off its place edges)."""
    import numpy as np

    edges = np.flatnonzero((net.kind != LINK) & net.capacity_known)
    places, first = np.unique(net.place[edges], return_index=True)
    return dict(zip(places.tolist(), net.capacity_tpy[edges[first]].tolist(), strict=True))


def flow_arrays(
    net: CompiledNetwork, origins: Iterable[str] = (), destinations: Iterable[str] = ()
) -> FlowArrays:
    """The flow network of ``net`` joined to ``SOURCE`` (origins) and ``SINK`` (destinations).

    The network without terminals is built once per compiled network (cached with it).
    """
    if "flow_arrays" not in net.cache:
        net.cache["flow_arrays"] = _network(net)
    return joined(net.cache["flow_arrays"], origins, destinations)


def joined(flow: FlowArrays, origins: Iterable[str], destinations: Iterable[str]) -> FlowArrays:
    """``flow`` with a ``SOURCE`` feeding the origins and a ``SINK`` fed by the destinations.

    The new edges go where they keep ``flow``'s order by tail, then head (see
    :meth:`FlowArrays.in_csr_order`).
    """
    import numpy as np

    index = flow.index if flow.index is not None else {k: i for i, k in enumerate(flow.nodes)}
    source, sink = len(flow.nodes), len(flow.nodes) + 1
    starts = sorted({index[(o, SRC)] for o in origins if (o, SRC) in index})
    ends = sorted({index[(d, DST)] for d in destinations if (d, DST) in index})
    tails = np.array([*ends, *([source] * len(starts))], dtype=np.int64)
    heads = np.array([*([sink] * len(ends)), *starts], dtype=np.int64)
    n = len(flow.nodes) + 2
    at = np.searchsorted(flow.tail * n + flow.head, tails * n + heads)
    elements = list(flow.elements)
    for i in reversed(at.tolist()):
        elements.insert(i, None)
    return FlowArrays(
        [*flow.nodes, SOURCE, SINK],
        np.insert(flow.tail, at, tails),
        np.insert(flow.head, at, heads),
        np.insert(flow.cap, at, np.inf),
        elements,
        source=source,
        sink=sink,
    )


def _network(net: CompiledNetwork) -> FlowArrays:
    """The flow network of ``net`` without terminals."""
    import numpy as np

    caps = _place_capacities(net)
    border = {p for p in caps if net.place_kind[p] == "border_crossing"}
    nodes: list[Any] = list(net.nodes)
    index = dict(net.node_index)

    def node(key: Any) -> int:
        if key not in index:
            index[key] = len(nodes)
            nodes.append(key)
        return index[key]

    for p in sorted(caps, key=lambda p: net.place_ids[p]):
        node((net.place_ids[p], IN))
        node((net.place_ids[p], OUT))
    node_place = net.node_place()
    is_link = net.kind == LINK
    place_edge_kept = ~is_link & ~np.isin(net.place, list(caps))
    links = np.flatnonzero(is_link)
    head_place = node_place[net.head[links]]
    target = net.head[links].astype(np.int64)
    to_border = np.isin(head_place, list(border))
    for b in np.flatnonzero(to_border):
        target[b] = index[(net.place_ids[head_place[b]], IN)]
    tails: list[Any] = [net.tail[links].astype(np.int64)]
    heads: list[Any] = [target]
    cap: list[Any] = [net.capacity_tpy[links]]
    elements: list[Element] = [("link", net.link_ids[i]) for i in net.link[links].tolist()]
    pair = net.tail[links].astype(np.int64) * (len(net.nodes) + 2 * len(caps)) + target
    _, first = np.unique(pair, return_index=True)
    extra: list[tuple[int, int, float, Element]] = []
    for j in sorted(set(range(len(links))) - set(first.tolist())):  # parallel links
        u, v = net.nodes[net.tail[links[j]]], net.nodes[net.head[links[j]]]
        key = elements[j][1]  # type: ignore[index]
        mid = node(("", f"link:{key}:{u[0]}>{v[0]}"))
        extra.append((mid, int(target[j]), math.inf, None))
        heads[0][j] = mid
    kept = np.flatnonzero(place_edge_kept)
    tails.append(net.tail[kept].astype(np.int64))
    heads.append(net.head[kept].astype(np.int64))
    cap.append(np.full(len(kept), np.inf))
    elements += [None] * len(kept)
    extra += _hubs(net, caps, border, index)
    tails.append(np.array([e[0] for e in extra], dtype=np.int64))
    heads.append(np.array([e[1] for e in extra], dtype=np.int64))
    cap.append(np.array([e[2] for e in extra], dtype=float))
    elements += [e[3] for e in extra]
    return FlowArrays(
        nodes, np.concatenate(tails), np.concatenate(heads), np.concatenate(cap), elements, index
    ).in_csr_order()


def _hubs(
    net: CompiledNetwork, caps: dict[int, float], border: set[int], index: dict[Any, int]
) -> list[tuple[int, int, float, Element]]:
    """The edges of each capacitated place: its capacity from ``in`` to ``out``, and joins."""
    layers: dict[int, list[str]] = {p: [] for p in caps}
    place_index = {p: i for i, p in enumerate(net.place_ids)}
    for place, layer in net.nodes:
        i = place_index[place]
        if i in layers and layer not in (SRC, DST):
            layers[i].append(layer)
    out: list[tuple[int, int, float, Element]] = []
    for p in sorted(caps, key=lambda p: net.place_ids[p]):
        name = net.place_ids[p]
        hub_in, hub_out = index[(name, IN)], index[(name, OUT)]
        out.append((hub_in, hub_out, caps[p], ("place", name)))
        out.append((index[(name, SRC)], hub_in, math.inf, None))
        out.append((hub_out, index[(name, DST)], math.inf, None))
        for layer in sorted(layers[p]):
            out.append((hub_out, index[(name, layer)], math.inf, None))
            if p not in border:
                out.append((index[(name, layer)], hub_in, math.inf, None))
    return out


def _whole(cap: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], int] | None:
    """Finite capacities as whole numbers of ``1 / factor`` t/yr (factor 10**d, d <= 6), or
    None when they are too large for 64 bits."""
    import numpy as np

    if not len(cap):
        return np.zeros(0, dtype=np.int64), 1
    for d in range(7):
        scaled = cap * 10.0**d
        if scaled.max() >= 2.0**62:
            return None
        whole = np.rint(scaled)
        if d == 6 or np.all(np.abs(scaled - whole) <= 1e-9 * np.maximum(1.0, scaled)):
            return whole.astype(np.int64), 10**d
    raise AssertionError("unreachable")  # pragma: no cover


def csr(n: int, tail: Any, head: Any, data: Any) -> Any:
    """An ``n x n`` CSR array of the edges (taken as they stand when in CSR order)."""
    import numpy as np
    import scipy.sparse as sp

    key = np.asarray(tail, dtype=np.int64) * n + head
    if len(key) > 1 and bool((key[1:] > key[:-1]).all()):
        indptr = np.zeros(n + 1, dtype=np.int32 if len(key) <= INT32_MAX else np.int64)
        np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
        matrix = sp.csr_array((data, np.asarray(head, dtype=np.int32), indptr), shape=(n, n))
        matrix.has_canonical_format = True  # sorted, no duplicates: no scan needed
        return matrix
    return sp.csr_array((data, (tail, head)), shape=(n, n))


def _scipy_flow(
    n: int, tail: Any, head: Any, units: Any, source: int, sink: int, *, flows: bool = True
) -> tuple[Any, Any]:
    """Flow per edge (None unless ``flows``) and the nodes the residual network reaches from
    the source.

    Nodes that no edge enters, or that no edge leaves (the source and sink nodes of the places
    that are not terminals, say), carry nothing: SciPy solves the network without them,
    numbered in the same order, so it searches the same edges in the same order and finds
    the same flow. A node that only receives is reached through any edge from a reached node.
    """
    import numpy as np

    live = (np.bincount(tail, minlength=n) > 0) & (np.bincount(head, minlength=n) > 0)
    live[[source, sink]] = True
    kept = live[tail] & live[head]
    if kept.all():
        return _dinic(n, tail, head, units, source, sink, flows=flows)
    number = np.cumsum(live) - 1
    flow, reached = _dinic(
        int(number[-1]) + 1,
        number[tail[kept]],
        number[head[kept]],
        np.asarray(units)[kept],
        int(number[source]),
        int(number[sink]),
        flows=flows,
    )
    reachable = np.zeros(n, dtype=bool)
    reachable[live] = reached
    into = ~kept & reachable[tail] & (np.asarray(units) > 0)
    reachable[head[into]] = True
    if flow is not None:
        flow = _spread(flow, kept)
    return flow, reachable


def _spread(values: npt.NDArray[np.float64], where: npt.NDArray[np.bool_]) -> Any:
    """``values`` at the True places of ``where``, zeros elsewhere."""
    import numpy as np

    out = np.zeros(len(where))
    out[where] = values
    return out


def _dinic(
    n: int, tail: Any, head: Any, units: Any, source: int, sink: int, *, flows: bool = True
) -> tuple[Any, Any]:
    """:func:`_scipy_flow` on all the nodes (SciPy's Dinic)."""
    import numpy as np
    from scipy.sparse.csgraph import breadth_first_order, maximum_flow

    C = csr(n, tail, head, np.asarray(units, dtype=np.int32))
    flow = maximum_flow(C, source, sink).flow
    residual = (C - flow).tocsr()
    residual.data = (residual.data > 0).astype(float)  # float64: what scipy would convert to
    residual.eliminate_zeros()
    reachable = np.zeros(n, dtype=bool)
    reachable[breadth_first_order(residual, source, return_predecessors=False)] = True
    if not flows:
        return None, reachable
    return _per_edge(flow, tail, head), reachable


def _per_edge(flow: Any, tail: Any, head: Any) -> npt.NDArray[np.float64]:
    """The entries of a sparse flow matrix at each edge (0 where it has none)."""
    import numpy as np

    if not len(tail):
        return np.zeros(0)
    return np.asarray(flow[tail, head], dtype=float).ravel()


def _exact_flow(
    n: int, tail: Any, head: Any, units: list[int | None], source: int, sink: int
) -> tuple[Any, Any]:
    """As :func:`_scipy_flow`, in Python integers (networkx preflow-push); None: unbounded."""
    import numpy as np

    R = nx.DiGraph()
    R.add_nodes_from(range(n))
    for u, v, c in zip(tail.tolist(), head.tolist(), units, strict=True):
        R.add_edge(u, v, **({} if c is None else {"capacity": c}))
    residual = nx.algorithms.flow.preflow_push(R, source, sink)
    flow = np.array(
        [residual[u][v]["flow"] for u, v in zip(tail.tolist(), head.tolist(), strict=True)],
        dtype=float,
    )
    open_edges = [(u, v) for u, v, d in residual.edges(data=True) if d["flow"] < d["capacity"]]
    reached = nx.descendants(nx.DiGraph(open_edges), source) if open_edges else set()
    reachable = np.zeros(n, dtype=bool)
    reachable[[source, *reached]] = True
    return flow, reachable


def _direct_units(cap: Any) -> tuple[npt.NDArray[np.int64], float] | None:
    """Capacities as whole units over their greatest common divisor (unbounded edges one unit
    above the sum of all the others) and the t/yr of a unit, or None when they do not fit in
    SciPy's 32 bits as they are."""
    import numpy as np

    finite = np.isfinite(cap)
    scaled = _whole(cap[finite])
    if scaled is None:
        return None
    whole, factor = scaled
    g = (int(np.gcd.reduce(whole)) if len(whole) else 1) or 1
    if float(whole.astype(float).sum()) / g + 1 > INT32_MAX:
        return None
    units = np.full(len(cap), int(whole.sum()) // g + 1, dtype=np.int64)
    units[finite] = whole // g
    return units, g / factor


def unbounded_reach(n: int, tail: Any, head: Any, cap: Any, source: int) -> Any:
    """Predecessors of a breadth-first search from ``source`` over the unbounded edges, as
    :func:`scipy.sparse.csgraph.breadth_first_order` gives them (negative: not reached)."""
    import numpy as np
    from scipy.sparse.csgraph import breadth_first_order

    unbounded = np.isinf(cap)
    ones = np.ones(int(unbounded.sum()))  # float64: what scipy would convert to
    _, pred = breadth_first_order(csr(n, tail[unbounded], head[unbounded], ones), source)
    return pred


def max_flow(
    n: int, tail: Any, head: Any, cap: Any, source: int, sink: int, *, flows: bool = True
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.bool_]] | None:
    """A maximum flow (t/yr per edge; None unless ``flows``) and the source side of the
    minimum cut nearest the source, or None when a path of unbounded edges (``cap`` ``inf``)
    joins ``source`` to ``sink``.

    Exact for any finite capacities (see the module docstring). Where they fit SciPy as they
    are, the flow itself tells an unbounded network: an unbounded edge is one unit above the
    sum of all the others, so a minimum cut crosses one only if every cut does.
    """
    import numpy as np

    direct = _direct_units(cap)
    if direct is None:
        if unbounded_reach(n, tail, head, cap, source)[sink] >= 0:
            return None
        return _large_flow(n, tail, head, cap, source, sink, flows=flows)
    units, unit = direct
    flow, reachable = _scipy_flow(n, tail, head, units, source, sink, flows=flows)
    if np.isinf(cap[reachable[tail] & ~reachable[head]]).any():
        return None
    return (None if flow is None else flow * unit), reachable


def _large_flow(
    n: int, tail: Any, head: Any, cap: Any, source: int, sink: int, *, flows: bool
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.bool_]]:
    """:func:`max_flow` of capacities too large for SciPy as they are (none unbounded on a
    path from ``source`` to ``sink``): capped at a bound on the flow, or else in Python."""
    import numpy as np

    finite = np.isfinite(cap)
    scaled = _whole(cap[finite])
    if scaled is not None:
        whole, factor = scaled
        top = math.ceil(_cut_bound(n, tail, head, cap, source, sink) * factor)
        small = whole[whole <= top]
        g = (int(np.gcd.reduce(small)) if len(small) else 1) or 1
        ceiling = g * (top // g + 1)  # above every possible flow, and a multiple of g
        if ceiling // g <= INT32_MAX:
            units = np.full(len(cap), ceiling // g, dtype=np.int64)
            units[finite] = np.minimum(whole, ceiling) // g
            flow, reachable = _scipy_flow(n, tail, head, units, source, sink, flows=flows)
            return None if flow is None else flow * (g / factor), reachable
    factor = 10**6 if scaled is None else scaled[1]
    exact: list[int | None] = [None] * len(cap)
    for i, c in zip(np.flatnonzero(finite).tolist(), cap[finite].tolist(), strict=True):
        exact[i] = round(c * factor)
    flow, reachable = _exact_flow(n, tail, head, exact, source, sink)
    return flow / factor, reachable


def _cut_bound(n: int, tail: Any, head: Any, cap: Any, source: int, sink: int) -> float:
    """The capacity of one cut (an upper bound on the flow): a minimum cut of the capacities
    rounded up to a unit at which they fit in 32 bits."""
    import numpy as np

    finite = np.isfinite(cap)
    total = float(cap[finite].sum())
    unit = 10.0 ** math.ceil(math.log10(total / 2**30))
    coarse = np.ceil(cap[finite] / unit)
    scaled = np.full(len(cap), coarse.sum() + 1)
    scaled[finite] = coarse
    _, reachable = _scipy_flow(n, tail, head, scaled.astype(np.int64), source, sink)
    crossing = reachable[tail] & ~reachable[head]
    return float(cap[crossing].sum())
