"""The planning programme: every period's assignment LP, stacked, with binary build variables.

:func:`corridors.planning.plan.plan` is the public door. The programme (see
:mod:`corridors.planning.plan` for the formulation and its conventions) counts flows in Mt/yr and
money in M USD so that its coefficients are of order one. With ``samples`` it is two-stage: one set
of build variables and, per draw of the uncertain figures (:func:`corridors.sweep.perturb`, and each
candidate's capex from its range), a copy of every period's flows; the objective is the average over
the draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.core.expand import per_commodity
from corridors.exceptions import InfeasibleError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from corridors.analysis.assignment import Assignment, Programme
    from corridors.planning.model import Build, Candidate, Plan

__all__ = ["Model", "Solution", "build_model", "builds", "npvs", "period_rows", "solve"]

#: The programme counts flows in Mt/yr and money in M USD.
SCALE = 1e6


@dataclass
class Model:
    """The stacked programme: the flows of draw ``d`` and period ``t`` are ``lps[d * T + t]``,
    then the build variables, candidate-major."""

    plan: Plan
    H: nx.MultiDiGraph
    lps: list[Programme]
    offsets: list[int]
    cost: np.ndarray
    A: Any
    lower: np.ndarray
    upper: np.ndarray
    bounds: np.ndarray
    serves: np.ndarray  # serves[c, t0, t]: built in t0, in service in t
    deltas: list[list[tuple[int, int, float]]]  # per programme: (capacity row, candidate, t/yr)
    annual: np.ndarray  # annual[d, c]: annuity and opex of candidate c in draw d

    @property
    def n_lp(self) -> int:
        """Columns of the flows, before the build variables."""
        return self.offsets[-1]

    @property
    def draws(self) -> int:
        """Draws of the uncertain figures (1: the stated figures)."""
        return len(self.annual)

    def build_col(self, c: int, t: int) -> int:
        """Column of "candidate ``c`` built at the start of period ``t``"."""
        return self.n_lp + c * len(self.plan.years) + t


@dataclass(frozen=True)
class Solution:
    """A solved programme: the solution (flows in t/yr), its NPV, gap and status."""

    x: np.ndarray
    npv_usd: float
    gap: float
    status: str


def _serves(plan: Plan) -> np.ndarray:
    import numpy as np

    years, lengths, T = plan.years, plan.lengths, len(plan.years)
    out = np.zeros((len(plan.candidates), T, T), dtype=bool)
    for c, cand in enumerate(plan.candidates):
        for t0 in range(T):
            for t in range(t0, T):
                out[c, t0, t] = years[t] + lengths[t] <= years[t0] + cand.lifetime_years
    return out


def added(candidate: Candidate) -> set[str]:
    """Ids of the links and places a candidate opens or adds."""
    s = candidate.scenario
    return {*s.open, *(f["properties"]["id"] for f in (*s.new_links, *s.new_places))}


def _gates(plan: Plan, lp: Programme) -> list[tuple[int, np.ndarray, float]]:
    """(candidate, columns of one edge over its origins, big-M) of every edge that exists only
    while a candidate is in service."""
    links: dict[str, set[int]] = {}
    places: dict[str, set[int]] = {}
    for c, cand in enumerate(plan.candidates):
        s = cand.scenario
        for fid in (*s.open, *(f["properties"]["id"] for f in s.new_links)):
            links.setdefault(fid, set()).add(c)
        for fid in (*s.open, *(f["properties"]["id"] for f in s.new_places)):
            places.setdefault(fid, set()).add(c)
    out = []
    for b in lp.blocks:
        if not b.origins:
            continue
        big_m = float(lp.demand_t[(lp.table["commodity"] == b.commodity).to_numpy()].sum())
        cols = lp.columns(b)
        for i, (_, _, _, d) in enumerate(b.edges):
            gated = set(links.get(d.get("link", ""), ()))
            for p in (d.get("place"), d.get("from"), d.get("to")):
                gated |= places.get(p or "", set())
            out += [(c, cols[:, i], big_m) for c in sorted(gated)]
    return out


def _deltas(plan: Plan, stated: Mapping[str, Any], lp: Programme) -> list[tuple[int, int, float]]:
    """(capacity row, candidate, t/yr added) of every capacity a candidate raises: the
    increase over the ``stated`` base capacity (by id), the same in every draw."""
    rows: dict[str, list[tuple[tuple[Any, ...], int]]] = {}
    for key, r in lp.rows.index.items():
        rows.setdefault(key[1], []).append((key, r))
    out = []
    for c, cand in enumerate(plan.candidates):
        for fid, attrs in sorted(cand.scenario.change.items()):
            old = stated[fid]
            for key, r in rows.get(fid, ()):
                commodity = key[-1] if len(key) in (3, 5) else ""  # "": shared by all
                a = per_commodity(old, commodity) or 0.0  # checked: neither is None
                b = per_commodity(attrs["capacity_tpy"], commodity) or 0.0
                out.append((r, c, float(b) - float(a)))
    return out


def _draws(
    H: nx.MultiDiGraph, plan: Plan, samples: int, seed: int
) -> list[tuple[nx.MultiDiGraph, list[float]]]:
    """The networks and candidates' capex of each draw: the stated figures when ``samples``
    is 0; else draw ``i`` perturbs ``H`` with a generator seeded ``[seed, i]`` (as a sweep
    does) and then draws each ranged capex from the same generator."""
    import numpy as np

    from corridors.scenarios.sweep import _tri_ppf, perturb

    if not samples:
        return [(H, [c.capex_usd for c in plan.candidates])]
    out = []
    for i in range(samples):
        rng = np.random.default_rng([seed, i])
        Hi = perturb(H, rng)
        capex = []
        for c in plan.candidates:
            u = float(rng.random())
            low, high = c.ranges.get("capex_usd", (c.capex_usd, c.capex_usd))
            capex.append(_tri_ppf(u, low, c.capex_usd, high))
        out.append((Hi, capex))
    return out


def build_model(
    H: nx.MultiDiGraph,
    plan: Plan,
    demand: Mapping[int, pd.DataFrame],
    *,
    samples: int = 0,
    seed: int = 0,
) -> Model:
    """The programme of ``plan`` on ``H``, the network with every candidate in it
    (:func:`corridors.planning.plan.check_plan`), for the ``demand`` of each period year
    (:func:`corridors.planning.plan.plan_demand`), over ``samples`` draws if given."""
    import numpy as np

    from corridors.analysis.assignment import build_programme
    from corridors.planning.model import capacities, capital_recovery_factor

    stated = capacities(H)
    draws = _draws(H, plan, samples, seed)
    penalty = plan.unserved_penalty_usd_per_t
    lps = [
        build_programme(Hd, demand[y], year=y, by="cost", unserved_penalty_usd_per_t=penalty)
        for Hd, _ in draws
        for y in plan.years
    ]
    offsets = [0]
    for lp in lps:
        offsets.append(offsets[-1] + lp.n_vars)
    crf = [capital_recovery_factor(plan.discount_rate, c.lifetime_years) for c in plan.candidates]
    opex = [c.opex_usd_per_year for c in plan.candidates]
    annual = np.array(
        [[k * f + o for k, f, o in zip(capex, crf, opex, strict=True)] for _, capex in draws]
    ).reshape(len(draws), len(plan.candidates))
    model = Model(
        plan=plan,
        H=H,
        lps=lps,
        offsets=offsets,
        cost=np.zeros(0),
        A=None,
        lower=np.zeros(0),
        upper=np.zeros(0),
        bounds=np.zeros((0, 2)),
        serves=_serves(plan),
        deltas=[_deltas(plan, stated, lp) for lp in lps],
        annual=annual,
    )
    _objective(model)
    _constraints(model)
    return model


def _objective(model: Model) -> None:
    """Costs and bounds of every column: flows at the period's discount factor over the number
    of draws, builds at the draws' average annual cost over the periods they serve."""
    import numpy as np

    plan, T, C = model.plan, len(model.plan.years), len(model.plan.candidates)
    n = model.n_lp + C * T
    factors = np.array(plan.discount_factors)
    cost, bounds = np.zeros(n), np.zeros((n, 2))
    for k, lp in enumerate(model.lps):
        span = slice(model.offsets[k], model.offsets[k + 1])
        cost[span] = lp.cost * factors[k % T] / model.draws
        bounds[span] = lp.bounds / SCALE
    mean_annual = model.annual.mean(axis=0)
    for c, cand in enumerate(plan.candidates):
        for t0, year in enumerate(plan.years):
            col = model.build_col(c, t0)
            cost[col] = mean_annual[c] * float(model.serves[c, t0] @ factors) / SCALE
            bounds[col] = (0.0, 1.0 if year >= cand.earliest_year else 0.0)
    model.cost, model.bounds = cost, bounds


