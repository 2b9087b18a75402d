"""Investment planning: which candidate projects to build in which period, at least cost.

A plan file (see ``docs/plans.md``) names the planning periods, a discount rate, the penalty for a
tonne left unserved, the demand of each period and the candidate projects, each saying what it does
in a scenario file's own terms (``change`` a capacity, ``open`` a link or place, ``new_places``,
``new_links``). :func:`plan` solves one mixed-integer programme (HiGHS through
:func:`scipy.optimize.milp`):

* per period, the assignment programme of :func:`corridors.assignment.build_programme` on the
  network with every candidate in it (flows by cost, unserved demand at the plan's penalty);
* one binary *build* variable per candidate and period (not before its ``earliest_year``);
* a candidate built at the start of a period serves the periods that end within its lifetime;
  it may be built again once its life is over, never twice at once;
* a capacity a candidate raises is the base capacity plus the increase times "in service";
  the edges of what it opens or adds carry flow only while it is in service;
* the objective is the discounted sum, over the years of every period, of the annuities (capital
  recovery factor over the lifetime at the discount rate) and operating costs of the candidates in
  service, the transport cost (USD/t times t) and the unserved penalty.

Conventions: period ``i`` lasts from its year to the next period's; the last one lasts until
``end_year``, by default as long as the one before it (one year when there is only one period).
Each year's costs are counted at its end: the year of the first period is discounted once, so a
candidate whose life matches the horizon costs exactly its capex. Loaded times and waiting
(congestion) are not modelled here: the times reported are free-flow.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import CorridorsError, InfeasibleError, PlanError, ScenarioError
from corridors.expand import per_commodity
from corridors.scenarios import (
    DemandRow,
    Scenario,
    Where,
    _locate,
    apply_scenario,
    check_scenario,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from corridors.assignment import Assignment, Programme

__all__ = [
    "Build",
    "Candidate",
    "Plan",
    "PlanDemand",
    "PlanResult",
    "capital_recovery_factor",
    "check_plan",
    "load_plan",
    "plan",
    "plan_demand",
    "read_plan",
]

PLAN_KEYS = (
    "name",
    "description",
    "extends",
    "years",
    "end_year",
    "discount_rate",
    "unserved_penalty_usd_per_t",
    "demand",
    "candidates",
    "references",
)
CANDIDATE_KEYS = (
    "id",
    "description",
    "capex_usd",
    "opex_usd_per_year",
    "earliest_year",
    "lifetime_years",
    "sources",
    "estimates",
    "ranges",
    "change",
    "open",
    "new_places",
    "new_links",
)
DEMAND_KEYS = ("base", "base_year", "growth_rate")
REFERENCE_KEYS = ("id", "title", "publisher", "date", "url")
CHANGEABLE = ("capacity_tpy", "sources", "ranges", "estimates")


@dataclass(frozen=True)
class PlanDemand:
    """The demand of a plan: rows with a year (``rows`` of ``(year, row)``, or a CSV ``file``
    with a ``year`` column), or a base table (year None) grown by ``growth_rate`` a year from
    ``base_year``."""

    rows: tuple[tuple[int | None, DemandRow], ...] = ()
    file: Path | None = None
    base_year: int | None = None
    growth_rate: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A project that may be built: its costs, timing, sources and what it does.

    ``scenario`` holds what it does to the network (``open``, ``change``, ``new_places``,
    ``new_links``), with ``where`` pointing into the plan file.
    """

    id: str
    capex_usd: float
    earliest_year: int
    lifetime_years: float
    scenario: Scenario
    description: str = ""
    opex_usd_per_year: float = 0.0
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    estimates: tuple[str, ...] = ()
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """An investment plan read from a YAML file (:func:`load_plan`) or built directly."""

    name: str
    years: tuple[int, ...]
    discount_rate: float
    unserved_penalty_usd_per_t: float
    demand: PlanDemand
    candidates: tuple[Candidate, ...]
    description: str = ""
    end_year: int | None = None
    references: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    base: Scenario | None = None
    path: Path | None = None
    where: Where = field(default_factory=dict, compare=False, repr=False)

    def error(self, key: tuple[Any, ...], message: str) -> str:
        """``message`` prefixed with the file, line and key ``key`` was read from."""
        return _locate(self.where, key, self.path, message)

    @property
    def lengths(self) -> tuple[int, ...]:
        """Years in each period (see the module docstring for the last one)."""
        years = self.years
        if self.end_year is not None:
            end = self.end_year
        else:
            end = years[-1] + (years[-1] - years[-2] if len(years) > 1 else 1)
        return tuple(b - a for a, b in zip(years, (*years[1:], end), strict=True))

    @property
    def discount_factors(self) -> tuple[float, ...]:
        """Per period: the sum over its years of ``(1 + r) ** -(year - first + 1)``."""
        r, first = self.discount_rate, self.years[0]
        return tuple(
            sum((1.0 + r) ** -(y + s - first + 1) for s in range(n))
            for y, n in zip(self.years, self.lengths, strict=True)
        )


