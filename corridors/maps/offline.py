"""Self-contained map pages: the scripts and styles a folium page loads, inlined.

A folium page loads Leaflet and jQuery from CDNs, which an analyst on a restricted network
cannot reach. :func:`inline_assets` replaces each ``<script src>`` and stylesheet ``<link>`` by
the file's text, taken from the *same version* of the same npm package (the images a
stylesheet uses become ``data:`` URIs). The package ships the files it needs in
``corridors/assets/`` (Leaflet 1.9.3, jQuery 3.7.1 and the Natural Earth countries of
world-atlas 2.0.2, laid out as in ``node_modules``; see ``NOTICE`` for their licences), so a
plain ``pip install`` draws offline maps with no npm. They were copied from the packages pinned
in the repository's ``package.json``.

``CORRIDORS_ASSETS`` (or the ``assets`` argument) may name another folder of npm packages, or
one holding ``node_modules``, to use instead. :func:`asset_file` is also what the browser tests
use to serve CDN requests.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from corridors.exceptions import DataError

__all__ = [
    "ENV_VAR",
    "PACKAGED",
    "asset_file",
    "find_assets",
    "inline_assets",
    "installed_version",
]

PACKAGED = Path(__file__).resolve().parents[1] / "assets"
"""The npm package files shipped inside corridors (one folder per package)."""

ENV_VAR = "CORRIDORS_ASSETS"
"""Environment variable naming a folder of npm packages (or one holding ``node_modules``)."""

# CDN address patterns folium uses -> (npm package, version group, path inside the package)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$"), "npm"),
    (re.compile(r"^https://code\.jquery\.com/jquery-([\d.]+)(\.min)?\.js$"), "jquery"),
    (
        re.compile(
            r"^https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/([\d.]+)/"
            r"leaflet\.awesome-markers\.(js|css)$"
        ),
        "awesome",
    ),
)

_SCRIPT = re.compile(r'<script src="(https://[^"]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(https://[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _locate(url: str) -> tuple[str, str, str] | None:
    """(package, version, path inside the package) that a CDN address stands for."""
    for pattern, kind in _PATTERNS:
        match = pattern.match(url.split("?")[0].split("#")[0])
        if not match:
            continue
        if kind == "npm":
            return match.group(1), match.group(2), match.group(3)
        if kind == "jquery":
            return "jquery", match.group(1), f"dist/jquery{match.group(2) or ''}.js"
        ext = match.group(2)
        return (
            "drmonty-leaflet-awesome-markers",
            match.group(1),
            f"{ext}/leaflet.awesome-markers.{ext}",
        )
    return None


@cache
def installed_version(package_dir: Path) -> str | None:
    """The version in an installed npm package's ``package.json`` (None when unreadable)."""
    try:
        return str(json.loads((package_dir / "package.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def asset_file(url: str, assets: str | os.PathLike[str] | None = None) -> Path | None:
    """The file a CDN address stands for, or None when it is not there.

    Only the exact version in the address counts, and only files inside the package.
    ``assets`` is as for :func:`find_assets` (by default the files shipped with corridors).

    Examples
    --------
    >>> asset_file("https://example.org/x.js") is None
    True
    >>> asset_file("https://code.jquery.com/jquery-3.7.1.min.js").name
    'jquery.min.js'
    """
    located = _locate(url)
    if located is None:
        return None
    package, version, inner = located
    package_dir = (find_assets(assets) / package).resolve()
    path = (package_dir / inner).resolve()
    if not path.is_relative_to(package_dir) or not path.is_file():
        return None
    return path if installed_version(package_dir) == version else None


def find_assets(assets: str | os.PathLike[str] | None = None) -> Path:
    """The folder of npm packages to take map assets from.

    ``assets``, else the ``CORRIDORS_ASSETS`` environment variable, else the files shipped
    with corridors (:data:`PACKAGED`). A folder that holds ``node_modules`` stands for it.

    Raises
    ------
    DataError
        When the folder asked for has no ``leaflet`` package, with how to install it.
    """
    chosen = assets if assets is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return PACKAGED
    folder = Path(chosen)
    if (folder / "node_modules").is_dir():
        folder = folder / "node_modules"
    if not (folder / "leaflet" / "package.json").is_file():
        raise DataError(
            f"map assets: no leaflet package in {folder} (from "
            f"{'the assets argument' if assets is not None else ENV_VAR}); run `npm ci` "
            f"where the corridors package.json is and point {ENV_VAR} at it, or unset "
            f"{ENV_VAR} to use the files shipped with corridors"
        )
    return folder


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or (
        "font/woff2" if path.suffix == ".woff2" else "application/octet-stream"
    )
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    """A stylesheet's text with each relative ``url(...)`` it uses turned into a data URI."""
    text = path.read_text("utf-8")
    root = path.parent

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")) or "//" in target:
            return match.group(0)
        file = (root / target.split("?")[0].split("#")[0]).resolve()
        if not file.is_file():
            return match.group(0)
        return f'url("{_data_uri(file)}")'

    return _CSS_URL.sub(replace, text)


def inline_assets(page: str, *, assets: str | os.PathLike[str] | None = None) -> str:
    """Replace the page's CDN scripts and stylesheets by their text from the npm packages.

    Raises
    ------
    DataError
        When the folder asked for holds no packages, or the page loads a file they do not
        hold (naming the address and the package and version to add to ``package.json``).
    """
    folder = find_assets(assets)

    def file_for(url: str) -> Path:
        path = asset_file(url, folder)
        if path is None:
            located = _locate(url)
            wanted = f"{located[0]}@{located[1]}" if located else urlsplit(url).netloc
            raise DataError(
                f"offline map: {url} is not in {folder}; add {wanted} to package.json, "
                f"run `npm ci` and copy its files into corridors/assets"
            )
        return path

    def script(match: re.Match[str]) -> str:
        text = file_for(match.group(1)).read_text("utf-8")
        return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.I) + "</script>"

    def stylesheet(match: re.Match[str]) -> str:
        text = _inline_css(file_for(match.group(1)))
        return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.I) + "</style>"

    page = _SCRIPT.sub(script, page)
    return _STYLESHEET.sub(stylesheet, page)
