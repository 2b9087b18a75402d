"""Reading scenario files: YAML parsed safely, with the line of every key kept for messages.

:func:`read_file` turns a file (and the files it ``extends:``) into a
:class:`~corridors.scenarios.model.Scenario`, collecting every malformed key and bad value with its
file, line and key; :func:`corridors.scenarios.apply.read_scenario` is the public door to it.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from corridors.core.expand import Avoid
from corridors.exceptions import CorridorsError, DataError, ScenarioError
from corridors.network.inputs import read_input_text
from corridors.network.lookup import find_commodity
from corridors.network.reference import commodities, to_tpy
from corridors.network.schema import schema
from corridors.network.validation import brief, check_value, describe_expected
from corridors.scenarios.model import (
    AVOID_KEYS,
    FIXED,
    KEYS,
    DemandRow,
    Loc,
    RouteJob,
    Scenario,
    ThroughputJob,
    Where,
    locate,
)

__all__ = ["read_file"]


def _marks(node: yaml.Node, file: str, key: tuple[Any, ...], where: Where) -> None:
    """Record the file, line and key of every key and item under ``node``."""
    where.setdefault(key, (file, node.start_mark.line + 1, key))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            sub = (*key, k.value if isinstance(k, yaml.ScalarNode) else str(k.value))
            where[sub] = (file, k.start_mark.line + 1, sub)
            _marks(v, file, sub, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            where[(*key, i)] = (file, v.start_mark.line + 1, (*key, i))
            _marks(v, file, (*key, i), where)


def _drop(where: Where, prefix: tuple[Any, ...]) -> None:
    """Forget the locations at and under ``prefix`` (a value replaced by another file's)."""
    n = len(prefix)
    for key in [k for k in where if k[:n] == prefix]:
        del where[key]


def _mount(where: Where, prefix: tuple[Any, ...], tree: Where) -> None:
    """Record the locations of ``tree`` (keys relative to a value) under ``prefix``."""
    where.update({(*prefix, *rel): at for rel, at in tree.items()})


#: How many values aliases (``*name``) may add to a file beyond those written in it.
ALIAS_BUDGET = 100_000
#: How many values a scenario file may write (large demand tables belong in a CSV file).
VALUE_BUDGET = 250_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is installed


def _parse(path: Path) -> tuple[Any, Where]:
    text = read_input_text(path, error=ScenarioError)
    node = data = None
    try:
        _count_values(text, path)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_tree(node, path)
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        problem = " ".join(str(exc.problem or exc).split())
        raise ScenarioError(f"{path}{line}: not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError(f"{path}: not usable YAML (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ScenarioError(f"{path}: not usable YAML ({str(exc).split(':')[0]})") from None
    where: Where = {}
    if node is not None:
        _marks(node, str(path), (), where)
    return data, where


def _count_values(text: str, path: Path) -> None:
    """Refuse a file of more than :data:`VALUE_BUDGET` values from its events, before any
    node is built (building them costs far more time and memory than the text)."""
    loader = _Loader(text)
    try:
        count = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent | yaml.AliasEvent):
                count += 1
                if count > VALUE_BUDGET:
                    mark = event.start_mark
                    raise ScenarioError(
                        f"{path}{f', line {mark.line + 1}' if mark else ''}: more than "
                        f"{VALUE_BUDGET:,} values; give a large demand table as a CSV file "
                        "(demand: {file: demand.csv})"
                    )
    finally:
        loader.dispose()


def _check_tree(root: yaml.Node, path: Path) -> None:
    """Refuse repeated keys, aliases that refer to themselves, and aliases that expand to
    more than :data:`ALIAS_BUDGET` values (an "alias bomb" such as billion laughs).

    Aliases make a graph of shared nodes; each distinct node is visited once and its
    expanded size memoised, so even a bomb is measured in time linear in the file.
    """
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in busy:
            raise ScenarioError(
                f"{path}, line {node.start_mark.line + 1}: an alias refers to the value that "
                "holds it; write the value out"
            )
        busy.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    if k.value in seen:
                        raise ScenarioError(
                            f"{path}, line {k.start_mark.line + 1}, key {k.value[:60]!r}: "
                            f"repeated (first on line {seen[k.value]}); each key once"
                        )
                    seen[k.value] = k.start_mark.line + 1
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        busy.discard(key)
        sizes[key] = total
        return total

    written = len(sizes) if size(root) else 0
    if sizes[id(root)] > written + ALIAS_BUDGET:
        raise ScenarioError(
            f"{path}: aliases (*name) expand to {sizes[id(root)]:,} values, more than "
            f"{ALIAS_BUDGET:,} beyond the {written:,} written; write the values out"
        )


class _Reader:
    """Turns one parsed file into scenario parts, collecting every problem with its place."""

    def __init__(self, path: Path, where: Where) -> None:
        self.path, self.where = path, where
        self.errors: list[str] = []

    def bad(self, key: tuple[Any, ...], message: str) -> None:
        self.errors.append(locate(self.where, key, self.path, message))

    def commodity(self, item: dict[Any, Any], key: tuple[Any, ...]) -> str | None:
        """The commodity an item names (``container`` when none), in any case; None (and
        an error) when unknown."""
        try:
            return find_commodity(item.get("commodity", "container"))
        except DataError as exc:
            self.bad((*key, "commodity"), str(exc))
            return None

    def loc(self, key: tuple[Any, ...]) -> Loc:
        """The file and line of ``key`` (or of the nearest key holding it), named by ``key``."""
        probe = key
        while probe and probe not in self.where:
            probe = probe[:-1]
        file, line, _ = self.where.get(probe, (str(self.path), 0, ()))
        return (file, line, key)

    def tree(self, key: tuple[Any, ...]) -> Where:
        """Where the value at ``key`` and everything in it is written, keyed relative to it.

        A value keeps its tree through sorting and merging, so an error about it names the
        file, line and key where it is written however it ends up in the scenario.
        """
        n = len(key)
        out = {k[n:]: at for k, at in self.where.items() if k[:n] == key}
        out.setdefault((), self.loc(key))
        return out

    def located(self, value: Any, key: tuple[Any, ...]) -> dict[str, Where]:
        """Ids (see :meth:`ids`), each with the tree of its first mention in the list."""
        ids = self.ids(value, key)
        if not isinstance(value, list):
            return {fid: self.tree(key) for fid in ids}
        out: dict[str, Where] = {}
        for i, item in enumerate(value):
            if isinstance(item, str) and item in ids:
                out.setdefault(item, self.tree((*key, i)))
        return out

    def ids(self, value: Any, key: tuple[Any, ...]) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.bad(key, f"expected a list of ids; found {brief(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(item)
            else:
                self.bad((*key, i), f"expected an id (text); found {brief(item)}")
        return tuple(out)

    def change(self, value: Any, key: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
        if not isinstance(value, dict):
            self.bad(key, f"expected a mapping of id to attributes; found {brief(value)}")
            return {}
        known = {**schema("places"), **schema("links")}
        out: dict[str, dict[str, Any]] = {}
        for fid, attrs in value.items():
            sub = (*key, fid)
            if not isinstance(attrs, dict) or not attrs:
                self.bad(sub, f"expected a mapping of attribute to value; found {brief(attrs)}")
                continue
            for name, new in attrs.items():
                if name in FIXED:
                    self.bad((*sub, name), f"'{name}' cannot change; close it and add a new link")
                elif name not in known:
                    hint = difflib.get_close_matches(str(name), list(known), n=1)
                    extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                    self.bad((*sub, name), f"unknown attribute '{name}'{extra}")
                elif new is None and name == "sources":
                    self.bad((*sub, name), "cannot be removed; give source ids per attribute")
                elif new is not None:
                    problem = check_value(new, known[name], set(commodities()))
                    if problem:
                        expected = describe_expected(known[name])
                        self.bad((*sub, name), f"{problem}; expected {expected}")
            out[str(fid)] = dict(attrs)
        return out

    def avoid(self, value: Any, key: tuple[Any, ...]) -> dict[str, dict[str, Where]]:
        if not isinstance(value, dict):
            self.bad(
                key, f"expected a mapping with keys {', '.join(AVOID_KEYS)}; found {brief(value)}"
            )
            return {}
        out = {}
        for kind, ids in value.items():
            if kind not in AVOID_KEYS:
                self.bad((*key, kind), f"unknown key; expected one of {', '.join(AVOID_KEYS)}")
                continue
            out[kind] = self.located(ids, (*key, kind))
            for name, tree in out[kind].items():
                if kind in ("countries", "modes"):
                    try:
                        Avoid.of(**{kind: [name]})
                    except DataError as exc:
                        self.bad(tree[()][2], str(exc))
        return out

    def features(
        self, value: Any, key: tuple[Any, ...], geometry: str
    ) -> list[tuple[dict[str, Any], Where]]:
        """New features: GeoJSON Features, flat property mappings, or ``{file: path}``; each
        with the tree of where its properties are written (a file's features: the item)."""
        if not isinstance(value, list):
            self.bad(key, f"expected a list of features or {{file: path}}; found {brief(value)}")
            return []
        out: list[tuple[dict[str, Any], Where]] = []
        for i, item in enumerate(value):
            sub = (*key, i)
            if isinstance(item, dict) and set(item) == {"file"}:
                at = {(): self.loc(sub)}
                out.extend((f, at) for f in self.feature_file(item["file"], sub))
            elif isinstance(item, dict) and item.get("type") == "Feature":
                if not isinstance(item.get("properties"), dict):
                    self.bad(sub, "a Feature needs a 'properties' mapping")
                    continue
                tree = {
                    rel[1:] if rel[:1] == ("properties",) and len(rel) > 1 else rel: at
                    for rel, at in self.tree(sub).items()
                    if rel != ("properties",)
                }
                out.append((copy.deepcopy(item), tree))
            elif isinstance(item, dict):
                props = copy.deepcopy(item)
                geom = props.pop("geometry", None)
                if geometry == "Point" and geom is None and {"lon", "lat"} <= set(props):
                    geom = {"type": "Point", "coordinates": [props.pop("lon"), props.pop("lat")]}
                feature = {"type": "Feature", "properties": props, "geometry": geom}
                out.append((feature, self.tree(sub)))
            else:
                self.bad(sub, f"expected a feature mapping or {{file: path}}; found {brief(item)}")
        seen: set[str] = set()
        for feature, tree in out:
            fid = feature["properties"].get("id")
            if not isinstance(fid, str):
                self.bad(tree[()][2], "a new feature needs an 'id'")
            elif fid in seen:
                self.bad(tree[()][2], f"'{fid[:60]}' is given twice; ids must be unique")
            else:
                seen.add(fid)
        return out

    def feature_file(self, name: Any, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        from corridors.network.io import read_geojson_features

        if not isinstance(name, str):
            self.bad((*key, "file"), f"expected a path; found {brief(name)}")
            return []
        try:
            return list(read_geojson_features(self.path.parent / name))
        except DataError as exc:
            self.bad((*key, "file"), str(exc))
            return []

    def demand(self, value: Any, key: tuple[Any, ...]) -> tuple[DemandRow, ...] | Path:
        if isinstance(value, dict) and set(value) == {"file"}:
            name = value["file"]
            if not isinstance(name, str) or not (self.path.parent / name).is_file():
                self.bad((*key, "file"), f"no such file {brief(name)} beside the scenario")
                return ()
            return self.path.parent / name
        if not isinstance(value, list):
            self.bad(key, f"expected a list of rows or {{file: path}}; found {brief(value)}")
            return ()
        rows = []
        for i, row in enumerate(value):
            parsed = self.demand_row(row, (*key, i))
            if parsed is not None:
                rows.append(parsed)
        if rows and len(rows) == len(value) and not any(r.tonnes_per_year for r in rows):
            self.bad(key, "every row has 0 tonnes a year; there is nothing to route")
        return tuple(rows)

    def demand_row(self, row: Any, key: tuple[Any, ...]) -> DemandRow | None:
        if not isinstance(row, dict):
            self.bad(key, "expected a mapping with origin, destination, commodity, tonnes_per_year")
            return None
        allowed = {
            "origin",
            "destination",
            "commodity",
            "tonnes_per_year",
            "amount",
            "unit",
            "value_usd_per_t",
            "value_usd",
        }
        for name in sorted(set(row) - allowed, key=str):
            self.bad((*key, name), f"unknown key; expected {', '.join(sorted(allowed))}")
        missing = [k for k in ("origin", "destination") if not isinstance(row.get(k), str)]
        if missing:
            self.bad(key, f"missing {' and '.join(missing)}")
            return None
        commodity = self.commodity(row, key)
        if commodity is None:
            return None
        try:
            if "tonnes_per_year" in row:
                tpy = row["tonnes_per_year"]
            elif "value_usd" in row:
                per_t: Any = row.get("value_usd_per_t", commodities()[commodity].value_usd_per_t)
                if not _number(per_t) or per_t <= 0 or not _number(row["value_usd"]):
                    self.bad(
                        (*key, "value_usd_per_t"),
                        f"value_usd needs a value_usd_per_t > 0 (commodities.csv has none for "
                        f"{commodity})",
                    )
                    return None
                row = {**row, "value_usd_per_t": float(per_t)}
                tpy = float(row["value_usd"]) / float(per_t)
            elif "amount" in row:
                tpy = to_tpy(float(row["amount"]), str(row.get("unit", "t/yr")), commodity)
            else:
                self.bad(key, "missing tonnes_per_year (or amount and unit, or value_usd)")
                return None
        except (CorridorsError, TypeError, ValueError) as exc:
            self.bad((*key, "unit"), f"{exc}")
            return None
        if not _number(tpy) or tpy < 0:
            self.bad((*key, "tonnes_per_year"), f"is {brief(tpy)}; expected t/yr >= 0")
            return None
        value = row.get("value_usd_per_t")
        if value is not None and (not _number(value) or value < 0):
            self.bad((*key, "value_usd_per_t"), f"is {brief(value)}; expected a number >= 0")
            return None
        return DemandRow(row["origin"], row["destination"], commodity, float(tpy), value)

    def jobs(
        self, value: Any, key: tuple[Any, ...]
    ) -> tuple[list[tuple[RouteJob, Where]], list[tuple[ThroughputJob, Where]]]:
        """Route and throughput jobs, each with the tree of where it is written."""
        if not isinstance(value, dict):
            self.bad(key, f"expected a mapping with routes and throughput; found {brief(value)}")
            return [], []
        for name in value:
            if name not in ("routes", "throughput"):
                self.bad((*key, name), "unknown key; expected routes or throughput")
        routes = [
            (r, self.tree((*key, "routes", i)))
            for i, item in enumerate(self.items(value.get("routes", []), (*key, "routes")))
            if (r := self.route_job(item, (*key, "routes", i))) is not None
        ]
        flows = [
            (t, self.tree((*key, "throughput", i)))
            for i, item in enumerate(self.items(value.get("throughput", []), (*key, "throughput")))
            if (t := self.throughput_job(item, (*key, "throughput", i))) is not None
        ]
        return routes, flows

    def items(self, value: Any, key: tuple[Any, ...]) -> list[Any]:
        if not isinstance(value, list):
            self.bad(key, f"expected a list; found {brief(value)}")
            return []
        return value

    def route_job(self, item: Any, key: tuple[Any, ...]) -> RouteJob | None:
        if isinstance(item, list) and len(item) in (2, 3) and all(isinstance(v, str) for v in item):
            item = dict(zip(("from", "to", "commodity"), item, strict=False))
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("from", "to")
        ):
            self.bad(key, f"expected [origin, destination] or {{from, to}}; found {brief(item)}")
            return None
        extra = set(item) - {"from", "to", "commodity", "by", "name"}
        if extra:
            self.bad(
                (*key, sorted(extra)[0]), "unknown key; expected from, to, commodity, by, name"
            )
        commodity, by = self.commodity(item, key), item.get("by", "time")
        if commodity is None:
            return None
        if by not in ("time", "cost", "distance", "co2"):
            self.bad((*key, "by"), f"is {brief(by)}; expected time, cost, distance or co2")
            return None
        return RouteJob(item["from"], item["to"], commodity, by, str(item.get("name", "")))

    def throughput_job(self, item: Any, key: tuple[Any, ...]) -> ThroughputJob | None:
        if not isinstance(item, dict):
            self.bad(key, f"expected {{from, to, commodity}}; found {brief(item)}")
            return None
        extra = set(item) - {"from", "to", "commodity", "name"}
        if extra:
            self.bad((*key, sorted(extra)[0]), "unknown key; expected from, to, commodity, name")
        ends = {}
        for end in ("from", "to"):
            value = item.get(end)
            ends[end] = self.ids(value, (*key, end)) if value is not None else ()
            if not ends[end]:
                self.bad((*key, end), "expected one or more places")
        commodity = self.commodity(item, key)
        if commodity is None:
            return None
        if not (ends["from"] and ends["to"]):
            return None
        return ThroughputJob(ends["from"], ends["to"], commodity, str(item.get("name", "")))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _read(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """The merged parts of one file and the files it extends (parents first).

    Values whose place in the scenario is not their place in the file (ids of ``open``,
    ``close`` and ``avoid``, new features, jobs) are kept with the tree of where they are
    written; ``parts["where"]`` holds the locations of the others, by their key.
    """
    resolved = path.resolve()
    if resolved in chain:
        loop = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError(f"{path}: 'extends' makes a loop: {loop}")
    data, file_where = _parse(path)
    reader = _Reader(path, file_where)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}, line 1: expected a mapping of keys; found {type(data).__name__}"
        )
    for key in data:
        if key not in KEYS:
            hint = difflib.get_close_matches(str(key), KEYS, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else f"; expected {', '.join(KEYS)}"
            reader.bad((key,), f"unknown key{extra}")
    parts = _parent_parts(reader, data, (*chain, resolved))
    _read_header(reader, data, parts)
    _read_open_close(reader, data, parts)
    _read_changes(reader, data, parts)
    _read_additions(reader, data, parts)
    if reader.errors:
        count = (
            f"{len(reader.errors)} error(s) in scenario {path}:\n" if len(reader.errors) > 1 else ""
        )
        raise ScenarioError(count + "\n".join(reader.errors))
    return parts


def _parent_parts(reader: _Reader, data: dict[Any, Any], chain: tuple[Path, ...]) -> dict[str, Any]:
    """The parts of the file ``extends:`` names (read first), or empty parts."""
    parts: dict[str, Any] = {"where": {}, "extends": ()}
    if "extends" not in data:
        return parts
    parent = data["extends"]
    if not isinstance(parent, str):
        reader.bad(("extends",), f"expected a path to a scenario file; found {brief(parent)}")
        return parts
    parent_path = reader.path.parent / parent
    if not parent_path.exists():
        reader.bad(("extends",), f"no such file {parent_path}")
        return parts
    parts = _read(parent_path, chain)
    parts["extends"] = (*parts["extends"], parent_path)
    parts.pop("name", None)  # a name is never inherited: it defaults to the stem
    _drop(parts["where"], ("name",))
    return parts


def _read_header(reader: _Reader, data: dict[Any, Any], parts: dict[str, Any]) -> None:
    """``name``, ``description`` and ``year`` over the parent's (located)."""
    where: Where = parts["where"]
    where[()] = reader.loc(())
    for key in ("name", "description", "year", "extends"):
        if key in data:
            where[(key,)] = reader.loc((key,))
    for key in ("name", "description"):
        if key in data:
            if isinstance(data[key], str) and data[key].strip():
                parts[key] = data[key].strip()
            else:
                reader.bad((key,), f"expected text; found {brief(data[key])}")
    if "year" in data:
        year = data["year"]
        if year is None or (
            isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2200
        ):
            parts["year"] = year  # null clears a parent's year
        else:
            reader.bad(("year",), f"is {brief(year)}; expected a year such as 2030")


def _read_open_close(reader: _Reader, data: dict[Any, Any], parts: dict[str, Any]) -> None:
    """Ids opened and closed, added to the parent's; the later word on an id wins."""
    opened: dict[str, Where] = dict(parts.get("open", {}))
    closed: dict[str, Where] = dict(parts.get("close", {}))
    new_open = reader.located(data["open"], ("open",)) if "open" in data else {}
    new_close = reader.located(data["close"], ("close",)) if "close" in data else {}
    for fid, tree in new_open.items():
        opened[fid] = tree
        closed.pop(fid, None)
    for fid, tree in new_close.items():
        closed[fid] = tree
        opened.pop(fid, None)
    for both in sorted(set(new_open) & set(new_close)):
        reader.bad(new_close[both][()][2], f"'{both}' is both opened and closed")
    parts["open"], parts["close"] = opened, closed


def _read_changes(reader: _Reader, data: dict[Any, Any], parts: dict[str, Any]) -> None:
    """``change`` merged into the parent's per attribute; ``avoid`` lists replacing its."""
    where: Where = parts["where"]
    if "change" in data:
        merged = {k: dict(v) for k, v in parts.get("change", {}).items()}
        for fid, attrs in reader.change(data["change"], ("change",)).items():
            _merge_change(merged.setdefault(fid, {}), attrs, where, ("change", fid))
            _mount(where, ("change", fid), reader.tree(("change", fid)))
        parts["change"] = merged
    if "avoid" in data:
        avoid = dict(parts.get("avoid", {}))
        avoid.update(reader.avoid(data["avoid"], ("avoid",)))  # a child's list replaces
        parts["avoid"] = avoid


def _read_additions(reader: _Reader, data: dict[Any, Any], parts: dict[str, Any]) -> None:
    """New features and jobs added to the parent's (by id; a repeated job once); demand
    replacing the parent's."""
    where: Where = parts["where"]
    for key, geometry in (("new_places", "Point"), ("new_links", "LineString")):
        if key in data:
            inherited = dict(parts.get(key, {}))
            for feature, tree in reader.features(data[key], (key,), geometry):
                inherited[feature["properties"].get("id")] = (feature, tree)
            parts[key] = inherited
    if "demand" in data:
        demand = reader.demand(data["demand"], ("demand",))
        parts["demand"], parts["demand_file"] = (
            (None, demand) if isinstance(demand, Path) else (demand, None)
        )
        _drop(where, ("demand",))
        _mount(where, ("demand",), reader.tree(("demand",)))
    if "jobs" in data:
        routes, flows = reader.jobs(data["jobs"], ("jobs",))
        for name, found in (("routes", routes), ("throughput", flows)):
            jobs: dict[Any, Where] = dict(parts.get(name, {}))
            for job, tree in found:
                jobs.setdefault(job, tree)  # repeats run once, where first written
            parts[name] = jobs


def _merge_change(
    target: dict[str, Any], attrs: dict[str, Any], where: Where, key: tuple[Any, ...]
) -> None:
    """A child's change over its parent's: per attribute, and per attribute within
    ``ranges`` and ``sources`` (``estimates`` add up), as a change is applied to a feature."""
    for name, value in attrs.items():
        old = target.get(name)
        if name in ("ranges", "sources") and isinstance(value, dict) and isinstance(old, dict):
            target[name] = {**old, **value}
            for attr in value:
                _drop(where, (*key, name, attr))
        elif name == "estimates" and isinstance(value, list) and isinstance(old, list):
            target[name] = list(dict.fromkeys([*old, *value]))
        else:
            target[name] = value
            _drop(where, (*key, name))


def read_file(path: Path) -> Scenario:
    """A scenario from a file and the files it extends (see
    :func:`corridors.scenarios.apply.read_scenario`).

    ``Scenario.where`` is keyed by the scenario's own addresses (``("close", 0)`` is the first
    id of ``Scenario.close``, which is sorted); each gives the file, line and key where that
    value is written, so errors found later name the right place.
    """
    parts = _read(path, ())
    where: Where = parts.pop("where")

    def placed(prefix: tuple[Any, ...], trees: Iterable[Where]) -> None:
        for i, tree in enumerate(trees):
            _mount(where, (*prefix, i), tree)

    opened, closed = parts.pop("open"), parts.pop("close")
    placed(("open",), (opened[k] for k in sorted(opened)))
    placed(("close",), (closed[k] for k in sorted(closed)))
    avoid = parts.pop("avoid", {})
    for kind, ids in avoid.items():
        placed(("avoid", kind), (ids[k] for k in sorted(ids)))
    new: dict[str, tuple[dict[str, Any], ...]] = {}
    for key in ("new_places", "new_links"):
        items = list(parts.pop(key, {}).values())
        placed((key,), (tree for _, tree in items))
        new[key] = tuple(f for f, _ in items)
    jobs: dict[str, tuple[Any, ...]] = {}
    for name in ("routes", "throughput"):
        found = parts.pop(name, {})
        placed(("jobs", name), found.values())
        jobs[name] = tuple(found)
    return Scenario(
        name=parts.pop("name", path.stem),
        open=tuple(sorted(opened)),
        close=tuple(sorted(closed)),
        avoid=Avoid.of(**{kind: tuple(ids) for kind, ids in avoid.items()}),
        new_places=new["new_places"],
        new_links=new["new_links"],
        routes=jobs["routes"],
        throughput=jobs["throughput"],
        path=path,
        where=where,
        **parts,
    )