@dataclass(frozen=True)
class Build:
    """One build decision: ``candidate`` built at the start of the period of ``year``."""

    candidate: str
    year: int


@dataclass(frozen=True)
class PlanResult:
    """What :func:`plan` found.

    Attributes
    ----------
    build
        The build decisions, by year (a candidate renewed after its life appears again).
    npv_usd
        Discounted sum of every cost over all periods (the sum of ``periods["cost_usd"]``).
    periods
        Per period: ``year``, ``years`` (length), ``discount_factor``, ``demand_tpy``,
        ``served_tpy``, ``unserved_tpy``, ``in_service`` (candidate ids, ``;``-separated),
        ``capex_usd_per_year`` (annuities), ``opex_usd_per_year``, ``transport_usd_per_year``,
        ``penalty_usd_per_year``, ``annual_cost_usd``, ``cost_usd`` (discounted, the
        period's share of the NPV) and ``hours_per_t`` (mean free-flow time of a tonne served).
    candidates
        Per candidate: ``candidate``, ``built`` (years, ``;``-separated, empty if not built),
        ``capex_usd``, ``annuity_usd_per_year``, ``estimate`` (capex is an estimate),
        ``value_usd`` (NPV without it less NPV with it: forced out, or forced in from its
        earliest period; positive when it pays), ``npv_with_usd``, ``npv_without_usd``.
    assignments
        The flows of each period (:class:`~corridors.assignment.Assignment`, no shadow prices).
    mip_gap
        Relative gap HiGHS proved for the plan (0 when optimal to tolerance).
    network
        The base network with every candidate's new and opened features in it: the graph the
        assignments' flows are on (for maps).
    """

    plan: str
    build: tuple[Build, ...]
    npv_usd: float
    periods: pd.DataFrame
    candidates: pd.DataFrame
    assignments: tuple[Assignment, ...]
    mip_gap: float
    status: str
    discount_rate: float
    unserved_penalty_usd_per_t: float
    network: nx.MultiDiGraph = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: build, npv_usd, periods, candidates, mip_gap and conventions."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            rows = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            return [{str(k): _plain(v) for k, v in r.items()} for r in rows]

        return {
            "plan": self.plan,
            "build": [{"candidate": b.candidate, "year": b.year} for b in self.build],
            "npv_usd": self.npv_usd,
            "mip_gap": self.mip_gap,
            "status": self.status,
            "discount_rate": self.discount_rate,
            "unserved_penalty_usd_per_t": self.unserved_penalty_usd_per_t,
            "periods": records(self.periods),
            "candidates": records(self.candidates),
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def capital_recovery_factor(rate: float, years: float) -> float:
    """The share of a capex paid each year so that ``years`` payments at ``rate`` repay it.

    Examples
    --------
    >>> round(capital_recovery_factor(0.1, 2), 6)
    0.57619
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    if rate == 0:
        return 1.0 / years
    grown = (1.0 + rate) ** years
    return rate * grown / (grown - 1.0)


# --------------------------------------------------------------------------- reading


def read_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file without checking it against a network.

    Raises
    ------
    PlanError
        A malformed file, an unknown key or a bad value, naming the file, line and key.
    """
    from corridors.plan_files import read_file

    return read_file(Path(path))


def load_plan(path: str | os.PathLike[str], G: nx.MultiDiGraph | None = None) -> Plan:
    """Read a plan file and, given a network, check every reference against it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.yaml").write_text('''
    ... years: [2026, 2030]
    ... discount_rate: 0.06
    ... unserved_penalty_usd_per_t: 200
    ... demand:
    ...   - {year: 2026, origin: Aktau, destination: Alat, commodity: general,
    ...      amount: 1, unit: Mt/yr}
    ...   - {year: 2030, origin: Aktau, destination: Alat, commodity: general,
    ...      amount: 2, unit: Mt/yr}
    ... candidates:
    ...   - {id: more-ferries, capex_usd: 1.0e+8, earliest_year: 2028, lifetime_years: 25,
    ...      estimates: [capex_usd], ranges: {capex_usd: [5.0e+7, 2.0e+8]},
    ...      change: {"sea:aktau-alat": {capacity_tpy: 9.0e+6}}}
    ... ''')
    >>> p = load_plan(folder / "p.yaml")
    >>> p.years, p.lengths, [c.id for c in p.candidates]
    ((2026, 2030), (4, 4), ['more-ferries'])
    """
    found = read_plan(path)
    if G is not None:
        check_plan(G, found)
    return found


# --------------------------------------------------------------------------- checking


def _capacity(G: nx.MultiDiGraph, fid: str) -> tuple[bool, Any]:
    """Whether ``fid`` is a link, and its capacity_tpy in ``G``."""
    for _, _, key, d in G.edges(keys=True, data=True):
        if key == fid:
            return True, d.get("capacity_tpy")
    return False, G.nodes[fid].get("capacity_tpy") if fid in G else None


def _change_problem(old: Any, new: Any) -> str | None:
    """What is wrong with raising capacity ``old`` to ``new``, or None."""
    if new is None:
        return "capacity_tpy cannot be removed by a candidate"
    if old is None:
        return "the capacity is not known (unbounded) in the base network; nothing to raise"
    if isinstance(old, Mapping) != isinstance(new, Mapping):
        return "keep the capacity's form: a number for a number, a mapping for a mapping"
    pairs = [(old[c], new.get(c)) for c in old] if isinstance(old, Mapping) else [(old, new)]
    if isinstance(old, Mapping) and set(new) != set(old):
        return f"give the same commodities as the base capacity ({', '.join(sorted(old))})"
    if any(b is None or b < a for a, b in pairs):
        return f"lowers the capacity (base {old!r}); a candidate may only raise it"
    return None


def _check_candidates(G0: nx.MultiDiGraph, plan: Plan, errors: list[str]) -> None:
    sources = {*(G0.graph.get("sources") or {}), *plan.references}
    new_ids: dict[str, str] = {}
    for i, c in enumerate(plan.candidates):
        try:
            check_scenario(G0, c.scenario)
        except ScenarioError as exc:
            errors.append(str(exc).split(":\n", 1)[-1] if ":\n" in str(exc) else str(exc))
        for fid, attrs in sorted(c.scenario.change.items()):
            if fid not in G0 and not any(k == fid for _, _, k in G0.edges(keys=True)):
                continue  # named by check_scenario
            if "capacity_tpy" not in attrs:
                errors.append(c.scenario.error(("change", fid), "expected a capacity_tpy").args[0])
                continue
            problem = _change_problem(_capacity(G0, fid)[1], attrs["capacity_tpy"])
            if problem:
                key = ("change", fid, "capacity_tpy")
                errors.append(c.scenario.error(key, problem).args[0])
        for figure, ids in sorted(c.sources.items()):
            for sid in ids:
                if G0.graph.get("sources") is not None and sid not in sources:
                    errors.append(
                        plan.error(
                            ("candidates", i, "sources"),
                            f"unknown source id '{sid}' for {figure}; expected an id of the "
                            "network's sources.csv or of the plan's references",
                        )
                    )
        for kind in ("new_places", "new_links"):
            for j, f in enumerate(getattr(c.scenario, kind)):
                fid = f["properties"].get("id")
                if fid in new_ids and new_ids[fid] != c.id:
                    message = f"'{fid}' is also added by candidate '{new_ids[fid]}'"
                    errors.append(c.scenario.error((kind, j, "id"), message).args[0])
                new_ids.setdefault(fid, c.id)


def check_plan(G: nx.MultiDiGraph, plan: Plan) -> None:
    """Check every reference of ``plan`` against ``G``: the base scenario, what each candidate
    changes, opens and adds, the sources of its figures and the places of the demand.

    Raises
    ------
    PlanError
        Listing every problem, each with the file, line and key it comes from.
    """
    G0 = _base(G, plan)
    errors: list[str] = []
    _check_candidates(G0, plan, errors)
    if not errors:
        try:
            plan_demand(_superset(G0, plan), plan)
        except PlanError as exc:
            errors.append(str(exc))
    errors = list(dict.fromkeys(errors))  # one problem found twice is told once
    if errors:
        head = f"{len(errors)} error(s) in plan '{plan.name}':\n" if len(errors) > 1 else ""
        raise PlanError(head + "\n".join(errors))


def _base(G: nx.MultiDiGraph, plan: Plan) -> nx.MultiDiGraph:
    """A copy of ``G`` with the plan's base scenario applied and its references among the
    sources (so new links and places may cite them)."""
    G0 = apply_scenario(G, plan.base or Scenario(name=G.graph.get("scenario") or "base"))
    if isinstance(G0.graph.get("sources"), dict):
        for sid, ref in plan.references.items():
            G0.graph["sources"].setdefault(sid, dict(ref))
    return G0


def _superset(G0: nx.MultiDiGraph, plan: Plan) -> nx.MultiDiGraph:
    """The base with everything every candidate opens or adds (capacities as in the base)."""
    cs = [c.scenario for c in plan.candidates]
    union = Scenario(
        name=G0.graph.get("scenario") or "base",
        open=tuple(sorted({fid for s in cs for fid in s.open})),
        new_places=tuple(f for s in cs for f in s.new_places),
        new_links=tuple(f for s in cs for f in s.new_links),
    )
    H = apply_scenario(G0, union)
    H.graph["scenario"] = G0.graph.get("scenario")
    return H


# --------------------------------------------------------------------------- demand


def plan_demand(G: nx.MultiDiGraph, plan: Plan) -> dict[int, pd.DataFrame]:
    """The demand table of each period (places as ids), from the plan's rows, file or growth.

    Raises
    ------
    PlanError
        A place that ``G`` does not have, a year that is not a period, a period with no rows.
    """
    import pandas as pd

    from corridors.demand import read_demand

    spec = plan.demand
    columns = ["origin", "destination", "commodity", "tonnes_per_year"]
    key: tuple[Any, ...] = ("demand", "base") if spec.growth_rate is not None else ("demand",)
    if spec.file is not None:
        try:
            table = read_demand(spec.file, G)
        except CorridorsError as exc:
            raise PlanError(plan.error((*key, "file"), str(exc))) from None
        if spec.growth_rate is None:
            table = _year_column(table, spec.file, plan)
    else:
        _check_places(G, plan, key)
        table = pd.DataFrame(
            [(y, r.origin, r.destination, r.commodity, r.tonnes_per_year) for y, r in spec.rows],
            columns=["year", *columns],
        )
        table = read_demand(table, G)
    if spec.growth_rate is not None:
        assert spec.base_year is not None  # the reader requires both
        return {
            y: table[columns].assign(
                tonnes_per_year=table["tonnes_per_year"]
                * (1.0 + spec.growth_rate) ** (y - spec.base_year)
            )
            for y in plan.years
        }
    out = {}
    for y in plan.years:
        rows = table[table["year"] == y]
        if rows.empty:
            raise PlanError(plan.error(("demand",), f"no demand rows for the period {y}"))
        out[y] = rows[columns].reset_index(drop=True)
    return out


def _check_places(G: nx.MultiDiGraph, plan: Plan, key: tuple[Any, ...]) -> None:
    from corridors.lookup import find_place

    errors = []
    for i, (y, row) in enumerate(plan.demand.rows):
        if y is not None and y not in plan.years:
            errors.append(
                plan.error((*key, i, "year"), f"{y} is not one of the plan's years {plan.years}")
            )
        for end, name in (("origin", row.origin), ("destination", row.destination)):
            try:
                find_place(G, name)
            except CorridorsError as exc:
                errors.append(plan.error((*key, i, end), str(exc)))
    if errors:
        raise PlanError("\n".join(errors))


def _year_column(table: pd.DataFrame, path: Path, plan: Plan) -> pd.DataFrame:
    if "year" not in table.columns:
        raise PlanError(f"{path}: no column 'year'; expected one year of the plan per row")
    years = []
    for i, value in enumerate(table["year"], start=1):
        try:
            year = int(str(value).strip())
        except ValueError:
            year = None
        if year not in plan.years:
            raise PlanError(
                f"{path}, row {i}, column 'year': {value!r}; expected one of {plan.years}"
            )
        years.append(year)
    return table.assign(year=years)


# --------------------------------------------------------------------------- the programme


@dataclass
class _Model:
    """The stacked programme of every period, with the build variables after the flows."""

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
    deltas: list[list[tuple[int, int, float]]]  # per period: (capacity row, candidate, t/yr)

    @property
    def n_lp(self) -> int:
        return self.offsets[-1]

    def build_col(self, c: int, t: int) -> int:
        return self.n_lp + c * len(self.plan.years) + t


def _serves(plan: Plan) -> np.ndarray:
    import numpy as np

    years, lengths, T = plan.years, plan.lengths, len(plan.years)
    out = np.zeros((len(plan.candidates), T, T), dtype=bool)
    for c, cand in enumerate(plan.candidates):
        for t0 in range(T):
            for t in range(t0, T):
                out[c, t0, t] = years[t] + lengths[t] <= years[t0] + cand.lifetime_years
    return out


def _added(candidate: Candidate) -> set[str]:
    """Ids of the links and places a candidate opens or adds."""
    s = candidate.scenario
    return {*s.open, *(f["properties"]["id"] for f in (*s.new_links, *s.new_places))}


def _gates(plan: Plan, lp: Programme) -> list[tuple[int, np.ndarray, int, float]]:
    """(candidate, columns of one edge over its origins, edge, big-M) of every edge that
    exists only while a candidate is in service."""
    links: dict[str, set[int]] = {}
    places: dict[str, set[int]] = {}
    for c, cand in enumerate(plan.candidates):
        s = cand.scenario
        for fid in (*s.open, *(f["properties"]["id"] for f in s.new_links)):
            links.setdefault(fid, set()).add(c)
        for fid in (*s.open, *(f["properties"]["id"] for f in s.new_places)):
            places.setdefault(fid, set()).add(c)
    out = []
    demand = lp.demand_t
    for b in lp.blocks:
        if not b.origins:
            continue
        big_m = float(demand[(lp.table["commodity"] == b.commodity).to_numpy()].sum())
        cols = lp.columns(b)
        for i, (_, _, _, d) in enumerate(b.edges):
            gated = set(links.get(d.get("link", ""), ()))
            for p in (d.get("place"), d.get("from"), d.get("to")):
                gated |= places.get(p or "", set())
            for c in sorted(gated):
                out.append((c, cols[:, i], i, big_m))
    return out


def _deltas(plan: Plan, H: nx.MultiDiGraph, lp: Programme) -> list[tuple[int, int, float]]:
    """(capacity row, candidate, t/yr added) of every capacity a candidate raises."""
    out = []
    for c, cand in enumerate(plan.candidates):
        for fid, attrs in sorted(cand.scenario.change.items()):
            old = _capacity(H, fid)[1]
            for key, r in lp.rows.index.items():
                if key[1] != fid:
                    continue
                commodity = key[-1] if len(key) in (3, 5) else ""  # "": shared by all
                a = per_commodity(old, commodity) or 0.0  # checked: neither is None
                b = per_commodity(attrs["capacity_tpy"], commodity) or 0.0
                out.append((r, c, float(b) - float(a)))
    return out


def _model(G: nx.MultiDiGraph, plan: Plan) -> _Model:
    import numpy as np
    import scipy.sparse as sp

    from corridors.assignment import build_programme

    check_plan(G, plan)
    H = _superset(_base(G, plan), plan)
    demand = plan_demand(H, plan)
    lps = [
        build_programme(
            H,
            demand[y],
            year=y,
            by="cost",
            unserved_penalty_usd_per_t=plan.unserved_penalty_usd_per_t,
        )
        for y in plan.years
    ]
    offsets = [0]
    for lp in lps:
        offsets.append(offsets[-1] + lp.n_vars)
    T, C = len(plan.years), len(plan.candidates)
    n = offsets[-1] + C * T
    serves = _serves(plan)
    factors = plan.discount_factors
    cost = np.zeros(n)
    bounds = np.zeros((n, 2))
    for t, lp in enumerate(lps):
        cost[offsets[t] : offsets[t + 1]] = lp.cost * factors[t]
        bounds[offsets[t] : offsets[t + 1]] = lp.bounds
    annual = [
        cand.capex_usd * capital_recovery_factor(plan.discount_rate, cand.lifetime_years)
        + cand.opex_usd_per_year
        for cand in plan.candidates
    ]
    for c, cand in enumerate(plan.candidates):
        for t0, year in enumerate(plan.years):
            col = offsets[-1] + c * T + t0
            cost[col] = annual[c] * float(np.dot(serves[c, t0], factors))
            bounds[col] = (0.0, 1.0 if year >= cand.earliest_year else 0.0)
    rows, cols, vals, lower, upper = [], [], [], [], []
    row = 0

    def add(matrix: Any, lo: np.ndarray, hi: np.ndarray, offset: int) -> None:
        nonlocal row
        coo = sp.coo_array(matrix)
        rows.append(coo.row + row)
        cols.append(coo.col + offset)
        vals.append(coo.data)
        lower.append(lo)
        upper.append(hi)
        row += matrix.shape[0]

    def in_service(c: int, t: int) -> np.ndarray:
        return offsets[-1] + c * T + np.flatnonzero(serves[c, :, t])

    deltas = [_deltas(plan, H, lp) for lp in lps]
    for t, lp in enumerate(lps):
        add(lp.A_eq, lp.b_eq, lp.b_eq, offsets[t])
        start = row
        add(lp.A_ub, np.full(len(lp.b_ub), -np.inf), lp.b_ub, offsets[t])
        for r, c, delta in deltas[t]:
            built = in_service(c, t)
            rows.append(np.full(len(built), start + r))
            cols.append(built)
            vals.append(np.full(len(built), -delta))
        for c, edge_cols, _, big_m in _gates(plan, lp):
            built = in_service(c, t)
            rows.append(np.concatenate([np.full(len(edge_cols), row), np.full(len(built), row)]))
            cols.append(np.concatenate([edge_cols + offsets[t], built]))
            vals.append(np.concatenate([np.ones(len(edge_cols)), np.full(len(built), -big_m)]))
            lower.append(np.array([-np.inf]))
            upper.append(np.array([0.0]))
            row += 1
    for c in range(C):  # never in service twice at once
        for t in range(T):
            built = in_service(c, t)
            rows.append(np.full(len(built), row))
            cols.append(built)
            vals.append(np.ones(len(built)))
            lower.append(np.array([-np.inf]))
            upper.append(np.array([1.0]))
            row += 1
    A = sp.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(row, n)
    )
    return _Model(
        plan,
        H,
        lps,
        offsets,
        cost,
        A,
        np.concatenate(lower),
        np.concatenate(upper),
        bounds,
        serves,
        deltas,
    )


