"""Capacity-constrained assignment: a demand table routed at least cost within every capacity.

A multi-commodity min-cost flow, solved as one linear programme by HiGHS through
:func:`scipy.optimize.linprog`. The formulation is path-free, per origin:

* one flow variable per (commodity, origin, edge of that commodity's expanded graph), so the
  demand from one origin to all its destinations travels as one commodity of the programme;
* one *unserved* variable per demand row, priced at ``unserved_penalty_usd_per_t``, so demand
  that cannot get through is reported instead of making the programme infeasible;
* flow conservation at every node of every (commodity, origin) block;
* one capacity row per link direction and per place. A capacity given as one number is shared
  by all commodities (one row over all their flows); a per-commodity mapping gives one row per
  commodity. A place counts the tonnes it handles as :mod:`corridors.capacity` defines them
  (transfers, gauge changes, journeys starting or ending there and, at a border crossing,
  traffic passing through).

Edges at a place carry a tiny extra cost (``1e-6`` per t) so that, between routes of equal cost,
the one that handles each tonne fewer times wins; reported costs leave it out.

The shadow price of a capacity row is minus its HiGHS dual (``res.ineqlin.marginals``): what one
more t/yr of that capacity would save, per tonne, in the units of the criterion (USD/t when
``by="cost"``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from corridors.avoid import Avoid
from corridors.capacity import handled_edges
from corridors.demand import read_demand
from corridors.exceptions import InfeasibleError
from corridors.expand import DST, SRC, expand
from corridors.routing import Criterion, criterion_weights, edge_weight

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["Assignment", "Programme", "assign", "build_programme"]

TIE_BREAK = 1e-6
TOL = 1e-6


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
    """One commodity's part: columns per (origin, edge), rows per (origin, node)."""

    commodity: str
    X: nx.MultiDiGraph
    edges: list[tuple[Any, Any, str, dict[str, Any]]]
    origins: list[str]
    offset: int  # first column
    row_offset: int  # first conservation row

    def __post_init__(self) -> None:
        self.index = {node: i for i, node in enumerate(self.X)}
        self.at_place = np.array([d["kind"] != "link" for *_, d in self.edges], dtype=bool)
        self.usd = np.array(
            [d["cost_usd_per_t"] + d["border_usd_per_t"] for *_, d in self.edges], dtype=float
        )
        self.hours = np.array([d["time_h"] + d["border_h"] for *_, d in self.edges], dtype=float)

    @property
    def m(self) -> int:
        return len(self.edges)

    @property
    def n(self) -> int:
        return len(self.index)

    @property
    def columns(self) -> int:
        return len(self.origins) * self.m

    def flow(self, x: np.ndarray) -> np.ndarray:
        """Tonnes a year on each edge, all origins together."""
        if not self.origins:
            return np.zeros(self.m)
        return x[self.offset : self.offset + self.columns].reshape(-1, self.m).sum(axis=0)


class _Rows:
    """Capacity rows: one per link direction or place, per commodity where not shared."""

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

    def members(self, G: nx.MultiDiGraph, b: _Block) -> tuple[np.ndarray, np.ndarray]:
        """(row, edge) pairs of the capacity rows the edges of block ``b`` count in."""
        pairs: list[tuple[int, int]] = []
        for i, (_, _, key, d) in enumerate(b.edges):
            if d["kind"] == "link" and d["capacity_tpy"] is not None:
                rkey: tuple[Any, ...] = ("link", key, d["from"], d["to"])
                if not d["capacity_shared"]:
                    rkey += (b.commodity,)
                pairs.append((self.row(rkey, d["capacity_tpy"]), i))
        position = {(u, v, k): i for i, (u, v, k, _) in enumerate(b.edges)}
        for place, counted in sorted(handled_edges(G, b.X).items()):
            access = next(iter(b.X.out_edges((place, SRC), data=True)))[2]
            if access["capacity_tpy"] is None:
                continue
            rkey = ("place", place) if access["capacity_shared"] else ("place", place, b.commodity)
            r = self.row(rkey, access["capacity_tpy"])
            pairs += [(r, position[e]) for e in counted]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        rows, edges = np.array(pairs, dtype=np.int64).T
        return rows, edges


