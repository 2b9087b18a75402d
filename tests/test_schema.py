"""The schema tables: consistent with themselves and with the generated docs."""

from __future__ import annotations

from pathlib import Path

from corridors.network.schema import contract_markdown, schema

KNOWN_TYPES = {
    "str",
    "country",
    "int",
    "float",
    "bool",
    "enum",
    "list[str]",
    "list[int]",
    "per_commodity",
    "by_year",
    "sources",
    "ranges",
}


def test_every_attribute_has_a_known_type_and_a_meaning() -> None:
    for feature in ("places", "links"):
        for attr in schema(feature).values():
            assert attr.type in KNOWN_TYPES, attr
            assert attr.meaning, attr
            assert (attr.type == "enum") <= bool(attr.allowed), attr


def test_names_carry_units() -> None:
    for feature in ("places", "links"):
        for attr in schema(feature).values():
            if attr.type == "float" or attr.type == "per_commodity":
                suffix = attr.name.rsplit("_", 1)[-1]
                assert suffix in {"km", "h", "kmh", "tpy", "t", "tkm"}, attr.name


def test_docs_match_the_schema() -> None:
    doc = Path(__file__).parent.parent / "docs" / "data-contract.md"
    assert doc.read_text(encoding="utf-8") == contract_markdown()