def _constraints(model: Model) -> None:
    """Conservation and capacity rows of every programme, capacities raised and edges gated by
    the candidates in service, and "never in service twice at once"."""
    import numpy as np
    import scipy.sparse as sp

    T, C = len(model.plan.years), len(model.plan.candidates)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray) -> None:
        rows.append(r)
        cols.append(c)
        vals.append(v)

    def bound(lo: np.ndarray, hi: np.ndarray) -> int:
        start = sum(len(b) for b in lower)
        lower.append(lo)
        upper.append(hi)
        return start

    def in_service(c: int, t: int) -> np.ndarray:
        return model.n_lp + c * T + np.flatnonzero(model.serves[c, :, t])

    for k, lp in enumerate(model.lps):
        t, offset = k % T, model.offsets[k]
        for matrix, lo, hi in (
            (lp.A_eq, lp.b_eq / SCALE, lp.b_eq / SCALE),
            (lp.A_ub, np.full(len(lp.b_ub), -np.inf), lp.b_ub / SCALE),
        ):
            start = bound(lo, hi)
            coo = sp.coo_array(matrix)
            add(coo.row + start, coo.col + offset, coo.data)
        for r, c, delta in model.deltas[k]:
            built = in_service(c, t)
            add(np.full(len(built), start + r), built, np.full(len(built), -delta / SCALE))
        for c, edge_cols, big_m in _gates(model.plan, lp):
            built = in_service(c, t)
            row = bound(np.array([-np.inf]), np.array([0.0]))
            add(
                np.full(len(edge_cols) + len(built), row),
                np.concatenate([edge_cols + offset, built]),
                np.concatenate([np.ones(len(edge_cols)), np.full(len(built), -big_m / SCALE)]),
            )
    for c in range(C):
        for t in range(T):
            built = in_service(c, t)
            row = bound(np.array([-np.inf]), np.array([1.0]))
            add(np.full(len(built), row), built, np.ones(len(built)))
    n_rows = sum(len(b) for b in lower)
    model.A = sp.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_rows, len(model.cost)),
    )
    model.lower, model.upper = np.concatenate(lower), np.concatenate(upper)


