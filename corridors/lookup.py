"""Find places by id, name or alias: case- and accent-insensitive, with "did you mean"."""

from __future__ import annotations

import difflib
import unicodedata
import weakref
from collections import defaultdict

import networkx as nx

from corridors.exceptions import UnknownPlaceError

__all__ = [
    "city_places",
    "find_place",
    "find_places",
    "modes_at",
    "normalize",
    "search_places",
    "suggest_places",
]

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "ß": "ss",
        "đ": "d",
        "ə": "a",
        "’": "'",
        "‘": "'",
        "-": " ",
        "_": " ",
    }
)


def normalize(text: str) -> str:
    """Fold case, accents and punctuation so that spellings of one name compare equal.

    Examples
    --------
    >>> normalize("Constanța") == normalize("constanta")
    True
    >>> normalize("Iğdır"), normalize("Ələt")
    ('igdir', 'alat')
    """
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.translate(_FOLD).split())


_INDEX: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[int, dict[str, set[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _index(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Normalised id, name and alias -> place ids; cached per graph while its size holds."""
    cached = _INDEX.get(G)
    if cached is not None and cached[0] == len(G):
        return cached[1]
    index: dict[str, set[str]] = defaultdict(set)
    for node, data in G.nodes(data=True):
        for key in (node, data.get("name", ""), *data.get("aliases", ())):
            if key:
                index[normalize(key)].add(node)
    _INDEX[G] = (len(G), index)
    return index


def find_place(G: nx.MultiDiGraph, query: str) -> str:
    """Return the id of the place that ``query`` names (its id, name or an alias).

    Raises
    ------
    UnknownPlaceError
        When nothing matches (with the closest names as suggestions) or several places do.

    Examples
    --------
    >>> from corridors import load_network
    >>> find_place(load_network(), "constanta")
    'port:constanta'
    """
    if query in G:
        return query
    index = _index(G)
    key = normalize(query)
    found = index.get(key, set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        raise UnknownPlaceError(
            f"'{query}' is ambiguous: it names {', '.join(sorted(found))}; give the id"
        )
    hints = suggest_places(G, query)
    suggestion = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
    raise UnknownPlaceError(f"unknown place '{query}'{suggestion}")


def city_places(G: nx.MultiDiGraph, city: str) -> list[str]:
    """The ids of the places whose ``city`` attribute is ``city`` (any spelling), sorted.

    Examples
    --------
    >>> from corridors import load_network
    >>> city_places(load_network(), "istanbul")
    ['station:gebze', 'station:halkali']
    """
    key = normalize(city)
    return sorted(n for n, d in G.nodes(data=True) if d.get("city") and normalize(d["city"]) == key)


def find_places(G: nx.MultiDiGraph, query: str) -> list[str]:
    """The places ``query`` stands for where a set will do: every terminal of a city that
    several places serve (their ``city`` attribute), otherwise the one :func:`find_place` finds.

    Use it for origins and destinations that are sets (throughput, criticality pairs), so that
    "Istanbul" means both sides of the Bosphorus and not one station.

    Raises
    ------
    UnknownPlaceError
        As :func:`find_place`, when the query is neither a city nor a place.

    Examples
    --------
    >>> from corridors import load_network
    >>> find_places(load_network(), "Baku"), find_places(load_network(), "Alat")
    (['port:alat', 'station:baku'], ['port:alat'])
    """
    if query in G:
        return [query]
    group = city_places(G, query)
    return group if len(group) > 1 else [find_place(G, query)]


def modes_at(G: nx.MultiDiGraph, place: str) -> list[str]:
    """The modes of the links that reach ``place``, sorted."""
    return sorted({d["mode"] for _, _, d in G.edges(place, data=True)})


def _haystack(G: nx.MultiDiGraph, node: str) -> list[str]:
    data = G.nodes[node]
    keys = [node, data.get("name", ""), data.get("city", ""), *data.get("aliases", ())]
    return [normalize(k) for k in keys if k]


def search_places(G: nx.MultiDiGraph, query: str = "") -> list[str]:
    """Ids of the places whose id, name, city or alias contains ``query`` (any case and
    accents) or whose country code is ``query``; every place for an empty query. Sorted by
    country, then id.

    Examples
    --------
    >>> from corridors import load_network
    >>> search_places(load_network(), "kuryk")
    ['port:kuryk']
    """
    key = normalize(query)
    found = [
        n
        for n in G
        if not key
        or key == normalize(G.nodes[n].get("country", ""))
        or any(key in text for text in _haystack(G, n))
    ]
    return sorted(found, key=lambda n: (G.nodes[n].get("country", ""), n))


def suggest_places(G: nx.MultiDiGraph, query: str, *, n: int = 5) -> list[str]:
    """Names close to ``query``, for a "did you mean" when :func:`search_places` finds none."""
    index = _index(G)
    close = difflib.get_close_matches(normalize(query), list(index), n=n, cutoff=0.6)
    return sorted({G.nodes[p].get("name", p) for c in close for p in index[c]})
