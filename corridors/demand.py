"""Demand tables: origin, destination, commodity and tonnes a year, read and checked.

A demand table is a CSV file (UTF-8, comma-separated, a header row) or a pandas DataFrame with
the columns ``origin``, ``destination``, ``commodity`` and ``tonnes_per_year``; other columns
are kept as they are. Places may be given by id, name or alias; they come back as ids. Every
error names the file, the row (1 is the first row under the header) and the column, so nothing
downstream runs on a half-read table.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.brief import brief
from corridors.exceptions import DataError, UnknownPlaceError
from corridors.inputs import check_header, read_csv_rows
from corridors.lookup import find_commodity, find_place

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEMAND_COLUMNS", "PAIR_COLUMNS", "read_demand", "read_pairs"]

DEMAND_COLUMNS = ("origin", "destination", "commodity", "tonnes_per_year")
PAIR_COLUMNS = ("origin", "destination")


def _frame_rows(df: pd.DataFrame, required: Iterable[str]) -> list[dict[str, Any]]:
    check_header("demand table", [str(c) for c in df.columns], required)
    return [dict(zip(df.columns, values, strict=True)) for values in df.itertuples(index=False)]


def _rows(source: Any, required: Iterable[str]) -> tuple[str, list[dict[str, Any]]]:
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return "demand table", _frame_rows(source, required)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return str(path), read_csv_rows(path, required)[1]
    raise DataError(
        f"demand: expected a CSV path or a pandas DataFrame, found {type(source).__name__}"
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def _place(G: nx.MultiDiGraph, where: str, number: int, column: str, value: Any) -> str:
    if _blank(value) or not str(value).strip():
        raise DataError(f"{where}, row {number}, column '{column}': empty; expected a place")
    try:
        return find_place(G, str(value).strip())
    except UnknownPlaceError as exc:
        raise DataError(f"{where}, row {number}, column '{column}': {exc}") from None


def _tonnes(where: str, number: int, value: Any) -> float:
    column = "tonnes_per_year"
    try:
        if isinstance(value, bool):
            raise ValueError
        tonnes = float(str(value).strip().replace("_", "")) if isinstance(value, str) else value
        tonnes = float(tonnes)
    except (TypeError, ValueError):
        raise DataError(
            f"{where}, row {number}, column '{column}': {value!r} is not a number; "
            "expected tonnes a year >= 0"
        ) from None
    if not math.isfinite(tonnes) or tonnes < 0:
        raise DataError(
            f"{where}, row {number}, column '{column}': {value!r}; expected tonnes a year >= 0"
        )
    return tonnes


def _commodity(where: str, number: int, value: Any) -> str:
    try:
        return find_commodity("" if _blank(value) else str(value))
    except DataError as exc:
        raise DataError(f"{where}, row {number}, column 'commodity': {exc}") from None


def read_demand(source: str | os.PathLike[str] | pd.DataFrame, G: nx.MultiDiGraph) -> pd.DataFrame:
    """Read and check a demand table against the network ``G``.

    Parameters
    ----------
    source
        A CSV file (a header row with ``origin, destination, commodity, tonnes_per_year``) or a
        DataFrame with those columns. Places by id, name or alias; tonnes a year >= 0.
    G
        The network the places must belong to.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``destination`` (place ids), ``commodity``, ``tonnes_per_year`` (float) and
        ``row`` (the row number in the source, 1 for the first row under the header), in the
        order given, followed by any other columns of the source.

    Raises
    ------
    DataError
        A file that is not a CSV, a missing column, no rows, or a row with an unknown place, an
        unknown commodity, a tonnage that is not a number >= 0, or the same origin and
        destination. The message names the file, the row and the column.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridors import load_network
    >>> table = pd.DataFrame(
    ...     {"origin": ["Aktau"], "destination": ["Alat"], "commodity": ["general"],
    ...      "tonnes_per_year": [1e6]}
    ... )
    >>> read_demand(table, load_network())[["origin", "destination", "tonnes_per_year"]]
           origin destination  tonnes_per_year
    0  port:aktau   port:alat        1000000.0
    """
    import pandas as pd

    where, rows = _rows(source, DEMAND_COLUMNS)
    if not rows:
        raise DataError(f"{where}: no rows under the header; expected one row per flow")
    records = []
    for number, row in enumerate(rows, start=1):
        origin = _place(G, where, number, "origin", row["origin"])
        destination = _place(G, where, number, "destination", row["destination"])
        commodity = _commodity(where, number, row["commodity"])
        tonnes = _tonnes(where, number, row["tonnes_per_year"])
        if origin == destination:
            raise DataError(
                f"{where}, row {number}, column 'destination': same place as the origin "
                f"('{origin}')"
            )
        extra = {k: v for k, v in row.items() if k not in DEMAND_COLUMNS and k != "row"}
        records.append(
            {
                "origin": origin,
                "destination": destination,
                "commodity": commodity,
                "tonnes_per_year": tonnes,
                "row": number,
                **extra,
            }
        )
    if not any(r["tonnes_per_year"] for r in records):
        raise DataError(f"{where}: every row has 0 tonnes a year; there is nothing to route")
    return pd.DataFrame.from_records(records)


def _items(source: Any) -> list[Any]:
    try:
        return list(source)
    except TypeError:
        raise DataError(
            f"pairs: expected a CSV path, a DataFrame or (origin, destination) pairs; found "
            f"{type(source).__name__}"
        ) from None


def _pair_row(pair: Any, number: int) -> dict[str, Any]:
    if isinstance(pair, Mapping):
        return dict(pair)
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return {"origin": pair[0], "destination": pair[1]}
    raise DataError(f"pairs, row {number}: expected (origin, destination); found {brief(pair)}")


def read_pairs(
    source: str | os.PathLike[str] | pd.DataFrame | Iterable[tuple[str, str]],
    G: nx.MultiDiGraph,
) -> list[tuple[str, str]]:
    """Origin-destination pairs from a CSV file or DataFrame (``origin, destination``) or pairs.

    Places by id, name or alias; duplicates are dropped, the order kept. Errors name the row
    and column as :func:`read_demand` does.

    Examples
    --------
    >>> from corridors import load_network
    >>> read_pairs([("Aktau", "Alat")], load_network())
    [('port:aktau', 'port:alat')]
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame | str | os.PathLike):
        where, rows = _rows(source, PAIR_COLUMNS)
    else:
        where = "pairs"
        rows = [_pair_row(pair, number) for number, pair in enumerate(_items(source), start=1)]
    out: list[tuple[str, str]] = []
    for number, row in enumerate(rows, start=1):
        o = _place(G, where, number, "origin", row.get("origin"))
        d = _place(G, where, number, "destination", row.get("destination"))
        if o == d:
            raise DataError(
                f"{where}, row {number}, column 'destination': same place as the origin ('{o}')"
            )
        out.append((o, d))
    if not out:
        raise DataError(f"{where}: no pairs; expected at least one origin and destination")
    return list(dict.fromkeys(out))
