"""The page a folium map sits on, and script elements that run on its map.

Shared by the drawing helpers (:mod:`corridors.maps_draw`) and the base map
(:mod:`corridors.maps_basemap`), which both add to a map's page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def script_element(name: str, code: str) -> MacroElement:
    """An element that runs ``code`` with ``__MAP__`` standing for its map's variable.

    ``code`` holds no text from data (numbers and fixed strings only).
    """
    from branca.element import MacroElement
    from jinja2 import Template

    element = MacroElement()
    element._name = name
    setattr(element, "code", code)  # noqa: B010  (read by the template)
    element._template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code.replace('__MAP__', this._parent.get_name()) }}"
        "{% endmacro %}"
    )
    return element
