"""The package as a user installs it: the wheel carries the bundled network and the schema."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import corridors

ROOT = Path(__file__).parent.parent


def test_wheel_contains_the_bundled_network(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("corridors-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("places.geojson", "links.geojson", "sources.csv", "modes.csv", "commodities.csv"):
        assert f"corridors/geodata/{name}" in names
    assert {
        "corridors/schema/places.csv",
        "corridors/schema/links.csv",
        "corridors/py.typed",
    } <= names


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
