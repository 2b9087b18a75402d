"""Monte Carlo uncertainty sweeps: draw the uncertain figures, run the jobs per draw, summarise.

Figures carry low/high ranges in the data: a feature's ``ranges: {attribute: [low, high]}`` and
the ``*_low``/``*_high`` columns of ``modes.csv`` (default speed, rate per t-km and CO2 of each
mode, used by links without figures of their own). Each draw takes every uncertain figure from a
triangular distribution between its low and high with its stated value as the mode (uniform when
the figure itself is absent). Draw ``i`` uses a generator seeded with ``(seed, i)``, so the
numbers do not depend on how draws are split among processes or machines. A draw writes its
figures into a copy of the network's core columns and the route and throughput jobs compile
and run on those (:meth:`UncertainFigures.draw_core`): no graph is built per draw.

Draws run on a local process pool by default, or on a Dask cluster given a scheduler address
(``pip install corridors[dask]``). Results come back in draw order whatever finishes first.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from corridors.core.network import CoreNetwork, graph_core
from corridors.core.tables import with_attributes
from corridors.exceptions import DataError
from corridors.network.model import link_edges
from corridors.network.reference import modes
from corridors.network.schema import schema
from corridors.scenarios.apply import (
    RouteJob,
    Scenario,
    ThroughputJob,
    apply_scenario,
    load_scenario,
)
from corridors.scenarios.report import CATEGORICAL

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from corridors.analysis.congestion import DelayParameters

__all__ = [
    "SweepResult",
    "UncertainFigures",
    "draw_delay_parameters",
    "perturb",
    "run_draws",
    "sweep",
    "sweep_json",
    "write_sweep",
]

#: Link attributes that fall back on the mode's default, and the modes.csv column behind each.
MODE_DEFAULTS = {
    "speed_kmh": "speed_kmh",
    "cost_usd_per_t": "cost_usd_per_tkm",
    "co2_g_per_tkm": "co2_g_per_tkm",
}
DRAW_COLUMNS = ("draw", "metric", "pair", "commodity", "value", "detail")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepResult:
    """What a sweep found.

    Attributes
    ----------
    draws
        One row per draw, metric and pair (columns :data:`DRAW_COLUMNS`): ``time_h``,
        ``cost_usd_per_t``, ``length_km``, ``co2_kg_per_t`` and ``route`` per route job;
        ``throughput_tpy`` and ``bottleneck`` per throughput job (detail: the links of the
        route, the ids of the cut); with ``equilibrium``, ``loaded_time_h`` per dry-cargo route
        job and ``delay_th`` (:func:`corridors.analysis.congestion.equilibrium_metrics`).
    summary
        Per metric and pair: ``median``, ``p5``, ``p95``, ``mean``, ``n`` (draws with a figure)
        and ``missing`` (draws without one, e.g. no route).
    shares
        How often each route is chosen and each link or place binds: ``metric`` (``route`` or
        ``bottleneck``), ``pair``, ``commodity``, ``item`` and ``share`` of the draws.
    """

    scenario: str
    samples: int
    seed: int
    draws: pd.DataFrame
    summary: pd.DataFrame
    shares: pd.DataFrame


def _tri_ppf(u: float, low: float, mode: float, high: float) -> float:
    """The value at quantile ``u`` of a triangular distribution."""
    if high <= low:
        return low
    mode = min(max(mode, low), high)
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def _drawn(value: Any, bounds: Sequence[float], u: float, kind: str) -> Any:
    """The figure at quantile ``u`` between ``bounds`` (``kind``: :data:`_STEPS`)."""
    low, high = float(bounds[0]), float(bounds[1])
    whole = kind in _STEPS

    def one(v: Any) -> float:
        x = _tri_ppf(u, low, float(v), high) if v is not None else low + u * (high - low)
        return float(round(x)) if whole else x

    if isinstance(value, Mapping):  # a per-commodity figure: move each entry in its range
        return {k: one(v) if low <= v <= high else v for k, v in value.items()}
    result = one(value)
    return int(result) if kind == "int" else result


#: Figures drawn as whole numbers: counts, and tonnes a year (a fraction of a tonne a year
#: means nothing beside a range of millions, and whole tonnes keep the maximum flow exact
#: in SciPy's integers instead of Python's, :mod:`corridors.core.flow`).
_STEPS = frozenset({"int", "t/yr"})
Figure = tuple[str, Any, Sequence[float], str]  # name, stated value, [low, high], _STEPS kind
#: The figures of one draw: new values per place id, and per link (index, new values).
Drawn = tuple[dict[str, dict[str, Any]], list[tuple[int, dict[str, Any]]]]


def _figures(attrs: Mapping[str, Any], table: Mapping[str, Any]) -> tuple[Figure, ...]:
    """The attributes of one feature that carry a range and can be drawn, by name."""
    ranges = attrs.get("ranges") or {}
    out = []
    for name in sorted(ranges):
        attr = table.get(name)
        if attr is not None and attr.type in ("float", "int", "per_commodity"):
            kind = "int" if attr.type == "int" else attr.unit
            out.append((name, attrs.get(name), ranges[name], kind))
    return tuple(out)


def _draw_figures(figures: Sequence[Figure], quantiles: Iterator[float]) -> dict[str, Any]:
    """New values for the figures of one feature, one of ``quantiles`` each, in order."""
    new = {}
    for name, value, bounds, kind in figures:
        new[name] = _drawn(value, bounds, next(quantiles), kind)
    return new


def _mode_fallbacks(
    attrs: Mapping[str, Any], new: dict[str, Any], defaults: Mapping[str, float]
) -> None:
    """Write the drawn mode defaults into ``new`` for the figures a link leaves to its mode."""
    if not defaults:
        return
    merged = {**attrs, **new}
    length = float(merged["length_km"])
    if merged.get("time_h") is None and merged.get("speed_kmh") is None:
        new["speed_kmh"] = defaults["speed_kmh"]
    if merged.get("co2_g_per_tkm") is None:
        new["co2_g_per_tkm"] = defaults["co2_g_per_tkm"]
    cost = merged.get("cost_usd_per_t")
    if cost is None or isinstance(cost, Mapping):
        rate = defaults["cost_usd_per_tkm"] * length
        if cost is None:
            new["cost_usd_per_t"] = rate
        else:
            new["cost_usd_per_t"] = {**{c: rate for c in merged.get("commodities", ())}, **cost}


class UncertainFigures:
    """Where the uncertain figures of a network are, found once; each draw then draws them all.

    Building this scans every place and link for ranges; a sweep builds it once per process
    and each draw then only draws numbers: :meth:`draw_core` writes them into a copy of the
    network's core columns, which the jobs compile from (no graph), and :meth:`draw` merges
    the same numbers into a new graph. The stated values are read when it is built, and the
    core columns of ``G`` are read and cached with it (:func:`corridors.core.tables.tables`):
    do not change ``G`` afterwards.
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        mode_table = modes()
        self.G = G
        #: (mode, modes.csv column, stated value, [low, high] or None), in drawing order
        self.modes = [
            (
                mode,
                column,
                float(getattr(mode_table[mode], column)),
                mode_table[mode].ranges.get(column),
            )
            for mode in sorted(mode_table)
            for column in sorted(set(MODE_DEFAULTS.values()))
        ]
        places = schema("places")
        self.places = [(n, f) for n in sorted(G) if (f := _figures(G.nodes[n], places))]
        links = schema("links")
        self.links = [(u, v, k, d, _figures(d, links)) for u, v, k, d in link_edges(G)]
        #: how many numbers a draw takes from its generator
        self.count = len(self.modes) + sum(len(f) for _, f in self.places)
        self.count += sum(len(f) for *_, f in self.links)

    def _mode_defaults(self, quantiles: Iterator[float]) -> dict[str, dict[str, float]]:
        defaults: dict[str, dict[str, float]] = {}
        for mode, column, value, bounds in self.modes:
            q = next(quantiles)
            if bounds is not None:
                value = _tri_ppf(q, bounds[0], value, bounds[1])
            defaults.setdefault(mode, {})[column] = value
        return defaults

    def drawn(self, rng: np.random.Generator) -> Drawn:
        """The drawn figures of the places (by id) and of the links (by index into
        ``links``): the one order in which every draw takes its numbers from ``rng``."""
        # one number of rng per mode default, then per figure: drawn at once, they are the
        # numbers one call each gives (numpy's generators fill arrays in stream order)
        quantiles = iter(rng.random(self.count).tolist())
        defaults = self._mode_defaults(quantiles)
        node_new = {n: _draw_figures(f, quantiles) for n, f in self.places}
        link_new = []
        for i, (_, _, _, attrs, figures) in enumerate(self.links):
            new = _draw_figures(figures, quantiles)
            _mode_fallbacks(attrs, new, defaults.get(attrs["mode"], {}))
            if new:
                link_new.append((i, new))
        return node_new, link_new

    def draw(self, rng: np.random.Generator) -> nx.MultiDiGraph:
        """A new network with every uncertain figure drawn once from ``rng`` (see
        :func:`perturb`)."""
        return self.graph_of(self.drawn(rng))

    def graph_of(self, drawn: Drawn) -> nx.MultiDiGraph:
        """``G`` with the figures of :meth:`drawn` merged in, as a new graph."""
        node_new, link_new = drawn
        edge_new: dict[tuple[str, str, str], dict[str, Any]] = {}
        for i, new in link_new:
            u, v, key = self.links[i][:3]
            edge_new[u, v, key] = edge_new[v, u, key] = new
        G = self.G
        H = G.__class__()  # as G.copy(): fresh attribute dicts, drawn values merged in
        H.graph.update(G.graph)
        H.add_nodes_from(
            (n, {**d, **node_new[n]} if n in node_new else d.copy()) for n, d in G._node.items()
        )
        H.add_edges_from(  # straight over the adjacency, as G.copy() does (views cost more)
            (u, v, k, {**d, **edge_new[u, v, k]} if (u, v, k) in edge_new else d.copy())
            for u, nbrs in G._adj.items()
            for v, keyed in nbrs.items()
            for k, d in keyed.items()
        )
        return H

    def draw_core(self, rng: np.random.Generator) -> CoreNetwork:
        """The network of :meth:`draw` for the same ``rng``, held in the core's columns: a
        copy of those of ``G`` with the drawn figures written in (links, places and the mode
        defaults links fall back on), on which routes and throughput compile as on the graph
        of :meth:`draw`, number for number."""
        return self.core_of(self.drawn(rng))

    def core_of(self, drawn: Drawn) -> CoreNetwork:
        """The core columns of ``G`` with the figures of :meth:`drawn` written in (copies)."""
        node_new, link_new = drawn
        base, place_at, edges_at = self._core
        places = {
            place_at[n]: {**base.tables.place_raw[place_at[n]], **new}
            for n, new in node_new.items()
        }
        edges = {at: {**d, **new} for i, new in link_new for at, d in edges_at[i]}
        return CoreNetwork(with_attributes(base.tables, places, edges), base.places)

    @functools.cached_property
    def _core(
        self,
    ) -> tuple[CoreNetwork, dict[str, int], list[tuple[tuple[int, dict[str, Any]], ...]]]:
        """The core view of ``G``, the index of each place in its columns, and the position
        and attributes of each link's edges there (both directions), found on the first
        :meth:`draw_core` (:func:`perturb` needs none of it)."""
        core = graph_core(self.G)
        t = core.tables
        raw = t.link_raw.tolist()
        at = {
            (t.key_names[k], t.place_ids[u]): i
            for i, (k, u) in enumerate(zip(t.key.tolist(), t.tail.tolist(), strict=True))
        }
        edges_at = [
            tuple((at[key, end], raw[at[key, end]]) for end in (u, v) if (key, end) in at)
            for u, v, key, _, _ in self.links
        ]
        return core, t.place_index, edges_at


