"""The assignment's programme in arc form: a flow variable per (commodity, origin, edge).

:func:`build_programme` builds it (not solved): :mod:`corridors.planning.plan` stacks one per period
into its mixed-integer programme, and the tests solve it alone as the reference the column
generation of :func:`corridors.analysis.assignment.assign` must match. See
:mod:`corridors.analysis.assignment` for the formulation. The helpers both forms share (the demand
table, the compiled networks, the edge costs and the penalty) live here too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from corridors.analysis.assignment_results import (
    TIE_BREAK,
    Assignment,
    Part,
    Solved,
    assemble,
    end_labels,
    unserved_table,
)
from corridors.analysis.capacity_rows import CapacityRows, networkx_nodes, networkx_order
from corridors.analysis.demand import demand_ends, read_demand
from corridors.analysis.routing import Criterion, criterion_weights
from corridors.core.avoid import Avoid
from corridors.core.build import DST, SRC
from corridors.core.compiled import LINK, CompiledNetwork, compile_network

if TYPE_CHECKING:
    import pandas as pd

    from corridors.analysis.decompose import FlowPath

__all__ = [
    "Programme",
    "build_programme",
    "demand_table",
    "edge_costs",
    "networks_for",
    "penalty_of",
    "servable_nodes",
]


@dataclass
class _Block:
    """One commodity's part of the arc form: columns per (origin, edge), rows per (origin,
    node); ``ids`` are the compiled edges in the order of ``edges`` (networkx's)."""

    commodity: str
    net: CompiledNetwork
    origins: list[tuple[str, ...]]  # the places each origin stands for
    offset: int  # first column
    row_offset: int  # first conservation row

    def __post_init__(self) -> None:
        net = self.net
        self.ids = networkx_order(net)
        self.edges = [
            (net.nodes[net.tail[e]], net.nodes[net.head[e]], net.edge_key(e), net.edge_attrs(e))
            for e in self.ids.tolist()
        ]
        row = np.empty(net.n_nodes, dtype=np.int64)
        row[networkx_nodes(net)] = np.arange(net.n_nodes)
        self.node_row = row  # conservation row of each compiled node, within an origin
        self.usd = (net.cost_usd_per_t + net.border_usd_per_t)[self.ids]

    @property
    def m(self) -> int:
        return len(self.ids)

    @property
    def n(self) -> int:
        return self.net.n_nodes

    @property
    def columns(self) -> int:
        return len(self.origins) * self.m

    def row_of(self, node: tuple[str, str]) -> int:
        """Conservation row of a node within an origin's rows."""
        return int(self.node_row[self.net.node_index[node]])

    def flow(self, x: np.ndarray) -> np.ndarray:
        """Tonnes a year on each edge, all origins together."""
        if not self.origins:
            return np.zeros(self.m)
        return x[self.offset : self.offset + self.columns].reshape(-1, self.m).sum(axis=0)

    def part(self, x: np.ndarray) -> Part:
        """The flows of ``x`` on the compiled edges."""
        flow = np.zeros(self.net.n_edges)
        flow[self.ids] = self.flow(x)
        return Part(self.commodity, self.net, flow)


def servable_nodes(
    net: CompiledNetwork, ends: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The source nodes of a row's origins and the sink nodes of its destinations in ``net``."""
    index = net.node_index
    origins, destinations = ends
    return (
        tuple(index[(p, SRC)] for p in origins if (p, SRC) in index),
        tuple(index[(p, DST)] for p in destinations if (p, DST) in index),
    )


def networks_for(
    G: nx.MultiDiGraph, table: pd.DataFrame, year: int | None, avoid: Avoid | None
) -> dict[str, CompiledNetwork]:
    return {
        c: compile_network(G, commodity=c, year=year, avoid=avoid)
        for c in sorted(table["commodity"].unique())
    }


def _blocks(
    nets: Mapping[str, CompiledNetwork], table: pd.DataFrame
) -> tuple[list[_Block], np.ndarray]:
    """The blocks of the arc form, one per commodity with a set of rows per origin (the
    places an origin stands for, :func:`~corridors.analysis.demand.demand_ends`), and which demand
    rows have both ends in their commodity's network."""
    blocks: list[_Block] = []
    column = row = 0
    servable = np.zeros(len(table), dtype=bool)
    ends = demand_ends(table)
    commodity_of = table["commodity"].tolist()
    for commodity, net in nets.items():
        ok = [
            c == commodity and all(servable_nodes(net, e))
            for c, e in zip(commodity_of, ends, strict=True)
        ]
        servable |= np.array(ok, dtype=bool)
        origins = sorted({e[0] for e, good in zip(ends, ok, strict=True) if good})
        block = _Block(commodity, net, origins, column, row)
        column += block.columns
        row += len(origins) * block.n
        blocks.append(block)
    return blocks, servable


def edge_costs(net: CompiledNetwork, by: Criterion) -> np.ndarray:
    """The objective's cost per tonne of each edge: the criterion plus the tie-break."""
    result: np.ndarray = net.weights(by) + TIE_BREAK * (net.kind != LINK)
    return result


def _auto_penalty(nets: Mapping[str, CompiledNetwork], by: Criterion) -> float:
    """A penalty above the criterion of any simple path: 1 + the sum over all edges."""
    total = 0.0
    for net in nets.values():
        weights = net.weights(by)[networkx_order(net)]
        total = max(total, sum(weights.tolist()))
    return float(math.ceil(total + 1.0))


def penalty_of(
    nets: Mapping[str, CompiledNetwork], by: Criterion, unserved_penalty_usd_per_t: float | None
) -> float:
    if unserved_penalty_usd_per_t is None:
        return _auto_penalty(nets, by)
    return float(unserved_penalty_usd_per_t)


def demand_table(G: nx.MultiDiGraph, demand: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """The demand rows with tonnes to carry."""
    table = read_demand(demand, G)
    return table[table["tonnes_per_year"] > 0].reset_index(drop=True)


@dataclass(frozen=True)
class Programme:
    """The assignment's linear programme in arc form, built but not solved (see
    :func:`build_programme`).

    Columns are the flow variables of every block (``blocks``) followed by one unserved
    variable per row of ``table``; ``A_eq``/``b_eq`` are flow conservation, ``A_ub``/``b_ub``
    the capacity rows of ``rows``. :mod:`corridors.planning.plan` stacks one per period.
    """

    table: pd.DataFrame
    blocks: list[_Block]
    rows: CapacityRows
    servable: np.ndarray
    penalty: float
    cost: np.ndarray
    A_eq: Any
    b_eq: np.ndarray
    A_ub: Any
    b_ub: np.ndarray
    bounds: np.ndarray
    n_flow: int

    @property
    def n_vars(self) -> int:
        """Columns of the programme."""
        return len(self.cost)

    @property
    def demand_t(self) -> np.ndarray:
        """Tonnes a year of each demand row."""
        return self.table["tonnes_per_year"].to_numpy(dtype=float)

    def columns(self, block: _Block) -> np.ndarray:
        """Column of each (origin, edge) of ``block``: one row per origin, one column per edge."""
        return (
            block.offset + (np.arange(len(block.origins)) * block.m)[:, None] + np.arange(block.m)
        )

    def result(
        self,
        G: nx.MultiDiGraph,
        x: np.ndarray,
        *,
        objective: float,
        marginals: np.ndarray | None = None,
        capacity: np.ndarray | None = None,
        by: Criterion = "cost",
        year: int | None = None,
    ) -> Assignment:
        """The :class:`Assignment` of a solution ``x`` (``marginals``: capacity duals, or
        None for none, as from a mixed-integer programme; ``capacity``: the capacity of each
        row when it is not ``b_ub``, as when a plan has raised some)."""
        x = np.clip(x, 0.0, None)
        n_ub = len(self.b_ub)
        unserved = unserved_table(self.table, end_labels(G, self.table), x[self.n_flow :])
        solved = Solved(
            parts=[b.part(x) for b in self.blocks],
            rows=self.rows,
            capacity=self.b_ub if capacity is None else capacity,
            activity=self.A_ub @ x if n_ub else np.zeros(0),
            prices=np.zeros(n_ub) if marginals is None else marginals,
            unserved=unserved,
            paths=_pair_routes(G, self.table, self.blocks, x),
        )
        return assemble(solved, objective=objective, by=by, year=year, penalty=self.penalty)


def _conservation(
    b: _Block, rows: CapacityRows, by: Criterion
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]], tuple[Any, Any] | None]:
    """A block's costs, its conservation entries (+1 where an edge leaves a node, -1 where it
    enters) and its capacity entries (rows, columns)."""
    k, m, net = len(b.origins), b.m, b.net
    u, v = b.node_row[net.tail[b.ids]], b.node_row[net.head[b.ids]]
    cost = np.tile(edge_costs(net, by)[b.ids], k)
    block_rows = b.row_offset + (np.arange(k) * b.n)[:, None]
    block_cols = b.offset + (np.arange(k) * m)[:, None] + np.arange(m)
    cols = block_cols.ravel()
    eq = [
        ((block_rows + u).ravel(), cols, np.ones(k * m)),
        ((block_rows + v).ravel(), cols, -np.ones(k * m)),
    ]
    members, edges = rows.members(net)
    if not (k and len(members)):
        return cost, eq, None
    position = np.empty(net.n_edges, dtype=np.int64)
    position[b.ids] = np.arange(m)
    return cost, eq, (np.tile(members, k), block_cols[:, position[edges]].ravel())


def _csr(entries: list[tuple[np.ndarray, ...]], shape: tuple[int, int]) -> Any:
    """A CSR matrix of ``(rows, cols[, values])`` entries (values 1 where not given)."""
    import scipy.sparse as sp

    if not entries:
        return sp.csr_array(shape)
    rows = np.concatenate([e[0] for e in entries])
    cols = np.concatenate([e[1] for e in entries])
    vals = np.concatenate([e[2] if len(e) > 2 else np.ones(len(e[0])) for e in entries])
    return sp.csr_array((vals, (rows, cols)), shape=shape)


def build_programme(
    G: nx.MultiDiGraph,
    demand: str | os.PathLike[str] | pd.DataFrame,
    *,
    year: int | None = None,
    avoid: Avoid | None = None,
    by: Criterion = "cost",
    unserved_penalty_usd_per_t: float | None = None,
) -> Programme:
    """The assignment's linear programme in arc form, not solved (arguments as for
    :func:`corridors.analysis.assignment.assign`).

    An origin naming a city feeds its terminals' start nodes through connector columns,
    a destination naming one is reached at any terminal's end node through connector
    columns whose sum, with the unserved tonnes, is the row's tonnes (one more equality per
    such row). The connectors come after the blocks' columns, before the unserved ones.
    """
    criterion_weights(by)
    table = demand_table(G, demand)
    nets = networks_for(G, table, year, avoid)
    blocks, servable = _blocks(nets, table)
    penalty = penalty_of(nets, by, unserved_penalty_usd_per_t)
    n_block = sum(b.columns for b in blocks)
    n_eq = sum(len(b.origins) * b.n for b in blocks)
    ends = _Ends(table, blocks, servable, n_block, n_eq)
    n_flow = n_block + ends.n_connectors
    n_eq += ends.n_sinks
    cost = np.full(n_flow + len(table), penalty)
    cost[n_block:n_flow] = 0.0  # a city's terminals are joined to it at no cost
    rows = CapacityRows()
    eq: list[tuple[np.ndarray, ...]] = []
    ub: list[tuple[np.ndarray, ...]] = []
    for b in blocks:
        block_cost, block_eq, block_ub = _conservation(b, rows, by)
        cost[b.offset : b.offset + b.columns] = block_cost
        eq += block_eq
        ub += [block_ub] if block_ub is not None else []
    b_eq = ends.rows(n_flow, eq)
    demand_t = table["tonnes_per_year"].to_numpy(dtype=float)
    bounds = np.zeros((len(cost), 2))
    bounds[:, 1] = np.inf
    bounds[n_flow:, 1] = demand_t
    bounds[n_flow:, 0] = np.where(servable, 0.0, demand_t)  # no network: all unserved
    return Programme(
        table=table,
        blocks=blocks,
        rows=rows,
        servable=servable,
        penalty=penalty,
        cost=cost,
        A_eq=_csr(eq, (n_eq, len(cost))),
        b_eq=b_eq,
        A_ub=_csr(ub, (len(rows.capacity), len(cost))),
        b_ub=np.array(rows.capacity, dtype=float),
        bounds=bounds,
        n_flow=n_flow,
    )


class _Ends:
    """Where each demand row's tonnes enter and leave the arc form.

    A one-place end works as a right-hand side (supply at the origin's start node, taken at
    the destination's end node) and the unserved column has +1 and -1 there. A city origin
    feeds a connector column into each terminal's start node (-1 there: what leaves it
    came in by the connector); a city destination has a connector column out of each
    terminal's end node (+1 there) and a *sink* equality: its connectors plus the unserved
    tonnes are the row's tonnes.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        blocks: list[_Block],
        servable: np.ndarray,
        n_block: int,
        n_eq: int,
    ) -> None:
        self.table, self.servable, self.n_eq = table, servable, n_eq
        self.demand_t = table["tonnes_per_year"].to_numpy(dtype=float)
        by_commodity = {b.commodity: b for b in blocks}
        self.plan: list[tuple[int, int, tuple[str, ...], tuple[str, ...], _Block]] = []
        self.sources: list[tuple[int, int]] = []  # (conservation row, connector)
        self.sinks: list[tuple[int, int, int]] = []  # (conservation row, sink row, connector)
        column, sink = n_block, 0
        for b in blocks:  # one connector per (origin, terminal) of each city origin
            for j, o in enumerate(b.origins):
                for p in o if len(o) > 1 else ():
                    if (p, SRC) in b.net.node_index:
                        self.sources.append((self._base(b, j) + b.row_of((p, SRC)), column))
                        column += 1
        for r, ((o, d), c) in enumerate(zip(demand_ends(table), table["commodity"], strict=True)):
            if not servable[r]:
                continue
            b = by_commodity[c]
            base = self._base(b, b.origins.index(o))
            self.plan.append((r, base, o, d, b))
            if len(d) > 1:
                for q in d:
                    if (q, DST) in b.net.node_index:
                        self.sinks.append((base + b.row_of((q, DST)), n_eq + sink, column))
                        column += 1
                sink += 1
        self.n_connectors, self.n_sinks = column - n_block, sink

    @staticmethod
    def _base(b: _Block, j: int) -> int:
        return b.row_offset + j * b.n

    def rows(self, n_flow: int, eq: list[tuple[np.ndarray, ...]]) -> np.ndarray:
        """The right-hand side of the equalities; their entries for the connectors and the
        unserved columns are appended to ``eq``."""
        b_eq = np.zeros(self.n_eq + self.n_sinks)
        starts: list[tuple[int, int, float]] = []
        entries: list[tuple[int, int, float]] = []  # after the starts, as they always were
        sink = 0
        for r, base, o, d, b in self.plan:
            t, col = float(self.demand_t[r]), n_flow + r
            if len(o) == 1:
                row = base + b.row_of((o[0], SRC))
                b_eq[row] += t
                starts.append((row, col, 1.0))
            if len(d) == 1:
                row = base + b.row_of((d[0], DST))
                b_eq[row] -= t
                entries.append((row, col, -1.0))
            else:
                b_eq[self.n_eq + sink] = t
                entries.append((self.n_eq + sink, col, 1.0))
                sink += 1
        entries = starts + entries + [(row, col, -1.0) for row, col in self.sources]
        for row, sink_row, col in self.sinks:
            entries += [(row, col, 1.0), (sink_row, col, 1.0)]
        if entries:
            r_, c_, v_ = (np.array(x) for x in zip(*entries, strict=True))
            eq.append((r_.astype(np.int64), c_.astype(np.int64), v_.astype(float)))
        return b_eq


def _pair_routes(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    blocks: list[_Block],
    x: np.ndarray,
) -> dict[tuple[str, str, str], list[FlowPath]]:
    """How each pair of the arc form was routed: the paths of each origin's flow, each
    counted to the destination whose places it ends at."""
    from corridors.analysis.decompose import origin_paths

    unlimited = {k for _, _, k, ok in G.edges(keys=True, data="unlimited") if ok}
    labels = end_labels(G, table)
    rows = list(zip(demand_ends(table), labels, table["commodity"], strict=True))
    paths: dict[tuple[str, str, str], list[FlowPath]] = {}
    for b in blocks:
        for j, o in enumerate(b.origins):
            mine = [(d, lab) for (oo, d), lab, c in rows if oo == o and c == b.commodity]
            to = {q: lab[1] for d, lab in reversed(mine) for q in d}  # the first row's wins
            flow = x[b.offset + j * b.m : b.offset + (j + 1) * b.m]
            found = origin_paths(b.edges, flow, list(o), sorted(to), unlimited=unlimited)
            for q, ps in sorted(found.items()):
                key = (mine[0][1][0], to[q], b.commodity)
                paths[key] = sorted([*paths.get(key, []), *ps], key=lambda p: -p.tonnes_tpy)
    return paths
