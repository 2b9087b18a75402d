"""Throughput and bottleneck: the tiny network worked by hand, random ones against networkx.

Tiny network capacities (t/yr, each direction): rail:a-b 2M, sea:b-c 0.8M, rail:a-g and rail:g-c
3M, rail:c-d unbounded; places: port:b 1M (transfers, starts, ends), border:g 0.5M (everything
that passes). From A to D: 0.8M by sea (port:b transfers 0.8M < 1M) + 0.5M through G = 1.3M, and
the cut is the ferry and the border crossing.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from corridors import Avoid, DataError, UnknownPlaceError, read_network
from corridors.analysis.capacity import max_throughput, resolve_places
from corridors.core.network import graph_core
from corridors.network.model import build_graph
from tests import tiny


def test_max_flow_and_its_cut(tiny_graph: nx.MultiDiGraph) -> None:
    result = max_throughput(tiny_graph, "station:a", "station:d")
    assert result.throughput_tpy == pytest.approx(1_300_000)
    assert [(c.id, c.kind, c.capacity_tpy) for c in result.bottleneck] == [
        ("sea:b-c", "link", 800_000),
        ("border:g", "place", 500_000),
    ]
    assert (result.bottleneck[0].from_, result.bottleneck[0].to) == ("port:b", "port:c")
    assert sum(c.capacity_tpy for c in result.bottleneck) == result.throughput_tpy


def test_capacity_holds_in_each_direction(tiny_graph: nx.MultiDiGraph) -> None:
    back = max_throughput(tiny_graph, "station:d", "station:a")
    assert back.throughput_tpy == pytest.approx(1_300_000)
    assert (back.bottleneck[0].from_, back.bottleneck[0].to) == ("port:c", "port:b")


def test_a_place_capacity_binds_on_journeys_starting_there(tiny_graph: nx.MultiDiGraph) -> None:
    # from B: 0.8M by sea and 0.5M back through A and G would make 1.3M, but B handles 1M
    result = max_throughput(tiny_graph, "port:b", "port:c")
    assert result.throughput_tpy == pytest.approx(1_000_000)
    assert [(c.id, c.kind) for c in result.bottleneck] == [("port:b", "place")]


def test_a_port_capacity_binds_on_transfers(tmp_path) -> None:
    places, links = tiny.modified("place", "port:b", capacity_tpy=300_000)
    G = read_network(*tiny.write(tmp_path, places, links))
    result = max_throughput(G, "station:a", "station:d")
    assert result.throughput_tpy == pytest.approx(800_000)  # 0.3M transferred at B + 0.5M at G
    assert {c.id for c in result.bottleneck} == {"port:b", "border:g"}


def test_a_border_crossing_caps_traffic_passing_through(tmp_path) -> None:
    places, links = tiny.modified("place", "border:g", capacity_tpy=100_000)
    G = read_network(*tiny.write(tmp_path, places, links))
    result = max_throughput(G, "station:a", "station:d", avoid=None)
    assert result.throughput_tpy == pytest.approx(900_000)


def test_per_commodity_capacity_applies_to_its_commodity(tmp_path) -> None:
    places, links = tiny.modified(
        "link", "sea:b-c", capacity_tpy={"container": 100_000, "general": 700_000}
    )
    G = read_network(*tiny.write(tmp_path, places, links))
    container = max_throughput(G, "station:a", "station:d", commodity="container")
    general = max_throughput(G, "station:a", "station:d", commodity="general")
    assert container.throughput_tpy == pytest.approx(600_000)
    assert general.throughput_tpy == pytest.approx(1_200_000)


def test_unbounded_throughput_is_inf_with_an_empty_cut(tiny_graph: nx.MultiDiGraph) -> None:
    result = max_throughput(tiny_graph, "port:c", "station:d")  # rail:c-d has no capacity
    assert math.isinf(result.throughput_tpy) and result.unbounded
    assert result.bottleneck == []
    assert result.to_dict()["throughput_tpy"] is None
    assert result.to_dict()["unbounded"] is True


def test_no_connection_gives_zero(tiny_graph: nx.MultiDiGraph) -> None:
    result = max_throughput(tiny_graph, "terminal:p2", "terminal:p1", commodity="oil")
    assert result.throughput_tpy == 0 and result.bottleneck == []


def test_sets_of_places_and_countries(tiny_graph: nx.MultiDiGraph) -> None:
    # border:g is a border crossing: not a place freight starts at
    assert resolve_places(tiny_graph, "country:XA") == [
        "port:b",
        "station:a",
        "terminal:p1",
        "terminal:p2",
    ]
    result = max_throughput(tiny_graph, "country:XA", ["port:c", "Delta"])
    assert result.destinations == ["port:c", "station:d"]
    assert result.throughput_tpy == pytest.approx(1_300_000)


def test_a_network_held_in_the_core_gives_the_graphs_throughput(
    tiny_graph: nx.MultiDiGraph,
) -> None:
    """The core's columns of the tiny network (as a sweep draws them) give its 1.3M and cut;
    its places resolve as on the graph; the paths, which need the graph, are refused."""
    core = graph_core(tiny_graph)
    assert resolve_places(core, "country:XA") == resolve_places(tiny_graph, "country:XA")
    assert resolve_places(core, "Delta,Alpha") == ["station:d", "station:a"]
    result = max_throughput(core, "country:XA", ["port:c", "Delta"], paths=False)
    on_graph = max_throughput(tiny_graph, "country:XA", ["port:c", "Delta"], paths=False)
    assert result == on_graph and result.throughput_tpy == 1_300_000
    assert [c.id for c in result.bottleneck] == ["sea:b-c", "border:g"]
    with pytest.raises(DataError, match="paths need the network as a graph"):
        max_throughput(core, "station:a", "station:d")


def test_bad_sets_raise(tiny_graph: nx.MultiDiGraph) -> None:
    with pytest.raises(DataError, match="both an origin and a destination"):
        max_throughput(tiny_graph, "station:a,port:c", "port:c")
    with pytest.raises(UnknownPlaceError, match="did you mean"):
        max_throughput(tiny_graph, "Alpah", "station:d")
    with pytest.raises(UnknownPlaceError, match="country 'ZZ'"):
        max_throughput(tiny_graph, "country:ZZ", "station:d")
    with pytest.raises(DataError, match="at least one"):
        max_throughput(tiny_graph, "", "station:d")


def test_agrees_with_an_independent_networkx_max_flow_on_the_tiny_network(
    tiny_graph: nx.MultiDiGraph,
) -> None:
    # written by hand: layers, the port's transfers through one edge, the border's traffic too
    H = nx.DiGraph()
    H.add_edge("s", "A", capacity=math.inf)
    H.add_edge("A", "B rail", capacity=2e6)
    H.add_edge("B rail", "B sea", capacity=1e6)  # transfer at the port
    H.add_edge("B sea", "C sea", capacity=8e5)
    H.add_edge("C sea", "C rail", capacity=math.inf)
    H.add_edge("A", "G in", capacity=3e6)
    H.add_edge("G in", "G out", capacity=5e5)
    H.add_edge("G out", "C rail", capacity=3e6)
    H.add_edge("C rail", "D", capacity=math.inf)
    H.add_edge("D", "t", capacity=math.inf)
    expected = nx.maximum_flow_value(H, "s", "t")
    assert max_throughput(tiny_graph, "Alpha", "Delta").throughput_tpy == expected


def _random_network(seed: int) -> tuple[nx.MultiDiGraph, list[str], list[str], nx.DiGraph]:
    """A random one-gauge rail network and the same capacities as a plain networkx graph."""
    rng = random.Random(seed)
    n = 9
    places = []
    for i in range(n):
        kind = rng.choice(["rail_station", "border_crossing"])
        props = {}
        if rng.random() < 0.5:
            props["capacity_tpy"] = rng.randint(1, 20) * 100_000
        places.append(tiny.place(f"station:p{i}", i * 0.1, 0.0, "XA", kind, **props))
    links = []
    for j in range(rng.randint(10, 18)):
        a, b = rng.sample(range(n), 2)
        props = {"gauge_mm": 1520, "oneway": rng.random() < 0.3}
        if rng.random() < 0.85:
            props["capacity_tpy"] = rng.randint(1, 20) * 100_000
        links.append(tiny.link(f"rail:l{j}", places[a], places[b], "rail", 10.0, **props))
    G = build_graph(places, links)
    ids = [f"station:p{i}" for i in range(n)]
    rng.shuffle(ids)
    origins, destinations = ids[:2], ids[2:4]
    # independent: one node per place, border crossings split, starts and ends capped
    H = nx.DiGraph()
    cap = {p["properties"]["id"]: p["properties"].get("capacity_tpy") for p in places}
    border = {p["properties"]["id"] for p in places if p["properties"]["kind"] == "border_crossing"}

    def edge(u: str, v: str, c: float | None) -> None:
        if H.has_edge(u, v):  # parallel links add up
            old = H[u][v].get("capacity", math.inf)
            H[u][v]["capacity"] = old + (math.inf if c is None else c)
        else:
            H.add_edge(u, v, capacity=math.inf if c is None else c)

    def arrive(p: str) -> str:
        return f"{p} in" if p in border else p

    def leave(p: str) -> str:
        return f"{p} out" if p in border else p

    for p in cap:
        if p in border:
            edge(f"{p} in", f"{p} out", cap[p])
    for f in links:
        props = f["properties"]
        edge(leave(props["from"]), arrive(props["to"]), props.get("capacity_tpy"))
        if not props["oneway"]:
            edge(leave(props["to"]), arrive(props["from"]), props.get("capacity_tpy"))
    for o in origins:
        edge("s", arrive(o) if o in border else f"{o} start", None)
        if o not in border:
            edge(f"{o} start", o, cap[o])
    for d in destinations:
        edge(leave(d) if d in border else d, "t" if d in border else f"{d} end", None)
        if d not in border:
            edge(f"{d} end", "t", cap[d])
    H.add_nodes_from(["s", "t"])
    return G, origins, destinations, H


@pytest.mark.parametrize("seed", range(40))
def test_agrees_with_networkx_on_random_networks(seed: int) -> None:
    G, origins, destinations, H = _random_network(seed)
    result = max_throughput(G, origins, destinations, commodity="general")
    try:
        expected = nx.maximum_flow_value(H, "s", "t")
    except nx.NetworkXUnbounded:
        expected = math.inf
    assert result.throughput_tpy == pytest.approx(expected)
    if not result.unbounded:
        assert sum(c.capacity_tpy for c in result.bottleneck) == pytest.approx(expected)


def test_bundled_btc_oil_is_capped_by_btc_or_sangachal(bundled: nx.MultiDiGraph) -> None:
    result = max_throughput(bundled, "terminal:sangachal", "terminal:ceyhan", commodity="oil")
    btc = bundled.edges["terminal:sangachal", "terminal:ceyhan", "pipeline:btc"]["capacity_tpy"]
    sangachal = bundled.nodes["terminal:sangachal"].get("capacity_tpy", {}).get("oil", math.inf)
    assert result.throughput_tpy == pytest.approx(min(btc, sangachal))
    assert result.bottleneck and {c.id for c in result.bottleneck} <= {
        "pipeline:btc",
        "terminal:sangachal",
        "terminal:ceyhan",
    }


def test_parallel_links_each_count_and_each_show_in_the_cut(tmp_path) -> None:
    places, links = tiny.modified("place", "port:b", capacity_tpy=None)
    b, c = places[1], places[3]
    links.append(tiny.link("sea:b-c-2", b, c, "sea", 320.0, time_h=12.0, capacity_tpy=300_000))
    G = read_network(*tiny.write(tmp_path, places, links))
    result = max_throughput(G, "station:a", "station:d", avoid=Avoid.of(places=["border:g"]))
    assert result.throughput_tpy == pytest.approx(1_100_000)
    assert [(c.id, c.from_, c.to) for c in result.bottleneck] == [
        ("sea:b-c", "port:b", "port:c"),
        ("sea:b-c-2", "port:b", "port:c"),
    ]


def _tiny_with(tmp_path, *extra: dict, **capacities: float | None) -> nx.MultiDiGraph:
    """The tiny network with the given capacities (``border_g`` for the border crossing)."""
    places, links = tiny.features()
    for f in places + links:
        key = f["properties"]["id"].replace(":", "_").replace("-", "_")
        if key in capacities:
            if capacities[key] is None:
                f["properties"].pop("capacity_tpy", None)
            else:
                f["properties"]["capacity_tpy"] = capacities[key]
                f["properties"]["sources"]["capacity_tpy"] = [tiny.SOURCE]
    return read_network(*tiny.write(tmp_path, places, [*links, *extra]))


def test_huge_capacity_does_not_swamp_the_others(tmp_path) -> None:
    # A -> B 1.4M, then two ferries of 0.6M each: 1.2M, whatever a 5e14 link elsewhere does
    # (rounding all to whole Mt/yr once made it 1 unit against 2, and reported 1.4M)
    places = tiny.features()[0]
    ferry = tiny.link("sea:b-c-2", places[1], places[3], "sea", 320.0, capacity_tpy=600_000)
    G = _tiny_with(tmp_path, ferry, port_b=None, rail_a_b=1_400_000, sea_b_c=600_000, rail_c_d=5e14)
    result = max_throughput(G, "station:a", "station:d", avoid=Avoid.of(places=["border:g"]))
    assert result.throughput_tpy == 1_200_000
    assert [(c.id, c.capacity_tpy) for c in result.bottleneck] == [
        ("sea:b-c", 600_000),
        ("sea:b-c-2", 600_000),
    ]


def test_huge_and_tiny_capacities_together_are_exact(tmp_path) -> None:
    # A -> D: 1 t/yr by sea, 999,999 through G, next to a link of 5e14
    G = _tiny_with(tmp_path, rail_g_c=5e14, sea_b_c=1, border_g=999_999)
    result = max_throughput(G, "station:a", "station:d")
    assert result.throughput_tpy == 1_000_000
    assert [(c.id, c.capacity_tpy) for c in result.bottleneck] == [
        ("border:g", 999_999),
        ("sea:b-c", 1),
    ]


def test_flows_beyond_32_bits_are_exact(tmp_path) -> None:
    # 3,000,000,001 t/yr by sea (port B unbounded) and 7 through G: no common divisor, and
    # more than 2**31 whole tonnes (the exact fallback)
    G = _tiny_with(tmp_path, port_b=None, rail_a_b=4e9, sea_b_c=3_000_000_001, border_g=7)
    result = max_throughput(G, "station:a", "station:d")
    assert result.throughput_tpy == 3_000_000_008
    assert {c.id for c in result.bottleneck} == {"sea:b-c", "border:g"}


def test_fractions_of_a_tonne_are_exact(tmp_path) -> None:
    G = _tiny_with(tmp_path, sea_b_c=0.5, border_g=0.25)
    assert max_throughput(G, "station:a", "station:d").throughput_tpy == 0.75


def test_the_flow_is_shown_as_sent_at_least_cost(tmp_path) -> None:
    # D takes 1 Mt/yr: the sea route ($28/t, up to 0.8 Mt) fills first, the land route
    # through G ($50/t, up to 0.5 Mt) takes the remaining 0.2 Mt; any other split of the
    # same maximum flow costs more. An id with a space in it stays one id.
    places, links = tiny.modified("place", "station:d", capacity_tpy=1_000_000)
    (sea,) = (f for f in links if f["properties"]["id"] == "sea:b-c")
    sea["properties"]["id"] = "sea:b c"
    G = build_graph(places, links)
    result = max_throughput(G, "station:a", "station:d")
    assert result.throughput_tpy == pytest.approx(1_000_000)
    assert [(p.places, p.tonnes_tpy, p.cost_usd_per_t) for p in result.paths] == [
        (("station:a", "port:b", "port:c", "station:d"), pytest.approx(800_000), pytest.approx(28)),
        (
            ("station:a", "border:g", "port:c", "station:d"),
            pytest.approx(200_000),
            pytest.approx(50),
        ),
    ]
    assert result.paths[0].links == ("rail:a-b", "sea:b c", "rail:c-d")
