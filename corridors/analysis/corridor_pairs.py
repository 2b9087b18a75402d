"""A corridor's own origin-destination pairs, read from the data: where its freight enters and
where it leaves for the European Union, on its own countries' rail and sea links.

As the World Bank's Middle Corridor study frames it (observed.md: "Middle Trade and Transport
Corridor", 2023), the corridor runs from the China-Kazakhstan border and Kazakhstan's Caspian
ports across the Caspian, Azerbaijan and Georgia to the Black Sea and through Türkiye to
Europe. :func:`corridor_pairs` reads each part from the network, for a corridor name of the
links' ``corridors`` attribute (``middle_corridor`` by default):

* **its countries**: those of the places on its links, but for the members of the European Union
  (:func:`corridors.network.borders.eu_members`), where it ends (Kazakhstan, Turkmenistan,
  Azerbaijan, Georgia and Türkiye in the bundled network);
* **entries**: its places joined by a feeder link (corridor name ``shared_trunk``) to a place
  outside its countries (the China-Kazakhstan border crossings), and the ports in those
  entries' countries that one of its sea links leaves from (Kazakhstan's Caspian ports);
* **exits**: the places in the European Union that its links reach from its countries (the
  Black Sea ports its ferries sail to from Georgia, the Bulgarian border of its Turkish line);
* **what it runs on**: rail and sea (the Trans-Caspian route's railways and ferries), within its
  countries: every other place is avoided but the exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from corridors.core.avoid import Avoid
from corridors.exceptions import DataError
from corridors.network.borders import eu_members
from corridors.network.reference import MODES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CorridorPairs", "corridor_pairs"]

#: The modes a corridor's own pairs travel by.
CORRIDOR_MODES = ("rail", "sea")


@dataclass(frozen=True)
class CorridorPairs:
    """The pairs of :func:`corridor_pairs`: every entry to every exit, and what to avoid."""

    corridor: str
    countries: tuple[str, ...]
    entries: tuple[str, ...]
    exits: tuple[str, ...]
    avoid: Avoid

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every entry to every exit, in id order."""
        return [(o, d) for o in self.entries for d in self.exits]

    def describe(self) -> str:
        """One line saying what the pairs are."""
        return (
            f"{self.corridor} pairs: from {', '.join(self.entries)} to {', '.join(self.exits)}, "
            f"by {' and '.join(CORRIDOR_MODES)} within {', '.join(self.countries)}"
        )


def corridor_pairs(
    G: nx.MultiDiGraph, *, corridor: str = "middle_corridor", feeder: str = "shared_trunk"
) -> CorridorPairs:
    """A corridor's own origin-destination pairs, read from its links (see the module).

    Raises
    ------
    DataError
        When no link carries the corridor's name, or it has no entry or no exit.

    Examples
    --------
    >>> from corridors import load_network
    >>> question = corridor_pairs(load_network())
    >>> question.countries, question.entries[:2]
    (('AZ', 'GE', 'KZ', 'TM', 'TR'), ('border:dostyk', 'dryport:khorgos-gateway'))
    >>> question.exits
    ('border:svilengrad', 'port:burgas', 'port:constanta', 'port:varna')
    """
    eu = eu_members()
    country = {n: str(d.get("country") or "") for n, d in G.nodes(data=True)}
    links = [(u, v, d) for u, v, d in G.edges(data=True)]
    own = [(u, v, d) for u, v, d in links if corridor in (d.get("corridors") or ())]
    if not own:
        raise DataError(f"no link names the corridor '{corridor}' in its 'corridors' attribute")
    countries = sorted({country[n] for u, v, _ in own for n in (u, v)} - eu)
    inside = set(countries)
    gateways = {
        v
        for u, v, d in links
        if feeder in (d.get("corridors") or ()) and country[v] in inside
        if country[u] not in inside | eu
    }
    entry_countries = {country[p] for p in gateways}
    ports = {u for u, _, d in own if d.get("mode") == "sea" and country[u] in entry_countries}
    entries = tuple(sorted(gateways | ports))
    exits = tuple(sorted({v for u, v, _ in own if country[u] in inside and country[v] in eu}))
    if not entries or not exits:
        raise DataError(
            f"corridor '{corridor}' has {'no entry' if not entries else 'no exit'}: expected "
            f"'{feeder}' links into its countries and its links into the European Union"
        )
    outside = sorted(n for n in G if country[n] not in inside and n not in exits)
    avoid = Avoid.of(places=outside, modes=sorted(set(MODES) - set(CORRIDOR_MODES)))
    return CorridorPairs(corridor, tuple(countries), entries, exits, avoid)
