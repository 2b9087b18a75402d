"""Check place and link features against the data contract in ``corridors/network/contract``.

Every problem names the file, the feature id and the field, says what was expected and what
was found. Errors make a network unusable; warnings are listed but do not fail. The checks of
one feature are :mod:`corridors.network.field_checks`; files are screened over columns first
(:mod:`corridors.network.column_checks`).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from corridors.brief import brief
from corridors.network.column_checks import FeatureColumns, feature_columns, screen, unique_ids
from corridors.network.field_checks import (
    ENDPOINT_TOLERANCE_KM,
    LENGTH_TOLERANCE,
    RESERVED,
    FieldChecker,
    Issue,
    Report,
    check_value,
    describe_expected,
    finite,
    geometry_coords,
)
from corridors.network.geometry import haversine_km, line_length_km
from corridors.network.lookup import is_country
from corridors.network.schema import schema

__all__ = [
    "RESERVED",
    "Issue",
    "Report",
    "brief",
    "check_value",
    "describe_expected",
    "geometry_coords",
    "is_country",
    "validate_columns",
    "validate_features",
]


def validate_features(
    places: list[Any],
    links: list[Any],
    *,
    places_file: str = "places",
    links_file: str = "links",
    commodities: Iterable[str],
    sources: set[str] | None = None,
    sources_file: str = "sources.csv",
    draft: bool = False,
) -> Report:
    """Validate place and link features (GeoJSON-like dicts) and return a :class:`Report`.

    ``sources`` is the set of known source ids (``sources_file`` names where they come from,
    for messages); when None, ids are not looked up. With ``draft``, a figure that names no
    source is a warning rather than an error; an unknown source id is an error either way.
    """
    return validate_columns(
        feature_columns(places, "places"),
        feature_columns(links, "links"),
        places_file=places_file,
        links_file=links_file,
        commodities=commodities,
        sources=sources,
        sources_file=sources_file,
        draft=draft,
    )


def validate_columns(
    places: FeatureColumns,
    links: FeatureColumns,
    *,
    places_file: str = "places",
    links_file: str = "links",
    commodities: Iterable[str],
    sources: set[str] | None = None,
    sources_file: str = "sources.csv",
    draft: bool = False,
) -> Report:
    """:func:`validate_features` over columns (:mod:`corridors.network.column_checks`).

    The columns are screened with numpy; only the features the screen cannot clear are
    checked one by one, so the time grows with the size of the network and the number of
    its errors, and the issues are those (and in the order) of a check of every feature.
    """
    report = Report()
    commodities = set(commodities)
    options: dict[str, Any] = {"sources_file": sources_file, "draft": draft}
    pcheck = FieldChecker(report, places_file, commodities, sources, **options)
    lcheck = FieldChecker(report, links_file, commodities, sources, **options)
    found = screen(places, links, commodities=commodities, sources=sources, draft=draft)
    _id_issues(pcheck, places)
    for i in found.places:
        _check_place(pcheck, places.ids[i], places.row(i))
    _id_issues(lcheck, links)
    points = found.points() if found.links else {}
    for i in found.links:
        _check_link(lcheck, links.ids[i], links.row(i), points)
    for fid in found.unreached():
        pcheck.warn(fid, "", "no link reaches this place")
    return report


def _id_issues(check: FieldChecker, columns: FeatureColumns) -> None:
    """Features that are not Features with properties, and the second use of an id."""
    if columns.shaped.all() and unique_ids(columns):
        return
    seen: Counter[str] = Counter()
    for fid, shaped in zip(columns.ids, columns.shaped.tolist(), strict=True):
        if not shaped:
            check.error(fid, "", "not a GeoJSON Feature with properties")
            continue
        seen[fid] += 1
        if seen[fid] == 2:
            check.error(fid, "id", "duplicate id; ids must be unique")


def _check_place(check: FieldChecker, fid: str, feature: Mapping[str, Any]) -> None:
    check.attributes(fid, feature["properties"], schema("places"), "places")
    if geometry_coords(feature, "Point") is None:
        check.error(fid, "geometry", f"expected a Point with lon, lat; found {_brief(feature)}")


def _check_link(
    check: FieldChecker, fid: str, feature: Mapping[str, Any], points: Mapping[str, Any]
) -> None:
    props = feature["properties"]
    check.attributes(fid, props, schema("links"), "links")
    if fid in points:
        check.error(fid, "id", "is also a place's id; ids must be unique across both files")
    line = geometry_coords(feature, "LineString")
    if line is None:
        check.error(
            fid,
            "geometry",
            f"expected a LineString of 2+ lon, lat points; found {_brief(feature)}",
        )
    for end, coord in (("from", line[0] if line else None), ("to", line[-1] if line else None)):
        place = props.get(end)
        if not isinstance(place, str):
            continue
        if place not in points:
            hint = difflib.get_close_matches(place, list(points), n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            check.error(fid, end, f"unknown place '{place}'{extra}")
        elif coord is not None and haversine_km(coord, points[place]) > ENDPOINT_TOLERANCE_KM:
            check.error(
                fid,
                "geometry",
                f"{'starts' if end == 'from' else 'ends'} "
                f"{haversine_km(coord, points[place]):.1f} km from its '{end}' place "
                f"'{place}'; expected within {ENDPOINT_TOLERANCE_KM} km",
            )
    _check_link_consistency(check, fid, props, line)


def _check_link_consistency(
    check: FieldChecker, fid: str, props: Mapping[str, Any], line: Any
) -> None:
    mode, given = props.get("mode"), props.get("length_km")
    length = float(given) if given is not None and finite(given) else None
    if mode == "rail" and "gauge_mm" not in props:
        gauges = ", ".join(schema("links")["gauge_mm"].allowed)
        check.error(fid, "gauge_mm", f"missing on a rail link; expected one of {gauges}")
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
