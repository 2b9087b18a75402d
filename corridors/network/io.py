"""Read, write and validate networks: GeoJSON, GeoPackage and GeoParquet files, GeoDataFrames.

Reading GeoJSON needs only the standard library and numpy, so a route query starts fast;
geopandas is imported only for tables (GeoPackage, GeoParquet) and GeoDataFrames. Features are
validated over columns (:mod:`corridors.network.column_checks`); :func:`load_core` reads a network
too big for a graph straight into the core's columns.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from corridors.brief import brief
from corridors.exceptions import DataError, OutputError
from corridors.network.column_checks import JSON_TYPES, typed_value
from corridors.network.inputs import check_input, read_csv_rows, read_input_text
from corridors.network.model import build_graph, link_edges
from corridors.network.reference import commodities, data_dir
from corridors.network.schema import schema
from corridors.network.validation import Issue, Report, validate_columns

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

    from corridors.core.from_frames import CoreNetwork
    from corridors.network.column_checks import FeatureColumns

__all__ = [
    "TEMP_TAG",
    "atomic_folder",
    "atomic_path",
    "check_output",
    "load_core",
    "load_network",
    "network_features",
    "network_from_gdfs",
    "network_to_gdfs",
    "read_geojson_features",
    "read_network",
    "read_sources",
    "validate_network",
    "write_feature_set",
    "write_graphml",
    "write_network",
    "write_text_atomic",
]

_log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_R = TypeVar("_R")
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
OPTIONAL_SOURCE_COLUMNS = ("note",)  # why a source has no followable url, when it has none


def _gc_paused(read: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a reader with the garbage collector paused (:func:`~corridors.core.tables.paused_gc`).

    Decoding and checking a big file makes millions of containers without a cycle: while they
    pile up, collections would take three times as long as decoding the JSON (13 s against
    3 s for 500,000 links). The reader's own objects are dropped when it returns, before
    collection resumes.
    """

    @functools.wraps(read)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        from corridors.core.tables import paused_gc

        with paused_gc():
            return read(*args, **kwargs)

    return paused


