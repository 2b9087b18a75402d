"""Opening user files safely: regular files only, within a size cap, with one-line errors.

Every reader of user input (network GeoJSON and GeoPackage files, scenario YAML, demand and
pair CSVs, ``sources.csv``) goes through :func:`check_input` or :func:`read_input_text`, so a
device (``/dev/zero``), a pipe, a folder or a file larger than the cap is refused before a byte
is read. The caps are 256 MiB for network files and 16 MiB for other text files; the
environment variable ``CORRIDORS_MAX_INPUT_MB`` (or ``corridors --max-input-mb N``) raises or
lowers both to N MiB.
"""

from __future__ import annotations

import csv
import os
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from corridors.exceptions import DataError

__all__ = [
    "LIMIT_ENV",
    "check_header",
    "check_input",
    "input_limit",
    "read_csv_rows",
    "read_input_text",
]

MIB = 1 << 20
LIMIT_ENV = "CORRIDORS_MAX_INPUT_MB"
_DEFAULT_MIB = {"network": 256, "text": 16}

Kind = Literal["network", "text"]


def input_limit(kind: Kind) -> int:
    """The largest input of ``kind`` accepted, in bytes (``CORRIDORS_MAX_INPUT_MB`` if set).

    Examples
    --------
    >>> input_limit("text") == 16 * 2**20 or LIMIT_ENV in os.environ
    True
    """
    given = os.environ.get(LIMIT_ENV, "").strip()
    if not given:
        return _DEFAULT_MIB[kind] * MIB
    try:
        mib = float(given)
    except ValueError:
        mib = -1.0
    if not mib > 0 or mib > 1 << 40:
        raise DataError(f"{LIMIT_ENV} is {given!r}; expected a size in MiB such as 1024")
    return int(mib * MIB)


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < MIB else f"{n / MIB:,.4g} MiB"


def check_input(
    path: str | os.PathLike[str], *, kind: Kind = "text", error: type[DataError] = DataError
) -> Path:
    """Return ``path`` when it is a regular file no larger than the cap, else raise ``error``.

    Raises
    ------
    DataError
        (or the given subclass) For a missing file, a folder, a device, pipe or socket, an
        unreadable file, or one over the cap (the message says how to raise the cap).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:  # an embedded NUL byte
        raise error(f"{path!s:.200}: not a usable path ({exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: is a folder; expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: not a regular file (a device, pipe or socket); expected a file")
    limit = input_limit(kind)
    if info.st_size > limit:
        raise error(
            f"{path}: {_size(info.st_size)} is over the {_size(limit)} limit for "
            f"{kind} files; set {LIMIT_ENV} (or corridors --max-input-mb) to raise it"
        )
    return path


def read_input_text(
    path: str | os.PathLike[str],
    *,
    kind: Kind = "text",
    error: type[DataError] = DataError,
    encoding: str = "utf-8",
    label: str = "",
) -> str:
    """The text of a checked input file (see :func:`check_input`), never more than the cap.

    Raises
    ------
    DataError
        (or the given subclass) As :func:`check_input`, and for text that is not UTF-8
        (``label``, such as ``"CSV file"``, names what was expected).
    """
    path = check_input(path, kind=kind, error=error)
    limit = input_limit(kind)
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)  # the file may have grown since it was checked
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise error(f"{path}: over the {_size(limit)} limit; set {LIMIT_ENV} to raise it")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        what = f"not a {label} (not UTF-8 text: " if label else "not UTF-8 text ("
        raise error(f"{path}: {what}{exc.reason} at byte {exc.start})") from None


def read_csv_rows(
    path: str | os.PathLike[str], required: Iterable[str]
) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (blank lines skipped) of a checked CSV file with the ``required``
    columns, or a DataError saying why it is not a usable table.

    Rows are numbered from 1 under the header in errors; a repeated column name is an error
    (it would silently hide one of the columns).
    """
    path = Path(path)
    required = tuple(required)
    text = read_input_text(path, encoding="utf-8-sig", label="CSV file")
    if "\x00" in text:
        raise DataError(f"{path}: not a CSV file (binary content)")
    try:
        reader = csv.reader(text.splitlines(), strict=True)
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise DataError(f"{path}: not a CSV file ({exc})") from None
    if not table:
        raise DataError(f"{path}: empty; expected a header row with {', '.join(required)}")
    header = [h.strip() for h in table[0]]
    check_header(str(path), header, required)
    repeated = sorted(h for h, n in Counter(header).items() if n > 1)
    if repeated:
        raise DataError(
            f"{path}: header: column {', '.join(repr(h[:40]) for h in repeated[:3])} appears "
            "more than once; each column needs its own name"
        )
    rows = []
    for number, cells in enumerate(table[1:], start=1):
        if len(cells) != len(header):
            raise DataError(
                f"{path}, row {number}: {len(cells)} cells; expected {len(header)} "
                f"({', '.join(h[:40] for h in header[:8])}); is it a CSV file?"
            )
        rows.append(dict(zip(header, cells, strict=True)))
    return header, rows


def check_header(where: str, header: Sequence[str], required: Iterable[str]) -> None:
    """Raise a DataError naming the ``required`` columns missing from ``header``."""
    required = tuple(required)
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(repr(h[:40]) for h in header[:8]) or "nothing"
        raise DataError(
            f"{where}: no column {', '.join(repr(m) for m in missing)}; expected a CSV "
            f"with columns {', '.join(required)}, found {found}"
        )
