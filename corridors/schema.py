"""The data contract as data: attribute tables for places and links drive validation and docs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Attribute", "contract_markdown", "schema"]

_SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a place or link feature, as documented in ``corridors/schema/*.csv``."""

    name: str
    type: str
    unit: str
    required: bool
    default: str
    allowed: tuple[str, ...]
    meaning: str


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
        return {
            row["attribute"]: Attribute(
                name=row["attribute"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                default=row["default"],
                allowed=tuple(row["allowed"].split("|")) if row["allowed"] else (),
                meaning=row["meaning"],
            )
            for row in csv.DictReader(f)
        }


def contract_markdown() -> str:
    """The data contract as Markdown tables: the text of ``docs/data-contract.md``.

    Regenerate that file with ``python -c "from corridors.schema import contract_markdown as c;
    print(c(), end='')" > docs/data-contract.md``; a test keeps the two equal.
    """
    lines = [
        "# The data contract",
        "",
        "Generated from `corridors/schema/places.csv` and `links.csv`, which also drive",
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
            allowed = ", ".join(a.allowed)
            lines.append(
                f"| `{a.name}` | {a.type} | {a.unit} | {'yes' if a.required else ''} "
                f"| {a.default} | {allowed} | {a.meaning} |"
            )
    return "\n".join(lines) + "\n"
