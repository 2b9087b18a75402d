"""The data contract as data: attribute tables for places and links drive validation and docs."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Attribute", "contract_markdown", "schema"]

_SCHEMA_DIR = Path(__file__).parent / "contract"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a place or link feature, as documented in
    ``corridors/network/contract/*.csv``."""

    name: str
    type: str
    unit: str
    required: bool
    default: str
    allowed: tuple[str, ...]
    meaning: str
    #: Smallest and largest value of a number (``allowed`` written ``low..high`` in the table).
    bounds: tuple[float, float] = (0.0, math.inf)


def _bounds(text: str, name: str) -> tuple[float, float]:
    low, _, high = text.partition("..")
    try:
        return float(low), float(high)
    except ValueError:
        raise AssertionError(f"schema: bounds of {name} are {text!r}; expected low..high") from None


@cache
def schema(feature: str) -> dict[str, Attribute]:
    """Return the attributes of ``"places"`` or ``"links"`` keyed by name, in table order.

    Examples
    --------
    >>> schema("links")["length_km"].unit
    'km'
    >>> schema("places")["kind"].allowed[:2]
    ('port', 'rail_station')
    """
    with (_SCHEMA_DIR / f"{feature}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for row in rows:
        name, allowed = row["attribute"], row["allowed"]
        ranged = ".." in allowed
        out[name] = Attribute(
            name=name,
            type=row["type"],
            unit=row["unit"],
            required=row["required"] == "yes",
            default=row["default"],
            allowed=tuple(allowed.split("|")) if allowed and not ranged else (),
            meaning=row["meaning"],
            bounds=_bounds(allowed, name) if ranged else (0.0, math.inf),
        )
    return out


def contract_markdown() -> str:
    """The data contract as Markdown tables: the text of ``docs/data-contract.md``.

    Regenerate that file with ``python -c "from corridors.network.schema import contract_markdown as
    c; print(c(), end='')" > docs/data-contract.md``; a test keeps the two equal.
    """
    lines = [
        "# The data contract",
        "",
        "Generated from `corridors/network/contract/places.csv` and `links.csv`, which also drive",
        "validation. Per-commodity attributes take a number or a mapping such as",
        '`{"container": 2.0, "oil": 1.0}`. Every figure names its sources in `sources`.',
    ]
    for feature, title in (
        ("places", "Places (Point features)"),
        ("links", "Links (LineString features)"),
    ):
        lines += [
            "",
            f"## {title}",
            "",
            "| attribute | type | unit | required | default | allowed | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for a in schema(feature).values():
            allowed = ", ".join(a.allowed) or (
                f"{a.bounds[0]:,.15g} to {a.bounds[1]:,.15g}" if a.bounds[1] < math.inf else ""
            )
            lines.append(
                f"| `{a.name}` | {a.type} | {a.unit} | {'yes' if a.required else ''} "
                f"| {a.default} | {allowed} | {a.meaning} |"
            )
    return "\n".join(lines) + "\n"
