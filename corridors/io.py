"""Read, write and validate networks: GeoJSON and GeoPackage files, and GeoDataFrames.

Reading GeoJSON needs only the standard library, so a route query starts fast; geopandas is
imported only for GeoPackage files and GeoDataFrames.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.exceptions import DataError
from corridors.network import build_graph, link_edges
from corridors.reference import commodities, data_dir
from corridors.schema import Attribute, schema
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

_log = logging.getLogger(__name__)
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url")
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


def _plain(value: Any) -> Any:
    """A cell of a GeoDataFrame as plain Python: numpy arrays and scalars become lists and
    numbers (``geopandas.read_file`` gives list attributes as arrays), NaN becomes None."""
    if hasattr(value, "tolist"):  # numpy arrays and numpy scalars
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def _decode_cell(value: Any, attr: Attribute | None) -> Any:
    """Undo the JSON-in-a-string encoding that GeoPackage needs for lists and mappings, and
    the float columns a table gives whole numbers and flags."""
    if attr is None:
        return value
    if isinstance(value, str) and attr.type in _JSON_TYPES:
        with contextlib.suppress(json.JSONDecodeError):  # else validation names it
            value = json.loads(value)
    if attr.type in ("int", "bool") and isinstance(value, float) and value.is_integer():
        value = bool(value) if attr.type == "bool" and value in (0.0, 1.0) else int(value)
    return value


def _decode_json_columns(props: Mapping[str, Any], feature: str) -> dict[str, Any]:
    """The properties of one table row as a feature's: empty cells dropped, cells decoded."""
    attrs = schema(feature)
    out = {}
    for key, raw in props.items():
        value = _plain(raw)
        if value is None:
            continue  # an empty cell in a table means the attribute is absent
        out[key] = _decode_cell(value, attrs.get(key))
    return out


def _typed(value: Any, kind: str) -> Any:
    """A valid value in the Python type its schema type names (whole floats stay floats)."""
    if value is None:
        return None
    if kind == "float":
        return float(value)
    if kind == "per_commodity":
        if isinstance(value, dict):
            return {k: float(v) for k, v in value.items()}
        return float(value)
    if kind == "int":
        return int(value)
    if kind == "list[int]":
        return [int(v) for v in value]
    return value


def _typed_features(features: list[Any], feature: str) -> list[Any]:
    """Validated features with every attribute in its schema type, so that a network reads
    the same from GeoJSON (``6``), GeoPackage (``6.0``) and GeoDataFrames."""
    attrs = schema(feature)
    out = []
    for f in features:
        props = {
            k: _typed(v, attrs[k].type) if k in attrs else v for k, v in f["properties"].items()
        }
        out.append({**f, "properties": props})
    return out


def _coords(value: Any) -> Any:
    return [_coords(v) for v in value] if isinstance(value, list | tuple) else float(value)


def _gdf_features(gdf: gpd.GeoDataFrame, feature: str) -> list[Any]:
    from shapely.geometry import mapping

    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    features = []
    rows = gdf[columns].itertuples(index=False, name=None)
    for row, geom in zip(rows, gdf.geometry, strict=True):
        geometry = None
        if geom is not None and not geom.is_empty:
            shape = mapping(geom)
            geometry = {"type": shape["type"], "coordinates": _coords(shape["coordinates"])}
        props = _decode_json_columns(dict(zip(columns, row, strict=True)), feature)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return features


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
    """Read a ``sources.csv`` (columns id, title, publisher, date, url) keyed by id."""
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
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        sid = row["id"]
        if not sid or sid in table:
            raise DataError(
                f"{path}: line {line} field 'id': {'empty' if not sid else f'duplicate id {sid!r}'}"
            )
        table[sid] = {c: row[c] or "" for c in SOURCE_COLUMNS}
    return table


def _sources_beside(links: Path, sources: str | os.PathLike[str] | None) -> Path | None:
    if sources is not None:
        return Path(sources)
    beside = links.parent / "sources.csv"
    return beside if beside.exists() else None


