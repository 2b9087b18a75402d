"""Times that respond to load on the corridor network: volume-delay data and equilibrium.

The compiled network (:func:`corridors.core.compile_network`) becomes an
:class:`~corridors.core.equilibrium.AssignmentProblem` whose edges get a volume-delay function
(:mod:`corridors.core.vdf`) by what they are:

* rail and road links: ``bpr`` on the link's capacity (line haul slows as trains fill the paths);
* sea links: ``sailing``: the sea time, plus a wait for a sailing that is half the headway
  (``2 * wait_h``) when ships are empty and grows as a queue (M/D/1) as the line fills;
* transfers and gauge changes at places: ``queue`` on the place's capacity (ports, gauge yards);
* border crossings: ``queue`` on the crossing link's capacity, from the border dwell;
* pipelines, access edges and anything without a capacity: fixed.

A link's ``vdf`` (``bpr``, ``sailing`` or ``fixed``) and ``headway_h``, and a place's
``service_capacity_tpy``, override these choices feature by feature (the data contract).
The shape parameters are data, in ``geodata/congestion.csv`` (with sources and ranges); the
queue and sailing scales there are calibrated (:func:`calibrate`) so that the bundled 2024 demand
(``geodata/demand_2024.csv``) reproduces the transit times observed in 2024
(``geodata/observed_times.csv``). Dry cargo (container and general) is assigned on the container
network; oil and gas move in tankers and pipelines that do not share the trains and ferries
modelled here, so their rows are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from corridors.exceptions import DataError
from corridors.network.reference import data_dir

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from corridors.core import CompiledNetwork
    from corridors.core.avoid import Avoid
    from corridors.core.equilibrium import (
        Algorithm,
        AssignmentProblem,
        Criterion,
        EquilibriumResult,
    )
    from corridors.scenarios.apply import RouteJob

__all__ = [
    "DRY",
    "LOADED_2024",
    "CorridorEquilibrium",
    "DelayParameters",
    "Observation",
    "bundled_demand",
    "bundled_loaded_network",
    "calibrate",
    "corridor_equilibrium",
    "delay_parameters",
    "equilibrium_metrics",
    "loaded_network",
    "loaded_times",
    "observed_times",
    "parameter_ranges",
    "with_loaded_times",
    "write_delay_parameters",
    "write_loaded_times",
]

DRY = ("container", "general")
"""Commodities that share the trains, ferries and yards the congestion model covers."""

TITR_AVOIDS = ("RU", "IR")
"""Countries the Trans-Caspian route avoids: the bundled 2024 volumes are assigned without them."""


@dataclass(frozen=True)
class DelayParameters:
    """Shape parameters of the corridor's volume-delay functions (``geodata/congestion.csv``)."""

    rail_alpha: float = 0.15
    rail_beta: float = 4.0
    road_alpha: float = 0.15
    road_beta: float = 4.0
    sailing_alpha: float = 1.0
    server_alpha: float = 1.0
    border_alpha: float = 1.0


def _parameter_rows(path: Path | None) -> tuple[Path, list[dict[str, str]]]:
    path = path or data_dir() / "congestion.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for number, row in enumerate(rows, start=2):
        name = row.get("parameter", "")
        if name not in DelayParameters.__dataclass_fields__:
            raise DataError(f"{path}: line {number}: unknown parameter {name!r}")
        for column in ("value", "low", "high"):
            try:
                float(row[column])
            except (TypeError, ValueError):
                raise DataError(
                    f"{path}: line {number}: {column} of {name} is {row[column]!r}; "
                    "expected a number"
                ) from None
    return path, rows


def delay_parameters(path: Path | None = None) -> DelayParameters:
    """The bundled volume-delay parameters (``parameter,value,low,high,sources,notes`` rows)."""
    _, rows = _parameter_rows(path)
    return DelayParameters(**{r["parameter"]: float(r["value"]) for r in rows})


