"""corridors: transport corridors as a weighted, geospatial graph.

The Caspian Middle Corridor and its rivals as a :class:`networkx.MultiDiGraph` of places and
links, with routing, capacity, criticality, scenarios and maps.

Every module loads on first use of one of its names (networkx with the first graph), so
``import corridors``, the command line and the reading of big files into the core start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from corridors.exceptions import (
    CorridorsError,
    DataError,
    InfeasibleError,
    NoRouteError,
    PlanError,
    ScenarioError,
    UnknownPlaceError,
)

if TYPE_CHECKING:
    from corridors.analysis.assignment import Assignment, assign
    from corridors.analysis.capacity import Throughput, max_throughput
    from corridors.analysis.criticality import Criticality, criticality
    from corridors.analysis.demand import read_demand
    from corridors.analysis.routing import Route, route
    from corridors.core.avoid import Avoid
    from corridors.core.expand import expand
    from corridors.maps.interactive import diff_map, flow_map, network_map, route_map, save_map
    from corridors.network.io import (
        load_network,
        network_from_gdfs,
        network_to_gdfs,
        read_network,
        validate_network,
        write_network,
    )
    from corridors.network.lookup import find_place
    from corridors.scenarios.apply import Scenario, apply_scenario, load_scenario
    from corridors.scenarios.compare import compare
    from corridors.scenarios.sweep import sweep

_LAZY = {
    "analysis.assignment": ["Assignment", "assign"],
    "analysis.capacity": ["Throughput", "max_throughput"],
    "analysis.criticality": ["Criticality", "criticality"],
    "analysis.demand": ["read_demand"],
    "analysis.routing": ["Route", "route"],
    "core.avoid": ["Avoid"],
    "core.expand": ["expand"],
    "maps.interactive": ["diff_map", "flow_map", "network_map", "route_map", "save_map"],
    "network.io": [
        "load_network",
        "network_from_gdfs",
        "network_to_gdfs",
        "read_network",
        "validate_network",
        "write_network",
    ],
    "network.lookup": ["find_place"],
    "scenarios.apply": ["Scenario", "apply_scenario", "load_scenario"],
    "scenarios.compare": ["compare"],
    "scenarios.sweep": ["sweep"],
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "Assignment",
    "Avoid",
    "CorridorsError",
    "Criticality",
    "DataError",
    "InfeasibleError",
    "NoRouteError",
    "PlanError",
    "Route",
    "Scenario",
    "ScenarioError",
    "Throughput",
    "UnknownPlaceError",
    "apply_scenario",
    "assign",
    "compare",
    "criticality",
    "diff_map",
    "expand",
    "find_place",
    "flow_map",
    "load_network",
    "load_scenario",
    "max_throughput",
    "network_from_gdfs",
    "network_map",
    "network_to_gdfs",
    "read_demand",
    "read_network",
    "route",
    "route_map",
    "save_map",
    "sweep",
    "validate_network",
    "write_network",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a module when one of its names is first used."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'corridors' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"corridors.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULE_OF})
