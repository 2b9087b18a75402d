"""What a scenario is: its jobs, demand rows and changes, and where each was written.

The data classes both halves of the scenario code share: the reader
(:mod:`corridors.scenarios.files`) builds them from YAML, and :mod:`corridors.scenarios.apply`
checks and applies them (and re-exports them: ``from corridors.scenarios.apply import Scenario``
stays the public door). Each value keeps the file, line and key it was written at (:data:`Where`),
so
:func:`locate` can name them in an error found later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridors.core.expand import Avoid
from corridors.exceptions import ScenarioError

__all__ = [
    "AVOID_KEYS",
    "FIXED",
    "KEYS",
    "SCENARIO_SOURCE",
    "DemandRow",
    "Loc",
    "RouteJob",
    "Scenario",
    "ThroughputJob",
    "Where",
    "locate",
]

KEYS = (
    "name",
    "description",
    "year",
    "extends",
    "open",
    "close",
    "change",
    "avoid",
    "new_places",
    "new_links",
    "demand",
    "jobs",
)
AVOID_KEYS = ("countries", "places", "links", "modes", "corridors")
FIXED = frozenset({"id", "from", "to"})  # attributes a change may not touch
SCENARIO_SOURCE = "scenario"  # source id cited for figures a scenario gives without one

#: Where a value is written: file, line (1-based; 0 when unknown) and key within that file.
Loc = tuple[str, int, tuple[Any, ...]]
#: Locations by a scenario's own address (``("close", 0)``: the first id of ``close``).
Where = dict[tuple[Any, ...], Loc]


@dataclass(frozen=True)
class RouteJob:
    """A route to compare: origin, destination, commodity and criterion."""

    origin: str
    destination: str
    commodity: str = "container"
    by: str = "time"
    name: str = ""

    @property
    def label(self) -> str:
        """The given name, or ``"origin -> destination"`` as written, with ``" by cost"``
        (etc.) unless by time."""
        by = "" if self.by == "time" else f" by {self.by}"
        return self.name or f"{self.origin} -> {self.destination}{by}"


@dataclass(frozen=True)
class ThroughputJob:
    """A maximum-throughput query: from a set of origins to a set of destinations."""

    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    commodity: str = "container"
    name: str = ""

    @property
    def label(self) -> str:
        """The given name, or ``"a, b -> c"``."""
        return self.name or f"{', '.join(self.origins)} -> {', '.join(self.destinations)}"


@dataclass(frozen=True)
class DemandRow:
    """One row of a demand table, in tonnes a year."""

    origin: str
    destination: str
    commodity: str
    tonnes_per_year: float
    value_usd_per_t: float | None = None


@dataclass(frozen=True)
class Scenario:
    """A what-if: what differs from the base network, and the jobs to compare on it.

    Build one with :func:`load_scenario` (from YAML) or directly; :func:`check_scenario` checks
    it against a network and :func:`apply_scenario` applies it.
    """

    name: str
    description: str = ""
    year: int | None = None
    open: tuple[str, ...] = ()
    close: tuple[str, ...] = ()
    change: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    avoid: Avoid = field(default_factory=Avoid)
    new_places: tuple[Mapping[str, Any], ...] = ()
    new_links: tuple[Mapping[str, Any], ...] = ()
    demand: tuple[DemandRow, ...] | None = None
    demand_file: Path | None = None
    routes: tuple[RouteJob, ...] = ()
    throughput: tuple[ThroughputJob, ...] = ()
    path: Path | None = None
    extends: tuple[Path, ...] = ()
    where: Where = field(default_factory=dict, compare=False, repr=False)

    def error(self, key: tuple[Any, ...], message: str) -> ScenarioError:
        """A :class:`ScenarioError` naming the file, line and key ``key`` was read from."""
        return ScenarioError(locate(self.where, key, self.path, message))


def _dotted(key: Sequence[Any]) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(where: Where, key: tuple[Any, ...], path: Path | None, message: str) -> str:
    """``message`` prefixed with the file, line and key where the value at ``key`` is written
    (the nearest recorded enclosing value, with the rest of ``key`` appended)."""
    probe = tuple(key)
    while probe and probe not in where:
        probe = probe[:-1]
    if probe in where:
        file, line, written = where[probe]
        shown = (*written, *key[len(probe) :])
    else:
        file, line, shown = (str(path) if path else "<scenario>"), 0, tuple(key)
    at = f", line {line}" if line else ""
    named = f", key '{_dotted(shown)}'" if shown else ""
    return f"{file}{at}{named}: {message}"
