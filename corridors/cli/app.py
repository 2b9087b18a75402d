"""The ``corridors`` Typer application and what its commands share."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.exceptions import CorridorsError

if TYPE_CHECKING:
    import folium
    import networkx as nx
    from rich.console import Console

    from corridors.core.network import CoreNetwork

__all__ = [
    "LinksOpt",
    "OfflineOpt",
    "PlacesOpt",
    "app",
    "checked_file",
    "checked_folder",
    "console",
    "core_network",
    "fail",
    "finite",
    "map_tiles",
    "network",
    "note",
    "print_json",
    "quiet",
    "working",
]

app = typer.Typer(
    name="corridors",
    help="Transport corridors as a weighted, geospatial graph: routes, capacity, maps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

PlacesOpt = Annotated[
    Path | None,
    typer.Option(
        "--places",
        help="Places file (GeoJSON/GeoPackage) instead of the bundled network; needs --links.",
        dir_okay=False,
    ),
]
LinksOpt = Annotated[
    Path | None, typer.Option("--links", help="Links file to go with --places.", dir_okay=False)
]


#: Set by the ``-q`` option: no progress bars, notes or warnings on standard error.
_QUIET = {"on": False}


@app.callback()
def _root(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (repeat for debug).")
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors: no progress, notes or warnings.")
    ] = False,
    max_input_mb: Annotated[
        float | None,
        typer.Option(
            "--max-input-mb",
            help="Largest input file read, in MiB (default: 256 for networks, 16 for others; "
            "also CORRIDORS_MAX_INPUT_MB).",
        ),
    ] = None,
) -> None:
    if max_input_mb is not None:
        from corridors.network.inputs import LIMIT_ENV

        if not 0 < max_input_mb <= 1 << 40:  # also refuses nan
            fail(f"--max-input-mb is {max_input_mb}; expected a size in MiB > 0")
        os.environ[LIMIT_ENV] = repr(max_input_mb)
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    _QUIET["on"] = quiet
    _log_to_stderr(level)


def _log_to_stderr(level: int) -> None:
    """Send the package's log records at ``level`` and above to standard error (one handler,
    replaced on each run, so repeated runs in one process do not print twice)."""
    logger = logging.getLogger("corridors")
    for handler in [h for h in logger.handlers if getattr(h, "corridors_cli", False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.corridors_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def quiet() -> bool:
    """Whether ``-q`` was given."""
    return _QUIET["on"]


def note(message: str) -> None:
    """A line for the user on standard error (what was written, what to know), unless ``-q``."""
    if not quiet():
        console(stderr=True).print(message, markup=False)


@contextlib.contextmanager
def working(label: str) -> Iterator[None]:
    """A spinner on standard error while a job runs (none with ``-q`` or when not a terminal)."""
    if quiet():
        yield
        return
    with console(stderr=True).status(label):
        yield


def console(stderr: bool = False) -> Console:
    """A rich console (imported on first use, so ``--help`` stays fast).

    It reads no markup, emoji codes or highlighting in strings, so text from data (names,
    ids, scenario names) prints as it is in tables, titles and lines alike; style with
    :class:`rich.text.Text` instead.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160  # tables keep whole ids when piped to a file
    return Console(
        stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=True, width=width
    )


class CommandError(CorridorsError):
    """A bad command-line argument."""


def fail(message: str) -> None:
    """Stop the command with a one-line message (exit status 2 for bad arguments)."""
    raise CommandError(message)


def checked_file(value: Path | None) -> Path | None:
    """Option callback: an output file that can be written, checked before the job runs."""
    from corridors.network.io import check_output

    return None if value is None else check_output(value)


def checked_folder(value: Path | None) -> Path | None:
    """Option callback: an output folder that can be written, checked before the job runs."""
    from corridors.network.io import check_output

    return None if value is None else check_output(value, folder=True)


def _commodity(value: str) -> str:
    from corridors.network.lookup import find_commodity

    return find_commodity(value)


def network(places: Path | None, links: Path | None) -> nx.MultiDiGraph:
    """The network the command works on: the bundled one, or the given pair of files."""
    from corridors.network.io import load_network, read_network

    if places is None and links is None:
        with working("loading the network"):
            return load_network()
    if places is None or links is None:
        fail("--places and --links go together")
    with working(f"reading {places} and {links}"):
        return read_network(places, links)  # type: ignore[arg-type]


def core_network(places: Path, links: Path) -> CoreNetwork:
    """A pair of files read straight into the core's columns, with no graph (for the jobs that
    run on them: a network too big for a graph still reads in seconds)."""
    from corridors.network.io import load_core

    with working(f"reading {places} and {links}"):
        return load_core(places, links)


