"""Public exceptions: one base class, subclasses that also inherit the matching builtin."""

from __future__ import annotations

__all__ = [
    "CorridorsError",
    "DataError",
    "InfeasibleError",
    "NoRouteError",
    "OutputError",
    "PlanError",
    "ScenarioError",
    "UnknownPlaceError",
]


class CorridorsError(Exception):
    """Base class of every error this package raises on purpose."""


class DataError(CorridorsError, ValueError):
    """Input data (a network file, a demand table, an argument) breaks the data contract."""


class ScenarioError(DataError):
    """A scenario file is malformed or names something the network does not have."""


class PlanError(ScenarioError):
    """A plan file is malformed or names something the network does not have."""


class UnknownPlaceError(CorridorsError, KeyError):
    """A place query matches no place, or more than one."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class NoRouteError(CorridorsError, LookupError):
    """No path joins the origin and the destination under the given conditions."""


class InfeasibleError(CorridorsError, RuntimeError):
    """A linear programme could not be solved."""


class OutputError(CorridorsError, OSError):
    """An output cannot be written: a bad path, no permission, a full disk."""

    def __str__(self) -> str:  # OSError would otherwise format its errno arguments
        return str(self.args[0]) if self.args else ""
