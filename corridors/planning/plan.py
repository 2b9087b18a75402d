"""Investment planning: which candidate projects to build in which period, at least cost.

A plan file (see ``docs/plans.md``) names the planning periods, a discount rate, the penalty for a
tonne left unserved, the demand of each period and the candidate projects, each saying what it does
in a scenario file's own terms (``change`` a capacity, ``open`` a link or place, ``new_places``,
``new_links``). :func:`plan` solves one mixed-integer programme (HiGHS through
:func:`scipy.optimize.milp`):

* per period, the assignment programme of :func:`corridors.analysis.assignment.build_programme` on
  the network with every candidate in it (flows by cost, unserved demand at the plan's penalty);
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import CorridorsError, PlanError, ScenarioError
from corridors.planning.model import (
    Build,
    Candidate,
    Plan,
    PlanDemand,
    capacities,
    capital_recovery_factor,
)
from corridors.scenarios.apply import Scenario, apply_scenario, check_scenario

if TYPE_CHECKING:
    import pandas as pd

    from corridors.analysis.assignment import Assignment
    from corridors.planning import programme as pp

__all__ = [
    "Build",
    "Candidate",
    "Plan",
    "PlanDemand",
    "PlanResult",
    "base_network",
    "capacities",
    "capital_recovery_factor",
    "check_plan",
    "load_plan",
    "plan",
    "plan_demand",
    "read_plan",
    "superset",
]

#: The programme counts flows in Mt/yr and money in M USD, so its coefficients are of order 1.
SCALE = 1e6


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
        The flows of each period (:class:`~corridors.analysis.assignment.Assignment`, no shadow
        prices).
    mip_gap
        Relative gap HiGHS proved for the plan (0 when optimal to tolerance).
    network
        The base network with every candidate's new and opened features in it: the graph the
        assignments' flows are on (for maps).
    samples, seed, draws
        With ``samples`` (the robust plan): the number of draws, their seed and the NPV of the
        plan in each draw; ``npv_usd`` and ``periods`` are then averages over the draws and
        ``assignments`` are the first draw's.
    stated_build, stated_npv_usd
        With ``samples``: the plan chosen on the stated figures, and what it costs on average
        over the same draws (never less than ``npv_usd``).
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
    samples: int = 0
    seed: int | None = None
    draws: tuple[float, ...] = ()
    stated_build: tuple[Build, ...] | None = None
    stated_npv_usd: float | None = None

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
            "samples": self.samples,
            "seed": self.seed,
            "draws_npv_usd": list(self.draws),
            "stated_build": None
            if self.stated_build is None
            else [{"candidate": b.candidate, "year": b.year} for b in self.stated_build],
            "stated_npv_usd": self.stated_npv_usd,
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- reading


def read_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file without checking it against a network.

    Raises
    ------
    PlanError
        A malformed file, an unknown key or a bad value, naming the file, line and key.
    """
    from corridors.planning.files import read_file

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
    known = capacities(G0)
    new_ids: dict[str, str] = {}
    for i, c in enumerate(plan.candidates):
        try:
            check_scenario(G0, c.scenario)
        except ScenarioError as exc:
            errors.append(str(exc).split(":\n", 1)[-1] if ":\n" in str(exc) else str(exc))
        for fid, attrs in sorted(c.scenario.change.items()):
            if fid not in known:
                continue  # named by check_scenario
            if "capacity_tpy" not in attrs:
                errors.append(c.scenario.error(("change", fid), "expected a capacity_tpy").args[0])
                continue
            problem = _change_problem(known[fid], attrs["capacity_tpy"])
            if problem:
                key = ("change", fid, "capacity_tpy")
                errors.append(c.scenario.error(key, problem).args[0])
        for figure, ids in sorted(c.sources.items()):
            for sid in ids:
                if G0.graph.get("sources") is not None and sid not in sources:
                    errors.append(
                        plan.locate(
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


def check_plan(G: nx.MultiDiGraph, plan: Plan) -> nx.MultiDiGraph:
    """Check every reference of ``plan`` against ``G``: the base scenario, what each candidate
    changes, opens and adds, the sources of its figures and the places of the demand.

    Returns
    -------
    networkx.MultiDiGraph
        The network the plan is solved on: ``G`` with the base scenario applied and every
        candidate's opened and new features in it (see :func:`superset`).

    Raises
    ------
    PlanError
        Listing every problem, each with the file, line and key it comes from.
    """
    G0 = base_network(G, plan)
    errors: list[str] = []
    _check_candidates(G0, plan, errors)
    H = G0
    if not errors:
        H = superset(G0, plan)
        try:
            plan_demand(H, plan)
        except PlanError as exc:
            errors.append(str(exc))
    errors = list(dict.fromkeys(errors))  # one problem found twice is told once
    if errors:
        head = f"{len(errors)} error(s) in plan '{plan.name}':\n" if len(errors) > 1 else ""
        raise PlanError(head + "\n".join(errors))
    return H


def base_network(G: nx.MultiDiGraph, plan: Plan) -> nx.MultiDiGraph:
    """A copy of ``G`` with the plan's base scenario applied and its references among the
    sources (so new links and places may cite them)."""
    G0 = apply_scenario(G, plan.base or Scenario(name=G.graph.get("scenario") or "base"))
    if isinstance(G0.graph.get("sources"), dict):
        for sid, ref in plan.references.items():
            G0.graph["sources"].setdefault(sid, dict(ref))
    return G0


def superset(G0: nx.MultiDiGraph, plan: Plan) -> nx.MultiDiGraph:
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

    from corridors.analysis.demand import read_demand

    spec = plan.demand
    columns = ["origin", "destination", "commodity", "tonnes_per_year"]
    kept = [*columns, "origin_places", "destination_places"]  # a city: all its terminals
    key: tuple[Any, ...] = ("demand", "base") if spec.growth_rate is not None else ("demand",)
    if spec.file is not None:
        try:
            table = read_demand(spec.file, G)
        except CorridorsError as exc:
            raise PlanError(plan.locate((*key, "file"), str(exc))) from None
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
            y: table[kept].assign(
                tonnes_per_year=table["tonnes_per_year"]
                * (1.0 + spec.growth_rate) ** (y - spec.base_year)
            )
            for y in plan.years
        }
    out = {}
    for y in plan.years:
        rows = table[table["year"] == y]
        if rows.empty:
            raise PlanError(plan.locate(("demand",), f"no demand rows for the period {y}"))
        out[y] = rows[kept].reset_index(drop=True)
    return out


def _check_places(G: nx.MultiDiGraph, plan: Plan, key: tuple[Any, ...]) -> None:
    from corridors.network.lookup import find_place

    errors = []
    for i, (y, row) in enumerate(plan.demand.rows):
        if y is not None and y not in plan.years:
            errors.append(
                plan.locate((*key, i, "year"), f"{y} is not one of the plan's years {plan.years}")
            )
        for end, name in (("origin", row.origin), ("destination", row.destination)):
            try:
                find_place(G, name)
            except CorridorsError as exc:
                errors.append(plan.locate((*key, i, end), str(exc)))
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


# --------------------------------------------------------------------------- solving


def _candidate_values(
    model: pp.Model,
    plan: Plan,
    best: pp.Solution,
    built: Sequence[Build],
    *,
    values: bool,
    options: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """One record per candidate: when it is built, its annuity and (with ``values``) the NPV
    with and without it, the other found by one more solve that forces it out or in."""
    from corridors.planning import programme as pp

    records = []
    for c, cand in enumerate(plan.candidates):
        years = [b.year for b in built if b.candidate == cand.id]
        with_npv = without_npv = math.nan
        if values:
            other = pp.solve(model, force={c: not years}, **options).npv_usd
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
    return records


def plan(
    G: nx.MultiDiGraph,
    plan: Plan,
    *,
    values: bool = True,
    samples: int = 0,
    seed: int = 0,
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
    samples, seed
        0: plan on the stated figures. N > 0: the robust (two-stage) plan, least costly on
        average over N draws of every uncertain figure (ranges in the data, as
        :func:`corridors.sweep.sweep` draws them, and each candidate's capex range); draw ``i``
        uses a generator seeded ``[seed, i]``, so the same seed gives the same plan.
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

    from corridors.planning import programme as pp

    H = check_plan(G, plan)
    demand = plan_demand(H, plan)
    model = pp.build_model(H, plan, demand, samples=samples, seed=seed)
    options: dict[str, Any] = {"mip_rel_gap": mip_rel_gap, "time_limit": time_limit}
    best = pp.solve(model, **options)
    built = pp.builds(model, best.x)
    rows, assignments, npvs = pp.period_rows(model, best.x)
    records = _candidate_values(model, plan, best, built, values=values, options=options)
    stated_build = stated_npv = None
    if samples:
        stated = pp.build_model(H, plan, demand)
        chosen = pp.solve(stated, **options).x
        stated_build = pp.builds(stated, chosen)
        stated_npv = pp.solve(model, fixed=chosen[stated.n_lp :], **options).npv_usd
    return PlanResult(
        plan=plan.name,
        build=built,
        npv_usd=best.npv_usd,
        periods=pd.DataFrame(rows),
        candidates=pd.DataFrame(records),
        assignments=tuple(assignments),
        mip_gap=best.gap,
        status=best.status,
        discount_rate=plan.discount_rate,
        unserved_penalty_usd_per_t=plan.unserved_penalty_usd_per_t,
        network=model.H,
        samples=samples,
        seed=seed if samples else None,
        draws=tuple(npvs) if samples else (),
        stated_build=stated_build,
        stated_npv_usd=stated_npv,
    )