def _blocks(
    G: nx.MultiDiGraph, table: pd.DataFrame, year: int | None, avoid: Avoid | None
) -> tuple[list[_Block], np.ndarray]:
    """The blocks, and which demand rows have both ends in their commodity's network."""
    blocks: list[_Block] = []
    column = row = 0
    servable = np.zeros(len(table), dtype=bool)
    for commodity in sorted(table["commodity"].unique()):
        X = expand(G, commodity=commodity, year=year, avoid=avoid)
        ok = (
            (table["commodity"] == commodity).to_numpy()
            & np.array([(p, SRC) in X for p in table["origin"]], dtype=bool)
            & np.array([(p, DST) in X for p in table["destination"]], dtype=bool)
        )
        servable |= ok
        origins = sorted(set(table.loc[ok, "origin"]))
        block = _Block(commodity, X, list(X.edges(keys=True, data=True)), origins, column, row)
        column += block.columns
        row += len(origins) * block.n
        blocks.append(block)
    return blocks, servable


def _auto_penalty(blocks: list[_Block], weights: Mapping[str, float]) -> float:
    """A penalty above the criterion of any simple path: 1 + the sum over all edges."""
    total = 0.0
    for b in blocks:
        total = max(total, sum(edge_weight(d, weights) for *_, d in b.edges))
    return float(math.ceil(total + 1.0))


@dataclass(frozen=True)
class Programme:
    """The assignment's linear programme, built but not solved (see :func:`build_programme`).

    Columns are the flow variables of every block (``blocks``) followed by one unserved
    variable per row of ``table``; ``A_eq``/``b_eq`` are flow conservation, ``A_ub``/``b_ub``
    the capacity rows of ``rows``. :mod:`corridors.planning` stacks one per period.
    """

    table: pd.DataFrame
    blocks: list[_Block]
    rows: _Rows
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
        prices = np.zeros(n_ub) if marginals is None else marginals
        flows = [b.flow(x) for b in self.blocks]
        pairs = list(zip(flows, self.blocks, strict=True))
        activity = self.A_ub @ x if n_ub else np.zeros(0)
        rows = self.b_ub if capacity is None else capacity
        utilisation = _utilisation(self.rows, rows, activity, prices)
        unserved = _unserved(self.table, self.demand_t, x[self.n_flow :])
        pair_table, routes = _pair_routes(G, self.table, self.blocks, x, unserved)
        return Assignment(
            flows=_flows(G, self.blocks, flows),
            utilisation=utilisation,
            unserved=unserved,
            shadow_prices=_shadow_prices(utilisation),
            total_cost_usd=float(sum(f @ b.usd for f, b in pairs)),
            total_time_th=float(sum(f @ b.hours for f, b in pairs)) / 1e3,
            objective=objective - TIE_BREAK * float(sum(f @ b.at_place for f, b in pairs)),
            by=by,
            year=year,
            unserved_penalty_usd_per_t=self.penalty,
            pairs=pair_table,
            routes=routes,
        )


