"""Run the same jobs on a base network and on scenarios, side by side, as one tidy table.

:func:`compare` returns a :class:`pandas.DataFrame` with one row per scenario, metric and pair:

``scenario``
    ``"base"`` or the scenario's name.
``metric``
    Routes: ``time_h``, ``cost_usd_per_t``, ``length_km``, ``co2_kg_per_t`` (per tonne),
    ``route`` (value: number of legs; detail: the links in order), ``legs_added`` and
    ``legs_dropped`` against the base route (value: count; detail: link ids), ``corridor``
    (detail: the route's corridor, as :attr:`~corridors.analysis.routing.Route.kind` says).
    Throughput: ``throughput_tpy`` and ``bottleneck`` (value: number of cut elements; detail:
    ``id (capacity)`` of each). Assignment: ``assignment_cost_usd``, ``served_tpy``,
    ``unserved_tpy``, ``utilisation`` and ``shadow_price_usd_per_t`` (pair: link or place id).
    Under load (``equilibrium=True``): ``loaded_time_h`` per dry-cargo route job and
    ``delay_th`` (pair ``network``), see :func:`corridors.analysis.congestion.equilibrium_metrics`.
``pair``
    ``"origin -> destination"`` as written in the job, or the link or place id.
``commodity``, ``value``
    The commodity and the figure (NaN where there is no route).
``change``
    ``value`` minus the base's; for ``route``, ``corridor`` and ``bottleneck``, 1.0 when the
    detail differs from the base's and 0.0 when not. NaN where either side has no figure, and
    for the assignment rows of a scenario assigned other demand than the base.
``detail``
    Text: links of a route, elements of a cut, "no route"; on the base's assignment totals,
    whose demand it was assigned (see :func:`compare`).

The writers (:func:`write_csv`, :func:`write_json`, :func:`write_markdown` and
:func:`write_report` for all three) write to a temporary file and rename it; they and the
headlines live in :mod:`corridors.scenarios.report`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import DataError, NoRouteError, ScenarioError
from corridors.scenarios.apply import (
    DemandRow,
    RouteJob,
    Scenario,
    ThroughputJob,
    apply_scenario,
    check_scenario,
    load_scenario,
)
from corridors.scenarios.report import BASE, CATEGORICAL, COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from corridors.core.network import CoreNetwork

__all__ = [
    "compare",
    "demand_frame",
    "jobs_of",
    "route_figures",
    "route_jobs",
    "throughput_jobs",
]

ROUTE_METRICS = ("time_h", "cost_usd_per_t", "length_km", "co2_kg_per_t")
ASSIGNMENT_METRICS = frozenset(
    {"assignment_cost_usd", "served_tpy", "unserved_tpy", "utilisation", "shadow_price_usd_per_t"}
)
#: Metrics where a fall is good news (the headline wording uses it).
LOWER_IS_BETTER = frozenset(
    {*ROUTE_METRICS, "assignment_cost_usd", "unserved_tpy", "loaded_time_h", "delay_th"}
)

Row = dict[str, Any]
Demand = tuple[DemandRow, ...] | str | os.PathLike[str] | Any  # rows, a CSV file or a DataFrame
TOL = 1e-9
Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Run:
    name: str
    graph: nx.MultiDiGraph
    year: int | None
    demand: Demand | None
    note: str = ""  # detail of the assignment totals: whose demand, or that it differs


def route_jobs(items: Iterable[RouteJob | Sequence[str]]) -> tuple[RouteJob, ...]:
    """Route jobs from :class:`RouteJob` objects or ``(origin, destination[, commodity])``."""
    jobs = []
    for item in items:
        if isinstance(item, RouteJob):
            jobs.append(item)
        elif not isinstance(item, str) and len(item) in (2, 3):
            jobs.append(RouteJob(*item))
        else:
            raise DataError(f"route {item!r}: expected (origin, destination[, commodity])")
    return tuple(dict.fromkeys(jobs))


def throughput_jobs(
    items: Iterable[ThroughputJob | Sequence[Any]],
) -> tuple[ThroughputJob, ...]:
    """Throughput jobs from :class:`ThroughputJob` objects or ``(origins, destinations[,
    commodity])`` where each end is a place or a list of places."""
    jobs = []
    for item in items:
        if isinstance(item, ThroughputJob):
            jobs.append(item)
            continue
        if isinstance(item, str) or len(item) not in (2, 3):
            raise DataError(f"throughput {item!r}: expected (origins, destinations[, commodity])")
        ends = [(e,) if isinstance(e, str) else tuple(e) for e in item[:2]]
        jobs.append(ThroughputJob(ends[0], ends[1], *item[2:]))
    return tuple(dict.fromkeys(jobs))


def _scenarios(
    G: nx.MultiDiGraph, items: Iterable[Scenario | str | os.PathLike[str]]
) -> list[Scenario]:
    out = []
    for item in items:
        scenario = item if isinstance(item, Scenario) else load_scenario(item)
        check_scenario(G, scenario)
        out.append(scenario)
    names = [s.name for s in out]
    clash = sorted({n for n in names if names.count(n) > 1 or n == BASE})
    if clash:
        raise DataError(f"scenario name(s) {', '.join(clash)} used twice or reserved; rename")
    return out


def route_figures(
    G: nx.MultiDiGraph | CoreNetwork, job: RouteJob, year: int | None
) -> list[tuple[str, float, str]] | None:
    """``(metric, value, detail)`` of the best route of a job: each of :data:`ROUTE_METRICS`
    (per tonne), then ``route`` (the number of legs; the links in order) and ``corridor`` (1;
    its corridor, :attr:`~corridors.analysis.routing.Route.kind`). None: no route."""
    from corridors.analysis.routing import route

    try:
        (best,) = route(
            G, job.origin, job.destination, commodity=job.commodity, by=job.by, year=year
        )
    except NoRouteError:
        return None
    return [
        *((m, float(getattr(best.total, m)), "") for m in ROUTE_METRICS),
        ("route", float(len(best.legs)), " > ".join(best.links)),
        ("corridor", 1.0, best.kind),
    ]


def _route_rows(run: _Run, job: RouteJob) -> list[Row]:
    figures = route_figures(run.graph, job, run.year)
    if figures is None:
        figures = [(m, math.nan, "no route") for m in (*ROUTE_METRICS, "route", "corridor")]
    return [_row(run.name, m, job.label, job.commodity, v, d) for m, v, d in figures]


def _throughput_rows(run: _Run, job: ThroughputJob) -> list[Row]:
    from corridors.analysis.capacity import max_throughput

    result = max_throughput(
        run.graph,
        job.origins,
        job.destinations,
        commodity=job.commodity,
        year=run.year,
        paths=False,
    )
    cut = "; ".join(f"{c.id} ({c.capacity_tpy:,.0f})" for c in result.bottleneck)
    value = float(result.throughput_tpy)
    return [
        _row(
            run.name,
            "throughput_tpy",
            job.label,
            job.commodity,
            value,
            "unbounded" if math.isinf(value) else "",
        ),
        _row(run.name, "bottleneck", job.label, job.commodity, float(len(result.bottleneck)), cut),
    ]


def _equilibrium_rows(run: _Run, jobs: Sequence[RouteJob]) -> list[Row]:
    from corridors.analysis.congestion import equilibrium_metrics

    table = demand_frame(run.graph, run.demand)
    return [
        _row(run.name, *values)
        for values in equilibrium_metrics(run.graph, jobs, demand=table, year=run.year)
    ]


def demand_frame(G: nx.MultiDiGraph, demand: Demand | None) -> pd.DataFrame | None:
    """A demand table (rows, a CSV file or a DataFrame) read and checked on ``G``; None stays."""
    from corridors.analysis.demand import read_demand

    return None if demand is None else read_demand(_demand_table(demand), G)


def _demand_table(demand: Demand) -> Any:
    """What :func:`corridors.analysis.assignment.assign` reads: a file path or a DataFrame."""
    if isinstance(demand, str | os.PathLike):
        return demand
    if isinstance(demand, tuple):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "origin": r.origin,
                    "destination": r.destination,
                    "commodity": r.commodity,
                    "tonnes_per_year": r.tonnes_per_year,
                }
                for r in demand
            ],
            columns=["origin", "destination", "commodity", "tonnes_per_year"],
        )
    return demand


def _element(row: Mapping[Any, Any]) -> str:
    if row["kind"] == "link":
        return f"{row['id']} {row['from']}>{row['to']}"
    return str(row["id"])


def _assignment_rows(
    run: _Run,
) -> tuple[list[Row], dict[tuple[str, str], Row], dict[tuple[str, str], Row]]:
    """Totals, and the utilisation and shadow price of every capacity, of one run."""
    if run.demand is None:
        return [], {}, {}
    from corridors.analysis.assignment import assign

    result = assign(run.graph, _demand_table(run.demand), year=run.year)
    served = float(result.unserved["served_tpy"].sum())
    cost = float(result.total_cost_usd)
    rows = [
        _row(run.name, "assignment_cost_usd", "all", "", cost, run.note),
        _row(run.name, "served_tpy", "all", "", served, run.note),
        _row(run.name, "unserved_tpy", "all", "", float(result.unserved_tpy), run.note),
    ]
    util: dict[tuple[str, str], Row] = {}
    prices: dict[tuple[str, str], Row] = {}
    for r in result.utilisation.to_dict("records"):
        key = (_element(r), "" if r["commodity"] == "*" else str(r["commodity"]))
        util[key] = _row(run.name, "utilisation", *key, float(r["utilisation"]), "")
        price = float(r["shadow_price_usd_per_t"])
        prices[key] = _row(run.name, "shadow_price_usd_per_t", *key, price, "")
    return rows, util, prices


def _top(
    names: Sequence[str], tables: Sequence[dict[tuple[str, str], Row]], metric: str, top: int
) -> list[Row]:
    """Rows of every run for the ``top`` largest values of any run (0 when absent, NaN when
    the element is not in that run's network)."""
    keys: list[tuple[str, str]] = []
    for table in tables:
        ranked = sorted(
            (k for k, r in table.items() if r["value"] > TOL),
            key=lambda k: (-table[k]["value"], k),
        )
        keys += ranked[:top]

    def largest(key: tuple[str, str]) -> tuple[float, tuple[str, str]]:
        return (-max(t[key]["value"] if key in t else 0.0 for t in tables), key)

    chosen = sorted(dict.fromkeys(keys), key=largest)
    out = []
    for name, table in zip(names, tables, strict=True):
        for key in chosen:
            out.append(table.get(key) or _row(name, metric, *key, math.nan, "not in network"))
    return out


def _row(scenario: str, metric: str, pair: str, commodity: str, value: float, detail: str) -> Row:
    return {
        "scenario": scenario,
        "metric": metric,
        "pair": pair,
        "commodity": commodity,
        "value": value,
        "change": math.nan,
        "detail": detail,
    }


def _route_changes(rows: list[Row]) -> list[Row]:
    """Legs added and dropped against the base route, for each scenario's route rows."""
    base = {
        (r["pair"], r["commodity"]): r["detail"]
        for r in rows
        if r["scenario"] == BASE and r["metric"] == "route"
    }
    out = []
    for r in rows:
        out.append(r)
        if r["metric"] != "route" or r["scenario"] == BASE:
            continue
        before = base.get((r["pair"], r["commodity"]), "")
        if "no route" in (before, r["detail"]):
            continue
        old, new = before.split(" > "), r["detail"].split(" > ")
        added = [link for link in new if link not in old]
        dropped = [link for link in old if link not in new]
        out.append(
            _row(
                r["scenario"],
                "legs_added",
                r["pair"],
                r["commodity"],
                float(len(added)),
                ", ".join(added),
            )
        )
        out.append(
            _row(
                r["scenario"],
                "legs_dropped",
                r["pair"],
                r["commodity"],
                float(len(dropped)),
                ", ".join(dropped),
            )
        )
    return out


def _fill_change(rows: list[Row], other_demand: frozenset[str] = frozenset()) -> None:
    """Fill ``change`` against the base; not for the assignment rows of ``other_demand`` runs
    (assigned other demand than the base, so the difference is not the scenario's effect)."""
    base = {(r["metric"], r["pair"], r["commodity"]): r for r in rows if r["scenario"] == BASE}
    for r in rows:
        b = base.get((r["metric"], r["pair"], r["commodity"]))
        if r["metric"] in ("legs_added", "legs_dropped"):
            r["change"] = r["value"]
        elif b is None or (r["metric"] in ASSIGNMENT_METRICS and r["scenario"] in other_demand):
            continue
        elif r["metric"] in CATEGORICAL:
            no_figure = "no route" in (r["detail"], b["detail"])
            r["change"] = math.nan if no_figure else float(_ids(r) != _ids(b))
        else:
            r["change"] = r["value"] - b["value"]
            if math.isinf(r["value"]) and math.isinf(b["value"]):
                r["change"] = 0.0


def _ids(row: Row) -> frozenset[str] | str:
    """What a categorical row names: the links of a route (in order), the ids of a cut."""
    if row["metric"] == "bottleneck":
        return frozenset(part.split(" (")[0] for part in row["detail"].split("; ") if part)
    return str(row["detail"])


def _own_demand(scenario: Scenario) -> Demand | None:
    return scenario.demand if scenario.demand is not None else scenario.demand_file


def _same_demand(a: Demand | None, b: Demand | None) -> bool:
    """Whether two demand tables are the same: equal rows, or the same file."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a == b
    if isinstance(a, str | os.PathLike) and isinstance(b, str | os.PathLike):
        return Path(a).resolve() == Path(b).resolve()
    return a is b


def _base_demand(demand: Demand | None, scenarios: Sequence[Scenario]) -> tuple[Demand | None, str]:
    """What the base is assigned, and how to say so: ``demand`` when given, else the table
    every scenario with a table shares (None when they differ or none has one)."""
    if demand is not None:
        return (tuple(demand) if isinstance(demand, list | tuple) else demand), "demand given"
    own = [(s.name, d) for s in scenarios if (d := _own_demand(s)) is not None]
    if own and all(_same_demand(own[0][1], d) for _, d in own):
        return own[0][1], "demand of " + ", ".join(name for name, _ in own)
    return None, ""


def _common_year(scenarios: Sequence[Scenario]) -> int | None:
    years = {s.year for s in scenarios}
    return years.pop() if len(years) == 1 else None


def compare(
    base: nx.MultiDiGraph,
    scenarios: Iterable[Scenario | str | os.PathLike[str]],
    *,
    routes: Iterable[RouteJob | Sequence[str]] | None = None,
    capacity: Iterable[ThroughputJob | Sequence[Any]] | None = None,
    demand: Demand | None = None,
    year: int | None = None,
    top: int = 5,
    equilibrium: bool = False,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run the same jobs on ``base`` and on each scenario; return a tidy comparison table.

    Parameters
    ----------
    base
        The network the scenarios change (never mutated).
    scenarios
        :class:`~corridors.scenarios.apply.Scenario` objects or paths of scenario files. All are
        checked against ``base`` before any job runs.
    routes
        Route jobs: :class:`~corridors.scenarios.apply.RouteJob` or ``(origin, destination[,
        commodity])``. By default, the jobs the scenario files list (all of them, in order).
    capacity
        Throughput jobs: :class:`~corridors.scenarios.apply.ThroughputJob` or ``(origins,
        destinations[, commodity])``. By default, the scenario files' throughput jobs.
    demand
        A demand table (:class:`~corridors.scenarios.apply.DemandRow` rows, a CSV file or a
        DataFrame read by :func:`~corridors.analysis.demand.read_demand`) assigned on the base and
        on every scenario without a demand table of its own. By default the base is assigned the
        table the scenarios share (every scenario with a table has the same one), so the
        ``change`` of an assignment row is the scenario's effect on the same demand. A
        scenario assigned another table than the base's has no ``change`` on its assignment
        rows (their detail says so); when the scenarios' tables differ and ``demand`` is not
        given, the base is not assigned.
    year
        Year of the base network; by default the scenarios' year when they all share one
        (so a 2030 scenario is compared with the 2030 network), else what operates now.
        A scenario without a year runs in the base's.
    top
        How many utilisations and shadow prices to keep per run (largest first).
    equilibrium
        Also assign each run's demand (by default the bundled 2024 table) at user equilibrium
        and report the route jobs' loaded times and the total delay.
    progress
        Called with the name of each run as it starts (the CLI draws a progress bar).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; rows ordered by run (base first), then job, then metric.

    Raises
    ------
    ScenarioError
        A scenario names something ``base`` does not have, or no job or demand is given.

    Examples
    --------
    >>> from corridors import load_network
    >>> from corridors.scenarios.apply import Scenario
    >>> table = compare(
    ...     load_network(), [Scenario("no-btc", close=("pipeline:btc",))],
    ...     capacity=[("Aktau", "Ceyhan", "oil")],
    ... )
    >>> flows = table[table.metric == "throughput_tpy"]
    >>> dict(zip(flows.scenario, flows.value))
    {'base': 7500000.0, 'no-btc': 0.0}
    """
    chosen = _scenarios(base, scenarios)
    route_list, flow_list = jobs_of(chosen, routes, capacity)
    base_demand, note = _base_demand(demand, chosen)
    _check_jobs(chosen, route_list, flow_list, base_demand)
    runs = _runs(base, chosen, year, base_demand, note)
    rows = _all_rows(
        runs, route_list, flow_list, equilibrium=equilibrium, top=top, progress=progress
    )
    return _table(runs, rows)


def _table(runs: Sequence[_Run], rows: list[Row]) -> pd.DataFrame:
    """The rows by run (base first; jobs stay in order), with legs added and dropped and
    the change against the base."""
    import pandas as pd

    names_order = {run.name: i for i, run in enumerate(runs)}
    rows = sorted(rows, key=lambda r: names_order[r["scenario"]])  # stable
    rows = _route_changes(rows)
    _fill_change(rows, frozenset(run.name for run in runs if run.note and run.name != BASE))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def jobs_of(
    scenarios: Sequence[Scenario],
    routes: Iterable[RouteJob | Sequence[str]] | None,
    capacity: Iterable[ThroughputJob | Sequence[Any]] | None,
) -> tuple[tuple[RouteJob, ...], tuple[ThroughputJob, ...]]:
    """The route and throughput jobs given (see :func:`route_jobs`, :func:`throughput_jobs`),
    else those the scenarios list (each once, in order)."""
    route_list = (
        route_jobs(routes)
        if routes is not None
        else _unique(j for s in scenarios for j in s.routes)
    )
    flow_list = (
        throughput_jobs(capacity)
        if capacity is not None
        else _unique(j for s in scenarios for j in s.throughput)
    )
    return route_list, flow_list


def _runs(
    base: nx.MultiDiGraph,
    scenarios: Sequence[Scenario],
    year: int | None,
    base_demand: Demand | None,
    note: str,
) -> list[_Run]:
    """The base run, then each scenario's: its network, year (the base's: ``year``, else the
    scenarios' common year) and the demand it is assigned (its own, else the base's; noted
    when that differs from the base's)."""
    base_year = year if year is not None else _common_year(scenarios)
    runs = [_Run(BASE, base, base_year, base_demand, note)]
    for s in scenarios:
        H = apply_scenario(base, s)
        own = _own_demand(s)
        ran = own if own is not None else base_demand
        other = base_demand is not None and ran is not None and not _same_demand(ran, base_demand)
        differs = "demand differs from the base's" if other else ""
        runs.append(_Run(s.name, H, s.year if s.year is not None else base_year, ran, differs))
    return runs


def _all_rows(
    runs: Sequence[_Run],
    route_list: Sequence[RouteJob],
    flow_list: Sequence[ThroughputJob],
    *,
    equilibrium: bool,
    top: int,
    progress: Progress | None,
) -> list[Row]:
    """Every job's rows, run by run, then the ``top`` utilisations and shadow prices."""
    rows: list[Row] = []
    utilisation, prices = [], []
    for run in runs:
        if progress is not None:
            progress(run.name)
        for job in route_list:
            rows += _route_rows(run, job)
        for flow in flow_list:
            rows += _throughput_rows(run, flow)
        if equilibrium:
            rows += _equilibrium_rows(run, route_list)
        totals, util, price = _assignment_rows(run)
        rows += totals
        utilisation.append(util)
        prices.append(price)
    assigned = [i for i, run in enumerate(runs) if run.demand is not None]
    if assigned:
        names = [runs[i].name for i in assigned]
        rows += _top(names, [utilisation[i] for i in assigned], "utilisation", top)
        rows += _top(names, [prices[i] for i in assigned], "shadow_price_usd_per_t", top)
    return rows


def _check_jobs(
    scenarios: Sequence[Scenario],
    routes: Sequence[RouteJob],
    flows: Sequence[ThroughputJob],
    demand: Demand | None,
) -> None:
    """A comparison that computes nothing is an error, not an empty table."""
    if routes or flows or demand is not None:
        return
    if any(_own_demand(s) is not None for s in scenarios):
        return
    names = ", ".join(s.name for s in scenarios)
    raise ScenarioError(
        f"nothing to compare: {names} list(s) no routes, throughput or demand; add a 'jobs:' "
        "section (routes, throughput) or a 'demand:' to a scenario file, or give --route"
    )


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))
