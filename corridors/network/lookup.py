"""Find places, countries and commodities by what a user types, with "did you mean".

Places by id, name or alias (case- and accent-insensitive); countries by ISO 3166-1 alpha-2
code, with a country name or alpha-3 code suggesting the alpha-2 code (from pycountry's table);
commodities by name, case-insensitive.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.brief import brief
from corridors.exceptions import DataError, UnknownPlaceError

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "PlaceNames",
    "city_places",
    "country_codes",
    "did_you_mean",
    "find_commodity",
    "find_country",
    "find_place",
    "find_places",
    "is_country",
    "modes_at",
    "normalize",
    "place_names",
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


@dataclass(frozen=True, eq=False)
class PlaceNames:
    """What places are looked up by: the name of each place (its id where it has none), and
    the aliases and city of those that have them.

    The lookups of this module read a graph's through :func:`place_names`; a network held in
    the core's columns (:class:`~corridors.core.network.CoreNetwork`) has its own.

    Examples
    --------
    >>> names = PlaceNames({"port:a": "Alpha", "port:b": "Beta"}, aliases={"port:b": ("Bêta",)})
    >>> names.find("beta"), names.find("port:a")
    ('port:b', 'port:a')
    """

    names: Mapping[str, str]
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    cities: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __contains__(self, place: object) -> bool:
        return place in self.names

    def __len__(self) -> int:
        return len(self.names)

    def name(self, place: str) -> str:
        """The name of a place."""
        return self.names[place]

    def index(self) -> dict[str, set[str]]:
        """Normalised id, name and alias -> place ids (built on first use)."""
        if "index" not in self._cache:
            index: dict[str, set[str]] = defaultdict(set)
            for place, name in self.names.items():
                for key in (place, name, *self.aliases.get(place, ())):
                    if key:
                        index[normalize(key)].add(place)
            self._cache["index"] = index
        found: dict[str, set[str]] = self._cache["index"]
        return found

    def find(self, query: str) -> str:
        """The id of the place ``query`` names: see :func:`find_place`."""
        if query in self.names:
            return query
        found = self.index().get(normalize(query), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise UnknownPlaceError(
                f"'{query}' is ambiguous: it names {', '.join(sorted(found))}; give the id"
            )
        hints = self.suggest(query)
        suggestion = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
        raise UnknownPlaceError(f"unknown place '{query}'{suggestion}")

    def city(self, city: str) -> list[str]:
        """The ids of the places of a city: see :func:`city_places`."""
        if "cities" not in self._cache:
            by_city: dict[str, list[str]] = defaultdict(list)
            for place, name in sorted(self.cities.items()):
                if name:
                    by_city[normalize(name)].append(place)
            self._cache["cities"] = by_city
        return list(self._cache["cities"].get(normalize(city), ()))

    def find_all(self, query: str) -> list[str]:
        """The places ``query`` stands for where a set will do: see :func:`find_places`."""
        if query in self.names:
            return [query]
        group = self.city(query)
        return group if len(group) > 1 else [self.find(query)]

    def suggest(self, query: str, *, n: int = 5) -> list[str]:
        """Names close to ``query``: see :func:`suggest_places`."""
        index = self.index()
        close = difflib.get_close_matches(normalize(query), list(index), n=n, cutoff=0.6)
        return sorted({self.names[p] for c in close for p in index[c]})


_NAMES: weakref.WeakKeyDictionary[nx.MultiDiGraph, PlaceNames] = weakref.WeakKeyDictionary()


def place_names(G: nx.MultiDiGraph) -> PlaceNames:
    """The :class:`PlaceNames` of a graph's places; cached per graph while its size holds."""
    cached = _NAMES.get(G)
    if cached is not None and len(cached) == len(G):
        return cached
    nodes = G.nodes(data=True)
    names = PlaceNames(
        {n: d.get("name", n) for n, d in nodes},
        aliases={n: d["aliases"] for n, d in nodes if d.get("aliases")},
        cities={n: d["city"] for n, d in nodes if d.get("city")},
    )
    _NAMES[G] = names
    return names


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
    return query if query in G else place_names(G).find(query)


def city_places(G: nx.MultiDiGraph, city: str) -> list[str]:
    """The ids of the places whose ``city`` attribute is ``city`` (any spelling), sorted.

    Examples
    --------
    >>> from corridors import load_network
    >>> city_places(load_network(), "istanbul")
    ['port:ambarli', 'station:gebze', 'station:halkali']
    """
    return place_names(G).city(city)