def _load(
    places: Path, links: Path, sources: Path | None, *, draft: bool = False
) -> tuple[list, list, dict, Report]:
    place_features = _read_features(places, "places")
    link_features = _read_features(links, "links")
    table = read_sources(sources) if sources else {}
    report = validate_features(
        place_features,
        link_features,
        places_file=str(places),
        links_file=str(links),
        commodities=commodities(),
        sources=set(table),  # no sources.csv: every cited id is unknown
        sources_file=str(sources) if sources else "sources.csv (none beside the links file)",
        draft=draft,
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
    ``sources.csv`` beside the links file, when there is one; a cited source id not in it is
    an error. With ``draft``, a figure without a source is a warning instead of an error.
    """
    places, links = Path(places), Path(links)
    try:
        return _load(places, links, _sources_beside(links, sources), draft=draft)[3]
    except DataError as exc:
        return Report(errors=[Issue("", "", "", str(exc))])


def read_network(
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
    *,
    sources: str | os.PathLike[str] | None = None,
    draft: bool = False,
) -> nx.MultiDiGraph:
    """Read places and links (GeoJSON or GeoPackage) into a validated network graph.

    Parameters
    ----------
    places, links
        Files of Point and LineString features following ``corridors/schema``.
    sources
        A ``sources.csv`` every cited source id must be in; by default the one beside the
        links file, if any. A cited id that is not in it is always an error.
    draft
        Accept figures that name no source yet (listed as warnings by
        :func:`validate_network`); for a network still being written.

    Raises
    ------
    DataError
        When a file cannot be read or any feature breaks the contract; the message lists the
        errors, each naming the file, the feature id and the field.
    """
    places, links = Path(places), Path(links)
    place_features, link_features, table, report = _load(
        places, links, _sources_beside(links, sources), draft=draft
    )
    if not report.ok:
        raise DataError(f"{len(report.errors)} error(s) in the network:\n{report.summary()}")
    _log.info(
        "read %d places from %s and %d links from %s (%d warnings)",
        len(place_features),
        places,
        len(link_features),
        links,
        len(report.warnings),
    )
    return build_graph(
        _typed_features(place_features, "places"),
        _typed_features(link_features, "links"),
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
    *,
    sources: str | os.PathLike[str] | None = None,
) -> None:
    """Write a graph as files that :func:`read_network` reads back unchanged.

    The format follows the suffix: GeoJSON, or GeoPackage for ``.gpkg`` (lists and mappings
    stored as JSON text, numbers as numbers). The sources table ``G.graph["sources"]`` goes to
    ``sources`` (default: ``sources.csv`` beside the links file, where :func:`read_network`
    looks for it). Each file is written to a temporary file and renamed, so a failure leaves
    no half-written file.
    """
    place_features, link_features = network_features(G)
    _write_sources(
        Path(sources) if sources is not None else Path(links).parent / "sources.csv",
        G.graph.get("sources", {}),
    )
    for path, features, feature in (
        (Path(places), place_features, "places"),
        (Path(links), link_features, "links"),
    ):
        if path.suffix.lower() == ".gpkg":
            _write_gpkg(path, features, feature)
        else:
            write_text_atomic(path, _collection_text(features))


def _write_sources(path: Path, table: Mapping[str, Mapping[str, str]]) -> None:
    """Write a sources table as the ``sources.csv`` that :func:`read_sources` reads."""
    import io

    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=SOURCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for sid in sorted(table):
        writer.writerow({c: sid if c == "id" else table[sid].get(c, "") for c in SOURCE_COLUMNS})
    write_text_atomic(path, text.getvalue())


def _as_text(column: Any, kind: str) -> bool:
    """Whether a GeoPackage column of this schema type must hold JSON text: lists and
    mappings always, a per-commodity figure only where some row gives a mapping."""
    if kind == "per_commodity":
        return any(isinstance(v, dict) for v in column)
    return kind in _JSON_TYPES


def _write_gpkg(path: Path, features: list[dict], feature: str) -> None:
    import geopandas as gpd

    attrs = schema(feature)
    gdf = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for column in gdf.columns:
        if column in attrs and _as_text(gdf[column], attrs[column].type):
            gdf[column] = [_json_cell(v) for v in gdf[column]]
    with atomic_path(path) as tmp:
        gdf.to_file(tmp, driver="GPKG", layer=feature)


def _json_cell(value: Any) -> str | None:
    missing = value is None or (isinstance(value, float) and value != value)
    return None if missing else json.dumps(value, ensure_ascii=False)


def network_to_gdfs(G: nx.MultiDiGraph) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return ``(places, links)`` GeoDataFrames in EPSG:4326, one row per place and per link.

    Both carry the sources table in ``.attrs["sources"]``, which :func:`network_from_gdfs`
    reads back.

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
        gdf = gdf.set_index("id")
        gdf.attrs["sources"] = {k: dict(v) for k, v in G.graph.get("sources", {}).items()}
        frames.append(gdf)
    return frames[0], frames[1]


def network_from_gdfs(
    places: gpd.GeoDataFrame,
    links: gpd.GeoDataFrame,
    *,
    sources: Mapping[str, Mapping[str, str]] | None = None,
    draft: bool = False,
) -> nx.MultiDiGraph:
    """Build a validated graph from place and link GeoDataFrames (the inverse of
    :func:`network_to_gdfs`), such as ``geopandas.read_file`` makes of contract files.

    ``sources`` is the table of source ids (as :func:`read_sources` returns it; by default
    ``places.attrs["sources"]``); every cited id must be in it. ``draft`` as in
    :func:`read_network`.
    """
    if sources is None:
        sources = places.attrs.get("sources", {})
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
        sources=set(sources),
        sources_file="the sources table (pass sources=read_sources('sources.csv'))",
        draft=draft,
    )
    if not report.ok:
        raise DataError(f"{len(report.errors)} error(s) in the network:\n{report.summary()}")
    return build_graph(
        _typed_features(frames[0], "places"),
        _typed_features(frames[1], "links"),
        sources={k: dict(v) for k, v in sources.items()},
    )
