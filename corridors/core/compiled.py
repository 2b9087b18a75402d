"""The compiled expanded network: CSR arrays of one commodity, year and set of exclusions.

See :mod:`corridors.core` for the layout. :func:`compile_network` builds it with numpy from the
columns of :func:`corridors.core.tables.tables`; :func:`corridors.expand.expand` draws the
networkx face from it, so both share one definition of every edge figure.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.core.avoid import Avoid
from corridors.core.build import EdgeColumns, build_edges
from corridors.core.criteria import BORDER, Criterion, criterion_weights
from corridors.core.tables import Tables, paused_gc, tables
from corridors.exceptions import DataError
from corridors.network.reference import commodities

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import numpy.typing as npt
    import scipy.sparse as sp

__all__ = [
    "ACCESS",
    "EPSILON",
    "GAUGE_CHANGE",
    "KIND_NAMES",
    "LINK",
    "TRANSFER",
    "CompiledNetwork",
    "Simple",
    "compile_network",
    "compile_tables",
]

LINK, TRANSFER, GAUGE_CHANGE, ACCESS = 0, 1, 2, 3
KIND_NAMES = ("link", "transfer", "gauge_change", "access")
#: Weight given to an edge of zero cost in a csgraph (scipy treats explicit zeros as no edge).
EPSILON = 1e-12

_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[Any, CompiledNetwork]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, eq=False)
class Simple:
    """A csgraph of one weight per node pair: the cheapest of parallel edges.

    ``matrix`` is an ``n_nodes x n_nodes`` CSR matrix (zero weights raised to ``EPSILON``),
    ``edge[j]`` the edge id behind ``matrix.data[j]``, ``weight[j]`` its true weight.
    """

    matrix: sp.csr_matrix
    edge: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]

    def edge_between(self, u: int, v: int) -> int:
        """The edge id of the cheapest edge from node ``u`` to node ``v``."""
        m = self.matrix
        row = m.indices[m.indptr[u] : m.indptr[u + 1]]
        return int(self.edge[m.indptr[u] + int((row == v).argmax())])

    def edges_along(self, nodes: list[int]) -> list[int]:
        """The edge ids of :meth:`edge_between` for each step of a path of nodes."""
        import numpy as np

        m = self.matrix
        u, v = np.asarray(nodes[:-1], dtype=np.int64), np.asarray(nodes[1:], dtype=np.int64)
        rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
        keys = rows * m.shape[1] + m.indices  # sorted: rows ascending, sorted indices
        at = np.searchsorted(keys, u * m.shape[1] + v)
        return [int(e) for e in self.edge[at]]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """The expanded network of one commodity, year and avoid set as CSR arrays.

    Edges are numbered in CSR order: the edges leaving node ``i`` are
    ``indptr[i]:indptr[i + 1]``. See :mod:`corridors.core` for every field.
    """

    commodity: str
    year: int | None
    avoid: Avoid
    nodes: tuple[tuple[str, str], ...]
    node_index: dict[tuple[str, str], int]
    link_ids: tuple[str, ...]
    link_mode: tuple[str, ...]
    place_ids: tuple[str, ...]
    place_country: tuple[str | None, ...]
    place_kind: tuple[str | None, ...]
    indptr: npt.NDArray[np.int64]
    tail: npt.NDArray[np.int32]
    head: npt.NDArray[np.int32]
    kind: npt.NDArray[np.int8]
    link: npt.NDArray[np.int32]
    place: npt.NDArray[np.int32]
    length_km: npt.NDArray[np.float64]
    time_h: npt.NDArray[np.float64]
    cost_usd_per_t: npt.NDArray[np.float64]
    co2_kg_per_t: npt.NDArray[np.float64]
    border_h: npt.NDArray[np.float64]
    border_usd_per_t: npt.NDArray[np.float64]
    capacity_tpy: npt.NDArray[np.float64]
    capacity_known: npt.NDArray[np.bool_]
    capacity_shared: npt.NDArray[np.bool_]
    build_order: npt.NDArray[np.int64]  # edge ids in the order expand() adds them
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.tail)

    def weights(self, by: Criterion) -> npt.NDArray[np.float64]:
        """The generalised cost of every edge for a criterion (border dwell included).

        The same figures as :func:`corridors.core.criteria.edge_weight`, bit for bit.
        """
        import numpy as np

        spec = criterion_weights(by)
        key = ("weights", tuple(spec.items()))
        if key not in self.cache:
            total = np.zeros(self.n_edges)
            for metric, w in spec.items():
                values = getattr(self, metric)
                if metric in BORDER:
                    values = values + getattr(self, BORDER[metric])
                total = total + w * values
            total.setflags(write=False)
            self.cache[key] = total
        result: npt.NDArray[np.float64] = self.cache[key]
        return result

    def simple(self, weights: npt.NDArray[np.float64]) -> Simple:
        """The cheapest edge per node pair for ``weights`` (ties: the lower edge id).

        An edge of weight ``inf`` (or NaN) is left out: that is how a solver bars an edge.
        """
        import numpy as np
        import scipy.sparse as sp

        edge = _cheapest_per_pair(self.tail, self.head, weights, self.n_nodes)
        w = weights[edge]
        data = np.where(w > 0, w, EPSILON)
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.tail[edge], minlength=self.n_nodes), out=indptr[1:])
        matrix = sp.csr_matrix(
            (data, self.head[edge].astype(np.int32), indptr), shape=(self.n_nodes, self.n_nodes)
        )
        return Simple(matrix, edge.astype(np.int64), w)

    def csgraph(self, weights: npt.NDArray[np.float64]) -> sp.csr_matrix:
        """A CSR matrix for :mod:`scipy.sparse.csgraph`: see :meth:`simple`."""
        return self.simple(weights).matrix

    def simple_for(self, by: Criterion) -> Simple:
        """:meth:`simple` of :meth:`weights` for a criterion, cached."""
        key = ("simple", tuple(criterion_weights(by).items()))
        if key not in self.cache:
            self.cache[key] = self.simple(self.weights(by))
        result: Simple = self.cache[key]
        return result

    def kind_name(self, e: int) -> str:
        """``"link"``, ``"transfer"``, ``"gauge_change"`` or ``"access"`` for edge ``e``."""
        return KIND_NAMES[int(self.kind[e])]

    def border(self, e: int) -> tuple[str | None, str | None] | None:
        """The pair of countries a link edge crosses, or None."""
        if self.kind[e] != LINK:
            return None
        a = self.place_country[self.place_of_node(int(self.tail[e]))]
        b = self.place_country[self.place_of_node(int(self.head[e]))]
        return (a, b) if a != b else None

    def place_of_node(self, n: int) -> int:
        """Index into ``place_ids`` of node ``n``."""
        node_place: npt.NDArray[np.int32] = self.node_place()
        return int(node_place[n])

    def node_place(self) -> npt.NDArray[np.int32]:
        """Index into ``place_ids`` of every node (cached)."""
        import numpy as np

        if "node_place" not in self.cache:
            index = {p: i for i, p in enumerate(self.place_ids)}
            self.cache["node_place"] = np.array([index[p] for p, _ in self.nodes], dtype=np.int32)
        result: npt.NDArray[np.int32] = self.cache["node_place"]
        return result

    def edge_attrs(self, e: int) -> dict[str, Any]:
        """The networkx attributes of edge ``e`` as :func:`corridors.expand.expand` gives them."""
        kind = int(self.kind[e])
        cap = float(self.capacity_tpy[e]) if self.capacity_known[e] else None
        attrs: dict[str, Any] = {"kind": KIND_NAMES[kind]}
        if kind == LINK:
            li = int(self.link[e])
            attrs.update(
                link=self.link_ids[li],
                mode=self.link_mode[li],
                **{"from": self.nodes[self.tail[e]][0], "to": self.nodes[self.head[e]][0]},
            )
        else:
            attrs["place"] = self.place_ids[int(self.place[e])]
        attrs.update(
            length_km=float(self.length_km[e]),
            time_h=float(self.time_h[e]),
            cost_usd_per_t=float(self.cost_usd_per_t[e]),
            co2_kg_per_t=float(self.co2_kg_per_t[e]),
            border=self.border(e),
            border_h=float(self.border_h[e]),
            border_usd_per_t=float(self.border_usd_per_t[e]),
            capacity_tpy=cap,
            capacity_shared=bool(self.capacity_shared[e]),
        )
        return attrs

    def edge_key(self, e: int) -> str:
        """The networkx key of edge ``e``: the link id, ``"access"`` or ``"transfer"``."""
        kind = int(self.kind[e])
        if kind == LINK:
            return self.link_ids[int(self.link[e])]
        return "access" if kind == ACCESS else "transfer"

    def edges_in_build_order(self) -> Iterator[int]:
        """Edge ids in the order :func:`corridors.expand.expand` adds them."""
        return (int(e) for e in self.build_order)


def _cheapest_per_pair(
    tail: npt.NDArray[np.int32], head: npt.NDArray[np.int32], weights: Any, n: int
) -> npt.NDArray[np.int64]:
    """The edge of finite weight with the lowest weight from each node to each other (ties:
    the lower edge id), by tail, then head."""
    import numpy as np

    ids = np.flatnonzero(np.isfinite(weights))
    pair = tail[ids].astype(np.int64) * n + head[ids]
    by_pair = np.argsort(pair, kind="stable")  # runs of edges by tail already: quick
    ids, pair = ids[by_pair], pair[by_pair]
    new = np.ones(len(ids), dtype=bool)
    new[1:] = pair[1:] != pair[:-1]
    if not new.all():  # order the parallel edges of each pair by weight, ties by id
        parallel = np.flatnonzero(~new | np.append(~new[1:], False))
        run = np.cumsum(new)[parallel]
        ids[parallel] = ids[parallel][np.lexsort((weights[ids[parallel]], run))]
    return ids[new]


def _assemble(cols: EdgeColumns, commodity: str, year: int | None, avoid: Avoid) -> CompiledNetwork:
    import numpy as np

    n = len(cols.nodes)
    order = np.argsort(cols.tail, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols.tail, minlength=n), out=indptr[1:])
    position = np.empty_like(order)
    position[order] = np.arange(len(order))

    def csr(a: npt.NDArray[Any], dtype: Any) -> npt.NDArray[Any]:
        out = np.ascontiguousarray(a[order], dtype=dtype)
        out.setflags(write=False)
        return out

    cap = cols.capacity_tpy
    net = CompiledNetwork(
        commodity=commodity,
        year=year,
        avoid=avoid,
        nodes=cols.nodes,
        node_index=dict(zip(cols.nodes, range(n), strict=True)),
        link_ids=cols.link_ids,
        link_mode=cols.link_mode,
        place_ids=cols.place_ids,
        place_country=cols.place_country,
        place_kind=cols.place_kind,
        indptr=indptr,
        tail=csr(cols.tail, np.int32),
        head=csr(cols.head, np.int32),
        kind=csr(cols.kind, np.int8),
        link=csr(cols.link, np.int32),
        place=csr(cols.place, np.int32),
        length_km=csr(cols.length_km, float),
        time_h=csr(cols.time_h, float),
        cost_usd_per_t=csr(cols.cost_usd_per_t, float),
        co2_kg_per_t=csr(cols.co2_kg_per_t, float),
        border_h=csr(cols.border_h, float),
        border_usd_per_t=csr(cols.border_usd_per_t, float),
        capacity_tpy=csr(np.where(np.isnan(cap), np.inf, cap), float),
        capacity_known=csr(~np.isnan(cap), bool),
        capacity_shared=csr(cols.capacity_shared, bool),
        build_order=position.astype(np.int64),
    )
    if cols.node_place is not None:
        node_place = cols.node_place.astype(np.int32)
        node_place.setflags(write=False)
        net.cache["node_place"] = node_place
    return net


def compile_network(
    G: nx.MultiDiGraph,
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
) -> CompiledNetwork:
    """The expanded network of ``G`` for one commodity, year and avoid set, as arrays.

    Cached per graph object (like :func:`corridors.expand.expand`): treat both as read-only.

    Examples
    --------
    >>> from corridors import load_network
    >>> net = compile_network(load_network(), commodity="oil")
    >>> ("terminal:ceyhan", "pipeline") in net.node_index
    True
    """
    cache = _CACHE.setdefault(G, {})
    return compile_tables(tables(G), cache, commodity=commodity, year=year, avoid=avoid)


def compile_tables(
    t: Tables,
    cache: dict[Any, Any],
    *,
    commodity: str = "container",
    year: int | None = None,
    avoid: Avoid | None = None,
) -> CompiledNetwork:
    """The expanded network of a network's columns for one commodity, year and avoid set,
    kept in ``cache`` under ``(commodity, year, avoid)``: what :func:`compile_network` gives
    for a graph and :meth:`corridors.core.network.CoreNetwork.compile` for its columns.

    Raises
    ------
    DataError
        For an unknown commodity.
    """
    if commodity not in commodities():
        raise DataError(
            f"unknown commodity '{commodity}'; expected one of {', '.join(sorted(commodities()))}"
        )
    avoid = avoid or Avoid()
    key = (commodity, year, avoid)
    if key not in cache:
        with paused_gc():  # many small containers, no cycles: see paused_gc
            cols = build_edges(t, commodity, year, avoid)
            cache[key] = _assemble(cols, commodity, year, avoid)
    compiled: CompiledNetwork = cache[key]
    return compiled
