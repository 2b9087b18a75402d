"""What a route or flow must not use: countries, places, links, modes and corridors.

:class:`Avoid` is the exclusion set that the compiled core (:mod:`corridors.core`), the expanded
graph (:mod:`corridors.core.expand`) and every job built on them take; its checks name what is
unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corridors.exceptions import DataError
from corridors.network.reference import MODES

if TYPE_CHECKING:
    import networkx as nx

    from corridors.core.network import CoreNetwork

__all__ = ["Avoid"]


#: Words people use for a mode, and the mode they mean (for "did you mean").
_MODE_WORDS = {"ferry": "sea", "ship": "sea", "train": "rail", "truck": "road", "pipe": "pipeline"}


@dataclass(frozen=True)
class Avoid:
    """What a route or flow must not use: countries (ISO codes), places, links, modes, corridors."""

    countries: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    corridors: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **kinds: Iterable[str] | None) -> Avoid:
        """Build from iterables, e.g. ``Avoid.of(countries=["RU"], modes=["road"])``.

        Countries are ISO 3166-1 alpha-2 codes in any case, modes those of the network.

        Raises
        ------
        DataError
            For an unknown kind, a country that is not an alpha-2 code (a name or alpha-3
            code suggests the alpha-2 code) or an unknown mode.
        """
        from corridors.network.lookup import find_country

        unknown = sorted(set(kinds) - set(_KINDS))
        if unknown:
            raise DataError(f"avoid: unknown kind {unknown[0]!r}; expected one of {_KINDS}")
        sets = {k: frozenset(_texts(k, v)) for k, v in kinds.items()}
        if "countries" in sets:  # sorted: the same input gives the same error
            sets["countries"] = frozenset(find_country(c) for c in sorted(sets["countries"]))
        if "modes" in sets:
            sets["modes"] = frozenset(m.casefold() for m in sets["modes"])
        for mode in sorted(sets.get("modes", ())):
            if mode not in MODES:
                hint = _MODE_WORDS.get(mode)
                extra = f" (did you mean '{hint}'?)" if hint else ""
                raise DataError(
                    f"unknown mode {mode[:60]!r}; expected one of {', '.join(MODES)}{extra}"
                )
        return cls(**sets)

    @classmethod
    def checked(cls, G: nx.MultiDiGraph | CoreNetwork, **kinds: Iterable[str] | None) -> Avoid:
        """As :meth:`of`, and every place, link and corridor must be in ``G`` (a graph, or a
        network held in the core's columns): places by id, name or alias (they come back as
        ids), links by id, corridors by name.

        Raises
        ------
        DataError
            (or :class:`~corridors.exceptions.UnknownPlaceError`) For anything ``G`` does not
            have, with the closest names as a "did you mean".

        Examples
        --------
        >>> from corridors import load_network
        >>> Avoid.checked(load_network(), places=["Aktau"], corridors=["northern"]).places
        frozenset({'port:aktau'})
        """
        from corridors.core.tables import corridor_names, tables
        from corridors.network.lookup import did_you_mean, place_names

        avoid = cls.of(**kinds)
        if hasattr(G, "places"):  # a CoreNetwork: without importing it, which imports this
            columns, names = G.tables, G.places
        else:
            columns, names = tables(G), place_names(G)
        for kind in ("links", "corridors"):
            wanted = sorted(getattr(avoid, kind))
            if not wanted:
                continue
            known = columns.key_names if kind == "links" else corridor_names(columns)
            for name in wanted:
                if name not in known:
                    hint = did_you_mean(name, known)
                    raise DataError(f"unknown {kind[:-1]} {name[:60]!r}{hint}")
        places = frozenset(names.find(p) for p in sorted(avoid.places))
        return dataclasses.replace(avoid, places=places)


_KINDS = ("countries", "places", "links", "modes", "corridors")


def _texts(kind: str, values: Iterable[str] | None) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out = []
    for value in values or ():
        if not isinstance(value, str):
            raise DataError(f"avoid {kind}: expected names (text); found {value!r:.60}")
        out.append(value.strip())
    return out