def find_places(G: nx.MultiDiGraph, query: str) -> list[str]:
    """The places ``query`` stands for where a set will do: every terminal of a city that
    several places serve (their ``city`` attribute), otherwise the one :func:`find_place` finds.

    Use it for origins and destinations that are sets (routes, throughput, criticality pairs), so
    that "Istanbul" means both sides of the Bosphorus and its port, not one station.

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
    return place_names(G).find_all(query)


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
    return place_names(G).suggest(query, n=n)


def did_you_mean(name: str, known: Iterable[str], *, n: int = 3) -> str:
    """``"; did you mean 'a', 'b'?"`` for the names of ``known`` closest to ``name``, or ``""``.

    Examples
    --------
    >>> did_you_mean("nothern", ["northern", "middle_corridor"])
    "; did you mean 'northern'?"
    """
    names = sorted({k for k in known if isinstance(k, str)})
    by_key = defaultdict(list)
    for k in names:
        by_key[normalize(k)].append(k)
    close = difflib.get_close_matches(normalize(name), list(by_key), n=n, cutoff=0.6)
    hints = [k for c in close for k in by_key[c]]
    return f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """ISO 3166-1 alpha-2 code -> name, and every folded name and alpha-3 code -> alpha-2.

    Read from pycountry's data file without importing pycountry (whose import takes longer
    than a route query).
    """
    spec = importlib.util.find_spec("pycountry")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("pycountry is not installed; pip install pycountry")
    path = Path(next(iter(spec.submodule_search_locations))) / "databases" / "iso3166-1.json"
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for c in json.loads(path.read_text(encoding="utf-8"))["3166-1"]:
        codes[c["alpha_2"]] = c["name"]
        for key in ("alpha_3", "name", "common_name", "official_name"):
            if c.get(key):
                names.setdefault(normalize(c[key]), c["alpha_2"])
    names.update({"uk": "GB", "el": "GR"})  # codes ISO 3166 reserves for GB and GR
    return codes, names


#: Codes ISO 3166-1 leaves to users (test data and places such as Kosovo, XK).
_USER_ASSIGNED = frozenset(
    {"AA", "ZZ"}
    | {f"Q{c}" for c in "MNOPQRSTUVWXYZ"}
    | {f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
)


def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of countries (without the user-assigned ones)."""
    return frozenset(_countries()[0])


def is_country(code: object) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code: a country's or a user-assigned one.

    Examples
    --------
    >>> is_country("KZ"), is_country("XA"), is_country("kz"), is_country("RUS")
    (True, True, False, False)
    """
    return isinstance(code, str) and (code in _countries()[0] or code in _USER_ASSIGNED)


def find_country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code ``text`` gives, in any case (``"ru"`` is ``"RU"``).

    Raises
    ------
    DataError
        When ``text`` is not an alpha-2 code; a country name or alpha-3 code suggests the
        alpha-2 code to give.

    Examples
    --------
    >>> find_country("ge")
    'GE'
    >>> try:
    ...     find_country("Russia")
    ... except DataError as exc:
    ...     print(str(exc).split("; ")[1])
    did you mean 'RU' (Russian Federation)?
    """
    code = text.strip().upper()
    if is_country(code):
        return code
    codes, names = _countries()
    key = normalize(text)
    found = names.get(key)
    if found is None and len(key) >= 4:
        found = next((c for name, c in sorted(names.items()) if name.startswith(key)), None)
    if found is None:
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
        found = names[close[0]] if close else None
    hint = f"; did you mean '{found}' ({codes[found]})?" if found else ""
    raise DataError(
        f"unknown country {text.strip()[:60]!r}: expected an ISO 3166-1 alpha-2 code{hint}"
    )


def find_commodity(name: str) -> str:
    """The commodity ``name`` names, case-insensitive (``"Oil"`` is ``"oil"``).

    Raises
    ------
    DataError
        For an unknown commodity, with the closest names and the list of known ones.

    Examples
    --------
    >>> find_commodity(" Container ")
    'container'
    """
    from corridors.network.reference import commodities

    known = commodities()
    key = name.strip().casefold() if isinstance(name, str) else ""
    for commodity in known:
        if commodity.casefold() == key:
            return commodity
    raise DataError(
        f"unknown commodity {brief(name)}{did_you_mean(key, known)}; expected one of "
        f"{', '.join(sorted(known))}"
    )
