"""corridors: transport corridors as a weighted, geospatial graph.

The Caspian Middle Corridor and its rivals as a :class:`networkx.MultiDiGraph` of places and
links, with routing, capacity, criticality, scenarios and maps.
"""

from corridors.assignment import Assignment, assign
from corridors.capacity import Throughput, max_throughput
from corridors.compare import compare
from corridors.criticality import Criticality, criticality
from corridors.demand import read_demand
from corridors.exceptions import (
    CorridorsError,
    DataError,
    InfeasibleError,
    NoRouteError,
    ScenarioError,
    UnknownPlaceError,
)
from corridors.expand import Avoid, expand
from corridors.io import (
    load_network,
    network_from_gdfs,
    network_to_gdfs,
    read_network,
    validate_network,
    write_network,
)
from corridors.lookup import find_place
from corridors.routing import Route, route
from corridors.scenarios import Scenario, apply_scenario, load_scenario
from corridors.sweep import sweep

__all__ = [
    "Assignment",
    "Avoid",
    "CorridorsError",
    "Criticality",
    "DataError",
    "InfeasibleError",
    "NoRouteError",
    "Route",
    "Scenario",
    "ScenarioError",
    "Throughput",
    "UnknownPlaceError",
    "apply_scenario",
    "assign",
    "compare",
    "criticality",
    "expand",
    "find_place",
    "load_network",
    "load_scenario",
    "max_throughput",
    "network_from_gdfs",
    "network_to_gdfs",
    "read_demand",
    "read_network",
    "route",
    "sweep",
    "validate_network",
    "write_network",
]

__version__ = "0.1.0"
