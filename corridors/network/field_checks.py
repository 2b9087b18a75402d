"""Check one feature's fields against the data contract in ``corridors/network/contract``.

The checks of a single place or link, each issue naming the file, the feature id and the field,
what was expected and what was found: :class:`FieldChecker` collects them into a
:class:`Report`. :mod:`corridors.network.validation` runs them over whole files.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from corridors.brief import brief
from corridors.exceptions import DataError
from corridors.network.lookup import find_country, is_country
from corridors.network.schema import Attribute

__all__ = [
    "CONTROL",
    "ENDPOINT_TOLERANCE_KM",
    "FIGURES",
    "LENGTH_TOLERANCE",
    "RESERVED",
    "FieldChecker",
    "Issue",
    "Report",
    "check_value",
    "describe_expected",
    "finite",
    "geometry_coords",
]

ENDPOINT_TOLERANCE_KM = 1.0
LENGTH_TOLERANCE = 0.10
FIGURES = {"float", "per_commodity", "by_year"}  # attributes that must name a source
#: Property names the graph keeps for itself (node coordinates, edge geometry and key).
RESERVED = {"places": frozenset({"x", "y"}), "links": frozenset({"key", "coords", "reverse"})}


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in one field of one feature."""

    file: str
    feature: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        what = f"'{self.feature}'" if self.feature else "(no id)"
        field_ = f" field '{self.field}'" if self.field else ""
        return f"{where}{what}{field_}: {self.message}"


@dataclass
class Report:
    """Errors and warnings of a validation run."""

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    def summary(self, limit: int = 20) -> str:
        """The first ``limit`` errors as lines, with a count of the rest."""
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"... and {len(self.errors) - limit} more errors")
        return "\n".join(lines)