def parameter_ranges(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """Low and high bound of each volume-delay parameter, as the data gives them."""
    _, rows = _parameter_rows(path)
    return {r["parameter"]: (float(r["low"]), float(r["high"])) for r in rows}


def write_delay_parameters(params: DelayParameters, path: Path | None = None) -> Path:
    """Write fitted values into the parameter table (other columns and the order are kept)."""
    from corridors.network.io import write_text_atomic

    path, rows = _parameter_rows(path)
    columns = list(rows[0]) if rows else ["parameter", "value", "low", "high", "sources", "notes"]
    for row in rows:
        row["value"] = f"{getattr(params, row['parameter']):.4g}"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(path, buffer.getvalue())
    return path


def bundled_demand(G: nx.MultiDiGraph) -> pd.DataFrame:
    """The bundled 2024 demand table (``geodata/demand_2024.csv``), resolved on ``G``."""
    from corridors.analysis.demand import read_demand

    return read_demand(data_dir() / "demand_2024.csv", G)


@dataclass(frozen=True)
class Observation:
    """An observed end-to-end transit time (``geodata/observed_times.csv``)."""

    origin: str
    destination: str
    days: float
    low: float
    high: float
    source: str


def observed_times(path: Path | None = None) -> list[Observation]:
    """The observed 2024 transit times the delay parameters are calibrated on."""
    path = path or data_dir() / "observed_times.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Observation(
                r["origin"],
                r["destination"],
                float(r["days"]),
                float(r["low"]),
                float(r["high"]),
                r["source"],
            )
            for r in csv.DictReader(f)
        ]


