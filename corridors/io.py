"""Read, write and validate networks: GeoJSON and GeoPackage files, and GeoDataFrames.

Reading GeoJSON needs only the standard library, so a route query starts fast; geopandas is
imported only for GeoPackage files and GeoDataFrames.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import DataError
from corridors.network import build_graph, link_edges
from corridors.reference import commodities, data_dir
from corridors.schema import schema
from corridors.validation import Issue, Report, validate_features

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "atomic_path",
    "load_network",
    "network_features",
    "network_from_gdfs",
    "network_to_gdfs",
    "read_geojson_features",
    "read_network",
    "read_sources",
    "validate_network",
    "write_network",
    "write_text_atomic",
]

SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url")
OPTIONAL_SOURCE_COLUMNS = ("note",)  # why a source has no followable url, when it has none
_JSON_TYPES = {"list[str]", "list[int]", "sources", "ranges", "per_commodity", "bool"}


def read_geojson_features(path: Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection file; unreadable files raise DataError."""
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise DataError(f"{path}: expected a GeoJSON FeatureCollection with a 'features' list")
    return data["features"]


def _decode_json_columns(props: dict[str, Any], feature: str) -> dict[str, Any]:
    """Undo the JSON-in-a-string encoding that GeoPackage needs for lists and mappings."""
    attrs = schema(feature)
    out = {}
    for key, value in props.items():
        if value is None or (isinstance(value, float) and value != value):
            continue  # an empty cell in a table means the attribute is absent
        if (
            isinstance(value, float)
            and key in attrs
            and attrs[key].type == "int"
            and value.is_integer()
        ):
            value = int(value)
        if isinstance(value, str) and key in attrs and attrs[key].type in _JSON_TYPES:
            with contextlib.suppress(json.JSONDecodeError):  # else validation names it
                value = json.loads(value)
        out[key] = value
    return out


def _gdf_features(gdf: gpd.GeoDataFrame, feature: str) -> list[Any]:
    data = json.loads(gdf.to_json(na="null", drop_id=True))
    for f in data["features"]:
        f["properties"] = _decode_json_columns(f["properties"], feature)
    return data["features"]