class FieldChecker:
    """Collects issues while walking the features of one file."""

    def __init__(
        self,
        report: Report,
        file: str,
        commodities: Iterable[str],
        sources: set[str] | None,
        *,
        sources_file: str = "sources.csv",
        draft: bool = False,
    ):
        self.report, self.file = report, file
        self.commodities = set(commodities)
        self.sources, self.sources_file, self.draft = sources, sources_file, draft

    def error(self, fid: str, fld: str, message: str) -> None:
        self.report.errors.append(Issue(self.file, fid, fld, message))

    def warn(self, fid: str, fld: str, message: str) -> None:
        self.report.warnings.append(Issue(self.file, fid, fld, message))

    def attributes(
        self, fid: str, props: Mapping[str, Any], attrs: dict[str, Attribute], feature: str
    ) -> None:
        for name, attr in attrs.items():
            value = props.get(name)
            if value is None and name in props:
                default = f" (default {attr.default})" if attr.default else ""
                self.error(
                    fid,
                    name,
                    f"is null; expected {describe_expected(attr)}, or leave '{name}' out{default}",
                )
            elif value is None:
                if attr.required:
                    self.error(fid, name, f"missing; expected {describe_expected(attr)}")
            else:
                problem = check_value(value, attr, self.commodities)
                if problem:
                    self.error(fid, name, f"{problem}; expected {describe_expected(attr)}")
        for name in props:
            if name in RESERVED[feature]:
                self.error(fid, name, "is a name the network keeps for itself; rename it")
            elif name not in attrs:
                hint = difflib.get_close_matches(str(name), attrs, n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.warn(fid, str(name)[:60], f"unknown attribute, ignored{extra}")
        self.provenance(fid, props, attrs)

    def provenance(self, fid: str, props: Mapping[str, Any], attrs: dict[str, Attribute]) -> None:
        sources: dict[str, Any] = _mapping(props.get("sources"))
        for name, attr in attrs.items():
            if attr.type in FIGURES and props.get(name) is not None and not sources.get(name):
                report = self.warn if self.draft else self.error
                report(fid, "sources", f"no source for '{name}'; add sources.{name}")
        unknown: set[str] = set()
        for name, ids in sources.items():
            if name != "geometry" and name not in attrs:
                self.error(fid, "sources", f"names unknown attribute '{name}'")
            if self.sources is not None and isinstance(ids, list):
                unknown.update(s for s in ids if isinstance(s, str) and s not in self.sources)
        for sid in sorted(unknown):
            self.error(fid, "sources", f"source id '{sid}' is not in {self.sources_file}")
        estimates = props.get("estimates") or []
        ranges = _mapping(props.get("ranges"))
        for name in estimates if isinstance(estimates, list) else []:
            if isinstance(name, str) and name not in ranges:
                self.error(fid, "ranges", f"estimate '{name}' has no [low, high] range")
        for name in ranges:
            if name not in attrs:
                self.error(fid, "ranges", f"names unknown attribute '{name}'")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def describe_expected(attr: Attribute) -> str:
    """What a valid value of ``attr`` looks like, for error messages."""
    if attr.type == "enum" or (attr.type in ("int", "list[int]") and attr.allowed):
        listed = "one of " + ", ".join(attr.allowed)
        return listed if attr.type != "list[int]" else f"a list of {listed}"
    unit = f" ({attr.unit})" if attr.unit else ""
    low, high = attr.bounds
    span = f">= {low:g}" if high == math.inf else f"from {low:,.15g} to {high:,.15g}"
    return {
        "str": "a non-empty string",
        "country": "an ISO 3166-1 alpha-2 country code such as KZ",
        "int": f"a whole number {span}{unit}",
        "float": f"a number {span}{unit}",
        "bool": "true or false",
        "list[str]": "a list of strings",
        "list[int]": "a list of whole numbers",
        "per_commodity": f"a number {span}{unit} or a mapping of commodity to such a number",
        "by_year": f'a mapping of year (e.g. "2024") to a number {span}{unit} or a per-commodity '
        "mapping",
        "sources": "a mapping of attribute to a list of source ids",
        "ranges": "a mapping of attribute to [low, high]",
    }[attr.type]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def finite(value: Any) -> bool:
    """A number that is not NaN or infinite (an integer too large for a float is not)."""
    try:
        return _is_number(value) and math.isfinite(value)
    except OverflowError:
        return False


def _check_number(value: Any, attr: Attribute, *, whole: bool = False) -> str | None:
    if not _is_number(value):
        return f"found {brief(value)}"
    low, high = attr.bounds
    if not finite(value) or not low <= value <= high:
        return f"is {brief(value)}"
    if whole and not float(value).is_integer():
        return f"is {brief(value)}"
    return None


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_problem(text: str) -> str | None:
    """Text must hold no control character (an ESC would drive the terminal that prints it);
    tabs and line breaks are allowed."""
    found = CONTROL.search(text)
    return None if found is None else f"holds the control character {found.group()!r}"


def _check_list(value: Any, attr: Attribute, commodities: set[str]) -> str | None:
    item = str if attr.type == "list[str]" else int
    if not isinstance(value, list) or not all(
        isinstance(v, item) and not isinstance(v, bool) for v in value
    ):
        return f"found {brief(value)}"
    texts = (_control_problem(v) for v in value if isinstance(v, str))
    if (problem := next((t for t in texts if t), None)) is not None:
        return problem
    if attr.name == "commodities":
        unknown = sorted(set(value) - commodities)
        return f"unknown commodity {brief(unknown[0])}" if unknown else None
    if attr.allowed:
        bad = [v for v in value if str(v) not in attr.allowed]
        return f"found {brief(bad[0])}" if bad else None
    return None


def _check_per_commodity(value: Any, attr: Attribute, commodities: set[str]) -> str | None:
    if not isinstance(value, dict):
        return _check_number(value, attr)
    for key, number in value.items():
        if key not in commodities:
            return f"unknown commodity {brief(key)}"
        problem = _check_number(number, attr)
        if problem:
            return f"{key}: {problem}"
    return None


def _check_by_year(value: Any, attr: Attribute, commodities: set[str]) -> str | None:
    """A ``capacity_by_year``: four-digit years, each with a figure as ``capacity_tpy``'s."""
    if not isinstance(value, dict) or not value:
        return f"found {brief(value)}"
    for year, figure in value.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
            return f"year {brief(year)} is not a four-digit year"
        problem = _check_per_commodity(figure, attr, commodities)
        if problem:
            return f"{year}: {problem}"
    return None


def _check_ranges(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"found {brief(value)}"
    for key, bounds in value.items():
        if not (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(map(finite, bounds))
            and bounds[0] <= bounds[1]
        ):
            return f"{brief(key)}: found {brief(bounds)}"
    return None


def check_value(value: Any, attr: Attribute, commodities: set[str]) -> str | None:
    """Describe what is wrong with ``value`` for ``attr``, or return None."""
    kind = attr.type
    if kind == "str":
        if not (isinstance(value, str) and value.strip()):
            return f"found {brief(value)}"
        return _control_problem(value)
    if kind == "country":
        return None if is_country(value) else _country_problem(value)
    if kind == "enum":
        ok = isinstance(value, str) and value in attr.allowed
        return None if ok else f"found {brief(value)}"
    if kind == "int":
        if attr.allowed:
            ok = _is_number(value) and str(value) in attr.allowed
            return None if ok else f"found {brief(value)}"
        return _check_number(value, attr, whole=True)
    if kind == "float":
        return _check_number(value, attr)
    if kind == "bool":
        return None if isinstance(value, bool) else f"found {brief(value)}"
    if kind in ("list[str]", "list[int]"):
        return _check_list(value, attr, commodities)
    if kind == "per_commodity":
        return _check_per_commodity(value, attr, commodities)
    if kind == "by_year":
        return _check_by_year(value, attr, commodities)
    if kind == "sources":
        ok = isinstance(value, dict) and all(
            isinstance(v, list) and v and all(isinstance(s, str) for s in v) for v in value.values()
        )
        return None if ok else f"found {brief(value)}"
    if kind == "ranges":
        return _check_ranges(value)
    raise AssertionError(f"schema type {kind!r} has no check")


def _country_problem(value: Any) -> str:
    if not isinstance(value, str):
        return f"found {brief(value)}"
    try:
        find_country(value)
    except DataError as exc:
        hint = str(exc).partition("; ")[2]
        return f"found {brief(value)}" + (f" ({hint})" if hint else "")
    return f"found {brief(value)} (codes are upper case: {value.strip().upper()})"


def _coords_ok(coords: Any, depth: int) -> bool:
    if depth == 0:
        return (
            isinstance(coords, list | tuple)
            and len(coords) >= 2
            and all(finite(c) for c in coords[:2])
            and -180 <= coords[0] <= 180
            and -90 <= coords[1] <= 90
        )
    return isinstance(coords, list | tuple) and all(_coords_ok(c, depth - 1) for c in coords)


def geometry_coords(feature: Mapping[str, Any], expected: str) -> Any:
    """The coordinates of a feature's well-formed ``expected`` geometry, else None."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != expected:
        return None
    coords = geometry.get("coordinates")
    if expected == "Point":
        return coords if _coords_ok(coords, 0) else None
    return coords if _coords_ok(coords, 1) and len(coords or ()) >= 2 else None