def build_programme(
    G: nx.MultiDiGraph,
    demand: str | os.PathLike[str] | pd.DataFrame,
    *,
    year: int | None = None,
    avoid: Avoid | None = None,
    by: Criterion = "cost",
    unserved_penalty_usd_per_t: float | None = None,
) -> Programme:
    """The assignment's linear programme (arguments as for :func:`assign`), not solved."""
    import scipy.sparse as sp

    weights = criterion_weights(by)
    table = read_demand(demand, G)
    table = table[table["tonnes_per_year"] > 0].reset_index(drop=True)
    blocks, servable = _blocks(G, table, year, avoid)
    penalty = (
        _auto_penalty(blocks, weights)
        if unserved_penalty_usd_per_t is None
        else float(unserved_penalty_usd_per_t)
    )
    n_flow = sum(b.columns for b in blocks)
    n_eq = sum(len(b.origins) * b.n for b in blocks)
    n_vars = n_flow + len(table)
    demand_t = table["tonnes_per_year"].to_numpy(dtype=float)

    # objective, and flow conservation: +1 where an edge leaves a node, -1 where it enters
    cost = np.full(n_vars, penalty)
    eq: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    rows = _Rows()
    ub: list[tuple[np.ndarray, np.ndarray]] = []
    for b in blocks:
        k, m = len(b.origins), b.m
        u = np.array([b.index[e[0]] for e in b.edges], dtype=np.int64)
        v = np.array([b.index[e[1]] for e in b.edges], dtype=np.int64)
        w = np.array([edge_weight(d, weights) for *_, d in b.edges], dtype=float)
        cost[b.offset : b.offset + b.columns] = np.tile(w + TIE_BREAK * b.at_place, k)
        block_rows = b.row_offset + (np.arange(k) * b.n)[:, None]
        block_cols = b.offset + (np.arange(k) * m)[:, None] + np.arange(m)
        cols = block_cols.ravel()
        eq.append(((block_rows + u).ravel(), cols, np.ones(k * m)))
        eq.append(((block_rows + v).ravel(), cols, -np.ones(k * m)))
        members, edges = rows.members(G, b)
        if k and len(members):
            ub.append((np.tile(members, k), block_cols[:, edges].ravel()))
    b_eq = _demand_rows(table, blocks, servable, n_flow, n_eq, eq)
    A_eq = sp.csr_array(
        (
            np.concatenate([e[2] for e in eq]),
            (np.concatenate([e[0] for e in eq]), np.concatenate([e[1] for e in eq])),
        ),
        shape=(n_eq, n_vars),
    )
    n_ub = len(rows.capacity)
    A_ub = sp.csr_array(
        (
            np.ones(sum(len(r) for r, _ in ub)),
            (
                np.concatenate([r for r, _ in ub]) if ub else np.zeros(0, dtype=np.int64),
                np.concatenate([c for _, c in ub]) if ub else np.zeros(0, dtype=np.int64),
            ),
        ),
        shape=(n_ub, n_vars),
    )
    bounds = np.zeros((n_vars, 2))
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
        A_eq=A_eq,
        b_eq=b_eq,
        A_ub=A_ub,
        b_ub=np.array(rows.capacity, dtype=float),
        bounds=bounds,
        n_flow=n_flow,
    )


def _demand_rows(
    table: pd.DataFrame,
    blocks: list[_Block],
    servable: np.ndarray,
    n_flow: int,
    n_eq: int,
    eq: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Right-hand side of conservation: supply at the origin's start node, the same taken at
    the destination's end node, less what is unserved (whose column has +1 and -1 there; its
    entries are appended to ``eq``)."""
    demand_t = table["tonnes_per_year"].to_numpy(dtype=float)
    b_eq = np.zeros(n_eq)
    by_commodity = {b.commodity: b for b in blocks}
    src_rows, dst_rows, unserved_cols = [], [], []
    for r in np.flatnonzero(servable):
        o, d, c = (str(table.at[r, k]) for k in ("origin", "destination", "commodity"))
        b = by_commodity[c]
        base = b.row_offset + b.origins.index(o) * b.n
        src_rows.append(base + b.index[(o, SRC)])
        dst_rows.append(base + b.index[(d, DST)])
        unserved_cols.append(n_flow + r)
    np.add.at(b_eq, np.array(src_rows, dtype=np.int64), demand_t[servable])
    np.add.at(b_eq, np.array(dst_rows, dtype=np.int64), -demand_t[servable])
    ones = np.ones(len(unserved_cols))
    eq.append((np.array(src_rows, dtype=np.int64), np.array(unserved_cols, dtype=np.int64), ones))
    eq.append((np.array(dst_rows, dtype=np.int64), np.array(unserved_cols, dtype=np.int64), -ones))
    return b_eq


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
        ``destination``, ``commodity``, ``tonnes_per_year``).
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
    from scipy.optimize import linprog

    lp = build_programme(
        G,
        demand,
        year=year,
        avoid=avoid,
        by=by,
        unserved_penalty_usd_per_t=unserved_penalty_usd_per_t,
    )
    n_ub, n_eq = len(lp.b_ub), len(lp.b_eq)
    res = linprog(
        lp.cost,
        A_ub=lp.A_ub if n_ub else None,
        b_ub=lp.b_ub if n_ub else None,
        A_eq=lp.A_eq if n_eq else None,
        b_eq=lp.b_eq if n_eq else None,
        bounds=lp.bounds,
        method="highs",
    )
    if res.status != 0:
        raise InfeasibleError(f"the assignment programme was not solved: {res.message}")
    marginals = -np.asarray(res.ineqlin.marginals) if n_ub else np.zeros(0)
    return lp.result(G, res.x, objective=float(res.fun), marginals=marginals, by=by, year=year)


def _pair_routes(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    blocks: list[_Block],
    x: np.ndarray,
    unserved: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How each pair was routed: the paths of each origin's flow (see corridors.decompose)."""
    from corridors.decompose import origin_paths, pair_tables

    unlimited = {k for _, _, k, ok in G.edges(keys=True, data="unlimited") if ok}
    paths = {}
    for b in blocks:
        for j, o in enumerate(b.origins):
            mine = table[(table["origin"] == o) & (table["commodity"] == b.commodity)]
            flow = x[b.offset + j * b.m : b.offset + (j + 1) * b.m]
            found = origin_paths(
                b.edges, flow, o, sorted(set(mine["destination"])), unlimited=unlimited
            )
            paths.update({(o, d, b.commodity): p for d, p in found.items()})
    return pair_tables(unserved, paths)