def _read_features(path: Path, feature: str) -> list[Any]:
    if path.suffix.lower() in (".geojson", ".json"):
        return read_geojson_features(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(f"{path}: cannot read as a vector file ({exc})") from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return _gdf_features(gdf, feature)


def read_sources(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Read a ``sources.csv`` keyed by id: columns id, title, publisher, date, url and an
    optional note (why a source has no followable url)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in SOURCE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"expected {', '.join(SOURCE_COLUMNS)}"
                )
            rows = list(reader)
            columns = SOURCE_COLUMNS + tuple(
                c for c in OPTIONAL_SOURCE_COLUMNS if c in (reader.fieldnames or [])
            )
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        sid = row["id"]
        if not sid or sid in table:
            raise DataError(
                f"{path}: line {line} field 'id': {'empty' if not sid else f'duplicate id {sid!r}'}"
            )
        table[sid] = {c: row[c] or "" for c in columns}
    return table


def _sources_beside(links: Path, sources: str | os.PathLike[str] | None) -> Path | None:
    if sources is not None:
        return Path(sources)
    beside = links.parent / "sources.csv"
    return beside if beside.exists() else None


def _load(places: Path, links: Path, sources: Path | None) -> tuple[list, list, dict, Report]:
    place_features = _read_features(places, "places")
    link_features = _read_features(links, "links")
    table = read_sources(sources) if sources else {}
    report = validate_features(
        place_features,
        link_features,
        places_file=str(places),
        links_file=str(links),
        commodities=commodities(),
        sources=set(table) if sources else None,
    )
    return place_features, link_features, table, report


def validate_network(
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
    *,
    sources: str | os.PathLike[str] | None = None,
    draft: bool = False,
) -> Report:
    """Validate a pair of files and return the :class:`~corridors.validation.Report`.

    Unreadable files are reported as errors rather than raised. ``sources`` defaults to a
    ``sources.csv`` beside the links file, when there is one. Besides each feature's fields,
    the network as a whole is checked (:mod:`corridors.network_checks`: land modes on land,
    junctions, followable sources); for a ``draft`` what those find is a warning.
    """
    from corridors.network_checks import check_network

    places, links = Path(places), Path(links)
    source_file = _sources_beside(links, sources)
    try:
        place_features, link_features, table, report = _load(places, links, source_file)
    except DataError as exc:
        return Report(errors=[Issue("", "", "", str(exc))])
    check_network(
        place_features,
        link_features,
        table if source_file else None,
        report,
        places_file=str(places),
        links_file=str(links),
        sources_file=str(source_file),
        severity="warning" if draft else "error",
    )
    return report


def read_network(
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
    *,
    sources: str | os.PathLike[str] | None = None,
) -> nx.MultiDiGraph:
    """Read places and links (GeoJSON or GeoPackage) into a validated network graph.

    Parameters
    ----------
    places, links
        Files of Point and LineString features following ``corridors/schema``.
    sources
        A ``sources.csv`` every cited source id must be in; by default the one beside the
        links file, if any.

    Raises
    ------
    DataError
        When a file cannot be read or any feature breaks the contract; the message lists the
        errors, each naming the file, the feature id and the field.
    """
    places, links = Path(places), Path(links)
    place_features, link_features, table, report = _load(
        places, links, _sources_beside(links, sources)
    )
    if not report.ok:
        raise DataError(f"{len(report.errors)} error(s) in the network:\n{report.summary()}")
    return build_graph(
        place_features,
        link_features,
        sources=table,
        files={"places": str(places), "links": str(links)},
    )


def load_network() -> nx.MultiDiGraph:
    """Return the bundled network of the Middle Corridor and its rivals.

    Examples
    --------
    >>> G = load_network()
    >>> G.graph["crs"], G.nodes["port:alat"]["country"]
    ('EPSG:4326', 'AZ')
    """
    folder = data_dir()
    return read_network(
        folder / "places.geojson", folder / "links.geojson", sources=folder / "sources.csv"
    )


def _feature(props: Mapping[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": dict(props), "geometry": geometry}


def network_features(G: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """Places and links of ``G`` as GeoJSON-like features (the inverse of reading)."""
    places = [
        _feature(
            {"id": n, **{k: v for k, v in d.items() if k not in ("x", "y")}},
            {"type": "Point", "coordinates": [d["x"], d["y"]]},
        )
        for n, d in sorted(G.nodes(data=True))
    ]
    links = [
        _feature(
            {
                "id": k,
                "from": u,
                "to": v,
                **{a: b for a, b in d.items() if a not in ("coords", "reverse")},
            },
            {"type": "LineString", "coordinates": [list(c) for c in d["coords"]]},
        )
        for u, v, k, d in link_edges(G)
    ]
    return places, links


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to; on success it replaces ``path``.

    On any error the temporary file is removed and ``path`` is left as it was, so a failed
    write never leaves a half-written file. The result is readable by all (mode 0644).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(  # same suffix: writers such as GDAL's go by it
        dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}"
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def _collection_text(features: list[dict]) -> str:
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


def write_network(
    G: nx.MultiDiGraph,
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
) -> None:
    """Write a graph as two files that :func:`read_network` reads back unchanged.

    The format follows the suffix: GeoJSON, or GeoPackage for ``.gpkg`` (lists and mappings
    stored as JSON text). Each file is written to a temporary file and renamed, so a failure
    leaves no half-written file.
    """
    place_features, link_features = network_features(G)
    for path, features, feature in (
        (Path(places), place_features, "places"),
        (Path(links), link_features, "links"),
    ):
        if path.suffix.lower() == ".gpkg":
            _write_gpkg(path, features, feature)
        else:
            write_text_atomic(path, _collection_text(features))


def _write_gpkg(path: Path, features: list[dict], feature: str) -> None:
    import geopandas as gpd

    attrs = schema(feature)
    gdf = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for column in gdf.columns:
        if column in attrs and attrs[column].type in _JSON_TYPES:
            gdf[column] = [None if v is None or v != v else json.dumps(v) for v in gdf[column]]
    with atomic_path(path) as tmp:
        gdf.to_file(tmp, driver="GPKG", layer=feature)


def network_to_gdfs(G: nx.MultiDiGraph) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return ``(places, links)`` GeoDataFrames in EPSG:4326, one row per place and per link.

    Examples
    --------
    >>> places, links = network_to_gdfs(load_network())
    >>> places.index.name, links.index.name, str(links.crs)
    ('id', 'id', 'EPSG:4326')
    """
    import geopandas as gpd

    place_features, link_features = network_features(G)
    frames = []
    for features in (place_features, link_features):
        gdf = gpd.GeoDataFrame.from_features(features, crs=G.graph.get("crs", "EPSG:4326"))
        frames.append(gdf.set_index("id"))
    return frames[0], frames[1]


def network_from_gdfs(
    places: gpd.GeoDataFrame,
    links: gpd.GeoDataFrame,
    *,
    sources: Mapping[str, Mapping[str, str]] | None = None,
) -> nx.MultiDiGraph:
    """Build a validated graph from place and link GeoDataFrames (the inverse of
    :func:`network_to_gdfs`); ``sources`` is a table keyed by source id, checked when given."""
    frames = []
    for gdf, feature in ((places, "places"), (links, "links")):
        if gdf.index.name == "id":
            gdf = gdf.reset_index()
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        frames.append(_gdf_features(gdf, feature))
    report = validate_features(
        frames[0],
        frames[1],
        places_file="places GeoDataFrame",
        links_file="links GeoDataFrame",
        commodities=commodities(),
        sources=set(sources) if sources is not None else None,
    )
    if not report.ok:
        raise DataError(f"{len(report.errors)} error(s) in the network:\n{report.summary()}")
    return build_graph(frames[0], frames[1], sources=dict(sources or {}))
