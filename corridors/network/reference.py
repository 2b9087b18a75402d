"""Reference tables bundled with the network: modes (default speed, rate, CO2) and commodities.

Both are CSV files in the bundled ``geodata/`` folder; each figure there names its sources.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from corridors.exceptions import DataError

__all__ = [
    "Commodity",
    "ModeDefaults",
    "commodities",
    "data_dir",
    "format_capacity",
    "modes",
    "to_tpy",
]

MODES = ("rail", "sea", "road", "pipeline")


def data_dir() -> Path:
    """Folder of the bundled network: in the installed package, or ``geodata/`` of a checkout."""
    packaged = Path(__file__).parents[1] / "geodata"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "geodata"


@dataclass(frozen=True)
class ModeDefaults:
    """Defaults a link of this mode falls back on when it has no figure of its own."""

    mode: str
    speed_kmh: float
    cost_usd_per_tkm: float
    co2_g_per_tkm: float
    ranges: dict[str, tuple[float, float]]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Commodity:
    """A commodity, the unit it is counted in, and how many tonnes one unit weighs."""

    commodity: str
    name: str
    unit: str
    tonnes_per_unit: float
    value_usd_per_t: float | None
    sources: tuple[str, ...]
    notes: str
    tonnes_per_unit_range: tuple[float, float] | None = None


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc


def _number(path: Path, row: dict[str, str], key: str, field: str) -> float:
    try:
        value = float(row[field])
    except (KeyError, TypeError, ValueError):
        raise DataError(
            f"{path}: row '{row.get(key)}' field '{field}': expected a number, "
            f"found {row.get(field)!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise DataError(
            f"{path}: row '{row.get(key)}' field '{field}': expected >= 0, found {value}"
        )
    return value


@cache
def modes(path: Path | None = None) -> dict[str, ModeDefaults]:
    """Mode defaults keyed by mode, from ``modes.csv`` (the bundled one by default)."""
    path = path or data_dir() / "modes.csv"
    table = {}
    for row in _rows(path):
        figures = {
            f: _number(path, row, "mode", f)
            for f in ("speed_kmh", "cost_usd_per_tkm", "co2_g_per_tkm")
        }
        ranges = {
            f: (_number(path, row, "mode", f"{f}_low"), _number(path, row, "mode", f"{f}_high"))
            for f in figures
            if row.get(f"{f}_low") and row.get(f"{f}_high")
        }
        table[row["mode"]] = ModeDefaults(
            mode=row["mode"], **figures, ranges=ranges, sources=tuple(row["sources"].split())
        )
    return table


@cache
def commodities(path: Path | None = None) -> dict[str, Commodity]:
    """Commodities keyed by name, from ``commodities.csv`` (the bundled one by default).

    Examples
    --------
    >>> sorted(commodities())[:4]
    ['container', 'gas', 'general', 'oil']
    """
    path = path or data_dir() / "commodities.csv"
    table = {}
    for row in _rows(path):
        value = row.get("value_usd_per_t") or ""
        bounds = None
        if row.get("tonnes_per_unit_low") and row.get("tonnes_per_unit_high"):
            bounds = (
                _number(path, row, "commodity", "tonnes_per_unit_low"),
                _number(path, row, "commodity", "tonnes_per_unit_high"),
            )
        table[row["commodity"]] = Commodity(
            commodity=row["commodity"],
            name=row["name"],
            unit=row["unit"],
            tonnes_per_unit=_number(path, row, "commodity", "tonnes_per_unit"),
            value_usd_per_t=_number(path, row, "commodity", "value_usd_per_t") if value else None,
            sources=tuple((row.get("sources") or "").split()),
            notes=row.get("notes") or "",
            tonnes_per_unit_range=bounds,
        )
    return table


_PER_YEAR = {"yr": 1.0, "d": 365.0}
_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "b": 1e9}


def to_tpy(value: float, unit: str, commodity: str) -> float:
    """Convert a flow to tonnes a year.

    ``unit`` is ``"<scale><unit>/<period>"``: scale is empty, k, M or b; unit is t or the
    commodity's unit in ``commodities.csv`` (TEU, bbl, bcm...); period is yr or d.

    Examples
    --------
    >>> to_tpy(5, "Mt/yr", "general")
    5000000.0
    >>> round(to_tpy(1.2e6, "bbl/d", "oil") / 1e6, 1)  # BTC since 2009, in Mt/yr
    59.6
    """
    amount, _, period = unit.partition("/")
    if period not in _PER_YEAR:
        raise DataError(f"unit '{unit}': expected a period of /yr or /d")
    table = commodities()
    if commodity not in table:
        raise DataError(f"unknown commodity '{commodity}'; expected one of {sorted(table)}")
    base = table[commodity]
    for scale, factor in _SCALE.items():
        name = amount[len(scale) :] if amount.startswith(scale) else None
        if name == "t":
            return value * factor * _PER_YEAR[period]
        if name is not None and name.lower() == base.unit.lower():
            return value * factor * base.tonnes_per_unit * _PER_YEAR[period]
    raise DataError(f"unit '{unit}': expected t or {base.unit} for {commodity}, with k/M/b scale")


_UNIT_TEXT = {"TEU": ("TEU/yr", 0), "bbl": ("bbl/d", 0), "bcm": ("bcm/yr", 2)}


def format_capacity(tpy: float, commodity: str) -> str:
    """A capacity in Mt/yr and, beside it, in the unit people quote for ``commodity``.

    Containers in TEU a year, oil in barrels a day, gas in bcm a year, converted with the
    tonnes per unit of ``commodities.csv``; other commodities in Mt/yr alone.

    Examples
    --------
    >>> format_capacity(890_000, "container")
    '0.890 Mt/yr (89,000 TEU/yr)'
    >>> format_capacity(59_568_000, "oil")
    '59.568 Mt/yr (1,200,000 bbl/d)'
    >>> format_capacity(5e6, "general")
    '5.000 Mt/yr'
    """
    text = f"{tpy / 1e6:,.3f} Mt/yr"
    base = commodities().get(commodity)
    if base is None or base.unit not in _UNIT_TEXT:
        return text
    label, digits = _UNIT_TEXT[base.unit]
    per_year = tpy / base.tonnes_per_unit
    amount = per_year / 365.0 if label.endswith("/d") else per_year
    return f"{text} ({amount:,.{digits}f} {label})"
