"""Capacity-constrained assignment: a demand table routed at least cost within every capacity.

A multi-commodity min-cost flow. :func:`assign` solves it in path form by column generation
(:mod:`corridors.core.colgen`): paths of each demand row priced by shortest-path searches on the
compiled network, a restricted master linear programme solved by HiGHS through
:func:`scipy.optimize.linprog`. Its optimum is that of the arc form, which
:func:`build_programme` builds (and :mod:`corridors.planning` stacks, one per period):

* one flow variable per (commodity, origin, edge of that commodity's expanded graph), so the
  demand from one origin to all its destinations travels as one commodity of the programme;
* one *unserved* variable per demand row, priced at ``unserved_penalty_usd_per_t``, so demand
  that cannot get through is reported instead of making the programme infeasible;
* flow conservation at every node of every (commodity, origin) block;
* one capacity row per link direction and per place (see :mod:`corridors.capacity_rows`). A
  capacity given as one number is shared by all commodities (one row over all their flows); a
  per-commodity mapping gives one row per commodity. A place counts the tonnes it handles as
  :mod:`corridors.capacity` defines them.

An origin or destination that names a city served by several terminals (Istanbul, Baku; see
:func:`corridors.lookup.find_places`) stands for all of them: in the path form its terminals
are joined to a super-source (super-sink) at no cost, so the programme chooses the terminals.
The arc form takes the one place :func:`corridors.lookup.find_place` names.

Edges at a place carry a tiny extra cost (``1e-6`` per t) so that, between routes of equal cost,
the one that handles each tonne fewer times wins; reported costs leave it out.

The shadow price of a capacity row is minus its HiGHS dual: what one more t/yr of that capacity
would save, per tonne, in the units of the criterion (USD/t when ``by="cost"``). Where the
optimum is degenerate, several duals are optimal; the path form reports those of its last
master (the same for the same inputs).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from corridors.assignment_results import (
    Part,
    flow_table,
    key_paths,
    shadow_price_table,
    unserved_table,
    utilisation_table,
)
from corridors.avoid import Avoid
from corridors.capacity_rows import CapacityRows, members_matrix, networkx_nodes, networkx_order
from corridors.core.build import DST, SRC
from corridors.core.colgen import PathDemand, PathNetwork, PathSolution, solve_paths
from corridors.core.compiled import LINK, CompiledNetwork, compile_network
from corridors.demand import demand_ends, read_demand
from corridors.routing import Criterion, criterion_weights

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["Assignment", "Programme", "assign", "build_programme"]

TIE_BREAK = 1e-6


@dataclass(frozen=True)
class Assignment:
    """The result of :func:`assign`.

    Attributes
    ----------
    flows
        One row per link direction or place and commodity that carries flow: ``kind`` (link
        or place), ``id``, ``from``, ``to`` (links), ``mode``, ``commodity``, ``flow_tpy``.
    utilisation
        One row per capacity: ``kind``, ``id``, ``from``, ``to``, ``commodity`` (``*`` when
        shared by all), ``capacity_tpy``, ``flow_tpy``, ``utilisation`` (flow / capacity),
        ``shadow_price_usd_per_t``.
    unserved
        One row per demand row: ``origin``, ``destination``, ``commodity``,
        ``demand_tpy``, ``served_tpy``, ``unserved_tpy``, ``row``.
    shadow_prices
        The capacities with a positive shadow price, most valuable first.
    total_cost_usd
        USD a year for the tonnes served (tariffs, handling and border costs).
    total_time_th
        Thousand tonne-hours a year spent travelling by the tonnes served.
    objective
        The programme's optimum: the criterion summed over the flows, plus the penalty for
        unserved tonnes.
    pairs
        One row per (origin, destination, commodity): demand, served and unserved t/yr, the
        mean ``cost_usd_per_t`` and ``time_h`` of the tonnes served, the number of ``paths``,
        the ``main_path`` (places) and its ``main_share``, and the links of unknown capacity
        used (see :func:`corridors.decompose.pair_tables`).
    routes
        One row per path of each pair: ``tonnes_tpy``, ``cost_usd_per_t``, ``time_h``, the
        ``places`` and ``links`` it takes.
    """

    flows: pd.DataFrame
    utilisation: pd.DataFrame
    unserved: pd.DataFrame
    shadow_prices: pd.DataFrame
    total_cost_usd: float
    total_time_th: float
    objective: float
    by: Criterion
    year: int | None
    unserved_penalty_usd_per_t: float
    pairs: pd.DataFrame
    routes: pd.DataFrame

    @property
    def unserved_tpy(self) -> float:
        """Tonnes a year of demand left unserved, in all."""
        return float(self.unserved["unserved_tpy"].sum())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the totals and of every table (lists of records)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            return [{str(k): _plain(v) for k, v in row.items()} for row in out]

        return {
            "by": self.by if isinstance(self.by, str) else dict(self.by),
            "year": self.year,
            "unserved_penalty_usd_per_t": self.unserved_penalty_usd_per_t,
            "total_cost_usd": self.total_cost_usd,
            "total_time_th": self.total_time_th,
            "objective": self.objective,
            "unserved_tpy": self.unserved_tpy,
            "flows": records(self.flows),
            "utilisation": records(self.utilisation),
            "unserved": records(self.unserved),
            "shadow_prices": records(self.shadow_prices),
            "pairs": records(self.pairs),
            "routes": records(self.routes),
        }

    def to_frame(self) -> pd.DataFrame:
        """The pairs: how each was served and routed (a copy of :attr:`pairs`)."""
        return self.pairs.copy()

    def to_gdf(self, G: nx.MultiDiGraph) -> gpd.GeoDataFrame:
        """The flows with their geometry from ``G``: a line per link direction, a point per
        place (EPSG:4326)."""
        from corridors.display import element_gdf

        return element_gdf(G, self.flows)

    def _repr_html_(self) -> str:
        from corridors.display import assignment_html

        return assignment_html(self)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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
        self.at_place = net.kind[self.ids] != LINK
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


def _servable(
    net: CompiledNetwork, ends: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The source nodes of a row's origins and the sink nodes of its destinations in ``net``."""
    index = net.node_index
    origins, destinations = ends
    return (
        tuple(index[(p, SRC)] for p in origins if (p, SRC) in index),
        tuple(index[(p, DST)] for p in destinations if (p, DST) in index),
    )