@dataclass(frozen=True)
class CorridorEquilibrium:
    """Dry cargo assigned at user equilibrium on the compiled network.

    Attributes
    ----------
    net : CompiledNetwork
    problem : AssignmentProblem
        Edge ``e < net.n_edges`` is compiled edge ``e``; the rest are border queues, one for each
        compiled edge in ``border_of``.
    result : EquilibriumResult
    origins, destinations : tuple of str
        Place ids of the skim rows and columns.
    border_of : ndarray of int
        The compiled edge behind each border-queue edge.
    """

    net: CompiledNetwork
    problem: AssignmentProblem
    result: EquilibriumResult
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    border_of: NDArray[np.int64]

    def hours(self, origin: str, destination: str) -> float:
        """Loaded door-to-door time (h) between two places of the skim."""
        try:
            i, j = self.origins.index(origin), self.destinations.index(destination)
        except ValueError:
            raise DataError(f"no skim for {origin} -> {destination}; add it to pairs") from None
        return float(self.result.skims["time"][i, j])

    def edge_hours(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Free and loaded time (h) of each compiled edge, border dwell included."""
        n = self.net.n_edges
        loaded = self.result.time[:n].copy()
        np.add.at(loaded, self.border_of, self.result.time[n:])
        free = self.problem.delay.time(np.zeros(self.problem.tail.size))
        free_edge = free[:n].copy()
        np.add.at(free_edge, self.border_of, free[n:])
        return free_edge, loaded

    def delay_tonne_hours(self) -> float:
        """Waiting that load adds, in tonne-hours a year: flow times (loaded - free) hours."""
        free, loaded = self.edge_hours()
        flow = self.result.flow[: self.net.n_edges]
        return float(flow @ (loaded - free))

    def element_table(self) -> list[dict[str, Any]]:
        """Per loaded element (link or place edge): flow, capacity, free and loaded hours."""
        free, loaded = self.edge_hours()
        net, flow = self.net, self.result.flow
        rows = []
        for e in np.flatnonzero(flow[: net.n_edges] > 1e-6).tolist():
            link = int(net.link[e])
            rows.append(
                {
                    "element": net.link_ids[link] if link >= 0 else net.place_ids[net.place[e]],
                    "kind": net.kind_name(e),
                    "from": net.nodes[net.tail[e]][0],
                    "to": net.nodes[net.head[e]][0],
                    "from_layer": net.nodes[net.tail[e]][1],
                    "to_layer": net.nodes[net.head[e]][1],
                    "flow_tpy": float(flow[e]),
                    "capacity_tpy": float(net.capacity_tpy[e]),
                    "free_h": float(free[e]),
                    "loaded_h": float(loaded[e]),
                    "delay_h": float(loaded[e] - free[e]),
                }
            )
        return sorted(rows, key=lambda r: (-r["delay_h"], r["element"], r["from_layer"]))


_BY_MODE = {"rail": "bpr", "road": "bpr", "sea": "sailing", "pipeline": "fixed"}


def _link_data(G: nx.MultiDiGraph, net: CompiledNetwork) -> dict[str, NDArray[Any]]:
    """Per compiled link: its kernel (``vdf``, by mode when absent), ``wait_h``, ``headway_h``."""
    attrs = {k: d for _, _, k, d in G.edges(keys=True, data=True)}
    rows = [attrs.get(k, {}) for k in net.link_ids]
    wait = np.array([float(d.get("wait_h") or 0.0) for d in rows])
    headway = np.array([float(d.get("headway_h") or np.nan) for d in rows])
    kernel = [d.get("vdf") or _BY_MODE[m] for d, m in zip(rows, net.link_mode, strict=True)]
    return {"wait": wait, "headway": np.where(np.isnan(headway), 2.0 * wait, headway),
            "kernel": np.array([*kernel, ""])}  # fmt: skip


def _server_capacity(G: nx.MultiDiGraph, net: CompiledNetwork) -> NDArray[np.float64]:
    """Capacity of each place edge's queue: ``service_capacity_tpy``, else the place's own."""
    own = [G.nodes[p].get("service_capacity_tpy") for p in net.place_ids]
    service = np.array([np.nan if v is None else float(v) for v in own] + [np.nan])
    chosen = service[net.place]  # -1 (link edges) picks the NaN pad
    return np.where(np.isnan(chosen), net.capacity_tpy, chosen)


def _kernels(
    G: nx.MultiDiGraph, net: CompiledNetwork, params: DelayParameters
) -> tuple[list[str], dict[str, NDArray[np.float64]]]:
    """Kernel name and parameters of each compiled edge (see the module docstring)."""
    from corridors.core import GAUGE_CHANGE, LINK, TRANSFER

    data = _link_data(G, net)
    link = net.link  # -1 on place edges picks the padding "" kernel
    kernel = np.where(net.kind == LINK, data["kernel"][link], "")
    wait = np.where(net.kind == LINK, data["wait"][np.maximum(link, 0)], 0.0)
    sailing = kernel == "sailing"
    server = (net.kind == TRANSFER) | (net.kind == GAUGE_CHANGE)
    capacity = np.where(server, _server_capacity(G, net), net.capacity_tpy)
    capacity[(kernel == "fixed") | ~((net.kind == LINK) | server)] = np.inf  # access: no queue
    names = np.where(sailing, "sailing", np.where(server, "queue", "bpr")).tolist()
    road = np.array(
        [net.link_mode[k] == "road" if k >= 0 else False for k in link.tolist()], dtype=bool
    )
    figures = {
        "free_time": np.where(sailing, net.time_h - wait, net.time_h),
        "capacity": capacity,
        "alpha": np.select(
            [sailing, server, road], [params.sailing_alpha, params.server_alpha, params.road_alpha],
            params.rail_alpha,
        ),
        "beta": np.where(road, params.road_beta, params.rail_beta),
        "headway": np.where(sailing, data["headway"][np.maximum(link, 0)], 0.0),
    }  # fmt: skip
    return names, figures


def _border_capacity(
    G: nx.MultiDiGraph, net: CompiledNetwork, border_of: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Throughput of each border crossing: the line's capacity on land, the port's at sea."""
    from corridors.network.model import capacity_in

    capacity = net.capacity_tpy[border_of].copy()
    for k, e in enumerate(border_of.tolist()):
        if net.link_mode[net.link[e]] == "sea":
            port = net.nodes[net.head[e]][0]
            found = capacity_in(G.nodes[port], net.commodity, net.year)
            capacity[k] = np.inf if found is None else found
    return capacity


def _problem(
    G: nx.MultiDiGraph,
    net: CompiledNetwork,
    params: DelayParameters,
    pairs: Sequence[tuple[str, str, float]],
) -> tuple[AssignmentProblem, tuple[str, ...], tuple[str, ...], NDArray[np.int64]]:
    from corridors.core import DST, SRC
    from corridors.core.equilibrium import AssignmentProblem
    from corridors.core.vdf import delay_functions

    names, fig = _kernels(G, net, params)
    border_of = np.flatnonzero(net.border_h > 0)
    border_capacity = _border_capacity(G, net, border_of)
    virtual = net.n_nodes + np.arange(border_of.size)
    tail = np.concatenate([net.tail.astype(np.int64), virtual])
    head = np.concatenate([net.head.astype(np.int64), net.head[border_of].astype(np.int64)])
    head[border_of] = virtual
    extra = border_of.size
    delay = delay_functions(
        names + ["queue"] * extra,
        np.concatenate([fig["free_time"], net.border_h[border_of]]),
        np.concatenate([fig["capacity"], border_capacity]),
        alpha=np.concatenate([fig["alpha"], np.full(extra, params.border_alpha)]),
        beta=np.concatenate([fig["beta"], np.ones(extra)]),
        headway=np.concatenate([fig["headway"], np.zeros(extra)]),
    )
    origins = tuple(sorted({o for o, _, _ in pairs}))
    destinations = tuple(sorted({d for _, d, _ in pairs}))
    demand = np.zeros((len(origins), len(destinations)))
    for o, d, tonnes in pairs:
        demand[origins.index(o), destinations.index(d)] += tonnes

    def nodes(places: tuple[str, ...], layer: str) -> NDArray[np.int64]:
        missing = [p for p in places if (p, layer) not in net.node_index]
        if missing:
            raise DataError(f"congestion: {missing[0]} is not in the network for this query")
        return np.array([net.node_index[(p, layer)] for p in places], dtype=np.int64)

    problem = AssignmentProblem(
        tail=tail,
        head=head,
        n_nodes=net.n_nodes + extra,
        delay=delay,
        origins=nodes(origins, SRC),
        destinations=nodes(destinations, DST),
        demand=demand,
        node_names=[f"{p} ({layer})" for p, layer in net.nodes] + ["border"] * extra,
    )
    return problem, origins, destinations, border_of


def corridor_equilibrium(
    G: nx.MultiDiGraph,
    demand: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    avoid: Avoid | None = None,
    scale: float = 1.0,
    pairs: Sequence[tuple[str, str]] = (),
    params: DelayParameters | None = None,
    gap: float = 1e-5,
    free_flow: bool = False,
    algorithm: Algorithm = "bfw",
    criterion: Criterion = "ue",
    max_iter: int = 2000,
) -> CorridorEquilibrium:
    """Assign dry-cargo demand at user equilibrium and skim the loaded times.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    demand : pandas.DataFrame, optional
        As :func:`corridors.read_demand` gives it; by default the bundled 2024 table.
    year, avoid
        The network of that year, without what is avoided.
    scale : float, optional
        Multiplies the demand (2.0: twice today's volumes).
    pairs : sequence of (str, str), optional
        Place ids to skim besides the pairs with demand.
    params : DelayParameters, optional
        By default the bundled, calibrated ones.
    gap : float, optional
        Target relative gap.
    free_flow : bool, optional
        Assign nothing: the empty network's times.
    algorithm, criterion, max_iter
        As :func:`corridors.core.equilibrium.assign` takes them (``criterion="so"``: the system
        optimum).

    Returns
    -------
    CorridorEquilibrium
    """
    from corridors.core import compile_network
    from corridors.core.equilibrium import assign

    if scale < 0:
        raise DataError(f"demand scale {scale} is negative")
    table = bundled_demand(G) if demand is None else demand
    dry = table[table["commodity"].isin(DRY)]
    factor = 0.0 if free_flow else scale
    rows = [
        (str(o), str(d), float(t) * factor)
        for o, d, t in zip(dry["origin"], dry["destination"], dry["tonnes_per_year"], strict=True)
    ]
    rows += [(o, d, 0.0) for o, d in pairs]
    if not rows:
        raise DataError("congestion: no dry-cargo demand and no pairs to skim")
    net = compile_network(G, commodity="container", year=year, avoid=avoid)
    problem, origins, destinations, border_of = _problem(G, net, params or delay_parameters(), rows)
    result = assign(problem, gap=gap, max_iter=max_iter, algorithm=algorithm, criterion=criterion)
    return CorridorEquilibrium(net, problem, result, origins, destinations, border_of)


def equilibrium_metrics(
    G: nx.MultiDiGraph,
    routes: Sequence[RouteJob],
    *,
    demand: pd.DataFrame | None = None,
    year: int | None = None,
    params: DelayParameters | None = None,
) -> list[tuple[str, str, str, float, str]]:
    """What ``compare`` and ``sweep`` report under load: (metric, pair, commodity, value, detail).

    ``loaded_time_h`` of each dry-cargo route job's pair (hours at equilibrium; NaN, detail
    "no route", where the pair is not connected) and ``delay_th``, the waiting load adds over
    the whole network in thousand tonne-hours a year (pair ``"network"``, commodity ``"dry"``).
    The bundled 2024 demand (by default) is assigned without :data:`TITR_AVOIDS`, as in the
    calibration; a ``demand`` table of the user's on the whole network of ``year``. Route jobs
    of other commodities are left out: their trains and ships are not modelled under load.
    """
    import math

    from corridors.core import DST, SRC, compile_network
    from corridors.core.avoid import Avoid
    from corridors.network.lookup import find_places

    jobs = [j for j in routes if j.commodity in DRY]
    # each end as route() reads it: a city is all its terminals, the best pair of them counts
    ends = [
        [(o, d) for o in find_places(G, j.origin) for d in find_places(G, j.destination)]
        for j in jobs
    ]
    avoid = Avoid.of(countries=TITR_AVOIDS if demand is None else ())
    index = compile_network(G, commodity="container", year=year, avoid=avoid).node_index
    served = sorted(
        {
            (o, d)
            for pairs in ends
            for o, d in pairs
            if o != d and (o, SRC) in index and (d, DST) in index
        }
    )
    run = corridor_equilibrium(G, demand, year=year, avoid=avoid, pairs=served, params=params)
    rows = []
    for job, pairs in zip(jobs, ends, strict=True):
        hours = min(
            (0.0 if o == d else run.hours(o, d) if (o, d) in served else math.inf) for o, d in pairs
        )
        found = math.isfinite(hours)
        value, detail = (hours, "") if found else (math.nan, "no route")
        rows.append(("loaded_time_h", job.label, job.commodity, value, detail))
    rows.append(("delay_th", "network", "dry", run.delay_tonne_hours() / 1e3, ""))
    return rows


def _fit_table(
    G: nx.MultiDiGraph, observations: Sequence[Observation], params: DelayParameters, avoid: Avoid
) -> list[dict[str, Any]]:
    from corridors.network.lookup import find_place

    pairs = [(find_place(G, o.origin), find_place(G, o.destination)) for o in observations]
    run = corridor_equilibrium(G, avoid=avoid, pairs=pairs, params=params)
    rows = []
    for obs, (o, d) in zip(observations, pairs, strict=True):
        days = run.hours(o, d) / 24.0
        rows.append(
            {
                "origin": obs.origin,
                "destination": obs.destination,
                "observed_days": obs.days,
                "modelled_days": days,
                "residual_days": days - obs.days,
                "source": obs.source,
            }
        )
    return rows


def calibrate(
    G: nx.MultiDiGraph, *, avoid_countries: Sequence[str] = ("RU", "IR")
) -> tuple[DelayParameters, list[dict[str, Any]]]:
    """Fit the sailing and server queue scales to the observed 2024 times (least squares).

    Each scale stays within the range ``geodata/congestion.csv`` gives it. The bundled 2024
    demand is assigned without the countries the Trans-Caspian route avoids (its volumes are
    the route's own); the border scale follows the server scale.

    Returns
    -------
    DelayParameters, list of dict
        The fitted parameters and, per observation, observed, modelled and residual days.
    """
    from scipy.optimize import minimize

    from corridors.core.avoid import Avoid

    avoid = Avoid.of(countries=list(avoid_countries))
    observations = observed_times()
    base = delay_parameters()
    ranges = parameter_ranges()
    low = np.log([ranges["sailing_alpha"][0], ranges["server_alpha"][0]])
    high = np.log([ranges["sailing_alpha"][1], ranges["server_alpha"][1]])

    def with_scales(z: NDArray[np.float64]) -> DelayParameters:
        a, b = np.exp(np.clip(z, low, high))
        return replace(base, sailing_alpha=float(a), server_alpha=float(b), border_alpha=float(b))

    def loss(z: NDArray[np.float64]) -> float:
        rows = _fit_table(G, observations, with_scales(z), avoid)
        return float(sum((r["residual_days"] / r["observed_days"]) ** 2 for r in rows))

    start = np.log([base.sailing_alpha, base.server_alpha])
    fit = minimize(loss, start, method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 1e-10})
    params = with_scales(fit.x)
    return params, _fit_table(G, observations, params, avoid)


