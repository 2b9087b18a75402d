"""Playwright fixtures: map pages opened in Debian's headless chromium, with no network at all.

Every request the page makes is intercepted. A CDN address of a pinned npm package is answered
from the copies shipped in ``corridors/assets`` (see :mod:`corridors.maps.offline`); every other
request (tiles, anything a map should not load) is aborted and recorded in ``MapPage.blocked``.
With ``serve_assets=False`` nothing is served, which is how an offline page is checked.

The tests skip, with the reason, where chromium is missing; when the environment variable
``CI`` is set they fail instead, so CI cannot pass without running them.
The fixtures are imported once, into ``tests/conftest.py``: a test module that imported them
again would start a second browser beside the session's, which playwright's sync API refuses.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from corridors.maps.offline import asset_file

__all__ = [
    "CHROMIUM_ARGS",
    "HOSTILE_NAME",
    "HOSTILE_NOTE",
    "HOSTILE_TITLE",
    "SOURCE_URL",
    "MapPage",
    "browser",
    "chromium_path",
    "hostile_files",
    "open_map_fixture",
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium binary (``CORRIDORS_CHROMIUM`` overrides the path)."""
    path = os.environ.get("CORRIDORS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable(f"chromium not found at {path}: `apt-get install chromium`")
    return path


_SHARED: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless chromium for the session.

    Each test module that imports this fixture gets its own session-scoped copy of it, and
    Playwright's sync API cannot run twice at once, so the copies share one browser, closed
    when the last of them is torn down.
    """
    from playwright.sync_api import sync_playwright

    if not _SHARED["users"]:
        driver = sync_playwright().start()
        _SHARED["driver"] = driver
        _SHARED["browser"] = driver.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("browser").close()
            _SHARED.pop("driver").stop()


@dataclass
class MapPage:
    """An opened map page and what happened while it loaded.

    ``errors`` are uncaught script errors; ``console_errors`` include failed (blocked) loads.
    """

    page: Any
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def count(self, selector: str) -> int:
        """How many elements match a CSS selector."""
        return int(self.page.locator(selector).count())

    def point_on(self, selector: str, index: int = -1) -> tuple[float, float]:
        """A screen point on the first drawn element matching ``selector`` that is on top there
        (the middle of an SVG path's length, so it lies on the line itself); or on the
        ``index``-th element matching it."""
        point = self.page.evaluate(_POINT_ON, [selector, index])
        assert point is not None, f"no visible, uncovered element matches {selector!r}"
        return float(point[0]), float(point[1])

    def fold_panels(self) -> None:
        """Fold the map's legend and totals panels, so they cover nothing."""
        self.page.evaluate(
            "() => document.querySelectorAll('.corridors-panel details')"
            ".forEach(d => { d.open = false; })"
        )

    def hover(self, selector: str, index: int = -1) -> str:
        """Move the mouse onto an element and return the text of the tooltip that opens."""
        self.page.mouse.move(*self.point_on(selector, index))
        tooltip = self.page.locator(".leaflet-tooltip").last
        tooltip.wait_for(state="visible", timeout=5000)
        text = str(tooltip.inner_text())
        self.page.mouse.move(2, 400)
        return text

    def click(self, selector: str, index: int = -1) -> Any:
        """Click an element and return the locator of the popup's content."""
        self.page.mouse.click(*self.point_on(selector, index))
        content = self.page.locator(".leaflet-popup-content").last
        content.wait_for(state="visible", timeout=5000)
        return content

    def close_popup(self) -> None:
        """Close the open popup."""
        self.page.locator(".leaflet-popup-close-button").last.dispatch_event("click")
        self.page.locator(".leaflet-popup").wait_for(state="detached", timeout=5000)

    def toggle(self, layer: str, *, on: bool) -> None:
        """Switch an overlay of the layer control on or off."""
        box = self.page.get_by_label(layer, exact=True)
        if on:
            box.check()
        else:
            box.uncheck()

    def screenshot_colours(self, path: Path | None = None) -> tuple[int, float]:
        """Take a screenshot; return its number of colours and the share of its commonest."""
        import io

        from PIL import Image

        image = Image.open(io.BytesIO(self.page.screenshot(path=path))).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 24) or []
        top = max(count for count, _ in colours)
        return len(colours), top / (image.width * image.height)


_POINT_ON = """([selector, index]) => {
  const all = [...document.querySelectorAll(selector)];
  for (const el of index < 0 ? all : all.slice(index, index + 1)) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    let x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (document.elementFromPoint(x, y) !== el && el.getTotalLength) {
      const p = el.getPointAtLength(el.getTotalLength() / 2), m = el.getScreenCTM();
      x = p.x * m.a + p.y * m.c + m.e;
      y = p.x * m.b + p.y * m.d + m.f;
    }
    if (document.elementFromPoint(x, y) === el) return [x, y];
  }
  return null;
}"""


@pytest.fixture(name="open_map")
def open_map_fixture(browser: Any) -> Iterator[Callable[..., MapPage]]:
    """Open an HTML file, wait for Leaflet to draw it, and report errors and requests."""
    contexts: list[Any] = []

    def opener(path: Path, *, serve_assets: bool = True) -> MapPage:
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        contexts.append(context)
        page = context.new_page()
        result = MapPage(page)

        def handle(route: Any) -> None:
            url = route.request.url
            if url.startswith("file://") and Path(url[7:]) == path.resolve():
                route.continue_()
                return
            local = asset_file(url) if serve_assets else None
            if local is not None:
                result.served.append(url)
                route.fulfill(path=str(local))
            else:
                result.blocked.append(url)
                route.abort()

        context.route("**/*", handle)
        page.on("pageerror", lambda exc: result.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None,
        )

        def on_dialog(dialog: Any) -> None:
            result.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_function(
            "() => window.L !== undefined && document.querySelector('.leaflet-pane')"
        )
        return result

    yield opener
    for context in contexts:
        context.close()


# --- a network whose text tries to inject markup and script ----------------------------------

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = "`${alert(2)}` \\ </script><script>alert(3)</script>"
HOSTILE_TITLE = "<b onmouseover=alert(4)>Made</b> by hand"
SOURCE_URL = 'https://example.org/tiny?a=1&b="x"'


def hostile_files(folder: Path) -> tuple[Path, Path]:
    """The tiny network with markup and script in a name, notes and a source title."""
    from tests import tiny

    places, links = tiny.features()
    for f in places:
        if f["properties"]["id"] == "station:a":
            f["properties"]["name"] = HOSTILE_NAME
            f["properties"]["notes"] = HOSTILE_NOTE
    for f in links:
        if f["properties"]["id"] == "rail:a-g":
            f["properties"]["notes"] = HOSTILE_NOTE
    paths = tiny.write(folder, places, links)
    title = HOSTILE_TITLE.replace('"', '""')
    url = SOURCE_URL.replace('"', '""')
    (folder / "sources.csv").write_text(
        f'id,title,publisher,date,url\ntiny,"{title}",corridors,2026-11-28,"{url}"\n',
        encoding="utf-8",
    )
    return paths