def read_geojson_features(path: Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection file, in lon/lat (EPSG:4326).

    A file that names another CRS in a ``crs`` member (the 2008 GeoJSON convention, e.g.
    ``urn:ogc:def:crs:EPSG::3857``) is reprojected. Unreadable files raise DataError.
    """
    text = read_input_text(path, kind="network")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DataError(f"{path}: not usable JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise DataError(f"{path}: not usable JSON ({str(exc).split(':')[0]})") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise DataError(f"{path}: expected a GeoJSON FeatureCollection with a 'features' list")
    if data.get("crs") is not None:
        _to_lonlat(data["features"], _declared_crs(data["crs"], path), path)
    return data["features"]


def _declared_crs(crs: Any, path: Path) -> str | None:
    """The CRS a GeoJSON ``crs`` member names, or None when it is lon/lat already."""
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not (isinstance(crs, dict) and crs.get("type") == "name" and isinstance(name, str)):
        raise DataError(
            f'{path}: field \'crs\': expected {{"type": "name", "properties": '
            f'{{"name": ...}}}}; found {brief(crs)}; or leave it out for lon/lat (EPSG:4326)'
        )
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        parsed = CRS.from_user_input(name)
    except CRSError:
        raise DataError(f"{path}: field 'crs': unknown CRS {brief(name)}") from None
    if parsed.to_epsg() == 4326 or parsed.equals(CRS.from_user_input("OGC:CRS84")):
        return None
    return name


def _to_lonlat(features: list[Any], crs: str | None, path: Path) -> None:
    """Reproject the coordinates of well-formed geometries in place (the rest is left for
    validation to name)."""
    if crs is None:
        return
    from pyproj import Transformer

    transform = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform

    def point(c: Any) -> Any:
        ok = isinstance(c, list) and len(c) >= 2 and all(_is_finite_number(v) for v in c[:2])
        return [*transform(c[0], c[1]), *c[2:]] if ok else c

    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict):
            continue
        coords = geometry.get("coordinates")
        if geometry.get("type") == "Point":
            geometry["coordinates"] = point(coords)
        elif geometry.get("type") == "LineString" and isinstance(coords, list):
            geometry["coordinates"] = [point(c) for c in coords]


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e300


def _typed_features(features: list[Any], feature: str) -> list[Any]:
    """Validated features with every attribute in its schema type, so that a network reads
    the same from GeoJSON (``6``), GeoPackage (``6.0``) and GeoDataFrames."""
    attrs = schema(feature)
    out = []
    for f in features:
        props = {
            k: typed_value(v, attrs[k].type) if k in attrs else v
            for k, v in f["properties"].items()
        }
        out.append({**f, "properties": props})
    return out


def _read_columns(path: Path, feature: str) -> FeatureColumns:
    """The features of a file as columns: GeoJSON through :mod:`json`, tables through
    geopandas (GeoParquet with pyarrow), without a Python object per feature for these."""
    from corridors.network.column_checks import feature_columns
    from corridors.network.table_columns import frame_columns

    if path.suffix.lower() in (".geojson", ".json"):
        return feature_columns(read_geojson_features(path), feature)
    check_input(path, kind="network")
    parquet = path.suffix.lower() in PARQUET_SUFFIXES
    if parquet and (columns := _geoparquet_columns(path, feature)) is not None:
        return columns
    import geopandas as gpd

    try:
        gdf = (
            gpd.read_parquet(path) if parquet else gpd.read_file(path, layer=_layer(path, feature))
        )
    except DataError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(f"{path}: cannot read as a vector file ({exc})") from None
    if not _has_geometry(gdf):
        raise DataError(
            f"{path}: has no geometry; expected a GeoJSON or GeoPackage file of {feature}"
        )
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return frame_columns(gdf, feature)


def _geoparquet_columns(path: Path, feature: str) -> FeatureColumns | None:
    """The columns of a GeoParquet file whose one geometry column is WKB in lon/lat, read with
    pyarrow and numpy (:func:`~corridors.network.table_columns.arrow_columns`); None for
    any other file (geopandas reads it, and names what is wrong)."""
    from corridors.network.table_columns import arrow_columns

    try:
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        geo = json.loads(file.schema_arrow.metadata[b"geo"])
        (name, column), *others = geo["columns"].items()
        if others or column.get("encoding") != "WKB" or "covering" in column:
            return None
        if not _lonlat(column.get("crs", "OGC:CRS84")):
            return None
        table = file.read()
        wkb = table.column(name).combine_chunks()
    except Exception:  # not a GeoParquet file this reads: geopandas reads it or says why
        return None
    return arrow_columns(table.drop_columns([name]), wkb, feature)


_LONLAT_IDS = ({"authority": "EPSG", "code": 4326}, {"authority": "OGC", "code": "CRS84"})


def _lonlat(crs: Any) -> bool:
    """Whether a GeoParquet CRS (PROJJSON or text) is lon/lat, EPSG:4326 or OGC:CRS84 (the
    PROJJSON that geopandas and GDAL write name it by id: no need to load pyproj)."""
    if isinstance(crs, dict) and crs.get("id") in _LONLAT_IDS:
        return True
    from pyproj import CRS

    parsed = CRS.from_user_input(crs)
    return bool(parsed.to_epsg() == 4326 or parsed.equals(CRS.from_user_input("OGC:CRS84")))


def _features(columns: FeatureColumns) -> list[Any]:
    """Every feature of the columns as a GeoJSON-like dict."""
    return [columns.row(i) for i in range(len(columns))]


def _has_geometry(frame: Any) -> bool:
    """Whether ``frame`` is a GeoDataFrame with an active geometry column."""
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        return False
    try:
        frame.geometry  # noqa: B018  # raises when no geometry column is set
    except AttributeError:
        return False
    return True


def _layer(path: Path, feature: str) -> str | None:
    """The layer to read: the only one, or the one named ``places`` / ``links``."""
    import pyogrio

    names = [str(name) for name, _ in pyogrio.list_layers(path)]
    if len(names) <= 1 or feature in names:
        return feature if feature in names else None
    raise DataError(
        f"{path}: has layers {', '.join(names[:8])}; expected one layer, or one named '{feature}'"
    )


def read_sources(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Read a ``sources.csv`` keyed by id: columns id, title, publisher, date, url and an
    optional note (why a source has no followable url)."""
    path = Path(path)
    header, rows = read_csv_rows(path, SOURCE_COLUMNS)
    columns = SOURCE_COLUMNS + tuple(c for c in OPTIONAL_SOURCE_COLUMNS if c in header)
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=1):
        sid = row["id"].strip()
        if not sid or sid in table:
            problem = "empty" if not sid else f"duplicate id {sid!r}"
            raise DataError(f"{path}, row {line}, column 'id': {problem}")
        table[sid] = {c: row[c] or "" for c in columns}
    return table