LOADED_2024 = "loaded_2024.csv"
"""Loaded times of the bundled network at the bundled 2024 demand (written by the calibration)."""

_LOADED_COLUMNS = ("element", "from", "to", "field", "hours")


def loaded_times(
    G: nx.MultiDiGraph,
    *,
    demand: pd.DataFrame | None = None,
    scale: float = 1.0,
    year: int | None = None,
) -> list[tuple[str, str, str, str, float]]:
    """Loaded times at equilibrium, as (element, from, to, field, hours) rows.

    The bundled 2024 demand (by default) is the Trans-Caspian route's own traffic, so it is
    assigned without :data:`TITR_AVOIDS`, as in the calibration; a ``demand`` table of the user's
    on the whole network of ``year``. A directed link's row is its ``time_h`` at load (sailing
    wait and any border queue beyond the free dwell included; its ``wait_h`` becomes 0); a
    place's rows are its ``handling_h`` and ``gauge_change_h`` at load (the slower direction).
    """
    from corridors.core import GAUGE_CHANGE, LINK, TRANSFER
    from corridors.core.avoid import Avoid

    avoid = Avoid.of(countries=TITR_AVOIDS if demand is None else ())
    run = corridor_equilibrium(G, demand, year=year, avoid=avoid, scale=scale)
    net = run.net
    loaded = run.edge_hours()[1]
    rows = []
    for e in np.flatnonzero(net.kind == LINK).tolist():
        u, v = net.nodes[net.tail[e]][0], net.nodes[net.head[e]][0]
        hours = float(loaded[e] - net.border_h[e])
        rows.append((net.link_ids[net.link[e]], u, v, "time_h", hours))
    for kind, field in ((TRANSFER, "handling_h"), (GAUGE_CHANGE, "gauge_change_h")):
        edges = np.flatnonzero(net.kind == kind)
        for place in np.unique(net.place[edges]).tolist():
            at = edges[net.place[edges] == place]
            rows.append((net.place_ids[place], "", "", field, float(loaded[at].max())))
    return sorted(rows)


