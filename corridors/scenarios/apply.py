"""What-if scenarios: YAML files that say what differs from the base network, and applying them.

A scenario file names what changes: links or places opened, closed or changed, countries,
corridors or modes avoided, new places and links, a demand table, the year of the network, and
the jobs to compare (route pairs and throughput queries). ``extends:`` builds on another file.
Every key, value and reference is checked before anything runs; an error names the file, the
line and the key. :func:`apply_scenario` returns a new graph and never touches the base.

A scenario file::

    name: btk-upgrade
    description: BTK upgraded to 17 Mt/yr and Alat to 25 Mt/yr
    year: 2030
    extends: base.yaml            # relative to this file; this file's keys win, lists of
                                  # open/close add to the parent's, avoid lists replace them
    open: [rail:horadiz-aghband]  # links or places brought into service
    close: [port:makhachkala]     # links or places taken out of service
    change:                       # attributes of links or places
      rail:btk: {capacity_tpy: 17000000}
    avoid: {countries: [RU], corridors: [northern]}
    new_places: [...]             # GeoJSON features or flat properties with lon/lat
    new_links: [{file: new_links.geojson}]
    demand:                       # tonnes_per_year, or amount and unit, or value_usd and
      - {origin: Aktau, destination: Kars, commodity: container, amount: 1, unit: Mt/yr}
      - {origin: Baku, destination: Aktau, value_usd: 5.0e+8}  # value per t: commodities.csv
    jobs:
      routes: [[Baku, Kars], {from: Aktau, to: Ceyhan, commodity: oil}]
      throughput: [{from: [Aktau, Kuryk], to: [Kars], commodity: container}]
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from corridors.exceptions import CorridorsError, ScenarioError
from corridors.network.geometry import line_length_km
from corridors.network.lookup import find_place
from corridors.network.model import build_graph
from corridors.network.reference import commodities
from corridors.network.schema import schema
from corridors.network.validation import validate_features
from corridors.scenarios.model import KEYS as KEYS  # re-exported: the keys a file may hold
from corridors.scenarios.model import (
    SCENARIO_SOURCE,
    DemandRow,
    RouteJob,
    Scenario,
    ThroughputJob,
    locate,
)

__all__ = [
    "DemandRow",
    "RouteJob",
    "Scenario",
    "ThroughputJob",
    "apply_scenario",
    "check_scenario",
    "load_scenario",
    "read_scenario",
]

_SINGULAR = {
    "countries": "country",
    "places": "place",
    "links": "link",
    "modes": "mode",
    "corridors": "corridor",
}


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file (and the files it extends) without checking it against a network.

    Raises
    ------
    ScenarioError
        A malformed file, an unknown key or attribute, or a bad value; the message names the
        file, the line and the key of each problem.
    """
    from corridors.scenarios.files import read_file  # loads yaml: only when a file is read

    return read_file(Path(path))


def load_scenario(path: str | os.PathLike[str], G: nx.MultiDiGraph | None = None) -> Scenario:
    """Read a scenario file and, given a network, check every reference against it.

    Parameters
    ----------
    path
        A YAML scenario file (see the module docstring for its keys).
    G
        The network the scenario will be applied to; when given, unknown links, places,
        countries and corridors are errors now rather than when the scenario runs.

    Raises
    ------
    ScenarioError
        Naming the file, the line and the key of each problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "s.yaml").write_text("name: no-sea\\nyear: 2030\\navoid: {modes: [sea]}\\n")
    >>> s = load_scenario(folder / "s.yaml")
    >>> s.name, s.year, sorted(s.avoid.modes)
    ('no-sea', 2030, ['sea'])
    """
    scenario = read_scenario(path)
    if G is not None:
        check_scenario(G, scenario)
    return scenario


# --------------------------------------------------------------------------- checking


