"""The capacity rows read from the compiled arrays match the networkx face they replace."""

from __future__ import annotations

import pytest

from corridors.analysis.capacity import handled_edges
from corridors.analysis.capacity_rows import CapacityRows, handled, networkx_nodes, networkx_order
from corridors.core import compile_network
from corridors.core.avoid import Avoid
from corridors.core.expand import expand


@pytest.mark.parametrize("commodity", ["container", "oil"])
@pytest.mark.parametrize("avoid", [None, Avoid.of(countries=("RU", "IR"))])
def test_edges_and_nodes_come_in_the_order_of_the_networkx_face(bundled, commodity, avoid) -> None:
    net = compile_network(bundled, commodity=commodity, avoid=avoid)
    X = expand(bundled, commodity=commodity, avoid=avoid)
    nodes = net.nodes
    edges = [(nodes[net.tail[e]], nodes[net.head[e]], net.edge_key(e)) for e in networkx_order(net)]
    assert edges == list(X.edges(keys=True))
    assert [nodes[n] for n in networkx_nodes(net)] == list(X)


def test_handled_tonnes_are_those_of_the_capacity_module(bundled) -> None:
    net = compile_network(bundled, commodity="container")
    places, edges = handled(net)
    nodes = net.nodes
    found: dict[str, list] = {}
    for p, e in zip(places.tolist(), edges.tolist(), strict=True):
        found.setdefault(net.place_ids[p], []).append(
            (nodes[net.tail[e]], nodes[net.head[e]], net.edge_key(e))
        )
    assert found == handled_edges(bundled, expand(bundled, commodity="container"))


def test_rows_per_direction_shared_and_per_commodity(tiny_graph) -> None:
    rows = CapacityRows()
    for commodity in ("container", "general"):
        rows.members(compile_network(tiny_graph, commodity=commodity))
    # each link direction and each place once, shared by both commodities (the tiny
    # network's capacities are single figures); rail:c-d has none
    assert ("link", "sea:b-c", "port:b", "port:c") in rows.index
    assert ("link", "sea:b-c", "port:c", "port:b") in rows.index
    assert ("place", "border:g") in rows.index and ("place", "port:b") in rows.index
    assert not any(k[1] == "rail:c-d" for k in rows.index)
    assert rows.capacity[rows.index[("place", "border:g")]] == 500_000
