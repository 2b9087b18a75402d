"""The network checks: land lines on land, Caspian legs in the Caspian, junctions, sources.

Small networks on real coordinates, where the answer is plain from a map, then a broken copy of
the bundled network for each fault ``corridors validate`` must catch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import shapely

import corridors
from corridors.cli import run
from corridors.network.checks import WATER_ERROR_KM, followable, off_land
from corridors.network.geometry import haversine_km, line_length_km
from corridors.network.io import read_sources
from corridors.network.reference import data_dir
from tests import tiny

AKTAU = tiny.place("port:aktau", 51.1667, 43.6500, "KZ", "port")
ALAT = tiny.place("port:alat", 49.4100, 39.9400, "AZ", "port")
POTI = tiny.place("port:poti", 41.6736, 42.1550, "GE", "port")
SAMTREDIA = tiny.place("junction:samtredia", 42.3352, 42.1537, "GE", "junction")
KUTAISI = tiny.place("station:kutaisi", 42.6946, 42.2679, "GE", "rail_station")
TBILISI = tiny.place("station:tbilisi", 44.7930, 41.7151, "GE", "rail_station")
BATUMI = tiny.place("port:batumi", 41.6420, 41.6460, "GE", "port")


def _validate(tmp_path: Path, places: list[dict], links: list[dict], **kw: Any) -> Any:
    return corridors.validate_network(*tiny.write(tmp_path, places, links), **kw)


def _rail(a: dict, b: dict, *via: tuple[float, float], **props: Any) -> dict:
    link = tiny.link(f"rail:{_slug(a)}-{_slug(b)}", a, b, "rail", 1.0, gauge_mm=1520, **props)
    coords = link["geometry"]["coordinates"]
    link["geometry"]["coordinates"] = [coords[0], *map(list, via), coords[1]]
    link["properties"]["length_km"] = _drawn(link)
    return link


def _slug(place: dict) -> str:
    return str(place["properties"]["id"]).split(":")[1]


def _drawn(link: dict) -> float:
    coords = link["geometry"]["coordinates"]
    return round(line_length_km(coords), 1)


def _lines(issues: list[Any]) -> list[str]:
    return [str(i) for i in issues]


def test_a_line_across_the_black_sea_is_measured_and_one_inland_is_not() -> None:
    across = shapely.LineString([(36.0, 43.0), (38.0, 43.0)])  # open sea, 60+ km from any coast
    inland = shapely.LineString([(44.79, 41.72), (42.69, 42.27)])  # Tbilisi to Kutaisi
    over, dry = off_land([across, inland])
    assert dry is None
    assert over is not None
    assert over.km == pytest.approx(haversine_km((36.0, 43.0), (38.0, 43.0)), abs=2.0)
    assert over.at == pytest.approx((36.0, 43.0))  # open sea from its start


def test_a_rail_line_over_the_sea_is_an_error_and_its_draft_a_warning(tmp_path: Path) -> None:
    # Poti to Batumi drawn 40 km out into the Black Sea instead of along the coast
    links = [_rail(POTI, BATUMI, (41.2, 42.0), (41.2, 41.8))]
    report = _validate(tmp_path, [POTI, BATUMI], links)
    (error,) = [e for e in _lines(report.errors) if "over water" in e]
    assert error.startswith(f"{tmp_path / 'links.geojson'}: 'rail:poti-batumi' field 'geometry'")
    draft = _validate(tmp_path, [POTI, BATUMI], links, draft=True)
    assert draft.ok and error in _lines(draft.warnings)


def test_a_line_on_land_passes_and_a_short_stretch_only_warns(tmp_path: Path) -> None:
    on_land = _rail(KUTAISI, TBILISI, (43.5, 41.95))
    # the Crimean bridge over the Kerch Strait, 15-20 km long, some 7 km beyond the tolerance
    kerch = tiny.place("station:kerch", 36.45, 45.33, "UA", "rail_station")
    taman = tiny.place("station:taman", 36.70, 45.20, "RU", "rail_station")
    bridge = _rail(kerch, taman)
    report = _validate(tmp_path, [KUTAISI, TBILISI, kerch, taman], [on_land, bridge])
    assert report.ok, report.summary()
    text = [w for w in _lines(report.warnings) if "over water" in w]
    assert len(text) == 1 and "'rail:kerch-taman' field 'geometry'" in text[0]
    km = float(text[0].split(" runs ")[1].split(" km")[0])
    assert 0 < km <= WATER_ERROR_KM
    bridge["properties"]["water_crossing"] = "bridge"
    marked = _validate(tmp_path, [KUTAISI, TBILISI, kerch, taman], [on_land, bridge])
    assert not [w for w in _lines(marked.warnings) if "over water" in w]


def test_a_water_crossing_may_leave_the_land(tmp_path: Path) -> None:
    links = [_rail(POTI, BATUMI, (41.2, 42.0), (41.2, 41.8), water_crossing="ferry")]
    assert _validate(tmp_path, [POTI, BATUMI], links).ok


def test_an_invented_map_is_not_the_earth(tmp_path: Path) -> None:
    # the tiny network lies in the Gulf of Guinea in private-use countries XA and XB
    assert _validate(tmp_path, *tiny.features()).ok
    places, links = tiny.features()
    for p in places:
        p["properties"]["country"] = "GH"  # the same lines in Ghana: over the sea
    errors = _lines(_validate(tmp_path, places, links).errors)
    assert any("'rail:a-b' field 'geometry': a rail line runs" in e for e in errors)


def _sea(a: dict, b: dict, *via: tuple[float, float]) -> dict:
    link = tiny.link(f"sea:{_slug(a)}-{_slug(b)}", a, b, "sea", 1.0)
    coords = link["geometry"]["coordinates"]
    link["geometry"]["coordinates"] = [coords[0], *map(list, via), coords[1]]
    link["properties"]["length_km"] = _drawn(link)
    return link


def test_a_caspian_crossing_stays_in_the_caspian(tmp_path: Path) -> None:
    across = _sea(AKTAU, ALAT, (50.3, 41.2))
    assert _validate(tmp_path, [AKTAU, ALAT], [across]).ok
    # up the Volga and back, as general marine networks route it
    volga = _sea(AKTAU, ALAT, (48.0, 46.4), (46.0, 47.5), (44.5, 48.7), (45.0, 46.0), (49.0, 41.0))
    (error,) = _lines(_validate(tmp_path, [AKTAU, ALAT], [volga]).errors)
    assert "'sea:aktau-alat' field 'geometry': a sea link between Caspian ports leaves" in error


def test_the_caspian_has_no_outlet(tmp_path: Path) -> None:
    link = _sea(AKTAU, POTI, (48.0, 46.4), (44.5, 48.7), (38.0, 47.0), (36.0, 45.0), (38.0, 43.0))
    (error,) = _lines(_validate(tmp_path, [AKTAU, POTI], [link]).errors)
    assert "'sea:aktau-poti' field 'to': a sea link joins a Caspian port to another sea" in error


def test_junctions_join_lines(tmp_path: Path) -> None:
    kutaisi = tiny.place("junction:kutaisi", 42.6946, 42.2679, "GE", "junction")
    places = [POTI, BATUMI, SAMTREDIA, kutaisi, TBILISI]
    coast = [_rail(SAMTREDIA, POTI), _rail(SAMTREDIA, BATUMI)]
    through = [_rail(SAMTREDIA, kutaisi), _rail(kutaisi, TBILISI)]
    report = _validate(tmp_path, places, [*coast, *through])  # Samtredia joins three lines
    assert report.ok, report.summary()
    assert [w for w in _lines(report.warnings) if "field 'kind'" in w] == [
        f"{tmp_path / 'places.geojson'}: 'junction:kutaisi' field 'kind': a junction where one "
        "line passes through (2 neighbours, same mode, gauge and corridors); expected 3+ lines, "
        "or a change of mode, gauge or line"
    ]
    dead = _validate(tmp_path, places, through)
    assert _lines(dead.errors) == [
        f"{tmp_path / 'places.geojson'}: 'junction:samtredia' field 'kind': a junction with "
        "links to one place only ('junction:kutaisi') is a dead end; expected links to 2 or more "
        "places: add the missing line, or give the place its own kind (rail_station, port, ...)"
    ]


def test_a_junction_only_flowed_into_is_a_dead_end(tmp_path: Path) -> None:
    karachaganak = tiny.place("field:karachaganak", 53.2, 51.4, "KZ", "field")
    zhanazhol = tiny.place("field:zhanazhol", 57.4, 48.4, "KZ", "field")
    aktobe = tiny.place("junction:aktobe", 57.2, 50.3, "KZ", "junction")
    pipes = [
        tiny.link(f"pipeline:{_slug(f)}", f, aktobe, "pipeline", 1.0, oneway=True)
        for f in (karachaganak, zhanazhol)
    ]
    for p in pipes:
        p["properties"]["length_km"] = _drawn(p)
    errors = _lines(_validate(tmp_path, [karachaganak, zhanazhol, aktobe], pipes).errors)
    assert errors == [
        f"{tmp_path / 'places.geojson'}: 'junction:aktobe' field 'kind': every link is one way "
        "into this junction; a dead end for flows"
    ]


@pytest.mark.parametrize(
    ("url", "note", "ok"),
    [
        ("https://astanatimes.com/", "", False),
        ("https://www.bp.com/en_az/", "", False),
        ("https://www.bp.com/en/", "", False),
        ("http://example.org/index.html", "", False),
        ("", "", False),
        ("ftp://example.org/report.pdf", "", False),
        ("https://www.vibewire.com.au/?p=299250", "", True),
        ("https://www.sgc.az/en/project/scp", "", True),
        ("https://doi.org/10.1596/978-1-4648-1878-6", "", True),
        ("10.1596/40022", "", True),
        ("hdl:10986/40022", "", True),
        ("https://hdl.handle.net/10986/40022", "", True),
        ("", "corridors' own calibration: see geodata/README.md", True),
        ("https://astanatimes.com/", "article no longer online; print edition only", True),
    ],
)
def test_followable_sources(url: str, note: str, ok: bool) -> None:
    assert followable({"url": url, "note": note}) is ok


def test_source_checks_name_the_row(tmp_path: Path) -> None:
    files = tiny.write(tmp_path)
    table = tmp_path / "sources.csv"
    table.write_text(
        "id,title,publisher,date,url\n"
        "tiny,Made by hand,corridors,2026-11-28,https://example.org/tiny.html\n"
        "home,A home page,corridors,2026-11-28,https://example.org/\n",
        encoding="utf-8",
    )
    report = corridors.validate_network(*files)
    assert _lines(report.errors) == [
        f"{table}: 'home' field 'url': is the home page 'https://example.org/'; expected a link "
        "to the document itself (a URL past the home page, a DOI or a handle), or a note saying "
        "why there is none"
    ]
    assert f"{table}: 'home' field 'id': no feature or reference table cites this source" in (
        _lines(report.warnings)
    )


# --- a broken copy of the bundled network --------------------------------------------------


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(data_dir(), folder)
    return folder


def _edit_links(folder: Path, edit: Any) -> None:
    path = folder / "links.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if edit(f) is not False]
    path.write_text(json.dumps(data), encoding="utf-8")


def _validate_cli(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = run(["validate", str(folder / "places.geojson"), str(folder / "links.geojson")])
    out = capsys.readouterr().out.splitlines()
    errors = [line.removeprefix("error ") for line in out if line.startswith("error ")]
    assert code == (1 if errors else 0)
    return errors


def _new_errors(folder: Path, capsys: pytest.CaptureFixture[str], break_it: Any) -> list[str]:
    """The errors ``validate`` reports once ``break_it`` has broken the copy, which is clean
    before (the bundled data validates without errors since issue 10)."""
    assert _validate_cli(folder, capsys) == []
    break_it(folder)
    return _validate_cli(folder, capsys)


@pytest.mark.parametrize(
    ("link", "via", "message"),
    [
        (  # Samtredia to Batumi swung out over the Black Sea
            "rail:samtredia-batumi",
            [[41.3, 42.3], [41.1, 41.9]],
            "a rail line runs ",
        ),
        (  # the Aktau ferry sent up the Volga, as general marine networks route it
            "sea:aktau-alat",
            [[48.0, 46.4], [46.0, 47.5], [44.5, 48.7], [45.0, 46.0], [49.0, 41.0]],
            "a sea link between Caspian ports leaves the Caspian for ",
        ),
    ],
)
def test_validate_catches_a_line_redrawn_over_water(
    bundled_copy: Path,
    capsys: pytest.CaptureFixture[str],
    link: str,
    via: list[list[float]],
    message: str,
) -> None:
    def redraw(f: dict) -> None:
        if f["properties"]["id"] == link:
            coords = f["geometry"]["coordinates"]
            f["geometry"]["coordinates"] = [coords[0], *via, coords[-1]]

    (new,) = _new_errors(bundled_copy, capsys, lambda d: _edit_links(d, redraw))
    assert new.startswith(f"{bundled_copy / 'links.geojson'}: '{link}' field 'geometry': {message}")


def test_validate_catches_a_junction_made_a_dead_end(
    bundled_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    links = json.loads((bundled_copy / "links.geojson").read_text(encoding="utf-8"))["features"]
    at = sorted(
        (f["properties"]["id"], f["properties"]["from"], f["properties"]["to"])
        for f in links
        if "junction:samtredia" in (f["properties"]["from"], f["properties"]["to"])
    )
    assert len(at) >= 3  # Poti, Batumi and Tbilisi lines meet there
    kept, *dropped = at
    (other,) = {kept[1], kept[2]} - {"junction:samtredia"}

    def drop(f: dict) -> bool:
        return f["properties"]["id"] not in {d[0] for d in dropped}

    new = _new_errors(bundled_copy, capsys, lambda d: _edit_links(d, drop))
    assert new == [
        f"{bundled_copy / 'places.geojson'}: 'junction:samtredia' field 'kind': a junction with "
        f"links to one place only ('{other}') is a dead end; expected links to 2 or more "
        "places: add the missing line, or give the place its own kind (rail_station, port, ...)"
    ]


def test_validate_catches_a_source_url_cut_to_its_home_page(
    bundled_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = read_sources(bundled_copy / "sources.csv")
    sid, row = next(  # the first source with a full URL that no other row shares
        (sid, row)
        for sid, row in sorted(table.items())
        if followable({"url": row["url"]})
        and [r["url"] for r in table.values()].count(row["url"]) == 1
        and not row.get("note")
    )
    parts = urlsplit(row["url"])
    home = f"{parts.scheme}://{parts.netloc}/"

    def cut(folder: Path) -> None:
        path = folder / "sources.csv"
        text = path.read_text(encoding="utf-8")
        assert text.count(row["url"]) == 1
        path.write_text(text.replace(row["url"], home), encoding="utf-8")

    new = _new_errors(bundled_copy, capsys, cut)
    assert new == [
        f"{bundled_copy / 'sources.csv'}: '{sid}' field 'url': is the home page "
        f"'{home}'; expected a link to the document itself (a URL past the home "
        "page, a DOI or a handle), or a note saying why there is none"
    ]


def test_validate_draft_only_warns(
    tmp_path: Path, bundled_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = tiny.write(tmp_path, [POTI, BATUMI], [_rail(POTI, BATUMI, (41.2, 42.0), (41.2, 41.8))])
    assert run(["validate", *map(str, files), "--json"]) == 1
    strict = json.loads(capsys.readouterr().out)
    assert run(["validate", *map(str, files), "--json", "--draft"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert draft["errors"] == [] and set(strict["errors"]) <= set(draft["warnings"])
    places, links = bundled_copy / "places.geojson", bundled_copy / "links.geojson"
    assert run(["validate", str(places), str(links), "--draft"]) == 0


def test_unmarking_the_tap_subsea_section_is_an_error(
    bundled_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def on_land(f: dict) -> None:
        if f["properties"]["id"] == "pipeline:tap":  # 105 km under the Adriatic
            assert f["properties"].pop("water_crossing") == "subsea"

    (new,) = _new_errors(bundled_copy, capsys, lambda d: _edit_links(d, on_land))
    assert new.startswith(
        f"{bundled_copy / 'links.geojson'}: 'pipeline:tap' field 'geometry': a pipeline line runs "
    )
