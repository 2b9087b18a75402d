"""The capacity rows of the assignment programme, read from the compiled network's arrays.

One row per link direction and per place with a known capacity; a capacity given as one number
is shared by all commodities (one row over all their flows), a per-commodity mapping gives one
row per commodity. A place counts the tonnes it *handles* as :mod:`corridors.analysis.capacity`
defines them (:func:`handled`): transfers, gauge changes and journeys starting or ending there and,
at a border crossing, instead the links arriving and the journeys starting there (every tonne once).

:func:`networkx_order` gives the edges in the order :func:`corridors.expand.expand`'s graph
lists them, so that what is read from arrays ties as the networkx face would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridors.core.build import SRC
from corridors.core.compiled import LINK, CompiledNetwork

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import scipy.sparse as sp

__all__ = ["CapacityRows", "handled", "members_matrix", "networkx_nodes", "networkx_order"]


def networkx_order(net: CompiledNetwork) -> npt.NDArray[np.int64]:
    """Edge ids in the order ``expand(G).edges(keys=True)`` lists them.

    networkx lists a node's edges by node (in the order nodes were first added), then by
    neighbour (in the order first joined), then by key (in the order added); expand adds the
    edges in build order.
    """
    import numpy as np

    built = np.asarray(net.build_order, dtype=np.int64)
    tail, head = net.tail[built].astype(np.int64), net.head[built].astype(np.int64)
    both = np.empty(2 * len(built), dtype=np.int64)
    both[0::2], both[1::2] = tail, head
    seen, first = np.unique(both, return_index=True)
    rank = np.zeros(net.n_nodes, dtype=np.int64)
    rank[seen] = first
    pair = tail * net.n_nodes + head
    pairs, pair_first = np.unique(pair, return_index=True)
    joined = pair_first[np.searchsorted(pairs, pair)]
    order = np.lexsort((np.arange(len(built)), joined, rank[tail]))
    result: npt.NDArray[np.int64] = built[order]
    return result


def networkx_nodes(net: CompiledNetwork) -> npt.NDArray[np.int64]:
    """Node ids in the order ``expand(G)`` lists its nodes (first reached in build order)."""
    import numpy as np

    built = np.asarray(net.build_order, dtype=np.int64)
    both = np.empty(2 * len(built), dtype=np.int64)
    both[0::2], both[1::2] = net.tail[built], net.head[built]
    seen, first = np.unique(both, return_index=True)
    result: npt.NDArray[np.int64] = seen[np.argsort(first, kind="stable")]
    return result


def handled(net: CompiledNetwork) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``(place, edge)`` pairs: the edges whose tonnes place ``place`` (into ``place_ids``)
    handles, in :func:`networkx_order`."""
    import numpy as np

    order = networkx_order(net)
    border = np.array([k == "border_crossing" for k in net.place_kind], dtype=bool)
    node_place = net.node_place().astype(np.int64)
    is_link = net.kind[order] == LINK
    head_place = node_place[net.head[order]]
    own = net.place[order].astype(np.int64)
    from_src = np.array([layer == SRC for _, layer in net.nodes], dtype=bool)[net.tail[order]]
    place = np.where(is_link, head_place, own)
    counted = np.where(is_link, border[head_place], ~border[own] | from_src)
    keep = np.flatnonzero(counted)
    return place[keep], order[keep]


class CapacityRows:
    """Capacity rows of one programme: keys, capacities and what each row says (``info``)."""

    def __init__(self) -> None:
        self.index: dict[tuple[Any, ...], int] = {}
        self.capacity: list[float] = []
        self.info: list[tuple[str, str, str | None, str | None, str]] = []

    def row(self, key: tuple[Any, ...], capacity: float) -> int:
        """Index of the row ``key`` (``("link", id, from, to[, commodity])`` or
        ``("place", id[, commodity])``), added on first sight."""
        if key not in self.index:
            self.index[key] = len(self.capacity)
            self.capacity.append(float(capacity))
            commodity = key[-1] if len(key) in (3, 5) else "*"
            if key[0] == "link":
                self.info.append(("link", key[1], key[2], key[3], commodity))
            else:
                self.info.append(("place", key[1], None, None, commodity))
        return self.index[key]

    def members(self, net: CompiledNetwork) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """``(row, edge)`` pairs of the rows the edges of ``net`` count in (rows added on
        first sight: the links in :func:`networkx_order`, then the places by id)."""
        import numpy as np

        link_rows, link_edges = self._link_members(net)
        place_rows, place_edges = self._place_members(net)
        return (
            np.array(link_rows + place_rows, dtype=np.int64),
            np.array(link_edges + place_edges, dtype=np.int64),
        )

    def _link_members(self, net: CompiledNetwork) -> tuple[list[int], list[int]]:
        order = networkx_order(net)
        chosen = order[(net.kind[order] == LINK) & net.capacity_known[order]]
        place = [p for p, _ in net.nodes]
        c = net.commodity
        rows: list[int] = []
        for li, t, h, shared, cap in zip(
            net.link[chosen].tolist(),
            net.tail[chosen].tolist(),
            net.head[chosen].tolist(),
            net.capacity_shared[chosen].tolist(),
            net.capacity_tpy[chosen].tolist(),
            strict=True,
        ):
            key: tuple[Any, ...] = ("link", net.link_ids[li], place[t], place[h])
            rows.append(self.row(key if shared else (*key, c), cap))
        return rows, chosen.tolist()

    def _place_members(self, net: CompiledNetwork) -> tuple[list[int], list[int]]:
        import numpy as np

        places, edges = handled(net)
        own = np.flatnonzero(net.kind != LINK)
        first = np.full(len(net.place_ids), -1, dtype=np.int64)  # a place edge of each place
        first[net.place[own][::-1]] = own[::-1]
        by_place = np.argsort(places, kind="stable")
        bounds = np.searchsorted(places[by_place], np.arange(len(net.place_ids) + 1))
        rows: list[int] = []
        counted: list[int] = []
        c = net.commodity
        for p in sorted(set(places.tolist()), key=net.place_ids.__getitem__):
            e = int(first[p])
            if e < 0 or not net.capacity_known[e]:
                continue
            pid = net.place_ids[p]
            key = ("place", pid) if net.capacity_shared[e] else ("place", pid, c)
            r = self.row(key, float(net.capacity_tpy[e]))
            mine = edges[by_place[bounds[p] : bounds[p + 1]]].tolist()
            rows += [r] * len(mine)
            counted += mine
        return rows, counted


def members_matrix(
    rows: npt.NDArray[np.int64], edges: npt.NDArray[np.int64], n_rows: int, n_edges: int
) -> sp.csr_array:
    """Rows x edges: how often an edge's tonnes count in each row (from ``(row, edge)`` pairs
    of :meth:`CapacityRows.members`)."""
    import numpy as np
    import scipy.sparse as sp

    return sp.csr_array((np.ones(len(rows)), (rows, edges)), shape=(n_rows, n_edges))
