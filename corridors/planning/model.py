"""What a plan is: its periods, demand, candidate projects and build decisions.

The plan reader (:mod:`corridors.planning.files`) makes these and the planner
(:mod:`corridors.planning.plan`, :mod:`corridors.planning.programme`) solves them; the keys a plan
file may hold are listed here, with two helpers the planner and its programme share: a candidate's
annuity factor and a network's capacities by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.scenarios.model import DemandRow, Scenario, Where, locate

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CANDIDATE_KEYS",
    "CHANGEABLE",
    "DEMAND_KEYS",
    "PLAN_KEYS",
    "REFERENCE_KEYS",
    "Build",
    "Candidate",
    "Plan",
    "PlanDemand",
    "capacities",
    "capital_recovery_factor",
]

PLAN_KEYS = (
    "name",
    "description",
    "extends",
    "years",
    "end_year",
    "discount_rate",
    "unserved_penalty_usd_per_t",
    "demand",
    "candidates",
    "references",
)
CANDIDATE_KEYS = (
    "id",
    "description",
    "capex_usd",
    "opex_usd_per_year",
    "earliest_year",
    "lifetime_years",
    "sources",
    "estimates",
    "ranges",
    "change",
    "open",
    "new_places",
    "new_links",
)
DEMAND_KEYS = ("base", "base_year", "growth_rate")
REFERENCE_KEYS = ("id", "title", "publisher", "date", "url")
CHANGEABLE = ("capacity_tpy", "sources", "ranges", "estimates")


@dataclass(frozen=True)
class PlanDemand:
    """The demand of a plan: rows with a year (``rows`` of ``(year, row)``, or a CSV ``file``
    with a ``year`` column), or a base table (year None) grown by ``growth_rate`` a year from
    ``base_year``."""

    rows: tuple[tuple[int | None, DemandRow], ...] = ()
    file: Path | None = None
    base_year: int | None = None
    growth_rate: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A project that may be built: its costs, timing, sources and what it does.

    ``scenario`` holds what it does to the network (``open``, ``change``, ``new_places``,
    ``new_links``), with ``where`` pointing into the plan file.
    """

    id: str
    capex_usd: float
    earliest_year: int
    lifetime_years: float
    scenario: Scenario
    description: str = ""
    opex_usd_per_year: float = 0.0
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    estimates: tuple[str, ...] = ()
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """An investment plan: read from a YAML file (:func:`corridors.planning.plan.load_plan`) or
    built directly."""

    name: str
    years: tuple[int, ...]
    discount_rate: float
    unserved_penalty_usd_per_t: float
    demand: PlanDemand
    candidates: tuple[Candidate, ...]
    description: str = ""
    end_year: int | None = None
    references: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    base: Scenario | None = None
    path: Path | None = None
    where: Where = field(default_factory=dict, compare=False, repr=False)

    def locate(self, key: tuple[Any, ...], message: str) -> str:
        """``message`` prefixed with the file, line and key ``key`` was read from."""
        return locate(self.where, key, self.path, message)

    @property
    def lengths(self) -> tuple[int, ...]:
        """Years in each period (see the module docstring for the last one)."""
        years = self.years
        if self.end_year is not None:
            end = self.end_year
        else:
            end = years[-1] + (years[-1] - years[-2] if len(years) > 1 else 1)
        return tuple(b - a for a, b in zip(years, (*years[1:], end), strict=True))

    @property
    def discount_factors(self) -> tuple[float, ...]:
        """Per period: the sum over its years of ``(1 + r) ** -(year - first + 1)``."""
        r, first = self.discount_rate, self.years[0]
        return tuple(
            sum((1.0 + r) ** -(y + s - first + 1) for s in range(n))
            for y, n in zip(self.years, self.lengths, strict=True)
        )


@dataclass(frozen=True)
class Build:
    """One build decision: ``candidate`` built at the start of the period of ``year``."""

    candidate: str
    year: int


def capital_recovery_factor(rate: float, years: float) -> float:
    """The share of a capex paid each year so that ``years`` payments at ``rate`` repay it.

    Examples
    --------
    >>> round(capital_recovery_factor(0.1, 2), 6)
    0.57619
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    if rate == 0:
        return 1.0 / years
    grown = (1.0 + rate) ** years
    return rate * grown / (grown - 1.0)


def capacities(G: nx.MultiDiGraph) -> dict[str, Any]:
    """The ``capacity_tpy`` of every link and place of ``G``, by id (None: unbounded)."""
    out = {p: d.get("capacity_tpy") for p, d in G.nodes(data=True)}
    out.update({k: d.get("capacity_tpy") for _, _, k, d in G.edges(keys=True, data=True)})
    return out
