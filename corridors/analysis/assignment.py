"""Capacity-constrained assignment: a demand table routed at least cost within every capacity.

A multi-commodity min-cost flow. :func:`assign` solves it in path form by column generation
(:mod:`corridors.core.colgen`): paths of each demand row priced by shortest-path searches on the
compiled network, a restricted master linear programme solved by HiGHS through
highspy. Its optimum is that of the arc form, which :func:`build_programme`
(:mod:`corridors.analysis.assignment_arcs`) builds and :mod:`corridors.planning.plan` stacks, one
per period:

* one flow variable per (commodity, origin, edge of that commodity's expanded graph), so the
  demand from one origin to all its destinations travels as one commodity of the programme;
* one *unserved* variable per demand row, priced at ``unserved_penalty_usd_per_t``, so demand
  that cannot get through is reported instead of making the programme infeasible;
* flow conservation at every node of every (commodity, origin) block;
* one capacity row per link direction and per place (see :mod:`corridors.analysis.capacity_rows`). A
  capacity given as one number is shared by all commodities (one row over all their flows); a
  per-commodity mapping gives one row per commodity. A place counts the tonnes it handles as
  :mod:`corridors.analysis.capacity` defines them.

An origin or destination that names a city served by several terminals (Istanbul, Baku; see
:func:`corridors.network.lookup.find_places`) stands for all of them: in the path form its terminals
are joined to a super-source (super-sink) at no cost, so the programme chooses the terminals;
the arc form joins them by connector columns.

Edges at a place carry a tiny extra cost (``1e-6`` per t) so that, between routes of equal cost,
the one that handles each tonne fewer times wins; reported costs leave it out.

The shadow price of a capacity row is minus its HiGHS dual: what one more t/yr of that capacity
would save, per tonne, in the units of the criterion (USD/t when ``by="cost"``). Where the
optimum is degenerate, several duals are optimal; the path form reports those of its last
master (the same for the same inputs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from corridors.analysis.assignment_arcs import (
    Programme,
    build_programme,
    demand_table,
    edge_costs,
    networks_for,
    penalty_of,
    servable_nodes,
)
from corridors.analysis.assignment_results import (
    Assignment,
    Part,
    Solved,
    assemble,
    end_labels,
    key_paths,
    unserved_table,
)
from corridors.analysis.capacity_rows import CapacityRows, members_matrix
from corridors.analysis.demand import demand_ends
from corridors.analysis.routing import Criterion, criterion_weights
from corridors.core.avoid import Avoid
from corridors.core.colgen import PathDemand, PathNetwork, PathSolution, solve_paths
from corridors.core.compiled import CompiledNetwork

if TYPE_CHECKING:
    import pandas as pd

    from corridors.analysis.decompose import FlowPath

__all__ = ["Assignment", "Programme", "assign", "build_programme"]


def _path_problem(
    nets: Mapping[str, CompiledNetwork], table: pd.DataFrame, by: Criterion
) -> tuple[list[PathNetwork], list[PathDemand], CapacityRows]:
    """The networks, demands and capacity rows of the path form."""
    rows = CapacityRows()
    members = {c: rows.members(net) for c, net in nets.items()}
    n_rows = len(rows.capacity)
    networks = [
        PathNetwork(net, edge_costs(net, by), members_matrix(*members[c], n_rows, net.n_edges))
        for c, net in nets.items()
    ]
    number = {c: k for k, c in enumerate(nets)}
    demands = []
    for ends, c, t in zip(
        demand_ends(table), table["commodity"], table["tonnes_per_year"], strict=True
    ):
        sources, targets = servable_nodes(nets[c], ends)
        ok = bool(sources and targets)
        demands.append(PathDemand(number[c], sources, targets, float(t), ok))
    return networks, demands, rows


def _path_flows(
    networks: list[PathNetwork], demands: list[PathDemand], sol: PathSolution
) -> list[np.ndarray]:
    """Tonnes a year on each compiled edge of each network."""
    flows = [np.zeros(pn.net.n_edges) for pn in networks]
    for d, edges, t in zip(sol.demand, sol.edges, sol.tonnes.tolist(), strict=True):
        if t > 0:
            np.add.at(flows[demands[d].network], edges, t)
    return flows


def _path_pairs(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    labels: list[tuple[str, str]],
    networks: list[PathNetwork],
    sol: PathSolution,
) -> dict[tuple[str, str, str], list[FlowPath]]:
    """How each pair was routed: the paths of its flow, widest first, by (origin,
    destination, commodity) as the tables label them."""
    unlimited = {k for _, _, k, ok in G.edges(keys=True, data="unlimited") if ok}
    commodities = table["commodity"].tolist()
    ends = demand_ends(table)
    number = {pn.net.commodity: k for k, pn in enumerate(networks)}
    keyed: dict[tuple[str, str, str], tuple[int, np.ndarray]] = {}
    for d, edges, t in zip(sol.demand, sol.edges, sol.tonnes.tolist(), strict=True):
        if t <= 0:
            continue
        key = (*labels[d], commodities[d])
        k = number[commodities[d]]
        _, flow = keyed.setdefault(key, (d, np.zeros(networks[k].net.n_edges)))
        np.add.at(flow, edges, t)
    return {
        key: key_paths(networks[number[key[2]]].net, flow, *ends[d0], unlimited=unlimited)
        for key, (d0, flow) in sorted(keyed.items())
    }


def _solve_paths(
    G: nx.MultiDiGraph,
    table: pd.DataFrame,
    nets: Mapping[str, CompiledNetwork],
    by: Criterion,
    penalty: float,
) -> tuple[Solved, float]:
    """The path form solved: what :func:`~corridors.analysis.assignment_results.assemble` needs, and
    the objective."""
    networks, demands, rows = _path_problem(nets, table, by)
    capacity = np.array(rows.capacity, dtype=float)
    sol = solve_paths(networks, demands, capacity, penalty=penalty)
    flows = _path_flows(networks, demands, sol)
    activity = np.zeros(len(capacity))
    for pn, flow in zip(networks, flows, strict=True):
        activity += pn.members @ flow
    labels = end_labels(G, table)
    unserved = unserved_table(table, labels, sol.unserved)
    solved = Solved(
        parts=[Part(pn.net.commodity, pn.net, f) for pn, f in zip(networks, flows, strict=True)],
        rows=rows,
        capacity=capacity,
        activity=activity,
        prices=sol.prices,
        unserved=unserved,
        paths=_path_pairs(G, table, labels, networks, sol),
    )
    return solved, sol.objective


def assign(
    G: nx.MultiDiGraph,
    demand: str | os.PathLike[str] | pd.DataFrame,
    *,
    year: int | None = None,
    avoid: Avoid | None = None,
    by: Criterion = "cost",
    unserved_penalty_usd_per_t: float | None = None,
) -> Assignment:
    """Route a demand table at least cost within every link and place capacity at once.

    Parameters
    ----------
    G
        A network from :func:`~corridors.load_network` or :func:`~corridors.read_network`.
    demand
        A CSV file or DataFrame read by :func:`~corridors.analysis.demand.read_demand` (``origin``,
        ``destination``, ``commodity``, ``tonnes_per_year``). An end naming a city served
        by several terminals stands for all of them: the programme chooses which.
    year, avoid
        As for :func:`~corridors.route`.
    by
        What to minimise: ``"cost"`` (USD), ``"time"``, ``"distance"``, ``"co2"`` or a
        weighted mix such as ``{"cost": 1, "time": 2}``, per tonne.
    unserved_penalty_usd_per_t
        What a tonne left unserved costs, in the criterion's units. None: more than any path
        costs, so everything that can get through does (shadow prices of capacities that then
        leave demand unserved reflect this penalty).

    Returns
    -------
    Assignment
        Flows, utilisation, unserved demand, shadow prices and totals.

    Raises
    ------
    DataError
        Bad demand table (naming row and column) or arguments.
    InfeasibleError
        HiGHS did not find an optimum (it should not happen: unserved demand is allowed).

    Notes
    -----
    Solved by column generation (:mod:`corridors.core.colgen`): the optimum of
    :func:`build_programme`'s arc form, on a programme with a column per path used.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridors import load_network
    >>> demand = pd.DataFrame({"origin": ["Aktau"], "destination": ["Alat"],
    ...                        "commodity": ["general"], "tonnes_per_year": [1e6]})
    >>> result = assign(load_network(), demand)
    >>> result.unserved_tpy
    0.0
    """
    criterion_weights(by)
    table = demand_table(G, demand)
    nets = networks_for(G, table, year, avoid)
    penalty = penalty_of(nets, by, unserved_penalty_usd_per_t)
    solved, objective = _solve_paths(G, table, nets, by, penalty)
    return assemble(solved, objective=objective, by=by, year=year, penalty=penalty)