def perturb(G: nx.MultiDiGraph, rng: np.random.Generator) -> nx.MultiDiGraph:
    """A new network with every uncertain figure of ``G`` drawn once from ``rng``.

    Mode defaults (``modes.csv``) are drawn once per mode and written onto the links that rely
    on them; figures with a range are drawn per feature. ``G`` is not changed.

    Examples
    --------
    >>> import numpy as np
    >>> from corridors import load_network
    >>> G = load_network()
    >>> H = perturb(G, np.random.default_rng([1, 0]))
    >>> H is not G and H.number_of_edges() == G.number_of_edges()
    True
    """
    return UncertainFigures(G).draw(rng)


def _route_rows(
    H: nx.MultiDiGraph | CoreNetwork, draw: int, job: RouteJob, year: int | None
) -> list[tuple]:
    from corridors.scenarios.compare import ROUTE_METRICS, route_figures

    figures = route_figures(H, job, year)
    if figures is None:
        figures = [
            *((m, math.nan, "") for m in ROUTE_METRICS),
            ("route", math.nan, "no route"),
            ("corridor", math.nan, "no route"),
        ]
    return [(draw, m, job.label, job.commodity, v, d) for m, v, d in figures]


def _throughput_rows(
    H: nx.MultiDiGraph | CoreNetwork, draw: int, job: ThroughputJob, year: int | None
) -> list[tuple]:
    from corridors.analysis.capacity import max_throughput

    result = max_throughput(
        H, job.origins, job.destinations, commodity=job.commodity, year=year, paths=False
    )
    cut = "; ".join(c.id for c in result.bottleneck)
    return [
        (draw, "throughput_tpy", job.label, job.commodity, float(result.throughput_tpy), ""),
        (draw, "bottleneck", job.label, job.commodity, float(len(result.bottleneck)), cut),
    ]