def _networks(
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
    places an origin stands for, :func:`~corridors.demand.demand_ends`), and which demand
    rows have both ends in their commodity's network."""
    blocks: list[_Block] = []
    column = row = 0
    servable = np.zeros(len(table), dtype=bool)
    ends = demand_ends(table)
    commodity_of = table["commodity"].tolist()
    for commodity, net in nets.items():
        ok = [
            c == commodity and all(_servable(net, e))
            for c, e in zip(commodity_of, ends, strict=True)
        ]
        servable |= np.array(ok, dtype=bool)
        origins = sorted({e[0] for e, good in zip(ends, ok, strict=True) if good})
        block = _Block(commodity, net, origins, column, row)
        column += block.columns
        row += len(origins) * block.n
        blocks.append(block)
    return blocks, servable


def _weights(net: CompiledNetwork, by: Criterion) -> np.ndarray:
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


def _penalty(
    nets: Mapping[str, CompiledNetwork], by: Criterion, unserved_penalty_usd_per_t: float | None
) -> float:
    if unserved_penalty_usd_per_t is None:
        return _auto_penalty(nets, by)
    return float(unserved_penalty_usd_per_t)


def _table(G: nx.MultiDiGraph, demand: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """The demand rows with tonnes to carry."""
    table = read_demand(demand, G)
    return table[table["tonnes_per_year"] > 0].reset_index(drop=True)


def _labels(G: nx.MultiDiGraph, table: pd.DataFrame) -> list[tuple[str, str]]:
    """What the tables call each row's ends: the place id, or the city of several terminals."""

    def label(places: tuple[str, ...], given: str) -> str:
        return str(G.nodes[places[0]].get("city") or given) if len(places) > 1 else places[0]

    return [
        (label(o, str(r["origin"])), label(d, str(r["destination"])))
        for (o, d), r in zip(demand_ends(table), table.to_dict(orient="records"), strict=True)
    ]


@dataclass(frozen=True)
class _Solved:
    """What both forms hand to :func:`_assignment`: the flows on compiled edges, the capacity
    rows' activity, capacity and prices, the unserved tonnes and the pair tables."""

    parts: list[Part]
    rows: CapacityRows
    capacity: np.ndarray
    activity: np.ndarray
    prices: np.ndarray
    unserved: pd.DataFrame
    pairs: tuple[pd.DataFrame, pd.DataFrame]


def _assignment(
    solved: _Solved, *, objective: float, by: Criterion, year: int | None, penalty: float
) -> Assignment:
    parts = solved.parts
    utilisation = utilisation_table(solved.rows, solved.capacity, solved.activity, solved.prices)
    at_place = sum(p.total((p.net.kind != LINK).astype(float)) for p in parts)
    return Assignment(
        flows=flow_table(parts),
        utilisation=utilisation,
        unserved=solved.unserved,
        shadow_prices=shadow_price_table(utilisation),
        total_cost_usd=float(sum(p.total(p.usd) for p in parts)),
        total_time_th=float(sum(p.total(p.hours) for p in parts)) / 1e3,
        objective=objective - TIE_BREAK * float(at_place),
        by=by,
        year=year,
        unserved_penalty_usd_per_t=penalty,
        pairs=solved.pairs[0],
        routes=solved.pairs[1],
    )


@dataclass(frozen=True)
class Programme:
    """The assignment's linear programme in arc form, built but not solved (see
    :func:`build_programme`).

    Columns are the flow variables of every block (``blocks``) followed by one unserved
    variable per row of ``table``; ``A_eq``/``b_eq`` are flow conservation, ``A_ub``/``b_ub``
    the capacity rows of ``rows``. :mod:`corridors.planning` stacks one per period.
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
        unserved = unserved_table(self.table, _labels(G, self.table), x[self.n_flow :])
        solved = _Solved(
            parts=[b.part(x) for b in self.blocks],
            rows=self.rows,
            capacity=self.b_ub if capacity is None else capacity,
            activity=self.A_ub @ x if n_ub else np.zeros(0),
            prices=np.zeros(n_ub) if marginals is None else marginals,
            unserved=unserved,
            pairs=_pair_routes(G, self.table, self.blocks, x, unserved),
        )
        return _assignment(solved, objective=objective, by=by, year=year, penalty=self.penalty)


def _conservation(
    b: _Block, rows: CapacityRows, by: Criterion
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]], tuple[Any, Any] | None]:
    """A block's costs, its conservation entries (+1 where an edge leaves a node, -1 where it
    enters) and its capacity entries (rows, columns)."""
    k, m, net = len(b.origins), b.m, b.net
    u, v = b.node_row[net.tail[b.ids]], b.node_row[net.head[b.ids]]
    cost = np.tile(_weights(net, by)[b.ids], k)
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
    """The assignment's linear programme in arc form (arguments as for :func:`assign`), not
    solved.

    An origin naming a city feeds its terminals' start nodes through connector columns,
    a destination naming one is reached at any terminal's end node through connector
    columns whose sum, with the unserved tonnes, is the row's tonnes (one more equality per
    such row). The connectors come after the blocks' columns, before the unserved ones.
    """
    criterion_weights(by)
    table = _table(G, demand)
    nets = _networks(G, table, year, avoid)
    blocks, servable = _blocks(nets, table)
    penalty = _penalty(nets, by, unserved_penalty_usd_per_t)
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


def _path_problem(
    nets: Mapping[str, CompiledNetwork], table: pd.DataFrame, by: Criterion
) -> tuple[list[PathNetwork], list[PathDemand], CapacityRows]:
    """The networks, demands and capacity rows of the path form."""
    rows = CapacityRows()
    members = {c: rows.members(net) for c, net in nets.items()}
    n_rows = len(rows.capacity)
    networks = [
        PathNetwork(net, _weights(net, by), members_matrix(*members[c], n_rows, net.n_edges))
        for c, net in nets.items()
    ]
    number = {c: k for k, c in enumerate(nets)}
    demands = []
    for ends, c, t in zip(
        demand_ends(table), table["commodity"], table["tonnes_per_year"], strict=True
    ):
        sources, targets = _servable(nets[c], ends)
        ok = bool(sources and targets)
        demands.append(PathDemand(number[c], sources, targets, float(t), ok))
    return networks, demands, rows


def _path_flows(
    networks: list[PathNetwork], demands: list[PathDemand], sol: PathSolution
) -> list[np.ndarray]:
    """Tonnes a year on each compiled edge of each network."""
    flows = [np.zeros(pn.net.n_edges) for pn in networks]
    for d, edges, t in zip(sol.demand, sol.edges, sol.tonnes.tolist(), strict=True):
        if t > 0:
            np.add.at(flows[demands[d].network], edges, t)
    return flows


def _path_pairs(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    labels: list[tuple[str, str]],
    networks: list[PathNetwork],
    sol: PathSolution,
    unserved: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How each pair was routed: the paths of its flow, widest first (rows of one pair
    together, as the arc form's tables have them)."""
    from corridors.decompose import pair_tables

    unlimited = {k for _, _, k, ok in G.edges(keys=True, data="unlimited") if ok}
    commodities = table["commodity"].tolist()
    ends = demand_ends(table)
    number = {pn.net.commodity: k for k, pn in enumerate(networks)}
    keyed: dict[tuple[str, str, str], tuple[int, np.ndarray]] = {}
    for d, edges, t in zip(sol.demand, sol.edges, sol.tonnes.tolist(), strict=True):
        if t <= 0:
            continue
        key = (*labels[d], commodities[d])
        k = number[commodities[d]]
        _, flow = keyed.setdefault(key, (d, np.zeros(networks[k].net.n_edges)))
        np.add.at(flow, edges, t)
    paths = {
        key: key_paths(networks[number[key[2]]].net, flow, *ends[d0], unlimited=unlimited)
        for key, (d0, flow) in sorted(keyed.items())
    }
    return pair_tables(unserved, paths)