_KEY = ["kind", "id", "from", "to", "commodity"]


def _utilisation(
    rows: _Rows, capacity: np.ndarray, activity: np.ndarray, marginals: np.ndarray
) -> pd.DataFrame:
    import pandas as pd

    prices = np.where(marginals < TOL, 0.0, marginals)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, activity / np.where(capacity > 0, capacity, 1.0), np.nan)
    table = pd.DataFrame(rows.info, columns=_KEY).assign(
        capacity_tpy=capacity,
        flow_tpy=activity,
        utilisation=util,
        shadow_price_usd_per_t=prices,
    )
    return table.sort_values(_KEY, na_position="first", kind="stable").reset_index(drop=True)


def _shadow_prices(utilisation: pd.DataFrame) -> pd.DataFrame:
    binding = utilisation[utilisation["shadow_price_usd_per_t"] > 0]
    return binding.sort_values(
        ["shadow_price_usd_per_t", *_KEY],
        ascending=[False, *([True] * len(_KEY))],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)


def _unserved(table: pd.DataFrame, demand_t: np.ndarray, unserved: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    unserved = np.where(unserved < TOL * np.maximum(demand_t, 1.0), 0.0, unserved)
    return pd.DataFrame(
        {
            "origin": table["origin"],
            "destination": table["destination"],
            "commodity": table["commodity"],
            "demand_tpy": demand_t,
            "served_tpy": demand_t - unserved,
            "unserved_tpy": unserved,
            "row": table["row"],
        }
    )


def _flows(G: nx.MultiDiGraph, blocks: list[_Block], flows: list[np.ndarray]) -> pd.DataFrame:
    """Flow per link direction and per place (tonnes handled) and commodity."""
    import pandas as pd

    records: list[dict[str, Any]] = []
    for b, f in zip(blocks, flows, strict=True):
        for i in np.flatnonzero(f > TOL):
            _, _, key, d = b.edges[i]
            if d["kind"] == "link":
                records.append(
                    {
                        "kind": "link",
                        "id": key,
                        "from": d["from"],
                        "to": d["to"],
                        "mode": d["mode"],
                        "commodity": b.commodity,
                        "flow_tpy": float(f[i]),
                    }
                )
        pos = {(e[0], e[1], e[2]): i for i, e in enumerate(b.edges)}
        for place, counted in sorted(handled_edges(G, b.X).items()):
            handled = float(sum(f[pos[e]] for e in counted))
            if handled > TOL:
                records.append(
                    {
                        "kind": "place",
                        "id": place,
                        "from": None,
                        "to": None,
                        "mode": None,
                        "commodity": b.commodity,
                        "flow_tpy": handled,
                    }
                )
    columns = ["kind", "id", "from", "to", "mode", "commodity", "flow_tpy"]
    df = pd.DataFrame.from_records(records, columns=columns)
    return df.sort_values(
        ["kind", "id", "from", "to", "commodity"], na_position="first", kind="stable"
    ).reset_index(drop=True)
