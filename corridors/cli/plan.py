"""The ``corridors plan`` command: which candidate projects to build when, at least cost."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corridors.cli.app import (
    JsonOpt,
    LinksOpt,
    MapOpt,
    PlacesOpt,
    app,
    console,
    fail,
    network,
    note,
    print_json,
    write_map,
)

if TYPE_CHECKING:
    import pandas as pd

    from corridors.planning.plan import Candidate, Plan, PlanResult

__all__ = ["plan", "write_plan"]


def _musd(value: float) -> str:
    return "-" if value != value else f"{value / 1e6:,.1f}"  # NaN: not valued


def _mt(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def _provenance(plan: Plan, cid: str) -> str:
    """Where a candidate's capex comes from: its source ids, or the estimate's range."""
    cand = next(c for c in plan.candidates if c.id == cid)
    if "capex_usd" in cand.estimates:
        low, high = cand.ranges["capex_usd"]
        return f"estimate {low / 1e6:,.0f}-{high / 1e6:,.0f} M"
    return ", ".join(cand.sources.get("capex_usd", ()))


def _headline(candidate: Candidate) -> str:
    """The first clause of a candidate's description (the rest is in --json and --out)."""
    return re.split(r"[.:;](?:\s|$)", candidate.description, maxsplit=1)[0]


def write_plan(result: PlanResult, folder: Path) -> list[Path]:
    """Write build.csv, periods.csv, candidates.csv, flows.csv (per period) and plan.json.

    The files appear together, or (on any error) none.
    """
    import pandas as pd

    from corridors.network.io import atomic_folder

    build = pd.DataFrame(
        [(b.candidate, b.year) for b in result.build], columns=["candidate", "year"]
    )
    flows = pd.concat([a.flows.assign(year=a.year) for a in result.assignments], ignore_index=True)
    texts = {
        "build.csv": build.to_csv(index=False, lineterminator="\n"),
        "periods.csv": result.periods.to_csv(index=False, lineterminator="\n"),
        "candidates.csv": result.candidates.to_csv(index=False, lineterminator="\n"),
        "flows.csv": flows.to_csv(index=False, lineterminator="\n"),
        "plan.json": json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n",
    }
    with atomic_folder(folder) as tmp:
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="")
    return [folder / name for name in texts]


def _tables(plan: Plan, result: PlanResult) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(
        Text.assemble(
            (result.plan, "bold"),
            f": NPV {_musd(result.npv_usd)} M USD over "
            f"{plan.years[0]}-{plan.years[0] + sum(plan.lengths) - 1} at {plan.discount_rate:.1%}, "
            f"{result.status}, MILP gap {result.mip_gap:.2%}",
        )
    )
    if result.samples and result.stated_npv_usd is not None:
        stated = ", ".join(f"{b.candidate} {b.year}" for b in result.stated_build or ()) or "none"
        out.print(
            f"robust over {result.samples} draws (seed {result.seed}): NPV is their average; "
            f"the plan chosen on the stated figures ({stated}) would cost "
            f"{_musd(result.stated_npv_usd)} M USD on average",
            markup=False,
        )
    build = Table(title="build schedule", title_justify="left")
    for column in ("year", "candidate", "capex (M USD)", "capex from", "description"):
        build.add_column(column, justify="right" if column.startswith("capex (") else "left")
    described = {c.id: c for c in plan.candidates}
    for b in result.build:
        c = described[b.candidate]
        build.add_row(
            str(b.year), b.candidate, _musd(c.capex_usd), _provenance(plan, c.id), _headline(c)
        )
    out.print(build if result.build else "build nothing: no candidate pays for itself")
    values = Table(title="candidate values (NPV without it less NPV with it)", title_justify="left")
    for column in ("candidate", "built", "value (M USD)", "NPV with", "NPV without"):
        values.add_column(column, justify="left" if column in ("candidate", "built") else "right")
    for r in result.candidates.to_dict("records"):
        values.add_row(
            r["candidate"],
            r["built"] or "no",
            _musd(r["value_usd"]),
            _musd(r["npv_with_usd"]),
            _musd(r["npv_without_usd"]),
        )
    out.print(values)
    periods = Table(title="periods (Mt/yr; M USD)", title_justify="left")
    for column in (
        "year",
        "demand",
        "served",
        "unserved",
        "h per t",
        "cost a year",
        "discounted",
        "in service",
    ):
        periods.add_column(column, justify="left" if column == "in service" else "right")
    for r in result.periods.to_dict("records"):
        periods.add_row(
            str(r["year"]),
            _mt(r["demand_tpy"]),
            _mt(r["served_tpy"]),
            _mt(r["unserved_tpy"]),
            "-" if r["hours_per_t"] != r["hours_per_t"] else f"{r['hours_per_t']:,.1f}",
            _musd(r["annual_cost_usd"]),
            _musd(r["cost_usd"]),
            r["in_service"].replace(";", ", "),
        )
    out.print(periods)
    out.print("h per t: mean free-flow hours of a tonne served (the programme's times)")


