"""A chosen plan under congestion: loaded times and waiting in each period, with and without it.

The planning programme prices transport at free-flow times and holds flows within hard
capacities; queues that grow as ferries, ports and borders fill are the congestion model's
(:mod:`corridors.analysis.congestion`). Here each period's network is rebuilt as the plan leaves it
(what unbuilt candidates open or add taken out, the capacity increases of those in service
added, as the programme counts them), the period's dry-cargo demand is assigned at user
equilibrium on it, and the mean door-to-door hours of a tonne are compared with the same
demand on the network with nothing built, and with the empty network's hours.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from corridors.core.tables import per_commodity

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from corridors.planning.plan import Plan, PlanResult

__all__ = ["period_network", "plan_delays"]


def period_network(
    H: nx.MultiDiGraph, plan: Plan, serving: Collection[str], stated: Mapping[str, Any]
) -> nx.MultiDiGraph:
    """The plan's network (``H``, every candidate's features in it) with only the candidates
    ``serving`` (ids) built; ``stated`` holds the base capacities by feature id."""
    from corridors.planning.programme import added

    G = H.copy()
    absent = {fid for c in plan.candidates if c.id not in serving for fid in added(c)}
    G.remove_edges_from([(u, v, k) for u, v, k in G.edges(keys=True) if k in absent])
    G.remove_nodes_from([n for n in absent if n in G])
    raised: dict[str, Any] = {}
    for c in plan.candidates:
        if c.id not in serving:
            continue
        for fid, attrs in c.scenario.change.items():
            raised[fid] = _plus(raised.get(fid, stated[fid]), attrs["capacity_tpy"], stated[fid])
    for fid, capacity in raised.items():
        if fid in G:
            G.nodes[fid]["capacity_tpy"] = capacity
        for *_, k, d in G.edges(keys=True, data=True):
            if k == fid:
                d["capacity_tpy"] = capacity
    return G


def _plus(current: Any, new: Any, base: Any) -> Any:
    """``current`` raised by what ``new`` adds over ``base`` (numbers or per-commodity maps)."""
    if not any(isinstance(x, Mapping) for x in (current, new, base)):
        return float(current) + float(new) - float(base)
    keys = {k for x in (current, new, base) if isinstance(x, Mapping) for k in x}
    return {
        k: float(per_commodity(current, k) or 0.0)
        + float(per_commodity(new, k) or 0.0)
        - float(per_commodity(base, k) or 0.0)
        for k in sorted(keys)
    }


def _mean_hours(G: nx.MultiDiGraph, demand: pd.DataFrame, year: int, free: bool) -> float:
    """Mean door-to-door hours of a tonne of the dry-cargo demand, loaded (or empty)."""
    from corridors.analysis.congestion import DRY, corridor_equilibrium

    dry = demand[demand["commodity"].isin(DRY) & (demand["tonnes_per_year"] > 0)]
    if dry.empty:
        return float("nan")
    eq = corridor_equilibrium(G, dry, year=year, free_flow=free)
    rows = zip(dry["origin"], dry["destination"], dry["tonnes_per_year"], strict=True)
    hours = [(eq.hours(str(o), str(d)), float(t)) for o, d, t in rows]
    reached = [(h, t) for h, t in hours if h == h and h < float("inf")]
    total = sum(t for _, t in reached)
    return sum(h * t for h, t in reached) / total if total else float("nan")


def plan_delays(result: PlanResult, plan: Plan, demand: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Per period: mean hours of a dry-cargo tonne on the empty network, loaded with the plan
    and loaded with nothing built, and the waiting (delay over each network's free-flow hours)
    the plan removes.

    Parameters
    ----------
    result
        :func:`corridors.planning.plan.plan`'s answer (its ``network`` holds every candidate).
    plan
        The plan it answers.
    demand
        The demand table of each period year (:func:`corridors.planning.plan.plan_demand`).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``in_service``, ``free_h``, ``with_plan_h``, ``without_plan_h``,
        ``delay_with_h``, ``delay_without_h``, ``delay_removed_h`` (hours per tonne).
    """
    import pandas as pd

    from corridors.planning.plan import capacities

    H = result.network
    stated = capacities(H)
    rows = []
    for period in result.periods.to_dict(orient="records"):
        year = int(period["year"])
        serving = [c for c in str(period["in_service"] or "").split(";") if c]
        built = period_network(H, plan, serving, stated)
        bare = period_network(H, plan, (), stated)
        free, with_plan = (_mean_hours(built, demand[year], year, free=f) for f in (True, False))
        bare_free, without = (_mean_hours(bare, demand[year], year, free=f) for f in (True, False))
        rows.append(
            {
                "year": year,
                "in_service": ";".join(serving),
                "free_h": free,
                "with_plan_h": with_plan,
                "without_plan_h": without,
                "delay_with_h": with_plan - free,
                "delay_without_h": without - bare_free,
                "delay_removed_h": (without - bare_free) - (with_plan - free),
            }
        )
    return pd.DataFrame(rows)