YearOpt = Annotated[
    int | None,
    typer.Option(help="Network of this year (default: operational now).", min=1800, max=2200),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON on standard output.")]
CommodityOpt = Annotated[
    str, typer.Option(help="container, general, oil or gas.", callback=_commodity)
]
AvoidCountryOpt = Annotated[
    list[str] | None,
    typer.Option("--avoid-country", help="ISO country code(s) to avoid; repeat or comma-separate."),
]
ByOpt = Annotated[
    str,
    typer.Option(
        "--by",
        help="time, cost, distance or co2, or a weighted mix such as 'cost=1,time=5' "
        "(USD per hour).",
        callback=lambda value: _checked_criterion(value),
    ),
]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Also draw the answer as an interactive HTML map in this file.",
        dir_okay=False,
        callback=checked_file,
    ),
]


OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="With --map: one self-contained file that needs no network (no base tiles; "
        "scripts inlined).",
    ),
]


def map_tiles(offline: bool) -> str | None:
    """The base tiles of a map: none offline (tiles always come from the network)."""
    from corridors.maps.interactive import DEFAULT_TILES

    return None if offline else DEFAULT_TILES


def write_map(m: folium.Map, path: Path, *, offline: bool = False) -> None:
    """Write a map and say so on standard error (standard output may carry JSON); a map
    that needs the network says so too."""
    from corridors.maps.interactive import save_map

    with working(f"writing map {path}"):
        save_map(m, path, offline=offline)
    note(f"wrote map {path}")
    if not offline:
        note(
            "note: the map loads its base tiles and scripts from the internet and shows "
            "nothing without it; --offline writes a self-contained file"
        )


@contextlib.contextmanager
def progress_bar(
    label: str, *, enabled: bool = True
) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on standard error, as a ``progress(done, total)`` callback."""
    if not enabled or quiet():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def split_list(values: list[str] | None) -> list[str]:
    """Accept repeated options and comma-separated lists alike."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def parse_criterion(by: str) -> str | dict[str, float]:
    """``--by``: a criterion name, or weights such as ``cost=1,time=5`` (finite, >= 0, not
    all zero)."""
    from corridors.network.lookup import did_you_mean

    criteria = ("time", "cost", "distance", "co2")
    if "=" not in by:
        name = by.strip().casefold()
        if name not in criteria:
            fail(
                f"--by is {by[:60]!r}{did_you_mean(name, criteria)}; expected one of "
                f"{', '.join(criteria)}, or weights such as cost=1,time=5"
            )
        return name
    weights: dict[str, float] = {}
    for part in by.split(","):
        name, _, value = part.partition("=")
        name = name.strip().casefold()
        if name not in criteria:
            fail(
                f"--by: unknown criterion {name[:60]!r}{did_you_mean(name, criteria)}; "
                f"expected {', '.join(criteria)}"
            )
        try:
            weight = float(value)
        except ValueError:
            weight = math.nan
        if not (math.isfinite(weight) and weight >= 0):
            fail(f"--by: weight of '{name}' is {value[:60]!r}; expected a number >= 0")
        if name in weights:
            fail(f"--by: '{name}' is given twice")
        weights[name] = weight
    if not any(weights.values()):
        fail("--by: every weight is 0; give at least one weight > 0")
    return weights


def _checked_criterion(value: str) -> str:
    parse_criterion(value)
    return value


def finite(data: Any) -> Any:
    """``data`` with every NaN or infinite float replaced by None (JSON has neither)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on standard output (NaN and infinity as null)."""
    text = json.dumps(finite(data), indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write(text + "\n")


def run(argv: list[str] | None = None) -> int:
    """Run the application; every error becomes a one-line message and an exit status.

    Usage errors (a bad option value, a missing argument) exit with status 2, package errors
    with 1; with no arguments at all the help is shown.
    """
    import click

    if any("\x00" in arg for arg in argv or ()):  # only a caller of run() can pass one
        _error("an argument contains a NUL character")
        return 2
    try:
        code = app(args=argv, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
        return 2
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        _error(" ".join(exc.format_message().split()) + hint)
        return 2
    except click.ClickException as exc:
        _error(" ".join(exc.format_message().split()))
        return exc.exit_code
    except click.Abort:
        _error("aborted")
        return 1
    except CommandError as exc:
        _error(str(exc))
        return 2
    except CorridorsError as exc:
        _error(str(exc))
        return 1
    return code if isinstance(code, int) else 0


def _error(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