def _delays(result: PlanResult, found: Plan) -> pd.DataFrame | None:
    """The plan under congestion, or None (with a note) where the model does not apply."""
    from corridors.exceptions import DataError
    from corridors.planning.congestion import plan_delays
    from corridors.planning.plan import plan_demand

    try:
        return plan_delays(result, found, plan_demand(result.network, found))
    except DataError as err:  # e.g. no dry cargo on the container network of a user's own
        note(f"waiting under congestion not evaluated: {err}")
        return None


def _delay_table(delays: pd.DataFrame) -> None:
    from rich.table import Table

    table = Table(
        title="waiting under congestion (dry cargo at user equilibrium; hours a tonne)",
        title_justify="left",
    )
    for column in ("year", "free flow", "with the plan", "nothing built", "waiting removed"):
        table.add_column(column, justify="right")
    for r in delays.to_dict(orient="records"):
        table.add_row(
            str(r["year"]),
            *(f"{r[c]:,.1f}" for c in ("free_h", "with_plan_h", "without_plan_h")),
            f"{r['delay_removed_h']:,.1f}",
        )
    console().print(table)


@app.command()
def plan(
    plan_file: Annotated[Path, typer.Argument(help="Plan YAML file.", metavar="PLAN.yaml")],
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write build, periods, candidates and flows CSV and plan.json here."
        ),
    ] = None,
    map_file: MapOpt = None,
    no_values: Annotated[
        bool, typer.Option("--no-values", help="Skip the per-candidate re-solves (faster).")
    ] = False,
    no_delays: Annotated[
        bool,
        typer.Option(
            "--no-delays", help="Skip evaluating the plan with the congestion model (faster)."
        ),
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0, help="Seconds per HiGHS solve.")
    ] = None,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            min=0,
            help="Robust plan: least costly on average over this many draws of the uncertain "
            "figures (0: the stated figures).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the draws: the same seed, the same plan.")] = 0,
    places: PlacesOpt = None,
    links: LinksOpt = None,
) -> None:
    """Which candidate projects to build in which period so the demand to come is carried at
    least discounted cost (a mixed-integer programme solved by HiGHS)."""
    from corridors.planning.plan import load_plan
    from corridors.planning.plan import plan as solve

    if out is not None and out.exists() and not out.is_dir():
        fail(f"--out {out}: exists and is not a folder")
    G = network(places, links)
    found = load_plan(plan_file, G)  # every error before anything is solved or written
    with console(stderr=True).status("solving the plan with HiGHS"):
        result = solve(
            G, found, values=not no_values, samples=samples, seed=seed, time_limit=time_limit
        )
        delays = None if no_delays else _delays(result, found)
    written = write_plan(result, out) if out is not None else []
    if map_file is not None:
        from corridors.maps.interactive import flow_map

        write_map(flow_map(result.network, result.assignments[-1]), map_file)
    if as_json:
        waiting = [] if delays is None else delays.to_dict(orient="records")
        print_json({**result.to_dict(), "delays": waiting})
    else:
        _tables(found, result)
        if delays is not None:
            _delay_table(delays)
    if written:
        console(stderr=True).print(f"wrote {', '.join(str(p) for p in written)}")
