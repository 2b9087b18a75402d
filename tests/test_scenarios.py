"""Scenario files on the tiny network (tests/tiny.py): every kind of change, and every bad file.

By time A->D goes by land (rail:a-g, rail:g-c, rail:c-d: 16 h); with the land route closed it
goes by sea (rail:a-b, sea:b-c, rail:c-d: 21 h). See tests/tiny.py for the hand calculation.
"""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path

import networkx as nx
import pytest

import corridors
from corridors import ScenarioError, route
from corridors.scenarios.apply import (
    DemandRow,
    RouteJob,
    Scenario,
    ThroughputJob,
    apply_scenario,
    check_scenario,
    load_scenario,
    read_scenario,
)
from tests import tiny

LAND = ["rail:a-g", "rail:g-c", "rail:c-d"]
SEA = ["rail:a-b", "sea:b-c", "rail:c-d"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def snapshot(G: nx.MultiDiGraph) -> tuple:
    """Everything a graph holds, deep-copied, for before/after comparisons."""
    return (
        copy.deepcopy(dict(G.graph)),
        copy.deepcopy(sorted(G.nodes(data=True))),
        copy.deepcopy(sorted(G.edges(keys=True, data=True), key=lambda e: (e[2], e[0]))),
    )


@pytest.fixture
def graph(tmp_path: Path) -> nx.MultiDiGraph:
    """The tiny network with corridors on its land route and a planned link C->D2."""
    places, links = tiny.features()
    for f in links:
        if f["properties"]["id"] in ("rail:a-g", "rail:g-c"):
            f["properties"]["corridors"] = ["land"]
        if f["properties"]["id"] == "sea:b-c":
            f["properties"]["ranges"] = {"time_h": [8.0, 30.0]}
            f["properties"]["estimates"] = ["time_h"]
    d2 = tiny.place("station:d2", 1.35, 3.0, "XB", "rail_station")
    c = next(p for p in places if p["properties"]["id"] == "port:c")
    links.append(
        tiny.link(
            "rail:c-d2",
            c,
            d2,
            "rail",
            40.0,
            gauge_mm=1435,
            time_h=1.0,
            status="planned",
            open_year=2029,
        )
    )
    folder = tmp_path / "net"
    folder.mkdir()
    return corridors.read_network(*tiny.write(folder, [*places, d2], links))


# --------------------------------------------------------------------------- reading


def test_a_full_file_reads_into_typed_objects(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "full.yaml",
        """
        name: everything
        description: every kind of change
        year: 2030
        open: [rail:c-d2]
        close: [sea:b-c, port:b]
        change:
          rail:a-g: {capacity_tpy: 4000000, time_h: 4.5}
          border:g: {border_h: 0.5}
        avoid:
          {countries: [XQ], corridors: [land], modes: [road], places: [port:c], links: [rail:c-d]}
        demand:
          - {origin: station:a, destination: station:d, commodity: container, tonnes_per_year: 5}
          - {origin: station:a, destination: station:d, commodity: general, amount: 2, unit: Mt/yr}
        jobs:
          routes: [[station:a, station:d], {from: A, to: D, commodity: general, by: cost}]
          throughput: [{from: [station:a], to: station:d, name: a-d}]
        """,
    )
    s = read_scenario(path)
    assert (s.name, s.description, s.year) == ("everything", "every kind of change", 2030)
    assert s.open == ("rail:c-d2",) and s.close == ("port:b", "sea:b-c")
    assert s.change == {
        "rail:a-g": {"capacity_tpy": 4_000_000, "time_h": 4.5},
        "border:g": {"border_h": 0.5},
    }
    assert s.avoid == corridors.Avoid.of(
        countries=["XQ"], corridors=["land"], modes=["road"], places=["port:c"], links=["rail:c-d"]
    )
    assert s.demand == (
        DemandRow("station:a", "station:d", "container", 5.0),
        DemandRow("station:a", "station:d", "general", 2e6),
    )
    assert s.routes == (
        RouteJob("station:a", "station:d"),
        RouteJob("A", "D", "general", "cost"),
    )
    assert s.throughput == (ThroughputJob(("station:a",), ("station:d",), "container", "a-d"),)


def test_extends_merges_parent_first_and_child_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parent.yaml",
        """
        name: parent
        year: 2030
        close: [sea:b-c]
        change: {rail:a-g: {time_h: 4.0, capacity_tpy: 1}}
        avoid: {modes: [road]}
        jobs: {routes: [[station:a, station:d]]}
        """,
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    write(
        sub,
        "child.yaml",
        """
        name: child
        extends: ../parent.yaml
        open: [sea:b-c]
        close: [rail:g-c]
        change: {rail:a-g: {time_h: 3.0}}
        avoid: {modes: [pipeline]}
        jobs: {routes: [[station:a, station:d], [station:a, port:c]]}
        """,
    )
    s = read_scenario(sub / "child.yaml")
    assert s.name == "child" and s.year == 2030
    assert s.open == ("sea:b-c",) and s.close == ("rail:g-c",)
    assert s.change == {"rail:a-g": {"time_h": 3.0, "capacity_tpy": 1}}
    assert s.avoid.modes == {"pipeline"}  # an avoid list replaces the parent's
    assert [j.destination for j in s.routes] == ["station:d", "port:c"]
    assert s.extends == (sub / "../parent.yaml",)


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    assert read_scenario(write(tmp_path, "quiet.yaml", "year: 2030\n")).name == "quiet"


# --------------------------------------------------------------------------- applying


def test_closing_a_link_moves_the_route_to_the_sea(graph: nx.MultiDiGraph) -> None:
    assert route(graph, "station:a", "station:d")[0].links == LAND
    H = apply_scenario(graph, Scenario("no-g-c", close=("rail:g-c",)))
    (best,) = route(H, "station:a", "station:d")
    assert best.links == SEA and best.total.time_h == pytest.approx(21.0)
    assert H.edges["border:g", "port:c", "rail:g-c"]["status"] == "closed"
    assert H.edges["port:c", "border:g", "rail:g-c"]["status"] == "closed"  # both directions


def test_closing_a_place_closes_its_links(graph: nx.MultiDiGraph) -> None:
    H = apply_scenario(graph, Scenario("no-g", close=("border:g",)))
    assert route(H, "station:a", "station:d")[0].links == SEA


def test_avoiding_a_corridor_a_mode_a_country(graph: nx.MultiDiGraph) -> None:
    by_corridor = apply_scenario(graph, Scenario("x", avoid=corridors.Avoid.of(corridors=["land"])))
    assert route(by_corridor, "station:a", "station:d")[0].links == SEA
    by_mode = apply_scenario(graph, Scenario("x", avoid=corridors.Avoid.of(modes=["sea"])))
    assert route(by_mode, "station:a", "station:d")[0].links == LAND
    by_country = apply_scenario(graph, Scenario("x", avoid=corridors.Avoid.of(countries=["XB"])))
    assert by_country.nodes["port:c"]["status"] == "closed"
    with pytest.raises(corridors.NoRouteError):
        route(by_country, "station:a", "station:d")


def test_changing_a_figure_changes_the_route_and_drops_its_range(graph: nx.MultiDiGraph) -> None:
    H = apply_scenario(graph, Scenario("fast-sea", change={"sea:b-c": {"time_h": 2.0}}))
    (best,) = route(H, "station:a", "station:d")
    assert best.links == SEA and best.total.time_h == pytest.approx(13.0)  # 21 - 10 + 2
    edge = H.edges["port:b", "port:c", "sea:b-c"]
    assert edge["time_h"] == 2.0 and edge["ranges"] == {} and edge["estimates"] == []
    kept = apply_scenario(
        graph,
        Scenario("fast-sea", change={"sea:b-c": {"time_h": 2.0, "ranges": {"time_h": [1, 3]}}}),
    )
    assert kept.edges["port:b", "port:c", "sea:b-c"]["ranges"] == {"time_h": [1, 3]}


def test_opening_a_planned_link_brings_it_into_service(graph: nx.MultiDiGraph) -> None:
    with pytest.raises(corridors.NoRouteError):
        route(graph, "station:a", "station:d2")
    H = apply_scenario(graph, Scenario("d2", open=("rail:c-d2",)))
    assert route(H, "station:a", "station:d2")[0].links == ["rail:a-g", "rail:g-c", "rail:c-d2"]
    assert "open_year" not in H.edges["port:c", "station:d2", "rail:c-d2"]


def test_new_place_and_links_inline_and_from_a_file(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    (tmp_path / "extra.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[0.9, 1.35], [1.35, 2.7]],
                        },
                        "properties": {
                            "id": "rail:e-d",
                            "from": "station:e",
                            "to": "station:d",
                            "mode": "rail",
                            "length_km": 158.0,
                            "gauge_mm": 1435,
                            "time_h": 1.0,
                            "commodities": ["container"],
                            "sources": {"length_km": ["tiny"], "time_h": ["tiny"]},
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    path = write(
        tmp_path,
        "bypass.yaml",
        """
        name: bypass
        new_places:
          - {id: station:e, name: E, country: XA, kind: rail_station, lon: 0.9, lat: 1.35}
        new_links:
          - {id: rail:a-e, from: station:a, to: station:e, mode: rail, gauge_mm: 1435,
             time_h: 1.0, commodities: [container]}
          - {file: extra.geojson}
        """,
    )
    H = apply_scenario(graph, load_scenario(path, graph))
    (best,) = route(H, "station:a", "station:d")
    assert best.links == ["rail:a-e", "rail:e-d"] and best.total.time_h == pytest.approx(2.0)
    new = H.edges["station:a", "station:e", "rail:a-e"]
    assert new["length_km"] == pytest.approx(180.4, abs=0.5)  # straight: 1.62 degrees of arc
    assert new["sources"]["time_h"] == ["scenario"]
    assert H.has_edge("station:e", "station:a", "rail:a-e")  # two-way by default
    assert "station:e" not in graph


def test_apply_never_mutates_the_base(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    before = snapshot(graph)
    X_before = corridors.expand(graph)
    s = Scenario(
        "all",
        year=2030,
        open=("rail:c-d2",),
        close=("rail:g-c",),
        change={
            "sea:b-c": {"time_h": 1.0, "capacity_tpy": {"container": 5.0}},
            "port:b": {"handling_h": 0},
        },
        avoid=corridors.Avoid.of(countries=["XB"], corridors=["land"], modes=["road"]),
        new_places=(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.0, 2.0]},
                "properties": {"id": "port:z", "name": "Z", "country": "XB", "kind": "port"},
            },
        ),
        new_links=(
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "id": "sea:b-z",
                    "from": "port:b",
                    "to": "port:z",
                    "mode": "sea",
                    "commodities": ["container"],
                },
            },
        ),
    )
    H = apply_scenario(graph, s)
    assert H is not graph and H.graph["scenario"] == "all" and H.graph["year"] == 2030
    assert snapshot(graph) == before
    assert corridors.expand(graph) is X_before  # the base's cached expansion still stands
    assert corridors.expand(H) is not X_before
    assert route(graph, "station:a", "station:d")[0].links == LAND