@dataclass(frozen=True)
class _Solution:
    x: np.ndarray
    npv_usd: float
    gap: float
    status: str


def _solve(
    model: _Model, *, force: Mapping[int, bool], mip_rel_gap: float, time_limit: float | None
) -> _Solution:
    """Solve with candidate ``c`` forced in from its first possible period (True) or out."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    bounds = model.bounds.copy()
    T = len(model.plan.years)
    for c, built in force.items():
        cols = [model.build_col(c, t) for t in range(T)]
        if built:
            first = next(col for col in cols if bounds[col, 1] > 0)
            bounds[first, 0] = 1.0
        else:
            bounds[cols, 1] = 0.0
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
    x = np.asarray(res.x)
    x[model.n_lp :] = np.round(x[model.n_lp :])
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    status = "optimal" if res.status == 0 else "time limit: best plan found"
    return _Solution(x, _npv(model, x), max(gap, 0.0), status)


def _period_rows(model: _Model, x: np.ndarray) -> tuple[list[dict[str, Any]], list[Assignment]]:
    """Per period: the figures of :attr:`PlanResult.periods`, and its assignment."""
    import numpy as np

    plan, T = model.plan, len(model.plan.years)
    built = x[model.n_lp :].reshape(len(plan.candidates), T) > 0.5
    rows, assignments = [], []
    for t, (lp, year) in enumerate(zip(model.lps, plan.years, strict=True)):
        xt = x[model.offsets[t] : model.offsets[t + 1]]
        serving = [
            c for c in range(len(plan.candidates)) if np.any(built[c] & model.serves[c, :, t])
        ]
        capacity = lp.b_ub.copy()
        for r, c, delta in model.deltas[t]:
            if c in serving:
                capacity[r] += delta
        absent = {
            fid
            for c, cand in enumerate(plan.candidates)
            if c not in serving
            for fid in _added(cand)
        }
        for key, r in lp.rows.index.items():
            if key[1] in absent:
                capacity[r] = 0.0  # what an unbuilt candidate opens or adds is not there
        result = lp.result(model.H, xt, objective=float(lp.cost @ xt), capacity=capacity, year=year)
        capex = sum(
            plan.candidates[c].capex_usd
            * capital_recovery_factor(plan.discount_rate, plan.candidates[c].lifetime_years)
            for c in serving
        )
        opex = sum(plan.candidates[c].opex_usd_per_year for c in serving)
        unserved = result.unserved_tpy
        demand = float(lp.demand_t.sum())
        served = demand - unserved
        penalty = unserved * plan.unserved_penalty_usd_per_t
        annual = capex + opex + result.total_cost_usd + penalty
        rows.append(
            {
                "year": year,
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
                "annual_cost_usd": annual,
                "cost_usd": annual * plan.discount_factors[t],
                "hours_per_t": result.total_time_th * 1e3 / served if served > 0 else math.nan,
            }
        )
        assignments.append(result)
    return rows, assignments


def _npv(model: _Model, x: np.ndarray) -> float:
    """The discounted cost of a solution, without the programme's tie-break."""
    rows, _ = _period_rows(model, x)
    return float(sum(r["cost_usd"] for r in rows))