def with_loaded_times(
    G: nx.MultiDiGraph, rows: Sequence[tuple[str, str, str, str, float]], load: dict[str, Any]
) -> nx.MultiDiGraph:
    """A copy of ``G`` with the rows of :func:`loaded_times` applied; ``graph["load"]`` says so.

    The times are for dry cargo: route other commodities on ``G`` itself.
    """
    H = G.copy()
    for element, u, v, field, hours in rows:
        if field == "time_h":
            H.edges[u, v, element]["time_h"] = hours
            H.edges[u, v, element]["wait_h"] = 0.0
        else:
            H.nodes[element][field] = hours
    H.graph["load"] = load
    return H


def loaded_network(
    G: nx.MultiDiGraph,
    *,
    demand: pd.DataFrame | None = None,
    scale: float = 1.0,
    year: int | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``G`` with its times at equilibrium under a load (see :func:`loaded_times`)."""
    rows = loaded_times(G, demand=demand, scale=scale, year=year)
    source = "the bundled 2024 demand" if demand is None else "the given demand"
    return with_loaded_times(G, rows, {"demand": source, "scale": scale})


def bundled_loaded_network(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The bundled network at the bundled 2024 demand, from the stored table (no solve).

    ``geodata/loaded_2024.csv`` is written by ``corridors equilibrium --calibrate --write``;
    a test checks it against a fresh :func:`loaded_times`.
    """
    path = data_dir() / LOADED_2024
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            (r["element"], r["from"], r["to"], r["field"], float(r["hours"]))
            for r in csv.DictReader(f)
        ]
    stale = next(
        (
            e
            for e, u, v, field, _ in rows
            if not (G.has_edge(u, v, e) if field == "time_h" else e in G)
        ),
        None,
    )
    if stale is not None:
        raise DataError(
            f"{path}: element '{stale}' is not in the network; the stored loaded times are stale: "
            "run `corridors equilibrium --calibrate --write`"
        )
    return with_loaded_times(G, rows, {"demand": "the bundled 2024 demand", "scale": 1.0})


def write_loaded_times(G: nx.MultiDiGraph, path: Path | None = None) -> Path:
    """Store the bundled network's loaded times at the bundled 2024 demand."""
    from corridors.network.io import write_text_atomic

    path = path or data_dir() / LOADED_2024
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_LOADED_COLUMNS)
    writer.writerows((e, u, v, f, f"{h:.4f}") for e, u, v, f, h in loaded_times(G))
    write_text_atomic(path, buffer.getvalue())
    return path