def test_a_scenario_is_checked_against_the_network(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "refs.yaml",
        """
        name: refs
        close: [rail:g-x]
        change:
          port:q: {capacity_tpy: 5}
          rail:a-b: {name: Bee}
        avoid: {countries: [XZ], corridors: [lnad]}
        jobs:
          routes: [[station:a, Deltta]]
        demand:
          - {origin: nowhere, destination: station:d, tonnes_per_year: 1}
        """,
    )
    s = read_scenario(path)  # reads: every key and value is well formed
    with pytest.raises(ScenarioError) as info:
        check_scenario(graph, s)
    message = str(info.value)
    assert message.startswith("7 error(s) in scenario 'refs'")
    for expected in (
        f"{path}, line 2, key 'close[0]': unknown link or place 'rail:g-x' "
        "(did you mean 'rail:g-c'?)",
        f"{path}, line 4, key 'change.port:q': unknown link or place 'port:q'",
        f"{path}, line 5, key 'change.rail:a-b.name': 'name' is not an attribute of links",
        f"{path}, line 6, key 'avoid.countries[0]': unknown country 'XZ'",
        f"{path}, line 6, key 'avoid.corridors[0]': unknown corridor 'lnad' (did you mean 'land'?)",
        f"{path}, line 8, key 'jobs.routes[0].to': unknown place 'Deltta'",
        f"{path}, line 10, key 'demand[0].origin': unknown place 'nowhere'",
    ):
        assert expected in message
    with pytest.raises(ScenarioError, match="unknown link or place 'rail:g-x'"):
        apply_scenario(graph, s)


