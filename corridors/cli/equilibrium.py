"""The ``equilibrium`` command: user-equilibrium assignment with times that respond to load."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.app import JsonOpt, app, console, fail, print_json

if TYPE_CHECKING:
    from corridors.core.equilibrium import EquilibriumResult
    from corridors.tntp import TntpNetwork

__all__ = ["equilibrium"]

AlgorithmOpt = Annotated[
    str,
    typer.Option("--algorithm", help="bfw (bi-conjugate Frank-Wolfe), cfw (conjugate), fw or msa."),
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
    from corridors.io import write_text_atomic
    from corridors.tntp import read_tntp

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


@app.command()
def equilibrium(
    demand: Annotated[
        Path | None,
        typer.Argument(
            help="Demand table (CSV: origin, destination, commodity, tonnes_per_year) to assign "
            "on the bundled network; default: the bundled 2024 demand.",
            dir_okay=False,
        ),
    ] = None,
    tntp: Annotated[
        tuple[Path, Path] | None,
        typer.Option(
            "--tntp",
            help="Assign a TNTP network instead: its _net.tntp and _trips.tntp files.",
            dir_okay=False,
        ),
    ] = None,
    gap: Annotated[float, typer.Option("--gap", help="Target relative gap.")] = 1e-4,
    max_iter: Annotated[int, typer.Option("--max-iter", min=1, help="Most iterations.")] = 1000,
    algorithm: AlgorithmOpt = "bfw",
    criterion: Annotated[
        str, typer.Option("--criterion", help="ue (user equilibrium) or so (system optimum).")
    ] = "ue",
    toll_weight: Annotated[
        float, typer.Option("--toll-weight", help="TNTP: weight of toll in the generalised cost.")
    ] = 0.0,
    distance_weight: Annotated[
        float,
        typer.Option("--distance-weight", help="TNTP: weight of length in the generalised cost."),
    ] = 0.0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the tables (CSV) into this folder.", file_okay=False
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign demand at user equilibrium: flows, loaded times, skims and the gap per iteration."""
    _check_algorithm(algorithm, criterion)
    if not gap > 0:
        fail(f"--gap: {gap}; expected a number > 0")
    if tntp is None:
        fail("give --tntp NET TRIPS (the corridor form comes with the congestion data)")
        return
    if demand is not None:
        fail("a demand table goes with the bundled network, not with --tntp")
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
