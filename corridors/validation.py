"""Check place and link features against the data contract in ``corridors/schema``.

Every problem names the file, the feature id and the field, says what was expected and what
was found. Errors make a network unusable; warnings are listed but do not fail.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from corridors.geometry import haversine_km, line_length_km
from corridors.schema import Attribute, schema

__all__ = ["Issue", "Report", "check_value", "describe_expected", "validate_features"]

ENDPOINT_TOLERANCE_KM = 1.0
LENGTH_TOLERANCE = 0.10
_FIGURES = {"float", "per_commodity", "by_year"}  # attributes that must name a source


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


class _Checker:
    """Collects issues while walking the features of one file."""

    def __init__(
        self, report: Report, file: str, commodities: Iterable[str], sources: set[str] | None
    ):
        self.report, self.file = report, file
        self.commodities = set(commodities)
        self.sources = sources

    def error(self, fid: str, fld: str, message: str) -> None:
        self.report.errors.append(Issue(self.file, fid, fld, message))

    def warn(self, fid: str, fld: str, message: str) -> None:
        self.report.warnings.append(Issue(self.file, fid, fld, message))

    def attributes(self, fid: str, props: Mapping[str, Any], attrs: dict[str, Attribute]) -> None:
        for name, attr in attrs.items():
            value = props.get(name)
            if value is None:
                if attr.required:
                    self.error(fid, name, f"missing; expected {describe_expected(attr)}")
                continue
            problem = check_value(value, attr, self.commodities)
            if problem:
                self.error(fid, name, f"{problem}; expected {describe_expected(attr)}")
        for name in props:
            if name not in attrs:
                hint = difflib.get_close_matches(name, attrs, n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.warn(fid, name, f"unknown attribute, ignored{extra}")
        self.provenance(fid, props, attrs)

    def provenance(self, fid: str, props: Mapping[str, Any], attrs: dict[str, Attribute]) -> None:
        sources: dict[str, Any] = _mapping(props.get("sources"))
        for name, attr in attrs.items():
            if attr.type in _FIGURES and props.get(name) is not None and not sources.get(name):
                self.error(fid, "sources", f"no source for '{name}'; add sources.{name}")
        for name, ids in sources.items():
            if name != "geometry" and name not in attrs:
                self.error(fid, "sources", f"names unknown attribute '{name}'")
            if self.sources is not None and isinstance(ids, list):
                for sid in ids:
                    if isinstance(sid, str) and sid not in self.sources:
                        self.error(fid, "sources", f"source id '{sid}' is not in sources.csv")
        estimates = props.get("estimates") or []
        ranges = _mapping(props.get("ranges"))
        for name in estimates if isinstance(estimates, list) else []:
            if name not in ranges:
                self.error(fid, "ranges", f"estimate '{name}' has no [low, high] range")
        for name in ranges:
            if name not in attrs:
                self.error(fid, "ranges", f"names unknown attribute '{name}'")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def describe_expected(attr: Attribute) -> str:
    """What a valid value of ``attr`` looks like, for error messages."""
    if attr.type == "enum":
        return "one of " + ", ".join(attr.allowed)
    unit = f" ({attr.unit})" if attr.unit else ""
    return {
        "str": "a non-empty string",
        "int": "a whole number",
        "float": f"a number >= 0{unit}",
        "bool": "true or false",
        "list[str]": "a list of strings",
        "list[int]": "a list of whole numbers",
        "per_commodity": f"a number >= 0{unit} or a mapping of commodity to such a number",
        "by_year": f'a mapping of year (e.g. "2024") to a number >= 0{unit} or a per-commodity '
        "mapping",
        "sources": "a mapping of attribute to a list of source ids",
        "ranges": "a mapping of attribute to [low, high]",
    }[attr.type]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(value: Any) -> str | None:
    if not _is_number(value):
        return f"found {value!r}"
    if not math.isfinite(value):
        return f"is {value}"
    if value < 0:
        return f"is {value}"
    return None


def check_value(value: Any, attr: Attribute, commodities: set[str]) -> str | None:
    """Describe what is wrong with ``value`` for ``attr``, or return None."""
    kind = attr.type
    if kind == "str":
        return None if isinstance(value, str) and value.strip() else f"found {value!r}"
    if kind == "enum":
        return None if value in attr.allowed else f"found {value!r}"
    if kind == "int":
        ok = _is_number(value) and math.isfinite(value) and float(value).is_integer()
        return None if ok else f"found {value!r}"
    if kind == "float":
        return _check_number(value)
    if kind == "bool":
        return None if isinstance(value, bool) else f"found {value!r}"
    if kind in ("list[str]", "list[int]"):
        item = str if kind == "list[str]" else int
        if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
            return f"found {value!r}"
        if attr.name == "commodities":
            unknown = sorted(set(value) - commodities)
            return f"unknown commodity {unknown[0]!r}" if unknown else None
        if attr.allowed:
            bad = [v for v in value if str(v) not in attr.allowed]
            return f"found {bad[0]!r}" if bad else None
        return None
    if kind == "per_commodity":
        if isinstance(value, dict):
            for key, number in value.items():
                if key not in commodities:
                    return f"unknown commodity {key!r}"
                problem = _check_number(number)
                if problem:
                    return f"{key}: {problem}"
            return None
        return _check_number(value)
    if kind == "by_year":
        if not isinstance(value, dict) or not value:
            return f"found {value!r}"
        for year, figure in value.items():
            if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
                return f"year {year!r} is not a four-digit year"
            problem = check_value(
                figure, Attribute(attr.name, "per_commodity", "", False, "", (), ""), commodities
            )
            if problem:
                return f"{year}: {problem}"
        return None
    if kind == "sources":
        ok = isinstance(value, dict) and all(
            isinstance(v, list) and v and all(isinstance(s, str) for s in v) for v in value.values()
        )
        return None if ok else f"found {value!r}"
    if kind == "ranges":
        if not isinstance(value, dict):
            return f"found {value!r}"
        for key, bounds in value.items():
            if not (
                isinstance(bounds, list)
                and len(bounds) == 2
                and all(map(_is_number, bounds))
                and all(math.isfinite(b) for b in bounds)
                and bounds[0] <= bounds[1]
            ):
                return f"{key}: found {bounds!r}"
        return None
    raise AssertionError(f"schema type {kind!r} has no check")


def _coords_ok(coords: Any, depth: int) -> bool:
    if depth == 0:
        return (
            isinstance(coords, list | tuple)
            and len(coords) >= 2
            and all(_is_number(c) and math.isfinite(c) for c in coords[:2])
            and -180 <= coords[0] <= 180
            and -90 <= coords[1] <= 90
        )
    return isinstance(coords, list | tuple) and all(_coords_ok(c, depth - 1) for c in coords)


def _geometry(feature: Mapping[str, Any], expected: str) -> Any:
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != expected:
        return None
    coords = geometry.get("coordinates")
    if expected == "Point":
        return coords if _coords_ok(coords, 0) else None
    return coords if _coords_ok(coords, 1) and len(coords or ()) >= 2 else None


def _feature_id(feature: Any, index: int) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    fid = props.get("id") if isinstance(props, dict) else None
    return fid if isinstance(fid, str) and fid else f"#{index}"


def _check_ids(check: _Checker, features: list[Any]) -> list[tuple[str, dict, Any]]:
    """Check shape and ids; return (id, properties, feature) of usable features."""
    seen: Counter[str] = Counter()
    usable = []
    for i, feature in enumerate(features):
        fid = _feature_id(feature, i)
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            check.error(fid, "", "not a GeoJSON Feature with properties")
            continue
        seen[fid] += 1
        if seen[fid] == 2:
            check.error(fid, "id", "duplicate id; ids must be unique")
        usable.append((fid, feature["properties"], feature))
    return usable


def validate_features(
    places: list[Any],
    links: list[Any],
    *,
    places_file: str = "places",
    links_file: str = "links",
    commodities: Iterable[str],
    sources: set[str] | None = None,
) -> Report:
    """Validate place and link features (GeoJSON-like dicts) and return a :class:`Report`.

    ``sources`` is the set of known source ids; when None, ids are not looked up.
    """
    report = Report()
    commodities = set(commodities)
    pcheck = _Checker(report, places_file, commodities, sources)
    lcheck = _Checker(report, links_file, commodities, sources)
    points: dict[str, Any] = {}
    for fid, props, feature in _check_ids(pcheck, places):
        pcheck.attributes(fid, props, schema("places"))
        point = _geometry(feature, "Point")
        if point is None:
            pcheck.error(
                fid, "geometry", f"expected a Point with lon, lat; found {_brief(feature)}"
            )
        else:
            points[fid] = point
    used: set[str] = set()
    for fid, props, feature in _check_ids(lcheck, links):
        lcheck.attributes(fid, props, schema("links"))
        line = _geometry(feature, "LineString")
        if line is None:
            lcheck.error(
                fid,
                "geometry",
                f"expected a LineString of 2+ lon, lat points; found {_brief(feature)}",
            )
        for end, coord in (("from", line[0] if line else None), ("to", line[-1] if line else None)):
            place = props.get(end)
            if not isinstance(place, str):
                continue
            used.add(place)
            if place not in points:
                hint = difflib.get_close_matches(place, list(points), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                lcheck.error(fid, end, f"unknown place '{place}'{extra}")
            elif coord is not None and haversine_km(coord, points[place]) > ENDPOINT_TOLERANCE_KM:
                lcheck.error(
                    fid,
                    "geometry",
                    f"{'starts' if end == 'from' else 'ends'} "
                    f"{haversine_km(coord, points[place]):.1f} km from its '{end}' place "
                    f"'{place}'; expected within {ENDPOINT_TOLERANCE_KM} km",
                )
        _check_link_consistency(lcheck, fid, props, line)
    for fid in sorted(set(points) - used):
        pcheck.warn(fid, "", "no link reaches this place")
    return report


def _check_link_consistency(check: _Checker, fid: str, props: Mapping[str, Any], line: Any) -> None:
    mode, length = props.get("mode"), props.get("length_km")
    length = float(length) if _is_number(length) else None  # type: ignore[arg-type]
    if mode == "rail" and props.get("gauge_mm") is None:
        check.error(fid, "gauge_mm", "missing on a rail link; expected 1520, 1435 or 1668")
    if props.get("from") == props.get("to") and props.get("from") is not None:
        check.error(fid, "to", "equals 'from'; a link joins two different places")
    if length == 0:
        check.error(fid, "length_km", "is 0; expected a positive length")
    if line is not None and length:
        drawn = line_length_km(line)
        if abs(drawn - length) > LENGTH_TOLERANCE * length:
            check.warn(
                fid,
                "length_km",
                f"is {length:g} but the geometry is {drawn:.0f} km long "
                f"({(drawn - length) / length:+.0%})",
            )


def _brief(feature: Any) -> str:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict):
        return repr(geometry)
    return f"{geometry.get('type')!r} with coordinates {str(geometry.get('coordinates'))[:60]}"
