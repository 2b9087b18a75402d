"""Demand tables: origin, destination, commodity and tonnes a year, read and checked.

A demand table is a CSV file (UTF-8, comma-separated, a header row) or a pandas DataFrame with
the columns ``origin``, ``destination``, ``commodity`` and ``tonnes_per_year``; other columns
are kept as they are. Places may be given by id, name or alias; they come back as ids. A city
served by several terminals (its places' ``city`` attribute,
:func:`~corridors.network.lookup.find_places`) stands for all of them: ``origin_places`` and
``destination_places`` list the terminals each end stands for, for the assignment to choose among.
Every error names the file, the row (1 is the first row under the header) and the column, so nothing
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
from corridors.network.inputs import check_header, read_csv_rows
from corridors.network.lookup import find_commodity, find_place, find_places

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEMAND_COLUMNS", "PAIR_COLUMNS", "demand_ends", "read_demand", "read_pairs"]

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


def _end(
    G: nx.MultiDiGraph, where: str, number: int, column: str, row: Mapping[str, Any]
) -> tuple[str, tuple[str, ...]]:
    """The place an end names (as :func:`_place`) and every place it stands for: a city's
    terminals, or those a table already read by :func:`read_demand` lists."""
    listed = row.get(f"{column}_places")
    if isinstance(listed, tuple | list) and listed and all(p in G for p in listed):
        return _place(G, where, number, column, row[column]), tuple(str(p) for p in listed)
    value = row[column]
    if _blank(value) or not str(value).strip():
        raise DataError(f"{where}, row {number}, column '{column}': empty; expected a place")
    text = str(value).strip()
    try:
        places = tuple(find_places(G, text))
    except UnknownPlaceError as exc:
        raise DataError(f"{where}, row {number}, column '{column}': {exc}") from None
    if len(places) == 1:
        return places[0], places
    try:
        return find_place(G, text), places
    except UnknownPlaceError:  # a city that names no one place
        return str(G.nodes[places[0]].get("city") or text), places


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


_ENDS = ("origin_places", "destination_places")


def _record(G: nx.MultiDiGraph, where: str, number: int, row: Mapping[str, Any]) -> dict[str, Any]:
    origin, origins = _end(G, where, number, "origin", row)
    destination, destinations = _end(G, where, number, "destination", row)
    commodity = _commodity(where, number, row["commodity"])
    tonnes = _tonnes(where, number, row["tonnes_per_year"])
    same = sorted(set(origins) & set(destinations))
    if same:
        raise DataError(
            f"{where}, row {number}, column 'destination': same place as the origin ('{same[0]}')"
        )
    extra = {k: v for k, v in row.items() if k not in (*DEMAND_COLUMNS, *_ENDS, "row")}
    return {
        "origin": origin,
        "destination": destination,
        "commodity": commodity,
        "tonnes_per_year": tonnes,
        "row": number,
        "origin_places": origins,
        "destination_places": destinations,
        **extra,
    }


def demand_ends(table: pd.DataFrame) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The places each row's origin and destination stand for (one each, unless a city)."""
    if all(c in table.columns for c in _ENDS):
        return [
            (tuple(o), tuple(d))
            for o, d in zip(table["origin_places"], table["destination_places"], strict=True)
        ]
    return [
        ((str(o),), (str(d),)) for o, d in zip(table["origin"], table["destination"], strict=True)
    ]


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
        ``origin``, ``destination`` (place ids: for a city, the place its name names, if
        any, else the city), ``commodity``, ``tonnes_per_year`` (float), ``row`` (the row
        number in the source, 1 for the first row under the header), ``origin_places`` and
        ``destination_places`` (tuples of the place ids each end stands for: all the
        terminals of a city), in the order given, followed by any other columns of the source.

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
    records = [_record(G, where, number, row) for number, row in enumerate(rows, start=1)]
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