def _sources_beside(links: Path, sources: str | os.PathLike[str] | None) -> Path | None:
    if sources is not None:
        return Path(sources)
    beside = links.parent / "sources.csv"
    return beside if beside.exists() else None


def _load(
    places: Path, links: Path, sources: Path | None, *, draft: bool = False
) -> tuple[FeatureColumns, FeatureColumns, dict, Report]:
    place_columns = _read_columns(places, "places")
    link_columns = _read_columns(links, "links")
    table = read_sources(sources) if sources else {}
    report = validate_columns(
        place_columns,
        link_columns,
        places_file=str(places),
        links_file=str(links),
        commodities=commodities(),
        sources=set(table),  # no sources.csv: every cited id is unknown
        sources_file=str(sources) if sources else "sources.csv (none beside the links file)",
        draft=draft,
    )
    return place_columns, link_columns, table, report


@_gc_paused
def validate_network(
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
    *,
    sources: str | os.PathLike[str] | None = None,
    draft: bool = False,
) -> Report:
    """Validate a pair of files and return the :class:`~corridors.network.validation.Report`.

    Unreadable files are reported as errors rather than raised. ``sources`` defaults to a
    ``sources.csv`` beside the links file, when there is one; a cited source id not in it is
    an error. Besides each feature's fields, the network as a whole is checked
    (:mod:`corridors.network.checks`: land modes on land, junctions, followable sources). With
    ``draft``, a figure without a source and what those checks find are warnings.
    """
    from corridors.network.checks import check_network

    places, links = Path(places), Path(links)
    source_file = _sources_beside(links, sources)
    try:
        place_columns, link_columns, table, report = _load(places, links, source_file, draft=draft)
    except DataError as exc:
        return Report(errors=[Issue("", "", "", str(exc))])
    check_network(
        _features(place_columns),
        _features(link_columns),
        table if source_file else None,
        report,
        places_file=str(places),
        links_file=str(links),
        sources_file=str(source_file),
        severity="warning" if draft else "error",
    )
    return report


@_gc_paused
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
        Files of Point and LineString features following ``corridors/network/contract``.
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
    place_columns, link_columns, table, report = _load(
        places, links, _sources_beside(links, sources), draft=draft
    )
    place_features, link_features = _features(place_columns), _features(link_columns)
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


@_gc_paused
def load_core(
    places: str | os.PathLike[str],
    links: str | os.PathLike[str],
    *,
    sources: str | os.PathLike[str] | None = None,
    draft: bool = False,
) -> CoreNetwork:
    """Read and validate places and links straight into the core's columns, with no graph.

    For networks too big for a networkx graph: GeoParquet (or GeoPackage, GeoJSON) files are
    read and checked as :func:`read_network` reads and checks them, and held as the arrays
    every solver shares, with the places' names (:class:`~corridors.core.network.CoreNetwork`);
    :func:`corridors.route` finds routes on it.

    Raises
    ------
    DataError
        As :func:`read_network`.
    """
    from corridors.core.from_frames import frame_network

    places, links = Path(places), Path(links)
    place_columns, link_columns, _, report = _load(
        places, links, _sources_beside(links, sources), draft=draft
    )
    if not report.ok:
        raise DataError(f"{len(report.errors)} error(s) in the network:\n{report.summary()}")
    return frame_network(place_columns, link_columns)


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


#: Part of the name of every temporary file and folder an output is written into first.
TEMP_TAG = ".corridors-tmp-"