# --------------------------------------------------------------------------- bad files

BAD_FILES = [
    ("name: x\nyear: [2030\n", "line 3: not valid YAML"),
    ("- a\n- b\n", "line 1: expected a mapping of keys; found list"),
    ("name: x\nyaer: 2030\n", "line 2, key 'yaer': unknown key (did you mean 'year'?)"),
    ("year: soon\n", "line 1, key 'year': is 'soon'; expected a year such as 2030"),
    ("name: ''\n", "line 1, key 'name': expected text; found ''"),
    ("open: rail:a-b\nclose: [3]\n", "line 2, key 'close[0]': expected an id (text); found 3"),
    (
        "open: [sea:b-c]\nclose: [sea:b-c]\n",
        "line 2, key 'close[0]': 'sea:b-c' is both opened and closed",
    ),
    (
        "change:\n  rail:a-b:\n    capacity_tpy: -5\n",
        "line 3, key 'change.rail:a-b.capacity_tpy': is -5; expected a number from 0 to 1e+15",
    ),
    (
        "change:\n  rail:a-b: {capcity_tpy: 5}\n",
        "line 2, key 'change.rail:a-b.capcity_tpy': unknown attribute 'capcity_tpy' "
        "(did you mean 'capacity_tpy'?)",
    ),
    (
        "change:\n  rail:a-b: {status: shut}\n",
        "key 'change.rail:a-b.status': found 'shut'; expected one of operational, under_constr",
    ),
    (
        "change:\n  rail:a-b: {capacity_tpy: {coal: 5}}\n",
        "key 'change.rail:a-b.capacity_tpy': unknown commodity 'coal'",
    ),
    ("change:\n  rail:a-b: {from: port:c}\n", "key 'change.rail:a-b.from': 'from' cannot change"),
    ("change:\n  rail:a-b: 5\n", "key 'change.rail:a-b': expected a mapping of attribute to value"),
    ("avoid: {planets: [mars]}\n", "line 1, key 'avoid.planets': unknown key; expected one of"),
    ("avoid: {modes: [air]}\n", "key 'avoid.modes[0]': unknown mode 'air'"),
    ("new_links: [{from: a}]\n", "line 1, key 'new_links[0]': a new feature needs an 'id'"),
    ("new_links: {id: x}\n", "key 'new_links': expected a list of features"),
    (
        "demand:\n  - {origin: A, destination: D, amount: 5, unit: Mt/week}\n",
        "line 2, key 'demand[0].unit': unit 'Mt/week': expected a period of /yr or /d",
    ),
    (
        "demand:\n  - {origin: A, destination: D, tonnes_per_year: -1}\n",
        "key 'demand[0].tonnes_per_year': is -1; expected t/yr >= 0",
    ),
    ("demand:\n  - {origin: A}\n", "line 2, key 'demand[0]': missing destination"),
    ("demand: {file: nothere.csv}\n", "key 'demand.file': no such file 'nothere.csv'"),
    ("jobs: {routes: [[A]]}\n", "key 'jobs.routes[0]': expected [origin, destination]"),
    (
        "jobs: {routes: [[A, D, coal]]}\n",
        "key 'jobs.routes[0].commodity': unknown commodity 'coal'",
    ),
    (
        "jobs: {throughput: [{from: A}]}\n",
        "key 'jobs.throughput[0].to': expected one or more places",
    ),
    ("jobs: {maps: []}\n", "key 'jobs.maps': unknown key; expected routes or throughput"),
    ("extends: nothere.yaml\n", "line 1, key 'extends': no such file"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_files_are_named_by_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "two.yaml", "year: soon\navoid: {modes: [air]}\n")
    with pytest.raises(ScenarioError, match=r"^2 error\(s\) in scenario") as info:
        read_scenario(path)
    assert "line 1, key 'year'" in str(info.value) and "line 2, key 'avoid.modes[0]'" in str(
        info.value
    )


def test_an_extends_loop_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="'extends' makes a loop"):
        read_scenario(tmp_path / "a.yaml")