def draw_delay_parameters(rng: np.random.Generator) -> DelayParameters:
    """Volume-delay parameters drawn from their ranges (``geodata/congestion.csv``): each
    triangular between its low and high, with the calibrated value as the mode."""
    from dataclasses import fields

    from corridors.analysis.congestion import DelayParameters, delay_parameters, parameter_ranges

    value, ranges = delay_parameters(), parameter_ranges()
    drawn = {}
    for f in fields(DelayParameters):
        low, high = ranges[f.name]
        drawn[f.name] = _tri_ppf(float(rng.random()), low, getattr(value, f.name), high)
    return DelayParameters(**drawn)


def run_draws(
    G: nx.MultiDiGraph,
    draws: Iterable[int],
    *,
    seed: int,
    routes: Sequence[RouteJob] = (),
    throughput: Sequence[ThroughputJob] = (),
    year: int | None = None,
    equilibrium: bool = False,
    demand: pd.DataFrame | None = None,
    figures: UncertainFigures | None = None,
) -> list[tuple]:
    """Rows ``(draw, metric, pair, commodity, value, detail)`` of the given draws of ``G``.

    Draw ``i`` draws the figures of ``G`` with a generator seeded ``[seed, i]``, as
    :func:`perturb` does, into a copy of the core columns of ``G``
    (:meth:`UncertainFigures.draw_core`), on which the jobs compile and run without a graph;
    this is the unit of work the process pool and Dask run. With ``equilibrium``, the same
    generator then draws the delay parameters and ``demand`` (None: the bundled 2024 table)
    is assigned under load, on the same draw as a graph.
    ``figures`` are those of ``G`` when already found (a worker finds them once).
    """
    import numpy as np

    from corridors.analysis.congestion import equilibrium_metrics

    figures = figures or UncertainFigures(G)
    rows: list[tuple] = []
    for draw in draws:
        rng = np.random.default_rng([seed, draw])
        drawn = figures.drawn(rng)
        core = figures.core_of(drawn)  # the jobs compile from the drawn columns: no graph
        for job in routes:
            rows += _route_rows(core, draw, job, year)
        for flow in throughput:
            rows += _throughput_rows(core, draw, flow, year)
        if equilibrium:
            # The congestion model reads the network through networkx: its link and place
            # attributes (vdf, headway_h, service_capacity_tpy) from G.edges and G.nodes, and
            # the demand table resolved on a graph (analysis.demand.read_demand); so it gets
            # the same draw as a graph.
            params = draw_delay_parameters(rng)
            H = figures.graph_of(drawn)
            metrics = equilibrium_metrics(H, routes, demand=demand, year=year, params=params)
            rows += [(draw, *values) for values in metrics]
    return rows


