"""Which corridor a route takes, read from where it goes: the countries it passes, the water it
crosses.

A route's corridor is the first of these rules that it meets (:data:`KINDS`):

1. **Northern**: it passes through Russia (a place in ``RU`` other than in the countries of its
   two ends); the label says where it leaves Russia for (Belarus on the Northern route to
   Europe, Azerbaijan round the Caspian's west shore);
2. **Southern**: it passes through Iran (``IR``), labelled likewise with where it leaves Iran;
3. **by sea**: it sails an ocean lane (a sea link marked ``unlimited``), told apart by the
   corridor names of those lanes (``suez``, ``cape``);
4. **across a closed sea**: it sails between two countries on a sea that no ocean lane reaches
   by sea links (the Caspian, in the bundled network), named for that sea link's corridors
   (``middle_corridor``: the Middle Corridor, across the Caspian);
5. otherwise **overland**, told apart by the countries it passes through.

Corridor names on links are data (the ``corridors`` attribute) but many links carry several
(the Makhachkala line is on the North-South corridor as well as on the way round the Caspian),
so they label a kind and never decide it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from corridors.core.network import CoreNetwork

__all__ = ["KINDS", "CorridorKind", "RouteKind", "route_kind"]

#: How a corridor name of the data reads in a label.
TITLES = {
    "middle_corridor": "Middle Corridor",
    "suez": "via Suez",
    "cape": "via the Cape",
    "northern": "Northern",
    "instc": "North-South",
}


@dataclass(frozen=True)
class CorridorKind:
    """A rule of :func:`route_kind`: a route passing through ``country`` is of this kind."""

    key: str
    title: str
    country: str


#: The transit countries that make a corridor, in the order the rules are tried.
KINDS = (
    CorridorKind("northern", "Northern, through Russia", "RU"),
    CorridorKind("southern", "Southern, through Iran", "IR"),
)


@dataclass(frozen=True)
class RouteKind:
    """The corridor of a route: ``key`` tells corridors apart, ``label`` says it in words."""

    key: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class _SeaLeg:
    link: str
    from_: str
    to: str


def route_kind(
    network: nx.MultiDiGraph | CoreNetwork,
    countries: Sequence[str],
    sea_legs: Sequence[tuple[str, str, str]],
) -> RouteKind:
    """The corridor of a route from its countries in order and its sea legs.

    Parameters
    ----------
    network
        The network (for the sea links' attributes and the ports' countries): a graph, or one
        held in the core's columns (:class:`~corridors.core.network.CoreNetwork`).
    countries
        The countries the route passes, in order (consecutive repeats merged).
    sea_legs
        ``(link, from, to)`` of each sea leg, in order.

    Examples
    --------
    >>> from corridors import load_network, route
    >>> G = load_network()
    >>> route(G, "Aktau", "Tbilisi")[0].kind
    'Middle Corridor, by sea Aktau -> Port of Baku'
    """
    from corridors.core.network import as_core

    core = as_core(network)
    transit = [c for c in countries if c and c not in (countries[0], countries[-1])]
    for rule in KINDS:
        if rule.country in transit:
            after = countries[countries.index(rule.country) + 1 :]
            exit_to = after[0] if after else ""
            return RouteKind((rule.key,), f"{rule.title} to {exit_to}")
    legs = [_SeaLeg(*leg) for leg in sea_legs]
    ocean = [leg for leg in legs if core.link(leg.link).get("unlimited")]
    if ocean:
        names = sorted({n for leg in ocean for n in _names(core, leg)})
        return RouteKind(("sea", *names), " ".join(["by sea", *(_title(n) for n in names)]))
    for leg in legs:
        if core.country(leg.from_) != core.country(leg.to) and not core.reaches_ocean(leg.from_):
            title = ", ".join(_title(n) for n in _names(core, leg))
            ends = f"{core.name(leg.from_)} -> {core.name(leg.to)}"
            label = f"{title}, by sea {ends}" if title else f"by closed sea {ends}"
            return RouteKind(("closed_sea", *_names(core, leg)), label)
    through = sorted(set(transit))
    return RouteKind(
        ("overland", *through), "overland" + (f" through {', '.join(through)}" if through else "")
    )


def _names(core: CoreNetwork, leg: _SeaLeg) -> list[str]:
    return sorted(core.link(leg.link).get("corridors") or ())


def _title(name: str) -> str:
    return TITLES.get(name, name)