def test_errors_in_a_parent_name_the_parent_file(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", "name: p\n\nclose: [nowhere]\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nname: c\n")
    G = corridors.read_network(*tiny.write(tmp_path))
    with pytest.raises(ScenarioError) as info:
        load_scenario(child, G)
    assert f"{tmp_path / 'parent.yaml'}, line 3, key 'close[0]'" in str(info.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nothere\.yaml: no such file"):
        read_scenario(tmp_path / "nothere.yaml")


def test_a_bad_new_link_is_named_by_its_line(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "new.yaml",
        """
        name: new
        new_links:
          - {id: rail:a-b, from: station:a, to: port:b, mode: rail, gauge_mm: 1520,
             commodities: [container]}
          - {id: rail:a-q, from: station:a, to: station:q, mode: rail, gauge_mm: 1520,
             commodities: [container]}
          - {id: rail:a-c, from: station:a, to: port:c, mode: rail, commodities: [container]}
        """,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, graph)
    message = str(info.value)
    assert f"{path}, line 3, key 'new_links[0].id': 'rail:a-b' already exists" in message
    assert (
        f"{path}, line 5, key 'new_links[1].to': 'rail:a-q': unknown place 'station:q'" in message
    )
    assert (
        f"{path}, line 7, key 'new_links[2].gauge_mm': 'rail:a-c': missing on a rail link"
        in message
    )


def test_a_demand_file_is_checked_by_the_demand_reader(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (tmp_path / "demand.csv").write_text(
        "origin,destination,commodity,tonnes_per_year\nstation:a,Atlantis,container,5\n",
        encoding="utf-8",
    )
    path = write(tmp_path, "d.yaml", "name: d\ndemand: {file: demand.csv}\n")
    s = read_scenario(path)
    assert s.demand_file == tmp_path / "demand.csv" and s.demand is None
    with pytest.raises(
        ScenarioError, match=r"line 2, key 'demand.file': .*row 1, column 'destination'"
    ):
        check_scenario(graph, s)


# --------------------------------------------------------------------------- where values are


def test_errors_name_where_each_value_is_written(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    # Sorted and merged, port:qq, port:zzz and XZ are not where they are written; each error
    # must still name the file, line and key of the value.
    parent = write(
        tmp_path,
        "parent.yaml",
        """
        name: parent
        new_places:
          - {id: station:e, name: Echo, country: XA, kind: rail_station, lon: 0.5, lat: 0.5}
        close:
          - port:qq
        jobs:
          routes:
            - [station:a, station:d]
        """,
    )
    child = write(
        tmp_path,
        "child.yaml",
        """
        name: child
        extends: parent.yaml
        close:
          - port:zzz
          - port:b
        avoid:
          countries:
            - XZ
            - XA
        new_places:
          - {id: station:f, name: Fox, country: XA, kind: spaceport, lon: 0.6, lat: 0.6}
        jobs:
          routes:
            - [station:a, Atlantis]
            - [Echo, station:d]
        """,
    )
    s = read_scenario(child)
    assert s.close == ("port:b", "port:qq", "port:zzz")
    with pytest.raises(ScenarioError) as info:
        check_scenario(graph, s)
    lines = str(info.value).splitlines()
    assert lines[0] == "5 error(s) in scenario 'child':"
    assert lines[1].startswith(f"{parent}, line 5, key 'close[0]': unknown link or place 'port:qq'")
    assert lines[2].startswith(f"{child}, line 4, key 'close[0]': unknown link or place 'port:zzz'")
    assert lines[3] == f"{child}, line 8, key 'avoid.countries[0]': unknown country 'XZ'"
    assert lines[4].startswith(f"{child}, line 11, key 'new_places[0].kind': 'station:f': ")
    assert lines[5].startswith(
        f"{child}, line 14, key 'jobs.routes[0].to': unknown place 'Atlantis'"
    )


def test_a_bad_list_is_reported_once(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        read_scenario(write(tmp_path, "five.yaml", "open: 5\n"))
    assert str(info.value) == (
        f"{tmp_path / 'five.yaml'}, line 1, key 'open': expected a list of ids; found 5"
    )


def test_a_child_is_named_after_its_own_file_and_null_clears_the_year(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", "name: parent\nyear: 2030\n")
    child = read_scenario(write(tmp_path, "child.yaml", "extends: parent.yaml\nyear: null\n"))
    assert (child.name, child.year) == ("child", None)
    kept = read_scenario(write(tmp_path, "kept.yaml", "extends: parent.yaml\n"))
    assert (kept.name, kept.year) == ("kept", 2030)


def test_a_change_keeps_the_ranges_of_other_attributes(graph: nx.MultiDiGraph) -> None:
    # sea:b-c has time_h 10 with a range of 8-30 (an estimate); the change adds a capacity range
    ranges = {"capacity_tpy": [800_000, 1_000_000]}
    s = Scenario("wider", change={"sea:b-c": {"capacity_tpy": 900_000, "ranges": ranges}})
    sea = apply_scenario(graph, s).edges["port:b", "port:c", "sea:b-c"]
    assert sea["ranges"] == {"time_h": [8.0, 30.0], "capacity_tpy": [800_000, 1_000_000]}
    assert sea["estimates"] == ["time_h"]


def test_a_changed_figure_cites_the_change_not_the_old_source(graph: nx.MultiDiGraph) -> None:
    # every figure of the tiny network cites 'tiny'
    s = Scenario(
        "wider",
        change={
            "port:b": {"capacity_tpy": 2_000_000, "sources": {"capacity_tpy": ["tiny"]}},
            "rail:a-b": {"time_h": 1.5},
        },
    )
    H = apply_scenario(graph, s)
    assert H.nodes["port:b"]["sources"]["capacity_tpy"] == ["tiny"]
    rail = H.edges["station:a", "port:b", "rail:a-b"]
    assert rail["sources"]["time_h"] == ["scenario"] and rail["sources"]["length_km"] == ["tiny"]
    assert H.graph["sources"]["scenario"]["title"] == "Set by scenario 'wider'"
    assert "scenario" not in graph.graph["sources"]


def test_source_ids_of_a_change_are_checked(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cite.yaml",
        """
        change:
          port:b:
            capacity_tpy: 2000000
            sources: {capacity_tpy: [tiny, tiyn]}
          port:c: {sources: {capacity_tpy: [scenario]}}
        """,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, graph)
    assert str(info.value) == (
        f"{path}, line 4, key 'change.port:b.sources.capacity_tpy[1]': unknown source id 'tiyn' "
        "(did you mean 'tiny'?); expected an id of the network's sources.csv, or 'scenario'"
    )


def test_a_demand_file_is_checked_with_the_new_places(
    graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,tonnes_per_year\nEcho,station:d,container,5\n",
        encoding="utf-8",
    )
    path = write(
        tmp_path,
        "d.yaml",
        """
        new_places:
          - {id: station:e, name: Echo, country: XA, kind: rail_station, lon: 0.5, lat: 0.5}
        demand: {file: demand.csv}
        """,
    )
    load_scenario(path, graph)  # the new place is found by its name
    demand.write_text(
        "origin,destination,commodity,tonnes_per_year\nEcho,Atlantis,container,5\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ScenarioError, match=r"line 3, key 'demand.file': .*row 1, column 'destination'"
    ):
        load_scenario(path, graph)