# --------------------------------------------------------------------------- running draws

#: What a pool worker holds, set once by :func:`_init_worker`: tasks then send draw numbers.
_WORKER: dict[str, Any] = {}


def _init_worker(G: nx.MultiDiGraph, kwargs: dict[str, Any]) -> None:
    _WORKER.update(graph=G, figures=UncertainFigures(G), kwargs=kwargs)


def _pool_chunk(draws: list[int]) -> list[tuple]:
    return run_draws(_WORKER["graph"], draws, figures=_WORKER["figures"], **_WORKER["kwargs"])


def _dask_chunk(draws: list[int], G: nx.MultiDiGraph, kwargs: dict[str, Any]) -> list[tuple]:
    return run_draws(G, draws, **kwargs)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the objects that exist before the draws out of garbage collection while they run.

    Each draw builds and drops many containers (attribute dicts, columns, compiled arrays), so
    the collector runs often; without this it rescans the network and every loaded module
    each time, and in forked workers it also copies the parent's pages by touching them.
    Measured on 300 draws when each built a graph: serial 10.4 s -> 8.7 s, pool of 2
    7.2 s -> 4.0 s.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _chunks(samples: int, size: int) -> list[list[int]]:
    return [list(range(i, min(i + size, samples))) for i in range(0, samples, size)]


