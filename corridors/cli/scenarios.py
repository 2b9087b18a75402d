"""Commands on what-if scenarios: compare and sweep."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.app import (
    JsonOpt,
    LinksOpt,
    MapOpt,
    OfflineOpt,
    PlacesOpt,
    app,
    checked_folder,
    console,
    fail,
    network,
    progress_bar,
)

if TYPE_CHECKING:
    import pandas as pd

    from corridors.scenarios.apply import Scenario

__all__ = ["compare", "sweep"]

RouteOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--route",
        help="Also compare this route: 'ORIGIN,DESTINATION[,COMMODITY]' (repeat for more).",
    ),
]


_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})")


EquilibriumOpt = Annotated[
    bool,
    typer.Option(
        "--equilibrium",
        help="Also assign the demand (default: the bundled 2024 table) at user equilibrium: "
        "the routes' loaded times (loaded_time_h) and the total delay (delay_th).",
    ),
]


def _scheduler(value: str | None) -> str | None:
    """``--scheduler``: a Dask address ``[scheme://]host:port``, checked before any work."""
    if value is None:
        return None
    if value.startswith("inproc://"):  # a scheduler in this process
        return value
    match = _ADDRESS.fullmatch(value.strip())
    if match is None or not 0 < int(match[1]) < 65536:
        fail(f"--scheduler is {value[:80]!r}; expected an address such as tcp://host:8786")
    return value.strip()


def _routes(values: list[str] | None) -> list[tuple[str, ...]]:
    out = []
    for value in values or ():
        parts = tuple(p.strip() for p in value.split(",") if p.strip())
        if len(parts) not in (2, 3):
            fail(f"--route '{value}': expected 'ORIGIN,DESTINATION[,COMMODITY]'")
        out.append(parts)
    return out


def _load(paths: list[Path], places: Path | None, links: Path | None) -> tuple[Any, list[Scenario]]:
    from corridors.scenarios.apply import load_scenario

    G = network(places, links)
    return G, [load_scenario(p, G) for p in paths]


def _table(table: pd.DataFrame, scenarios: Sequence[Scenario] = ()) -> None:
    from rich.table import Table
    from rich.text import Text

    from corridors.scenarios.report import (
        CATEGORICAL,
        NONE,
        demand_note,
        format_value,
        headlines,
        scenario_summary,
    )

    out = console()
    news = headlines(table, markdown=False)
    out.print(Text("Headline changes", "bold") if news else "No figure changes by more than 1 %.")
    for line in news:
        out.print(f"  - {line}")
    for s in scenarios:
        out.print(f"  {scenario_summary(s)}", markup=False)
    names = list(dict.fromkeys(table["scenario"]))
    note = demand_note(table)
    view = Table(title="Comparison", title_justify="left", caption=note or None)
    view.add_column("metric")
    view.add_column("pair")
    for name in names:
        view.add_column(name, justify="right", overflow="fold")
    shown = table[~table["metric"].isin(["legs_added", "legs_dropped"])]
    for (metric, pair, commodity), group in shown.groupby(
        ["metric", "pair", "commodity"], sort=False
    ):
        cells = {r["scenario"]: r for r in group.to_dict("records")}
        row = [str(metric), f"{pair} ({commodity})" if commodity else str(pair)]
        for name in names:
            r = cells.get(name)
            if r is None:
                row.append("")
            elif metric == "route":
                row.append(_route_cell(r, table))
            elif metric in CATEGORICAL:
                row.append(r["detail"] or NONE)
            else:
                row.append(format_value(r["value"], str(metric)))
        view.add_row(*row)
    out.print(view)


def _route_cell(r: Mapping[Any, Any], table: pd.DataFrame) -> str:
    """A route on the terminal: its leg count for the base; for a scenario, against the
    base's route: gained, lost, ``same``, or the links added and dropped."""
    legs = "no route" if r["detail"] == "no route" else f"{r['value']:.0f} legs"
    if r["scenario"] == "base":
        return legs
    same_job = (table["pair"] == r["pair"]) & (table["commodity"] == r["commodity"])
    base = table[same_job & (table["scenario"] == "base") & (table["metric"] == "route")]
    before = str(base["detail"].iloc[0]) if len(base) else None
    if before is None:
        return legs
    if r["detail"] == "no route":
        return "no route" if before == "no route" else "lost: no route"
    if before == "no route":
        return f"gained: {legs}"
    if r["change"] != 1.0:
        return "same"
    changes = table[
        same_job
        & (table["scenario"] == r["scenario"])
        & table["metric"].isin(["legs_added", "legs_dropped"])
    ]
    parts = {m: d for m, d in zip(changes["metric"], changes["detail"], strict=True)}
    if not parts:
        return legs
    added = ", ".join(f"+{x}" for x in parts.get("legs_added", "").split(", ") if x)
    dropped = ", ".join(f"-{x}" for x in parts.get("legs_dropped", "").split(", ") if x)
    return "; ".join(p for p in (added, dropped) if p)


@app.command()
def compare(
    scenario_files: Annotated[
        list[Path], typer.Argument(help="Scenario YAML files.", metavar="SCENARIO.yaml...")
    ],
    route: RouteOpt = None,
    year: Annotated[
        int | None, typer.Option(help="Year of the base network (default: the scenarios').")
    ] = None,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write comparison.csv, .json and .md into this folder.",
            callback=checked_folder,
        ),
    ] = None,
    equilibrium: EquilibriumOpt = False,
    map_file: MapOpt = None,
    offline: OfflineOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Run the scenarios' jobs on the base network and on each scenario, side by side."""
    from corridors.network.io import atomic_folder
    from corridors.scenarios.compare import compare as run_compare
    from corridors.scenarios.compare import route_jobs
    from corridors.scenarios.report import to_json_text, write_report

    G, scenarios = _load(scenario_files, places, links)
    extra = _routes(route)
    routes = None
    if extra:
        routes = [*dict.fromkeys(j for s in scenarios for j in s.routes), *route_jobs(extra)]
    with progress_bar("comparing") as update:
        finished: list[str] = []

        def step(name: str) -> None:
            assert update is not None  # the bar is always enabled here
            finished.append(name)
            update(len(finished), len(scenarios) + 1)

        table = run_compare(
            G, scenarios, routes=routes, year=year, equilibrium=equilibrium, progress=step
        )
    with contextlib.ExitStack() as stack:  # the report's files appear together, or none
        if out is not None:
            tmp = stack.enter_context(atomic_folder(out))
            paths = {
                k: out / p.name for k, p in write_report(table, tmp, scenarios=scenarios).items()
            }
        if map_file is not None:
            from corridors.cli.maps import write_scenario_maps

            report = tmp / paths["md"].name if out is not None else None
            write_scenario_maps(
                G, scenarios, map_file, routes=routes, year=year, report=report, offline=offline
            )
    if as_json:
        sys.stdout.write(to_json_text(table))
    else:
        _table(table, scenarios)
    if out is not None:
        console(stderr=True).print(f"wrote {', '.join(str(p) for p in paths.values())}")