def _solve_paths(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    nets: Mapping[str, CompiledNetwork],
    by: Criterion,
    penalty: float,
) -> tuple[_Solved, float]:
    """The path form solved: what :func:`_assignment` needs, and the objective."""
    networks, demands, rows = _path_problem(nets, table, by)
    capacity = np.array(rows.capacity, dtype=float)
    sol = solve_paths(networks, demands, capacity, penalty=penalty)
    flows = _path_flows(networks, demands, sol)
    activity = np.zeros(len(capacity))
    for pn, flow in zip(networks, flows, strict=True):
        activity += pn.members @ flow
    labels = _labels(G, table)
    unserved = unserved_table(table, labels, sol.unserved)
    solved = _Solved(
        parts=[Part(pn.net.commodity, pn.net, f) for pn, f in zip(networks, flows, strict=True)],
        rows=rows,
        capacity=capacity,
        activity=activity,
        prices=sol.prices,
        unserved=unserved,
        pairs=_path_pairs(G, table, labels, networks, sol, unserved),
    )
    return solved, sol.objective


def assign(
    G: nx.MultiDiGraph,
    demand: str | os.PathLike[str] | pd.DataFrame,
    *,
    year: int | None = None,
    avoid: Avoid | None = None,
    by: Criterion = "cost",
    unserved_penalty_usd_per_t: float | None = None,
) -> Assignment:
    """Route a demand table at least cost within every link and place capacity at once.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`.
    demand
        A CSV file or DataFrame read by :func:`~corridors.demand.read_demand` (``origin``,
        ``destination``, ``commodity``, ``tonnes_per_year``). An end naming a city served
        by several terminals stands for all of them: the programme chooses which.
    year, avoid
        As for :func:`~corridors.route`.
    by
        What to minimise: ``"cost"`` (USD), ``"time"``, ``"distance"``, ``"co2"`` or a
        weighted mix such as ``{"cost": 1, "time": 2}``, per tonne.
    unserved_penalty_usd_per_t
        What a tonne left unserved costs, in the criterion's units. None: more than any path
        costs, so everything that can get through does (shadow prices of capacities that then
        leave demand unserved reflect this penalty).

    Returns
    -------
    Assignment
        Flows, utilisation, unserved demand, shadow prices and totals.

    Raises
    ------
    DataError
        Bad demand table (naming row and column) or arguments.
    InfeasibleError
        HiGHS did not find an optimum (it should not happen: unserved demand is allowed).

    Notes
    -----
    Solved by column generation (:mod:`corridors.core.colgen`): the optimum of
    :func:`build_programme`'s arc form, on a programme with a column per path used.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridors import load_network
    >>> demand = pd.DataFrame({"origin": ["Aktau"], "destination": ["Alat"],
    ...                        "commodity": ["general"], "tonnes_per_year": [1e6]})
    >>> result = assign(load_network(), demand)
    >>> result.unserved_tpy
    0.0
    """
    criterion_weights(by)
    table = _table(G, demand)
    nets = _networks(G, table, year, avoid)
    penalty = _penalty(nets, by, unserved_penalty_usd_per_t)
    solved, objective = _solve_paths(G, table, nets, by, penalty)
    return _assignment(solved, objective=objective, by=by, year=year, penalty=penalty)


def _pair_routes(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    blocks: list[_Block],
    x: np.ndarray,
    unserved: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How each pair of the arc form was routed: the paths of each origin's flow, each
    counted to the destination whose places it ends at."""
    from corridors.decompose import origin_paths, pair_tables

    unlimited = {k for _, _, k, ok in G.edges(keys=True, data="unlimited") if ok}
    labels = _labels(G, table)
    rows = list(zip(demand_ends(table), labels, table["commodity"], strict=True))
    paths: dict[tuple[str, str, str], list[Any]] = {}
    for b in blocks:
        for j, o in enumerate(b.origins):
            mine = [(d, lab) for (oo, d), lab, c in rows if oo == o and c == b.commodity]
            to = {q: lab[1] for d, lab in reversed(mine) for q in d}  # the first row's wins
            flow = x[b.offset + j * b.m : b.offset + (j + 1) * b.m]
            found = origin_paths(b.edges, flow, list(o), sorted(to), unlimited=unlimited)
            for q, ps in sorted(found.items()):
                key = (mine[0][1][0], to[q], b.commodity)
                paths[key] = sorted([*paths.get(key, []), *ps], key=lambda p: -p.tonnes_tpy)
    return pair_tables(unserved, paths)
