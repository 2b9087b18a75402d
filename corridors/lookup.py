"""Find places by id, name or alias: case- and accent-insensitive, with "did you mean"."""

from __future__ import annotations

import difflib
import unicodedata
import weakref
from collections import defaultdict

import networkx as nx

from corridors.exceptions import UnknownPlaceError

__all__ = ["find_place", "normalize"]

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
    close = difflib.get_close_matches(key, list(index), n=5, cutoff=0.6)
    hints = sorted({G.nodes[p].get("name", p) for c in close for p in index[c]})
    suggestion = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
    raise UnknownPlaceError(f"unknown place '{query}'{suggestion}")