def solve(
    model: Model,
    *,
    force: Mapping[int, bool] | None = None,
    fixed: np.ndarray | None = None,
    mip_rel_gap: float,
    time_limit: float | None,
) -> Solution:
    """Solve, with candidate ``c`` of ``force`` built from its first possible period (True) or
    never (False), or with every build variable ``fixed`` (candidates x periods of 0 and 1)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    bounds = model.bounds.copy()
    T = len(model.plan.years)
    for c, built in (force or {}).items():
        cols = [model.build_col(c, t) for t in range(T)]
        if built:
            first = next(col for col in cols if bounds[col, 1] > 0)
            bounds[first, 0] = 1.0
        else:
            bounds[cols, 1] = 0.0
    if fixed is not None:
        bounds[model.n_lp :, 0] = bounds[model.n_lp :, 1] = np.ravel(fixed)
    integrality = np.zeros(len(model.cost))
    integrality[model.n_lp :] = 1
    options: dict[str, Any] = {"mip_rel_gap": mip_rel_gap, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(
        model.cost,
        integrality=integrality,
        bounds=Bounds(bounds[:, 0], bounds[:, 1]),
        constraints=LinearConstraint(model.A, model.lower, model.upper),
        options=options,
    )
    if res.x is None:
        raise InfeasibleError(f"the planning programme was not solved: {res.message}")
    x = np.asarray(res.x, dtype=float)
    x[: model.n_lp] *= SCALE
    x[model.n_lp :] = np.round(x[model.n_lp :])
    gap = max(float(getattr(res, "mip_gap", 0.0) or 0.0), 0.0)
    status = "optimal" if res.status == 0 else "time limit: best plan found"
    return Solution(x, float(np.mean(npvs(model, x))), gap, status)


def _serving(model: Model, x: np.ndarray) -> list[list[int]]:
    """Per period, the candidates in service in solution ``x``."""
    import numpy as np

    T, C = len(model.plan.years), len(model.plan.candidates)
    built = x[model.n_lp :].reshape(C, T) > 0.5
    return [[c for c in range(C) if np.any(built[c] & model.serves[c, :, t])] for t in range(T)]


def npvs(model: Model, x: np.ndarray) -> list[float]:
    """The NPV of solution ``x`` in each draw: annuities, opex, transport and penalties,
    discounted (the programme's tie-break left out)."""
    plan, T = model.plan, len(model.plan.years)
    serving = _serving(model, x)
    out = [0.0] * model.draws
    for k, lp in enumerate(model.lps):
        d, t = divmod(k, T)
        xk = x[model.offsets[k] : model.offsets[k + 1]]
        transport = sum(float(b.flow(xk) @ b.usd) for b in lp.blocks)
        unserved = float(xk[lp.n_flow :].sum())
        annual = float(sum(model.annual[d, c] for c in serving[t]))
        total = annual + transport + unserved * plan.unserved_penalty_usd_per_t
        out[d] += total * plan.discount_factors[t]
    return out


def _capacities(model: Model, k: int, serving: list[int]) -> np.ndarray:
    """The capacity of each row of programme ``k`` with the candidates ``serving`` built."""
    lp = model.lps[k]
    capacity = lp.b_ub.copy()
    for r, c, delta in model.deltas[k]:
        if c in serving:
            capacity[r] += delta
    absent = {
        fid
        for c, cand in enumerate(model.plan.candidates)
        if c not in serving
        for fid in added(cand)
    }
    for key, r in lp.rows.index.items():
        if key[1] in absent:
            capacity[r] = 0.0  # what an unbuilt candidate opens or adds is not there
    return capacity


def _record(model: Model, k: int, x: np.ndarray, serving: list[int]) -> tuple[dict, Assignment]:
    """The figures of programme ``k`` (one draw, one period) and its assignment."""
    plan, T = model.plan, len(model.plan.years)
    t, lp = k % T, model.lps[k]
    xk = x[model.offsets[k] : model.offsets[k + 1]]
    result = lp.result(
        model.H,
        xk,
        objective=float(lp.cost @ xk),
        capacity=_capacities(model, k, serving),
        year=plan.years[t],
    )
    annual = model.annual[k // T]  # annuity and opex of each candidate in this draw
    capex = float(sum(annual[c] - plan.candidates[c].opex_usd_per_year for c in serving))
    opex = float(sum(plan.candidates[c].opex_usd_per_year for c in serving))
    unserved, demand = result.unserved_tpy, float(lp.demand_t.sum())
    served = demand - unserved
    penalty = unserved * plan.unserved_penalty_usd_per_t
    total = capex + opex + result.total_cost_usd + penalty
    record = {
        "year": plan.years[t],
        "years": plan.lengths[t],
        "discount_factor": plan.discount_factors[t],
        "demand_tpy": demand,
        "served_tpy": served,
        "unserved_tpy": unserved,
        "in_service": ";".join(plan.candidates[c].id for c in serving),
        "capex_usd_per_year": capex,
        "opex_usd_per_year": opex,
        "transport_usd_per_year": result.total_cost_usd,
        "penalty_usd_per_year": penalty,
        "annual_cost_usd": total,
        "cost_usd": total * plan.discount_factors[t],
        "hours_per_t": result.total_time_th * 1e3 / served if served > 0 else math.nan,
    }
    return record, result


def period_rows(
    model: Model, x: np.ndarray
) -> tuple[list[dict[str, Any]], list[Assignment], list[float]]:
    """Per period the figures of :attr:`~corridors.planning.plan.PlanResult.periods` (averaged
    over the draws), the assignments of the first draw, and the NPV of each draw."""
    import numpy as np

    T = len(model.plan.years)
    serving = _serving(model, x)
    records, assignments = [], []
    for k in range(len(model.lps)):
        record, result = _record(model, k, x, serving[k % T])
        records.append(record)
        if k < T:
            assignments.append(result)
    rows = []
    for t in range(T):
        mine = records[t::T]
        row = dict(mine[0])
        for key, value in row.items():
            if isinstance(value, float) and key not in ("discount_factor",):
                row[key] = float(np.mean([r[key] for r in mine]))
        rows.append(row)
    return rows, assignments, npvs(model, x)


def builds(model: Model, x: np.ndarray) -> tuple[Build, ...]:
    """The build decisions of a solution, by year and then in the plan's order."""
    from corridors.planning.model import Build

    plan, T = model.plan, len(model.plan.years)
    return tuple(
        Build(plan.candidates[c].id, plan.years[t])
        for t in range(T)
        for c in range(len(plan.candidates))
        if x[model.build_col(c, t)] > 0.5
    )
