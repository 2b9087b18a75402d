"""The compiled network: its arrays hold the expanded network of the tiny one, figure by figure."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

import corridors
from corridors.core import (
    ACCESS,
    DST,
    EPSILON,
    GAUGE_CHANGE,
    LINK,
    SRC,
    TRANSFER,
    compile_network,
)
from corridors.core.expand import Avoid, expand
from tests import tiny


def _edge(net: corridors.core.CompiledNetwork, u: tuple[str, str], v: tuple[str, str]) -> int:
    i, j = net.node_index[u], net.node_index[v]
    (e,) = [e for e in range(net.indptr[i], net.indptr[i + 1]) if net.head[e] == j]
    return e


def test_nodes_are_layers_of_places(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph)
    layers = {n for n in net.nodes if n[1] not in (SRC, DST)}
    assert layers == {
        ("station:a", "rail:1520"),
        ("port:b", "rail:1520"),
        ("port:b", "sea"),
        ("port:c", "sea"),
        ("port:c", "rail:1435"),
        ("border:g", "rail:1520"),
        ("border:g", "rail:1435"),
        ("station:d", "rail:1435"),
    }
    assert net.n_nodes == len(layers) + 2 * 5  # src and dst at each place with a container link
    assert ("terminal:p1", SRC) not in net.node_index  # oil only


def test_csr_order(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph)
    assert net.indptr[-1] == net.n_edges
    for i in range(net.n_nodes):
        assert (net.tail[net.indptr[i] : net.indptr[i + 1]] == i).all()


def test_figures_by_hand(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph)
    # rail:g-c crosses XA -> XB: G's dwell (1 h, $1) plus C's (4 h, $2)
    e = _edge(net, ("border:g", "rail:1435"), ("port:c", "rail:1435"))
    assert net.kind[e] == LINK and net.link_ids[net.link[e]] == "rail:g-c"
    assert (net.time_h[e], net.cost_usd_per_t[e], net.length_km[e]) == (2.0, 8.0, 100.0)
    assert (net.border_h[e], net.border_usd_per_t[e]) == (5.0, 3.0)
    assert net.capacity_tpy[e] == 3_000_000 and net.capacity_known[e]
    # rail:c-d has no capacity: unknown, inf
    e = _edge(net, ("port:c", "rail:1435"), ("station:d", "rail:1435"))
    assert math.isinf(net.capacity_tpy[e]) and not net.capacity_known[e]
    assert net.border_h[e] == 0.0
    # gauge change at G, 3 h $4, with G's capacity; handling at B, 2 h $3
    e = _edge(net, ("border:g", "rail:1520"), ("border:g", "rail:1435"))
    assert net.kind[e] == GAUGE_CHANGE and net.place_ids[net.place[e]] == "border:g"
    assert (net.time_h[e], net.cost_usd_per_t[e], net.capacity_tpy[e]) == (3.0, 4.0, 500_000)
    e = _edge(net, ("port:b", "sea"), ("port:b", "rail:1520"))
    assert net.kind[e] == TRANSFER and (net.time_h[e], net.cost_usd_per_t[e]) == (2.0, 3.0)
    e = _edge(net, ("port:b", SRC), ("port:b", "sea"))
    assert net.kind[e] == ACCESS and net.time_h[e] == 0.0 and net.link[e] == -1


def test_weights_include_border_dwell(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph)
    e = _edge(net, ("border:g", "rail:1435"), ("port:c", "rail:1435"))
    assert net.weights("time")[e] == 7.0
    assert net.weights({"time": 10, "cost": 1})[e] == 10 * 7.0 + 11.0
    assert net.weights("distance")[e] == 100.0


def test_csgraph_keeps_zero_edges_and_the_cheapest_parallel(
    tmp_path: Path,
) -> None:
    places, links = tiny.features()
    slow = tiny.link(
        "rail:a-b-slow", places[0], places[1], "rail", 100.0, gauge_mm=1520, time_h=9.0
    )
    G = corridors.read_network(*tiny.write(tmp_path, places, [*links, slow]))
    net = compile_network(G)
    simple = net.simple(net.weights("time"))
    u, v = net.node_index[("station:a", "rail:1520")], net.node_index[("port:b", "rail:1520")]
    assert simple.matrix[u, v] == 2.0
    assert net.link_ids[net.link[simple.edge_between(u, v)]] == "rail:a-b"
    s = net.node_index[("station:a", SRC)]
    assert simple.matrix[s, u] == EPSILON  # an access edge, zero weight, kept as an edge
    assert simple.matrix.nnz == len(set(zip(net.tail.tolist(), net.head.tolist(), strict=True)))


def test_avoid_and_year(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph, avoid=Avoid.of(countries=["XB"]))
    assert {p for p, _ in net.nodes} == {"station:a", "port:b", "border:g"}
    net = compile_network(tiny_graph, avoid=Avoid.of(links=["sea:b-c"]))
    assert "sea:b-c" not in net.link_ids and ("port:b", "sea") not in net.node_index
    assert compile_network(tiny_graph) is compile_network(tiny_graph)


def test_expand_is_drawn_from_the_core(tiny_graph: nx.MultiDiGraph) -> None:
    net = compile_network(tiny_graph)
    X = expand(tiny_graph)
    assert X.number_of_edges() == net.n_edges
    assert set(X) == set(net.nodes)
    for e in range(net.n_edges):
        u, v = net.nodes[net.tail[e]], net.nodes[net.head[e]]
        assert X.edges[u, v, net.edge_key(e)] == net.edge_attrs(e)


def test_bundled_compiles_like_its_expansion(bundled: nx.MultiDiGraph) -> None:
    for commodity in ("container", "oil"):
        net = compile_network(bundled, commodity=commodity, year=2030)
        X = expand(bundled, commodity=commodity, year=2030)
        assert X.number_of_edges() == net.n_edges
        lengths = sorted(d["length_km"] for *_, d in X.edges(data=True))
        assert np.array_equal(np.sort(net.length_km), lengths)


def test_scipy_search_agrees_with_the_heap_search(
    bundled: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corridors.core import paths

    places = ["Khorgos", "Aktau", "Alat", "Poti", "Kars", "Constanta", "Xi'an", "Duisburg"]
    pairs = [(o, d) for o in places for d in places if o != d]

    def answers() -> list[tuple[list[str], float]]:
        out = []
        for o, d in pairs:
            (best,) = corridors.route(bundled, o, d, by="cost")
            out.append((best.links, round(best.total.cost_usd_per_t, 9)))
        routes = corridors.route(bundled, "Xi'an", "Duisburg", k=4)
        return [*out, *((r.links, round(r.total.time_h, 9)) for r in routes)]

    heap = answers()
    monkeypatch.setattr(paths, "HEAP_EDGES", 0)
    bundled = bundled.copy()  # a graph not compiled yet: its finder searches with scipy
    assert not corridors.analysis.routing.path_finder(compile_network(bundled)).heap
    assert answers() == heap


def test_capacities_per_commodity_and_by_year(tmp_path: Path) -> None:
    places, links = tiny.features()
    places[1]["properties"]["capacity_tpy"] = {"container": 700_000}  # port B, container only
    links[0]["properties"]["capacity_tpy"] = {"general": 1_500_000}  # rail:a-b, general only
    links[2]["properties"]["capacity_by_year"] = {"2020": 1_000_000, "2025": 4_000_000}
    links[2]["properties"]["sources"]["capacity_by_year"] = [tiny.SOURCE]
    G = corridors.read_network(*tiny.write(tmp_path, places, links))
    ab = (("station:a", "rail:1520"), ("port:b", "rail:1520"))
    ag = (("station:a", "rail:1520"), ("border:g", "rail:1520"))
    transfer = (("port:b", "sea"), ("port:b", "rail:1520"))

    def capacity(net: corridors.core.CompiledNetwork, edge: tuple[Any, Any]) -> tuple[Any, ...]:
        e = _edge(net, *edge)
        return float(net.capacity_tpy[e]), bool(net.capacity_known[e]), bool(net.capacity_shared[e])

    container, general = compile_network(G), compile_network(G, commodity="general")
    assert capacity(container, ab) == (math.inf, False, False)
    assert capacity(general, ab) == (1_500_000, True, False)
    assert capacity(container, transfer) == (700_000, True, False)
    assert capacity(general, transfer) == (math.inf, False, False)
    assert capacity(container, ag) == (3_000_000, True, True)  # capacity_tpy with no year
    assert capacity(compile_network(G, year=2019), ag) == (1_000_000, True, True)  # the first
    assert capacity(compile_network(G, year=2024), ag) == (1_000_000, True, True)
    assert capacity(compile_network(G, year=2025), ag) == (4_000_000, True, True)


def test_parallel_links_of_equal_weight_go_to_the_lower_edge(tmp_path: Path) -> None:
    places, links = tiny.features()
    twin = tiny.link(
        "rail:a-b-twin",
        places[0],
        places[1],
        "rail",
        100.0,
        gauge_mm=1520,
        time_h=2.0,
        cost_usd_per_t=9.0,
    )
    G = corridors.read_network(*tiny.write(tmp_path, places, [*links, twin]))
    net = compile_network(G)
    u, v = net.node_index[("station:a", "rail:1520")], net.node_index[("port:b", "rail:1520")]
    by_time, by_cost = net.simple_for("time"), net.simple_for("cost")
    assert net.link_ids[net.link[by_time.edge_between(u, v)]] == "rail:a-b"  # 2 h each
    assert net.link_ids[net.link[by_cost.edge_between(u, v)]] == "rail:a-b-twin"  # $9 < $10
    assert by_cost.matrix[u, v] == 9.0


def test_every_node_knows_its_place(bundled: nx.MultiDiGraph) -> None:
    net = compile_network(bundled, commodity="oil", year=2030)
    places = net.node_place()
    assert [net.place_ids[p] for p in places.tolist()] == [place for place, _ in net.nodes]


def test_compiling_leaves_the_garbage_collector_as_it_was(tiny_graph: nx.MultiDiGraph) -> None:
    import gc

    assert gc.isenabled()
    compile_network(tiny_graph.copy())
    assert gc.isenabled()
    gc.disable()
    try:
        compile_network(tiny_graph.copy(), commodity="general")
        assert not gc.isenabled()
    finally:
        gc.enable()