def _link_ids(G: nx.MultiDiGraph) -> dict[str, tuple[str, str]]:
    return {k: (u, v) for u, v, k, d in G.edges(keys=True, data=True) if not d.get("reverse")}


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _new_features(
    G: nx.MultiDiGraph, scenario: Scenario
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The scenario's new places and links as complete features (defaults filled in)."""
    places = []
    for feature in scenario.new_places:
        f = copy.deepcopy(dict(feature))
        _cite(f["properties"], "places")
        places.append(f)
    coords = {n: [d["x"], d["y"]] for n, d in G.nodes(data=True)}
    coords.update(
        {
            f["properties"]["id"]: f["geometry"]["coordinates"]
            for f in places
            if isinstance(f.get("geometry"), dict)
        }
    )
    links = []
    for feature in scenario.new_links:
        f = copy.deepcopy(dict(feature))
        props = f["properties"]
        if f.get("geometry") is None and props.get("from") in coords and props.get("to") in coords:
            f["geometry"] = {
                "type": "LineString",
                "coordinates": [coords[props["from"]], coords[props["to"]]],
            }
        if "length_km" not in props and isinstance(f.get("geometry"), dict):
            with contextlib.suppress(TypeError, ValueError, IndexError):  # validation names it
                props["length_km"] = round(line_length_km(f["geometry"]["coordinates"]), 1)
        _cite(props, "links")
        links.append(f)
    return places, links


def _cite(props: dict[str, Any], feature: str) -> None:
    """Cite the scenario for each figure given without a source."""
    attrs = schema(feature)
    sources = dict(props.get("sources") or {})
    for name, attr in attrs.items():
        if attr.type in ("float", "per_commodity") and props.get(name) is not None:
            sources.setdefault(name, [SCENARIO_SOURCE])
    props["sources"] = sources


def _base_features(G: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from corridors.network.io import network_features

    return network_features(G)


#: Records one problem: the scenario's address of the value and the message.
Bad = Callable[[tuple[Any, ...], str], None]


def check_scenario(G: nx.MultiDiGraph, scenario: Scenario) -> None:
    """Check every reference of ``scenario`` against ``G``: ids, countries, corridors, places.

    Raises
    ------
    ScenarioError
        Listing every problem, each with the file, line and key it comes from.
    """
    errors: list[str] = []

    def bad(key: tuple[Any, ...], message: str) -> None:
        errors.append(locate(scenario.where, key, scenario.path, message))

    links = _link_ids(G)
    new_places, new_links = _new_features(G, scenario)
    place_ids = set(G) | {f["properties"]["id"] for f in new_places}
    link_ids = set(links) | {f["properties"]["id"] for f in new_links}
    _check_open_close(scenario, place_ids, link_ids, bad)
    _check_changes(scenario, place_ids, link_ids, _source_ids(G), bad)
    _check_estimates(G, links, scenario, bad)
    _check_avoid(G, links, scenario, place_ids, link_ids, bad)
    _check_new_features(G, links, new_places, new_links, bad)
    _check_places_named(G, scenario, new_places, bad)
    if errors:
        head = f"{len(errors)} error(s) in scenario '{scenario.name}':\n" if len(errors) > 1 else ""
        raise ScenarioError(head + "\n".join(errors))


def _check_open_close(
    scenario: Scenario, place_ids: set[str], link_ids: set[str], bad: Bad
) -> None:
    """Every id opened or closed is a link or place of the network or the scenario."""
    for key, ids in (("open", scenario.open), ("close", scenario.close)):
        for i, fid in enumerate(ids):
            if fid not in place_ids and fid not in link_ids:
                bad(
                    (key, i),
                    f"unknown link or place '{fid}'{_did_you_mean(fid, place_ids | link_ids)}",
                )


def _check_changes(
    scenario: Scenario,
    place_ids: set[str],
    link_ids: set[str],
    known_sources: set[str] | None,
    bad: Bad,
) -> None:
    """Every changed feature exists, and every attribute and source id it names is known."""
    for fid, attrs in scenario.change.items():
        if fid in link_ids:
            kind = "links"
        elif fid in place_ids:
            kind = "places"
        else:
            hint = _did_you_mean(fid, place_ids | link_ids)
            bad(("change", fid), f"unknown link or place '{fid}'{hint}")
            continue
        table = schema(kind)
        for name, value in attrs.items():
            if name not in table:
                bad(("change", fid, name), f"'{name}' is not an attribute of {kind}")
            elif value is None and table[name].required:
                bad(("change", fid, name), f"'{name}' is required and cannot be removed")
        for name, ids in (attrs.get("sources") or {}).items():
            if name not in table:
                bad(("change", fid, "sources", name), f"'{name}' is not an attribute of {kind}")
            for j, sid in enumerate(ids):
                if known_sources is not None and sid not in known_sources:
                    hint = _did_you_mean(sid, known_sources)
                    bad(
                        ("change", fid, "sources", name, j),
                        f"unknown source id '{sid}'{hint}; expected an id of the network's "
                        f"sources.csv, or '{SCENARIO_SOURCE}'",
                    )


def _check_avoid(
    G: nx.MultiDiGraph,
    links: Mapping[str, tuple[str, str]],
    scenario: Scenario,
    place_ids: set[str],
    link_ids: set[str],
    bad: Bad,
) -> None:
    """Every country, place, link and corridor avoided is one of the network's."""
    countries = {d.get("country") for _, d in G.nodes(data=True)}
    corridors = {
        c for d in (G.edges[u, v, k] for k, (u, v) in links.items()) for c in d.get("corridors", ())
    }
    for kind, known in (
        ("countries", countries),
        ("places", place_ids),
        ("links", link_ids),
        ("corridors", corridors),
    ):
        for i, name in enumerate(sorted(getattr(scenario.avoid, kind))):
            if name not in known:
                hint = _did_you_mean(name, (k for k in known if k))
                bad(("avoid", kind, i), f"unknown {_SINGULAR[kind]} '{name}'{hint}")


def _check_new_features(
    G: nx.MultiDiGraph,
    links: Mapping[str, tuple[str, str]],
    new_places: list[dict[str, Any]],
    new_links: list[dict[str, Any]],
    bad: Bad,
) -> None:
    """New places and links are new, and valid features joined to the network's places."""
    for kind, feats, existing in (
        ("new_places", new_places, set(G)),
        ("new_links", new_links, set(links)),
    ):
        for i, f in enumerate(feats):
            fid = f["properties"].get("id")
            if fid in existing:
                bad((kind, i, "id"), f"'{fid}' already exists in the network; use change:")
    if not (new_places or new_links):
        return
    base_places, _ = _base_features(G)
    report = validate_features(
        base_places + new_places,
        new_links,
        places_file="new_places",
        links_file="new_links",
        commodities=commodities(),
        sources=_source_ids(G),
    )
    index = {
        ("new_places" if kind == "places" else "new_links", f["properties"]["id"]): i
        for kind, feats in (("places", new_places), ("links", new_links))
        for i, f in enumerate(feats)
    }
    for issue in report.errors:
        at = index.get((issue.file, issue.feature))
        if at is None:
            continue  # a problem of the base network, not of the scenario
        where = (issue.file, at, issue.field) if issue.field else (issue.file, at)
        bad(where, f"'{issue.feature}': {issue.message}")


def _check_places_named(
    G: nx.MultiDiGraph, scenario: Scenario, new_places: list[dict[str, Any]], bad: Bad
) -> None:
    """Every place a job or a demand row (or the demand file) names is found."""
    places = _with_places(G, new_places)
    for i, job in enumerate(scenario.routes):
        for end, name in (("from", job.origin), ("to", job.destination)):
            _check_place(places, name, ("jobs", "routes", i, end), bad)
    for i, flow in enumerate(scenario.throughput):
        for end, names in (("from", flow.origins), ("to", flow.destinations)):
            for j, name in enumerate(names):
                _check_place(places, name, ("jobs", "throughput", i, end, j), bad)
    for i, row in enumerate(scenario.demand or ()):
        for end, name in (("origin", row.origin), ("destination", row.destination)):
            _check_place(places, name, ("demand", i, end), bad)
    if scenario.demand_file is not None:
        from corridors.analysis.demand import read_demand

        try:
            read_demand(scenario.demand_file, places)
        except CorridorsError as exc:
            bad(("demand", "file"), str(exc))


def _check_estimates(
    G: nx.MultiDiGraph, links: Mapping[str, tuple[str, str]], scenario: Scenario, bad: Bad
) -> None:
    """Every figure a changed feature still calls an estimate must keep a [low, high] range
    (else a sweep would silently hold it fixed)."""
    for fid, changes in scenario.change.items():
        if fid in links:
            attrs = copy.deepcopy(G.edges[(*links[fid], fid)])
        elif fid in G:
            attrs = copy.deepcopy(G.nodes[fid])
        else:
            continue  # a new feature: validated with the new features
        _apply_change(attrs, changes)  # values already checked by the reader
        ranges = attrs.get("ranges") if isinstance(attrs.get("ranges"), dict) else {}
        for name in attrs.get("estimates") or ():
            if isinstance(name, str) and name not in ranges:
                bad(
                    ("change", fid, "estimates"),
                    f"estimate '{name}' of '{fid}' has no [low, high] range; add ranges.{name}",
                )


def _source_ids(G: nx.MultiDiGraph) -> set[str] | None:
    """The source ids figures may cite in ``G`` (its sources table and ``scenario``); None
    when ``G`` has no sources table, so ids are not looked up."""
    table = G.graph.get("sources")
    return None if table is None else {*table, SCENARIO_SOURCE}


def _with_places(G: nx.MultiDiGraph, new_places: list[dict[str, Any]]) -> nx.MultiDiGraph:
    """The places of ``G`` and the scenario's new ones (no links): what names in jobs and
    demand rows are looked up in, so a new place is found by its id, name or alias."""
    if not new_places:
        return G
    places = nx.MultiDiGraph()
    places.add_nodes_from(G.nodes(data=True))
    places.add_nodes_from(
        (f["properties"]["id"], f["properties"]) for f in new_places if "id" in f["properties"]
    )
    return places


def _check_place(G: nx.MultiDiGraph, name: str, key: tuple[Any, ...], bad: Bad) -> None:
    try:
        find_place(G, name)
    except CorridorsError as exc:
        bad(key, str(exc))


# --------------------------------------------------------------------------- applying


META = ("ranges", "estimates", "sources")  # what is said about figures, per attribute


def _is_figure(name: str) -> bool:
    """Whether attribute ``name`` is a figure that must cite its sources."""
    attr = schema("links").get(name) or schema("places").get(name)
    return attr is not None and attr.type in ("float", "per_commodity")


def _apply_change(attrs: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """Set ``changes`` on an attribute dict in place.

    A changed attribute is a new figure: it loses its range, its place in ``estimates`` and
    its sources, and cites ``scenario`` if it is a figure. Then ``ranges``, ``estimates`` and
    ``sources`` given in the change are merged in per attribute (``null`` for ``ranges`` or
    ``estimates`` clears the whole mapping or list).
    """
    ranges = dict(attrs.get("ranges") or {})
    estimates = list(attrs.get("estimates") or [])
    sources = dict(attrs.get("sources") or {})
    for name, value in changes.items():
        if name in META:
            continue
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = copy.deepcopy(value)
        ranges.pop(name, None)
        if name in estimates:
            estimates.remove(name)
        sources.pop(name, None)
        if value is not None and _is_figure(name):
            sources[name] = [SCENARIO_SOURCE]
    if "ranges" in changes:
        ranges = {**ranges, **copy.deepcopy(changes["ranges"])} if changes["ranges"] else {}
    if "estimates" in changes:
        given = changes["estimates"] or []
        estimates = list(dict.fromkeys([*estimates, *given])) if given else []
    sources.update(copy.deepcopy(changes.get("sources") or {}))
    for name, value in (("ranges", ranges), ("estimates", estimates), ("sources", sources)):
        if value or name in attrs:
            attrs[name] = value


def apply_scenario(G: nx.MultiDiGraph, scenario: Scenario) -> nx.MultiDiGraph:
    """Return a new network with ``scenario`` applied; ``G`` is left exactly as it was.

    Opening a link or place makes it operational with no open or close year; closing one
    gives it status ``closed`` (so it stays on maps but carries nothing); avoided countries'
    places and avoided corridors', modes' and links' links are closed the same way. A changed
    figure loses its low/high range unless the change gives one, and cites the sources the
    change gives for it, else ``scenario`` (an entry of ``G.graph["sources"]`` meaning "set by
    this scenario"). The result has ``G.graph["scenario"]`` and ``G.graph["year"]`` set.

    Raises
    ------
    ScenarioError
        When the scenario names something ``G`` does not have (see :func:`check_scenario`).

    Examples
    --------
    >>> from corridors import load_network
    >>> G = load_network()
    >>> H = apply_scenario(G, Scenario("no-btc", close=("pipeline:btc",)))
    >>> H.edges["terminal:sangachal", "terminal:ceyhan", "pipeline:btc"]["status"]
    'closed'
    >>> G.edges["terminal:sangachal", "terminal:ceyhan", "pipeline:btc"].get("status")
    """
    check_scenario(G, scenario)
    new_places, new_links = _new_features(G, scenario)
    H = nx.MultiDiGraph()
    H.graph.update(copy.deepcopy(G.graph))
    H.add_nodes_from((n, copy.deepcopy(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, k, copy.deepcopy(d)) for u, v, k, d in G.edges(keys=True, data=True))
    if new_places or new_links:
        extra = build_graph(new_places, new_links)
        H.add_nodes_from(extra.nodes(data=True))
        H.add_edges_from(extra.edges(keys=True, data=True))
    links = _link_ids(H)

    def attrs_of(fid: str) -> list[dict[str, Any]]:
        if fid in links:
            u, v = links[fid]
            return [d for _, _, k, d in H.edges([u, v], keys=True, data=True) if k == fid]
        return [H.nodes[fid]]

    for fid, changes in sorted(scenario.change.items()):
        for attrs in attrs_of(fid):
            _apply_change(attrs, changes)
    closing = set(scenario.close) | scenario.avoid.places | scenario.avoid.links
    closing |= {n for n, d in H.nodes(data=True) if d.get("country") in scenario.avoid.countries}
    closing |= {
        k
        for k, (u, v) in links.items()
        if H.edges[u, v, k]["mode"] in scenario.avoid.modes
        or scenario.avoid.corridors.intersection(H.edges[u, v, k].get("corridors", ()))
    }
    for fid in sorted(scenario.open):
        for attrs in attrs_of(fid):
            _apply_change(attrs, {"status": "operational", "open_year": None, "close_year": None})
    for fid in sorted(closing):
        for attrs in attrs_of(fid):
            _apply_change(attrs, {"status": "closed", "open_year": None, "close_year": None})
    H.graph["scenario"] = scenario.name
    H.graph["year"] = scenario.year
    if isinstance(H.graph.get("sources"), dict):
        H.graph["sources"].setdefault(
            SCENARIO_SOURCE,
            {
                "id": SCENARIO_SOURCE,
                "title": f"Set by scenario '{scenario.name}'",
                "publisher": "corridors scenario",
                "date": "",
                "url": "",
            },
        )
    return H