@app.command()
def sweep(
    scenario_file: Annotated[
        Path, typer.Argument(help="Scenario YAML file.", metavar="SCENARIO.yaml")
    ],
    samples: Annotated[
        int, typer.Option("--samples", min=1, max=1_000_000, help="Number of draws.")
    ] = 100,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed (>= 0): the same seed gives the same numbers.")
    ] = 0,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=256, help="Local processes (default: the CPUs available)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (tcp://host:8786): run the draws there.",
            callback=lambda value: _scheduler(value),
        ),
    ] = None,
    route: RouteOpt = None,
    equilibrium: EquilibriumOpt = False,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write sweep_draws.csv, sweep_summary.csv and sweep_shares.csv.",
            callback=checked_folder,
        ),
    ] = None,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Monte Carlo over the low/high ranges in the data: distributions of route times and
    throughputs, and how often each bottleneck binds."""
    from corridors.scenarios.compare import route_jobs
    from corridors.scenarios.sweep import sweep as run_sweep
    from corridors.scenarios.sweep import sweep_json, write_sweep

    G, (scenario,) = _load([scenario_file], places, links)
    extra = _routes(route)
    routes = [*scenario.routes, *route_jobs(extra)] if extra else None
    with progress_bar(f"sweeping {scenario.name}") as step:
        result = run_sweep(
            G,
            scenario,
            samples=samples,
            seed=seed,
            routes=routes,
            workers=workers,
            scheduler=scheduler,
            equilibrium=equilibrium,
            progress=step,
        )
    if out is not None:
        from corridors.network.io import atomic_folder

        with atomic_folder(out) as tmp:
            paths = {k: out / p.name for k, p in write_sweep(result, tmp).items()}
    if as_json:
        sys.stdout.write(sweep_json(result))
    else:
        _sweep_table(result)
    if out is not None:
        console(stderr=True).print(f"wrote {', '.join(str(p) for p in paths.values())}")


def _sweep_table(result: Any) -> None:
    from rich.table import Table

    from corridors.scenarios.report import format_value

    out = console()
    view = Table(
        title=f"{result.scenario}: {result.samples} draws, seed {result.seed}", title_justify="left"
    )
    for column, justify in (
        ("metric", "left"),
        ("pair", "left"),
        ("median", "right"),
        ("p5", "right"),
        ("p95", "right"),
        ("missing", "right"),
    ):
        view.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in result.summary.to_dict("records"):
        view.add_row(
            r["metric"],
            f"{r['pair']} ({r['commodity']})",
            format_value(r["median"]),
            format_value(r["p5"]),
            format_value(r["p95"]),
            str(r["missing"]),
        )
    out.print(view)
    shares = Table(title="How often (share of draws)", title_justify="left")
    for column in ("what", "pair", "item", "share"):
        shares.add_column(column, justify="right" if column == "share" else "left")
    for r in result.shares.to_dict("records"):
        what = "binds" if r["metric"] == "bottleneck" else "route"
        shares.add_row(what, str(r["pair"]), str(r["item"]), f"{r['share']:.0%}")
    out.print(shares)
