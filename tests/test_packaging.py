"""The package as a user installs it: the wheel carries the bundled network, the schema and the
map assets, and once installed (not editable, outside the checkout, with no npm) it draws an
offline map and a PNG on its country base map."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest

import corridors

ROOT = Path(__file__).parent.parent
ASSETS = (
    "corridors/assets/leaflet/dist/leaflet.js",
    "corridors/assets/leaflet/dist/leaflet.css",
    "corridors/assets/leaflet/dist/images/layers.png",
    "corridors/assets/leaflet/package.json",
    "corridors/assets/leaflet/LICENSE",
    "corridors/assets/jquery/dist/jquery.min.js",
    "corridors/assets/jquery/package.json",
    "corridors/assets/jquery/LICENSE.txt",
    "corridors/assets/world-atlas/countries-50m.json",
    "corridors/assets/world-atlas/package.json",
    "corridors/assets/world-atlas/LICENSE",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip wheel .`` builds from the checkout."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("corridors-*.whl")
    return built


def test_wheel_contains_the_bundled_network_and_the_map_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("places.geojson", "links.geojson", "sources.csv", "modes.csv", "commodities.csv"):
        assert f"corridors/geodata/{name}" in names
    assert {
        "corridors/network/contract/places.csv",
        "corridors/network/contract/links.csv",
        "corridors/py.typed",
        *ASSETS,
    } <= names
    assert "corridors-0.1.0.dist-info/licenses/NOTICE" in names
    assert not [n for n in names if "node_modules" in n or n.endswith(".map")]
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for shipped in sorted(n for n in names if n.startswith("corridors/assets/")):
        folder = shipped.rsplit("/", 1)[0] if "/images/" in shipped else shipped
        assert folder in notice or shipped in notice, f"{shipped} is not listed in NOTICE"


def _venv_with(wheel: Path, folder: Path) -> Path:
    """A new venv holding only the wheel, that sees this interpreter's dependencies."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies from this environment, after the venv's own packages (a plain path: the
    # .pth files there, such as an editable install of the checkout, are not run)
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    subprocess.run(
        [*pip, "--no-deps", "--no-index", "--no-compile", str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv


def test_installed_wheel_draws_an_offline_map_and_a_png_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    from PIL import Image

    from corridors.maps.basemap import LAND

    venv = _venv_with(wheel, tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CORRIDORS_ASSETS", "CI")}
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import corridors; print(corridors.__file__)"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(ROOT)
    done = subprocess.run(
        [str(venv / "bin" / "corridors"), "map", "--offline", "--out", "X.html", "--png", "X.png"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (work / "X.html").read_text(encoding="utf-8")
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert "Leaflet 1.9.3" in page and "jQuery v3.7.1" in page  # inlined
    assert '"className": "corridors-basemap"' in page
    pixels = np.asarray(Image.open(work / "X.png").convert("RGB")).astype(int)
    assert pixels.std() > 20  # not blank paper
    land = np.array([int(LAND[i : i + 2], 16) for i in (1, 3, 5)])
    assert int((np.abs(pixels - land).max(axis=2) <= 2).sum()) > 50_000  # the countries


def test_ci_runs_the_readme_test_command_with_the_known_good_versions() -> None:
    import re
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.endswith("python -m pytest"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = re.search(r"pip install (.+?) &&", command)
    assert install is not None and "-c constraints.txt" in install.group(1)
    assert f"pip install -q {install.group(1)}" in ci and "\npython -m pytest\n" in ci
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        wanted = Requirement(text)
        pinned = pins.get(canonicalize_name(wanted.name))
        assert pinned is not None, f"{wanted.name} has no known-good version in constraints.txt"
        assert wanted.specifier.contains(pinned, prereleases=True), f"{wanted} excludes {pinned}"


def test_public_names_resolve() -> None:
    for name in corridors.__all__:
        assert getattr(corridors, name) is not None


def test_cli_start_path_avoids_heavy_imports() -> None:
    code = (
        "import sys; from corridors.cli import run; run(['route', 'Alat', 'Aktau', '--json']); "
        "print(sorted(m for m in ('geopandas', 'folium', 'scipy', 'pandas', 'shapely') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]"
