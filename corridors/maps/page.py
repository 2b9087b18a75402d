"""The page a folium map sits on, and script elements that run on its map.

Shared by the drawing helpers (:mod:`corridors.maps.draw`) and the base map
(:mod:`corridors.maps.basemap`), which both add to a map's page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium
    from branca.element import Figure, MacroElement

__all__ = ["figure_of", "script_element"]


def figure_of(m: folium.Map) -> Figure:
    """The page (branca Figure) a map belongs to."""
    from branca.element import Figure

    root = m.get_root()
    assert isinstance(root, Figure)
    return root


@cache
def _script_class() -> Callable[[str, str], MacroElement]:
    """The class of :func:`script_element`'s elements (made once, when first needed, as it
    subclasses branca's: branca loads only with the maps)."""
    from branca.element import Element, MacroElement

    class Text(Element):
        """Script text, written as it is (no template: a branca ``Element`` would compile
        its text as a Jinja2 template, which takes seconds for megabytes of data)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def render(self, **kwargs: Any) -> str:
            return self.text

    class Script(MacroElement):
        def __init__(self, name: str, code: str) -> None:
            super().__init__()
            self._name, self.code = name, code

        def render(self, **kwargs: Any) -> str:
            parent = self._parent
            assert parent is not None
            code = self.code.replace("__NAME__", self.get_name())
            text = Text(code.replace("__MAP__", parent.get_name()))
            self.get_root().script.add_child(text, name=self.get_name())  # type: ignore[attr-defined]
            return ""

    return Script


def script_element(name: str, code: str) -> MacroElement:
    """An element that runs ``code`` with ``__MAP__`` standing for its parent's variable (the
    map, or the layer it is added to) and ``__NAME__`` for its own.

    ``code`` goes into the page as it is: any text from data in it is already escaped
    (:func:`corridors.maps.style.escape`).
    """
    return _script_class()(name, code)