def _run_local(
    G: nx.MultiDiGraph,
    chunks: list[list[int]],
    kwargs: dict[str, Any],
    workers: int,
    tick: Callable[[int], None],
) -> list[list[tuple]]:
    if workers <= 1:
        figures = UncertainFigures(G)
        out = []
        for chunk in chunks:
            out.append(run_draws(G, chunk, figures=figures, **kwargs))
            tick(len(chunk))
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork is fastest where safe; elsewhere (and under threads) spawn works the same
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    results: list[list[tuple]] = [[] for _ in chunks]
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(G, kwargs)
    ) as pool:
        futures = {pool.submit(_pool_chunk, chunk): i for i, chunk in enumerate(chunks)}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            tick(len(chunks[i]))
    return results


def _run_dask(
    G: nx.MultiDiGraph,
    chunks: list[list[int]],
    kwargs: dict[str, Any],
    scheduler: Any,
    tick: Callable[[int], None],
) -> list[list[tuple]]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError(
            "a Dask scheduler was given but dask.distributed is not installed; "
            "install it with: pip install 'corridors[dask]'"
        ) from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        graph = client.scatter(G, broadcast=True)
        futures = client.map(_dask_chunk, chunks, G=graph, kwargs=kwargs, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[list[tuple]] = [[] for _ in chunks]
        for future in as_completed(futures):
            i = index[future.key]
            results[i] = future.result()
            tick(len(chunks[i]))
        return results
    finally:
        if client is not scheduler:
            client.close()


# --------------------------------------------------------------------------- summaries


def _quantile(values: np.ndarray, q: float) -> float:
    """Quantile ``q`` by linear interpolation (numpy's default), infinite values allowed."""
    if not values.size:
        return math.nan
    ordered = sorted(float(v) for v in values)
    at = q * (len(ordered) - 1)
    low, high = ordered[math.floor(at)], ordered[math.ceil(at)]
    if low == high or math.isinf(low) or math.isinf(high):
        return high if at > math.floor(at) else low
    return low + (high - low) * (at - math.floor(at))


def _summaries(rows: list[tuple], samples: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    import numpy as np
    import pandas as pd

    draws = pd.DataFrame(rows, columns=list(DRAW_COLUMNS))
    summary = []
    shares = []
    for (metric, pair, commodity), group in draws.groupby(
        ["metric", "pair", "commodity"], sort=False
    ):
        values = group["value"].to_numpy(dtype=float)
        finite = values[~np.isnan(values)]
        if metric not in CATEGORICAL:
            summary.append(
                {
                    "metric": metric,
                    "pair": pair,
                    "commodity": commodity,
                    "median": _quantile(finite, 0.5),
                    "p5": _quantile(finite, 0.05),
                    "p95": _quantile(finite, 0.95),
                    "mean": float(np.mean(finite)) if finite.size else math.nan,
                    "n": int(finite.size),
                    "missing": int(values.size - finite.size),
                }
            )
            continue
        counts: dict[str, int] = {}
        for detail in group["detail"]:
            items = [d for d in detail.split("; ") if d] if metric == "bottleneck" else [detail]
            for item in items:
                counts[item] = counts.get(item, 0) + 1
        for item, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            shares.append(
                {
                    "metric": metric,
                    "pair": pair,
                    "commodity": commodity,
                    "item": item,
                    "share": count / samples,
                }
            )
    summary_columns = ["metric", "pair", "commodity", "median", "p5", "p95", "mean", "n", "missing"]
    share_columns = ["metric", "pair", "commodity", "item", "share"]
    return (
        draws,
        pd.DataFrame(summary, columns=summary_columns),
        pd.DataFrame(shares, columns=share_columns),
    )


def sweep(
    G: nx.MultiDiGraph,
    scenario: Scenario | str | os.PathLike[str] | None = None,
    *,
    samples: int = 100,
    seed: int = 0,
    routes: Iterable[RouteJob | Sequence[str]] | None = None,
    capacity: Iterable[ThroughputJob | Sequence[Any]] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    equilibrium: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Draw the uncertain figures ``samples`` times and run the route and throughput jobs on each.

    Parameters
    ----------
    G
        The base network (not changed).
    scenario
        A :class:`~corridors.scenarios.apply.Scenario` or scenario file applied before drawing; its
        year is used and its jobs run unless ``routes`` / ``capacity`` are given.
    samples, seed
        How many draws, and the seed: the same seed gives the same numbers on any pool.
    routes, capacity
        Jobs as for :func:`corridors.compare.compare`.
    workers
        Processes of the local pool (default: the CPUs available); 1 runs in this process.
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or a ``dask.distributed.Client``:
        the draws then run on that cluster instead of the local pool.
    chunk_size
        Draws per task (default: about sixteen tasks per worker of the local pool, four per
        worker on Dask).
    equilibrium
        Also draw the delay parameters from their ranges and assign the scenario's demand
        (by default the bundled 2024 table) at user equilibrium in each draw: the route jobs'
        loaded times and the total delay.
    progress
        Called with ``(draws done, samples)`` as chunks finish.

    Examples
    --------
    >>> from corridors import load_network
    >>> result = sweep(load_network(), samples=8, seed=1, workers=1,
    ...                routes=[("Alat", "Aktau")])
    >>> row = result.summary.set_index("metric").loc["time_h"]
    >>> bool(row["p5"] <= row["median"] <= row["p95"]), int(row["n"])
    (True, 8)
    """
    if samples < 1:
        raise DataError(f"samples is {samples}; expected at least 1")
    if scenario is not None and not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    H = G if scenario is None else apply_scenario(G, scenario)  # checked against G first
    kwargs = _draw_options(H, scenario, routes, capacity, seed=seed, equilibrium=equilibrium)
    parts = _run_draws_on(
        H,
        samples,
        kwargs,
        workers=_cpus() if workers is None else workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    draws, summary, shares = _summaries([row for part in parts for row in part], samples)
    name = "base" if scenario is None else scenario.name
    return SweepResult(name, samples, seed, draws, summary, shares)


def _draw_options(
    H: nx.MultiDiGraph,
    scenario: Scenario | None,
    routes: Iterable[RouteJob | Sequence[str]] | None,
    capacity: Iterable[ThroughputJob | Sequence[Any]] | None,
    *,
    seed: int,
    equilibrium: bool,
) -> dict[str, Any]:
    """The keyword arguments of :func:`run_draws`: the jobs, with names resolved to ids once
    (every draw has the same places, and looking up is not free), the year and the demand."""
    from corridors.analysis.capacity import resolve_places
    from corridors.network.lookup import find_place
    from corridors.scenarios.compare import demand_frame, jobs_of

    route_list, flow_list = jobs_of([] if scenario is None else [scenario], routes, capacity)
    if not route_list and not flow_list:
        raise DataError("nothing to sweep: give route or throughput jobs (or a scenario with jobs)")
    kwargs: dict[str, Any] = {
        "seed": seed,
        "routes": tuple(
            RouteJob(
                find_place(H, j.origin), find_place(H, j.destination), j.commodity, j.by, j.label
            )
            for j in route_list
        ),
        "throughput": tuple(
            ThroughputJob(
                tuple(resolve_places(H, j.origins)),
                tuple(resolve_places(H, j.destinations)),
                j.commodity,
                j.label,
            )
            for j in flow_list
        ),
        "year": None if scenario is None else scenario.year,
    }
    if equilibrium:
        own = None if scenario is None else (scenario.demand or scenario.demand_file)
        kwargs |= {"equilibrium": True, "demand": demand_frame(H, own)}
    return kwargs


def _cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _run_draws_on(
    H: nx.MultiDiGraph,
    samples: int,
    kwargs: dict[str, Any],
    *,
    workers: int,
    scheduler: Any,
    chunk_size: int | None,
    progress: Progress | None,
) -> list[list[tuple]]:
    """The rows of every draw, by chunk in draw order: on Dask given a scheduler, else on the
    local pool (or in this process for one worker).

    The local pool gets about sixteen chunks per worker, so when one worker is slowed (a
    shared machine) the other is idle for one small chunk at the end, not for a quarter of
    the draws; a chunk costs one message each way. Dask gets about four per worker.
    """
    per_worker = 4 if scheduler is not None else 16
    size = chunk_size or max(1, math.ceil(samples / (per_worker * max(workers, 1))))
    chunks = _chunks(samples, size)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], samples)

    if scheduler is not None:
        return _run_dask(H, chunks, kwargs, scheduler, tick)
    with _frozen_heap():
        return _run_local(H, chunks, kwargs, workers, tick)


# --------------------------------------------------------------------------- writing


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict("records"):
        out.append(
            {
                str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in row.items()
            }
        )
    return out


def sweep_json(result: SweepResult) -> str:
    """The summary and shares of a sweep as JSON text (NaN and infinity as null)."""
    import json

    data = {
        "scenario": result.scenario,
        "samples": result.samples,
        "seed": result.seed,
        "summary": _records(result.summary),
        "shares": _records(result.shares),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_sweep(result: SweepResult, folder: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``sweep_draws.csv``, ``sweep_summary.csv``, ``sweep_shares.csv`` and
    ``sweep.json`` into ``folder`` (each to a temporary file, then renamed)."""
    from pathlib import Path

    from corridors.network.io import write_text_atomic

    folder = Path(folder)
    paths = {}
    for name, frame in (
        ("draws", result.draws),
        ("summary", result.summary),
        ("shares", result.shares),
    ):
        paths[name] = folder / f"sweep_{name}.csv"
        write_text_atomic(paths[name], frame.to_csv(index=False, lineterminator="\n"))
    paths["json"] = folder / "sweep.json"
    write_text_atomic(paths["json"], sweep_json(result))
    return paths
