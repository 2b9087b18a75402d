"""Every map kind, drawn through the command line from a network and scenario with an attack in
every text field (``tests.hostile``), opened in headless chromium: no payload ran while drawing
(no folder created), none runs in the page (no dialog, no script or handler injected), and each
field's text shows literally in the tooltips, popups, panels and layer names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    MapPage,
)
from tests.hostile import MAP_COMMANDS, draw, hostile_network, payload

Opener = Callable[..., MapPage]

SHOWN = {
    "network": ("place name", "alias", "place notes", "link notes", "operator", "source title"),
    "route": ("place name", "alias", "place notes", "source title"),
    "flow": ("place name", "link notes", "operator", "source title"),
    "assign": ("place name", "link notes", "operator", "source title"),
    "capacity": ("place name", "alias", "place notes", "source title"),
    "scenario": (
        "place name",
        "link notes",
        "operator",
        "scenario notes",
        "scenario operator",
        "source title",
    ),
}
"""The fields each kind of map shows (the others are not on it, but must not run either)."""
SHOWN["offline"] = SHOWN["network"]
SHOWN["compare"] = SHOWN["scenario"]

# every popup and tooltip of every layer opened in turn (through Leaflet, as a click or a
# hover opens them), and the text it shows
_OPEN_ALL = """() => {
  const popups = [], tooltips = [];
  for (const map of Object.values(window).filter(v => v instanceof L.Map)) {
    const layers = [];
    map.eachLayer(layer => layers.push(layer));
    for (const layer of layers) {
      if (layer.getPopup && layer.getPopup()) {
        layer.openPopup();
        const element = layer.getPopup().getElement();
        popups.push(element ? element.querySelector('.leaflet-popup-content').innerText : '');
        layer.closePopup();
      }
      if (layer.getTooltip && layer.getTooltip()) {
        layer.openTooltip();
        const element = layer.getTooltip().getElement();
        tooltips.push(element ? element.innerText : '');
        layer.closeTooltip();
      }
    }
  }
  return {popups, tooltips};
}"""

_INJECTED = """() => ({
  handlers: [...document.querySelectorAll('*')]
    .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  images: document.querySelectorAll('img[src="x"]').length,
  scripts: [...document.scripts].filter(s => /^\\s*alert\\(/.test(s.textContent)).length,
  links: document.querySelectorAll('a[href^="https://evil"]').length,
})"""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every kind of map drawn once from the hostile files, and the folder payloads would fill."""
    tmp = tmp_path_factory.mktemp("hostile")
    pwned = tmp / "pwned"
    pwned.mkdir()
    (tmp / "net").mkdir()
    files = hostile_network(tmp / "net", pwned)
    pages = {kind: draw(kind, files, tmp) for kind in sorted(MAP_COMMANDS)}
    return {"pwned": pwned, "pages": pages}


@pytest.mark.parametrize("kind", sorted(MAP_COMMANDS))
def test_hostile_text_in_every_field_shows_as_text_and_runs_nowhere(
    kind: str, drawn: dict[str, Any], open_map: Opener
) -> None:
    pwned: Path = drawn["pwned"]
    page = open_map(drawn["pages"][kind], serve_assets=kind != "offline")
    shown = page.page.evaluate(_OPEN_ALL)
    assert shown["popups"] and shown["tooltips"]
    panels = page.page.evaluate(
        "() => [...document.querySelectorAll('.corridors-panel, .leaflet-control-layers')]"
        ".map(e => e.textContent).join('\\n')"
    )
    text = "\n".join([*shown["popups"], *shown["tooltips"], panels])
    for field in SHOWN[kind]:
        assert payload(field, pwned) in text, f"{field} is not shown literally"
    page.page.wait_for_timeout(200)  # let any image that failed to load fire its handler
    assert page.dialogs == [] and page.errors == []
    assert page.page.evaluate(_INJECTED) == {"handlers": 0, "images": 0, "scripts": 0, "links": 0}
    assert {url.split("/")[2] for url in page.blocked} <= {"tile.openstreetmap.org"}
    if kind == "offline":
        assert page.blocked == [] and page.served == []
    assert list(pwned.iterdir()) == []


def test_a_real_hover_and_click_show_the_hostile_name(
    drawn: dict[str, Any], open_map: Opener
) -> None:
    pwned: Path = drawn["pwned"]
    page = open_map(drawn["pages"]["offline"], serve_assets=False)
    page.fold_panels()
    stations = "path.corridors-place.corridors-rail_station"
    tooltips = [page.hover(stations, i) for i in range(page.count(stations))]
    name = payload("place name", pwned)
    assert name in tooltips
    popup = page.click(stations, tooltips.index(name)).inner_text()
    assert name in popup and payload("alias", pwned) in popup
    assert page.dialogs == [] and page.errors == []