def _builds(model: _Model, x: np.ndarray) -> tuple[Build, ...]:
    plan, T = model.plan, len(model.plan.years)
    return tuple(
        Build(plan.candidates[c].id, plan.years[t])
        for t in range(T)
        for c in range(len(plan.candidates))
        if x[model.build_col(c, t)] > 0.5
    )


def plan(
    G: nx.MultiDiGraph,
    plan: Plan,
    *,
    values: bool = True,
    mip_rel_gap: float = 1e-6,
    time_limit: float | None = None,
) -> PlanResult:
    """Choose which candidates to build in which period so that the discounted cost is least.

    Parameters
    ----------
    G
        The network (bundled or a user's own); the plan's ``extends`` scenario is applied to it.
    plan
        A :class:`Plan` (see :func:`load_plan`).
    values
        Also value each candidate: re-solve with it forced out (if built) or forced in from its
        earliest period (if not); one more solve per candidate.
    mip_rel_gap
        Relative gap at which HiGHS may stop.
    time_limit
        Seconds HiGHS may take per solve (None: no limit); the best plan found is kept.

    Returns
    -------
    PlanResult
        The build schedule, the NPV, per-period figures and per-candidate values.

    Raises
    ------
    PlanError
        The plan names something ``G`` does not have.
    InfeasibleError
        HiGHS found no plan (it should not happen: unserved demand is allowed).
    """
    import pandas as pd

    model = _model(G, plan)
    best = _solve(model, force={}, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
    builds = _builds(model, best.x)
    rows, assignments = _period_rows(model, best.x)
    records = []
    for c, cand in enumerate(plan.candidates):
        years = [b.year for b in builds if b.candidate == cand.id]
        with_npv = without_npv = math.nan
        if values:
            other = _solve(
                model, force={c: not years}, mip_rel_gap=mip_rel_gap, time_limit=time_limit
            ).npv_usd
            with_npv, without_npv = (best.npv_usd, other) if years else (other, best.npv_usd)
        records.append(
            {
                "candidate": cand.id,
                "built": ";".join(str(y) for y in years),
                "capex_usd": cand.capex_usd,
                "annuity_usd_per_year": cand.capex_usd
                * capital_recovery_factor(plan.discount_rate, cand.lifetime_years),
                "estimate": "capex_usd" in cand.estimates,
                "value_usd": without_npv - with_npv,
                "npv_with_usd": with_npv,
                "npv_without_usd": without_npv,
            }
        )
    return PlanResult(
        plan=plan.name,
        build=builds,
        npv_usd=best.npv_usd,
        periods=pd.DataFrame(rows),
        candidates=pd.DataFrame(records),
        assignments=tuple(assignments),
        mip_gap=best.gap,
        status=best.status,
        discount_rate=plan.discount_rate,
        unserved_penalty_usd_per_t=plan.unserved_penalty_usd_per_t,
        network=model.H,
    )
