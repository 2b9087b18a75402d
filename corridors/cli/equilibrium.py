"""The ``equilibrium`` command: user-equilibrium assignment with times that respond to load."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.app import (
    AvoidCountryOpt,
    JsonOpt,
    LinksOpt,
    MapOpt,
    OfflineOpt,
    PlacesOpt,
    YearOpt,
    app,
    console,
    fail,
    map_tiles,
    network,
    print_json,
    split_list,
    write_map,
)

if TYPE_CHECKING:
    from corridors.analysis.congestion import CorridorEquilibrium
    from corridors.core.equilibrium import EquilibriumResult
    from corridors.network.tntp import TntpNetwork

__all__ = ["equilibrium"]

AlgorithmOpt = Annotated[
    str,
    typer.Option("--algorithm", help="bfw (bi-conjugate Frank-Wolfe), cfw (conjugate), fw or msa."),
]
DemandArg = Annotated[
    Path | None,
    typer.Argument(
        help="Demand table (CSV: origin, destination, commodity, tonnes_per_year) to assign "
        "on the network; default: the bundled 2024 demand (geodata/demand_2024.csv).",
        dir_okay=False,
    ),
]
TntpOpt = Annotated[
    tuple[Path, Path] | None,
    typer.Option(
        "--tntp",
        help="Assign a TNTP network instead: its _net.tntp and _trips.tntp files.",
        dir_okay=False,
    ),
]
GapOpt = Annotated[float, typer.Option("--gap", help="Target relative gap.")]
MaxIterOpt = Annotated[int, typer.Option("--max-iter", min=1, help="Most iterations.")]
CriterionOpt = Annotated[
    str, typer.Option("--criterion", help="ue (user equilibrium) or so (system optimum).")
]
TollWeightOpt = Annotated[
    float, typer.Option("--toll-weight", help="TNTP: weight of toll in the generalised cost.")
]
DistanceWeightOpt = Annotated[
    float,
    typer.Option("--distance-weight", help="TNTP: weight of length in the generalised cost."),
]
DemandScaleOpt = Annotated[
    float, typer.Option("--demand-scale", min=0.0, help="Multiply the demand by this.")
]
FreeFlowOpt = Annotated[bool, typer.Option("--free-flow", help="The empty network's times.")]
PairOpt = Annotated[
    list[str] | None,
    typer.Option("--pair", help="Also skim ORIGIN,DESTINATION (repeat for more)."),
]
CalibrateOpt = Annotated[
    bool,
    typer.Option("--calibrate", help="Refit the delay scales to the observed 2024 times."),
]
WriteOpt = Annotated[
    bool, typer.Option("--write", help="With --calibrate: save the fit to the data.")
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Also write the CSV tables here.", file_okay=False),
]


def _check_algorithm(algorithm: str, criterion: str) -> None:
    from corridors.core.equilibrium import ALGORITHMS

    if algorithm not in ALGORITHMS:
        fail(f"--algorithm: {algorithm!r}; expected one of {', '.join(ALGORITHMS)}")
    if criterion not in ("ue", "so"):
        fail(f"--criterion: {criterion!r}; expected ue (user equilibrium) or so (system optimum)")


def _summary(result: EquilibriumResult) -> dict[str, Any]:
    return {
        "algorithm": result.algorithm,
        "criterion": result.criterion,
        "objective": result.objective,
        "total_travel_time": result.total_travel_time,
        "total_cost": float(result.flow @ result.cost),
        "relative_gap": result.relative_gap,
        "iterations": result.iterations,
        "converged": result.converged,
    }


def _tntp_links_csv(net: TntpNetwork, result: EquilibriumResult) -> str:
    lines = ["init_node,term_node,flow,time,cost"]
    ends = zip(net.links["init_node"], net.links["term_node"], strict=True)
    for (a, b), flow, time, cost in zip(ends, result.flow, result.time, result.cost, strict=True):
        lines.append(f"{int(a)},{int(b)},{flow:.10g},{time:.10g},{cost:.10g}")
    return "\n".join(lines) + "\n"


def _gaps_csv(result: EquilibriumResult) -> str:
    rows = [f"{k},{g:.10g}" for k, g in enumerate(result.gaps, start=1)]
    return "\n".join(["iteration,relative_gap", *rows]) + "\n"


def _run_tntp(
    files: tuple[Path, Path],
    *,
    toll_weight: float,
    distance_weight: float,
    algorithm: str,
    criterion: str,
    gap: float,
    max_iter: int,
    out: Path | None,
) -> dict[str, Any]:
    from corridors.core.equilibrium import assign
    from corridors.network.io import write_text_atomic
    from corridors.network.tntp import read_tntp

    net = read_tntp(*files, toll_weight=toll_weight, distance_weight=distance_weight)
    result = assign(
        net.problem,
        algorithm=algorithm,  # type: ignore[arg-type]
        criterion=criterion,  # type: ignore[arg-type]
        gap=gap,
        max_iter=max_iter,
    )
    if out is not None:
        write_text_atomic(out / "link_flows.csv", _tntp_links_csv(net, result))
        write_text_atomic(out / "gaps.csv", _gaps_csv(result))
    return {
        "network": files[0].name,
        "zones": net.n_zones,
        "links": int(net.problem.tail.size),
        "toll_weight": toll_weight,
        "distance_weight": distance_weight,
        **_summary(result),
    }


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(show_header=False, box=None)
    for key, value in summary.items():
        text = f"{value:,.6g}" if isinstance(value, float) else str(value)
        table.add_row(key.replace("_", " "), text)
    console().print(table)


def _fit_rows(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("origin", "destination", "observed d", "modelled d", "residual d", "source")
    for r in rows:
        table.add_row(
            r["origin"],
            r["destination"],
            f"{r['observed_days']:.1f}",
            f"{r['modelled_days']:.2f}",
            f"{r['residual_days']:+.2f}",
            r["source"],
        )
    console().print(table)


def _run_calibration(
    places: Path | None, links: Path | None, *, write: bool, as_json: bool
) -> None:
    from dataclasses import asdict

    from corridors.analysis.congestion import calibrate, write_delay_parameters, write_loaded_times

    G = network(places, links)
    params, rows = calibrate(G)
    if write:
        console(stderr=True).print(f"wrote {write_delay_parameters(params)}")
        console(stderr=True).print(f"wrote {write_loaded_times(G)}")
    if as_json:
        print_json({"parameters": asdict(params), "fit": rows})
        return
    console().print(
        f"sailing_alpha {params.sailing_alpha:.4g}, server_alpha {params.server_alpha:.4g}, "
        f"border_alpha {params.border_alpha:.4g}"
    )
    _fit_rows(rows)


def _corridor_tables(run: CorridorEquilibrium, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    skims = []
    for i, o in enumerate(run.origins):
        for j, d in enumerate(run.destinations):
            hours = float(run.result.skims["time"][i, j])
            tonnes = float(run.problem.demand[i, j])
            if (tonnes > 0 or (o, d) in pairs) and hours < float("inf"):
                skims.append({"origin": o, "destination": d, "tonnes_per_year": tonnes,
                              "hours": hours, "days": hours / 24.0})  # fmt: skip
    return {
        "relative_gap": run.result.relative_gap,
        "iterations": run.result.iterations,
        "skims": skims,
        "elements": run.element_table(),
    }


def _rows_csv(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def _print_corridor(tables: dict[str, Any], load: str) -> None:
    from rich.table import Table

    console().print(
        f"Dry cargo at user equilibrium ({load}); relative gap {tables['relative_gap']:.2e} "
        f"after {tables['iterations']} iterations"
    )
    skims = Table("origin", "destination", "Mt/yr", "days")
    for r in tables["skims"]:
        skims.add_row(r["origin"], r["destination"], f"{r['tonnes_per_year'] / 1e6:.3f}",
                      f"{r['days']:.2f}")  # fmt: skip
    console().print(skims)
    delays = Table("element", "kind", "Mt/yr", "capacity Mt/yr", "free h", "loaded h")
    for r in tables["elements"][:15]:
        delays.add_row(r["element"], r["kind"], f"{r['flow_tpy'] / 1e6:.3f}",
                       f"{r['capacity_tpy'] / 1e6:.3f}", f"{r['free_h']:.1f}",
                       f"{r['loaded_h']:.1f}")  # fmt: skip
    console().print(delays)


def _pairs(G: Any, values: list[str] | None) -> list[tuple[str, str]]:
    from corridors.network.lookup import find_place

    pairs = []
    for value in values or ():
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 2 or not all(parts):
            fail(f"--pair: {value!r}; expected ORIGIN,DESTINATION")
        pairs.append((find_place(G, parts[0]), find_place(G, parts[1])))
    return pairs


def _run_corridor(
    demand: Path | None,
    *,
    places: Path | None,
    links: Path | None,
    year: int | None,
    avoid_country: list[str] | None,
    scale: float,
    free_flow: bool,
    pair: list[str] | None,
    gap: float,
    algorithm: str,
    criterion: str,
    max_iter: int,
    out: Path | None,
    map_file: Path | None,
    offline: bool,
) -> dict[str, Any]:
    from corridors.analysis.congestion import TITR_AVOIDS, corridor_equilibrium
    from corridors.analysis.demand import read_demand
    from corridors.core.expand import Avoid
    from corridors.network.io import write_text_atomic

    G = network(places, links)
    table = read_demand(demand, G) if demand is not None else None
    codes = [c.upper() for c in split_list(avoid_country)]
    if avoid_country is None and demand is None:
        codes = list(TITR_AVOIDS)  # the bundled volumes are the Trans-Caspian route's own
    pairs = _pairs(G, pair)
    run = corridor_equilibrium(
        G, table, year=year, avoid=Avoid.of(countries=codes), scale=scale, pairs=pairs,
        gap=gap, free_flow=free_flow, algorithm=algorithm, criterion=criterion,  # type: ignore[arg-type]
        max_iter=max_iter,
    )  # fmt: skip
    tables = _corridor_tables(run, pairs)
    if out is not None:
        write_text_atomic(out / "skims.csv", _rows_csv(tables["skims"]))
        write_text_atomic(out / "elements.csv", _rows_csv(tables["elements"]))
        write_text_atomic(out / "gaps.csv", _gaps_csv(run.result))
    if map_file is not None:
        from corridors.maps.interactive import delay_map

        write_map(delay_map(G, run, tiles=map_tiles(offline)), map_file, offline=offline)
    return tables


@app.command()
def equilibrium(
    demand: DemandArg = None,
    tntp: TntpOpt = None,
    gap: GapOpt = 1e-4,
    max_iter: MaxIterOpt = 1000,
    algorithm: AlgorithmOpt = "bfw",
    criterion: CriterionOpt = "ue",
    toll_weight: TollWeightOpt = 0.0,
    distance_weight: DistanceWeightOpt = 0.0,
    year: YearOpt = None,
    avoid_country: AvoidCountryOpt = None,
    demand_scale: DemandScaleOpt = 1.0,
    free_flow: FreeFlowOpt = False,
    pair: PairOpt = None,
    calibrate: CalibrateOpt = False,
    write: WriteOpt = False,
    places: PlacesOpt = None,
    links: LinksOpt = None,
    out: OutOpt = None,
    map_file: MapOpt = None,
    offline: OfflineOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Assign demand at user equilibrium: flows, loaded times, skims and the gap per iteration.

    On the corridor network, dry cargo (container, general) is assigned with times that grow
    with load (ferries, ports, gauge yards, borders, line haul); the bundled 2024 demand without
    Russia and Iran unless --avoid-country says otherwise; --map draws the delays. With --tntp,
    a TNTP network.
    """
    _check_algorithm(algorithm, criterion)
    if map_file is not None and (tntp is not None or calibrate):
        fail("--map draws the corridor network's delays, not --tntp or --calibrate")
    if not gap > 0:
        fail(f"--gap: {gap}; expected a number > 0")
    if calibrate:
        _run_calibration(places, links, write=write, as_json=as_json)
        return
    if tntp is None:
        tables = _run_corridor(
            demand, places=places, links=links, year=year, avoid_country=avoid_country,
            scale=demand_scale, free_flow=free_flow, pair=pair, gap=gap, algorithm=algorithm,
            criterion=criterion, max_iter=max_iter, out=out, map_file=map_file, offline=offline,
        )  # fmt: skip
        if as_json:
            print_json(tables)
        else:
            source = "the bundled 2024 demand" if demand is None else str(demand)
            load = "the empty network" if free_flow else f"{source} x {demand_scale:g}"
            _print_corridor(tables, load)
        return
    if demand is not None:
        fail("a demand table goes with the corridor network, not with --tntp")
    summary = _run_tntp(
        tntp,
        toll_weight=toll_weight,
        distance_weight=distance_weight,
        algorithm=algorithm,
        criterion=criterion,
        gap=gap,
        max_iter=max_iter,
        out=out,
    )
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