def _umask_mode(mode: int) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def _clean_stale(folder: Path) -> None:
    """Remove the temporaries that runs which died left in ``folder`` (their pid is gone)."""
    try:
        entries = list(folder.glob(f".*{TEMP_TAG}*"))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.partition(TEMP_TAG)[2].partition("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def check_output(path: str | os.PathLike[str], *, folder: bool = False) -> Path:
    """Return ``path`` when an output can be written there, else raise OutputError.

    Called before a job runs, so a bad output path fails fast: a file where a folder is
    wanted (or the reverse), a dangling symbolic link, a parent that is a file, or a folder
    the user cannot write in.
    """
    target = Path(path)
    what = "a folder" if folder else "a file"
    if "\x00" in str(target):
        raise OutputError(f"{str(target)[:200]!r}: a path cannot contain a NUL character")
    if target.is_symlink() and not target.exists():
        raise OutputError(f"{target}: a symbolic link to nothing; remove it or give another path")
    if target.exists() and target.is_dir() != folder:
        raise OutputError(f"{target}: exists and is not {what}")
    probe = target if folder else target.parent
    probe = probe.absolute()
    while not probe.exists():
        if probe.is_symlink():
            raise OutputError(f"{probe}: a symbolic link to nothing; expected a folder")
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{target}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write in {probe} (permission denied)")
    return target


def _make_parent(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn an operating-system error while writing ``target`` into a one-line OutputError."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to; on success it replaces ``path``.

    On any error the temporary file is removed and ``path`` is left as it was, so a failed
    write never leaves a half-written file; temporaries a killed run left are removed by
    the next write in that folder. The result has the mode the umask gives a new file.

    Raises
    ------
    OutputError
        When ``path`` cannot be written (see :func:`check_output`), or the write fails (a
        full disk, say).
    """
    target = check_output(path)
    _make_parent(target.parent)
    _clean_stale(target.parent)
    with _writing(target):
        fd, name = tempfile.mkstemp(  # same suffix: writers such as GDAL's go by it
            dir=target.parent,
            prefix=f".{target.stem}{TEMP_TAG}{os.getpid()}-",
            suffix=target.suffix,
        )
        os.close(fd)
    tmp = Path(name)
    try:
        with _writing(target):
            yield tmp
            tmp.chmod(_umask_mode(0o666))
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_folder(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder to write a set of files into; on success they appear in
    ``folder`` together, or (on any error) not at all.

    A folder that does not exist yet is the temporary one renamed; into an existing one the
    files are moved one by one while holding a lock on it, so two runs writing the same
    folder never mix their files. The temporary folder is a sibling of ``folder`` (inside
    it when the parent is not writable), so relative links between the files and files
    beside ``folder`` stay right.

    Raises
    ------
    OutputError
        As :func:`atomic_path`.
    """
    target = check_output(folder, folder=True).absolute()
    _make_parent(target.parent)
    home = target.parent if os.access(target.parent, os.W_OK) else target
    _make_parent(home)
    _clean_stale(home)
    with _writing(target):
        tmp = Path(tempfile.mkdtemp(dir=home, prefix=f".{target.name}{TEMP_TAG}{os.getpid()}-"))
    try:
        with _writing(target):
            yield tmp
            _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _publish(tmp: Path, target: Path) -> None:
    import fcntl

    files = sorted(tmp.iterdir())
    for f in files:
        f.chmod(_umask_mode(0o777 if f.is_dir() else 0o666))
    if not target.exists():
        tmp.chmod(_umask_mode(0o777))
        with contextlib.suppress(OSError):  # another run made it first: move the files
            tmp.rename(target)
            return
    fd = os.open(target, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for f in files:
            os.replace(f, target / f.name)
    finally:
        os.close(fd)  # closing releases the lock
    tmp.rmdir()


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

    The format follows the suffix: GeoJSON, GeoPackage for ``.gpkg`` or GeoParquet for
    ``.parquet`` (in both, lists and mappings stored as JSON text, numbers as numbers). The
    sources table ``G.graph["sources"]`` goes to ``sources`` (default: ``sources.csv`` beside
    the links file, where :func:`read_network` looks for it). Each file is written to a
    temporary file and renamed, so a failure leaves no half-written file.
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
        if path.suffix.lower() in (".gpkg", *PARQUET_SUFFIXES):
            _write_table(path, features, feature)
        else:
            write_text_atomic(path, _collection_text(features))


def write_feature_set(
    folder: Path,
    places: list[dict[str, Any]],
    links: list[dict[str, Any]],
    sources: Mapping[str, Mapping[str, str]],
) -> list[Path]:
    """Write ``places.geojson``, ``links.geojson`` and ``sources.csv`` into ``folder``, all
    three or (on any error) none (:func:`atomic_folder`)."""
    texts = {
        "places.geojson": _collection_text(places),
        "links.geojson": _collection_text(links),
        "sources.csv": _sources_text(sources),
    }
    with atomic_folder(folder) as tmp:
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="")
    return [folder / name for name in texts]


def _sources_text(table: Mapping[str, Mapping[str, str]]) -> str:
    """A sources table as the text of the ``sources.csv`` that :func:`read_sources` reads."""
    import csv
    from io import StringIO

    text = StringIO()
    notes = tuple(c for c in OPTIONAL_SOURCE_COLUMNS if any(row.get(c) for row in table.values()))
    columns = SOURCE_COLUMNS + notes
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for sid in sorted(table):
        writer.writerow({c: sid if c == "id" else table[sid].get(c, "") for c in columns})
    return text.getvalue()


def _write_sources(path: Path, table: Mapping[str, Mapping[str, str]]) -> None:
    """Write a sources table as the ``sources.csv`` that :func:`read_sources` reads."""
    write_text_atomic(path, _sources_text(table))


def _as_text(column: Any, kind: str) -> bool:
    """Whether a GeoPackage column of this schema type must hold JSON text: lists and
    mappings always, a per-commodity figure only where some row gives a mapping."""
    if kind == "per_commodity":
        return any(isinstance(v, dict) for v in column)
    return kind in JSON_TYPES


def _write_table(path: Path, features: list[dict], feature: str) -> None:
    """A GeoPackage or GeoParquet file of the features, lists and mappings as JSON text."""
    import geopandas as gpd

    attrs = schema(feature)
    gdf = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for column in gdf.columns:
        if column in attrs and _as_text(gdf[column], attrs[column].type):
            gdf[column] = [_json_cell(v) for v in gdf[column]]
    with atomic_path(path) as tmp:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            gdf.to_parquet(tmp, index=False, schema_version="1.0.0")
        else:
            with _fixed_gdal_date():
                gdf.to_file(tmp, driver="GPKG", layer=feature)


def write_graphml(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write the graph as GraphML (for Gephi, igraph, yEd): one edge per direction of travel.

    GraphML types each attribute once and holds only scalars: an attribute whose values are
    all numbers is written as numbers, all text as text, all flags as flags; any other
    (lists, mappings, each edge's ``coords``, or a mix) is JSON text on every element.
    """
    nodes = sorted(G.nodes(data=True))
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (e[2], e[0]))
    node_fix = _graphml_encoders([d for _, d in nodes])
    edge_fix = _graphml_encoders([d for *_, d in edges])
    import networkx as nx

    H = nx.MultiDiGraph(crs=G.graph.get("crs", "EPSG:4326"))
    for node, data in nodes:
        H.add_node(node, **{k: node_fix[k](v) for k, v in data.items() if v is not None})
    for u, v, key, data in edges:
        H.add_edge(u, v, key=key, **{k: edge_fix[k](x) for k, x in data.items() if x is not None})
    with atomic_path(path) as tmp:
        nx.write_graphml(H, tmp, named_key_ids=True)


def _graphml_encoders(records: list[dict[str, Any]]) -> dict[str, Any]:
    """For each attribute, how its values are written so that GraphML can type it once."""
    kinds: dict[str, set[type]] = {}
    for record in records:
        for key, value in record.items():
            if value is not None:
                kinds.setdefault(key, set()).add(type(value))
    encoders: dict[str, Any] = {}
    for key, types in kinds.items():
        if types <= {int, float} and float in types:
            encoders[key] = float
        elif len(types) == 1 and next(iter(types)) in (str, int, float, bool):
            encoders[key] = next(iter(types))
        else:
            encoders[key] = json.dumps
    return encoders


def _json_cell(value: Any) -> str | None:
    missing = value is None or (isinstance(value, float) and value != value)
    return None if missing else json.dumps(value, ensure_ascii=False)


#: The time GeoPackage files record as their last change, so the same network gives the
#: same bytes (GDAL would write the current time).
GPKG_DATE = "2000-01-01T00:00:00.000Z"


@contextlib.contextmanager
def _fixed_gdal_date() -> Iterator[None]:
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


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
    from corridors.network.table_columns import frame_columns

    if sources is None:
        sources = places.attrs.get("sources", {})
    frames = []
    for gdf, feature in ((places, "places"), (links, "links")):
        if not _has_geometry(gdf):
            raise DataError(f"{feature}: expected a GeoDataFrame with a geometry column")
        if gdf.index.name == "id":
            gdf = gdf.reset_index()
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        frames.append(frame_columns(gdf, feature))
    report = validate_columns(
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
        _typed_features(_features(frames[0]), "places"),
        _typed_features(_features(frames[1]), "links"),
        sources={k: dict(v) for k, v in sources.items()},
    )
