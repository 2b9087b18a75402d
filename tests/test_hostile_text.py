"""Text from data is only ever text: in map pages (every kind, through the real command line),
the Markdown report, the terminal and PNG titles. What a browser makes of the pages is in
``test_maps_hostile.py``."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from corridors.cli.app import run
from corridors.maps.style import escape
from corridors.scenarios.report import markdown_text
from tests.hostile import MAP_COMMANDS, draw, hostile_network, net_args, payload


@pytest.fixture
def pwned(tmp_path: Path) -> Path:
    """The folder a Jinja2 payload that ran would create a folder in."""
    folder = tmp_path / "pwned"
    folder.mkdir()
    return folder


@pytest.fixture
def files(tmp_path: Path, pwned: Path) -> dict[str, Path]:
    folder = tmp_path / "net"
    folder.mkdir()
    return hostile_network(folder, pwned)


@pytest.mark.parametrize("kind", sorted(MAP_COMMANDS))
def test_no_map_runs_text_from_data(
    kind: str, files: dict[str, Path], pwned: Path, tmp_path: Path
) -> None:
    out = draw(kind, files, tmp_path)
    assert list(pwned.iterdir()) == []  # no payload ran while drawing
    page = out.read_text(encoding="utf-8")
    # the template tags are still there around their text, as character references
    assert page.count("jinja ran") == page.count("#125;jinja ran") > 0
    assert "{# comment #}" not in page and "{{ cycler" not in page
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "${alert" not in page and "[link=" in page  # the text is there, escaped
    shown = escape(payload("place name", pwned))
    assert shown in page or kind in ("capacity",)  # the capacity map names no A


def test_every_field_is_escaped_as_page_text(pwned: Path) -> None:
    for field in ("place name", "operator", "job name"):
        out = escape(payload(field, pwned))
        assert not set(out) & set("<>\"'`${}\\")
        assert html.unescape(out) == payload(field, pwned)


# --- the Markdown report --------------------------------------------------------------------


class _Page(HTMLParser):
    """Tags and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append(0)
        if tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_markdown_report_shows_names_as_text(
    files: dict[str, Path], pwned: Path, tmp_path: Path
) -> None:
    from markdown_it import MarkdownIt

    draw("compare", files, tmp_path)
    report = (tmp_path / "report" / "comparison.md").read_text(encoding="utf-8")
    page = _Page()
    page.feed(MarkdownIt("commonmark").enable("table").render(report))
    assert not {tag for tag, _ in page.tags} & {"script", "em", "code"}  # none from the names
    # the only link and image are the map and its PNG (the Maps section)
    assert [a.get("href") for tag, a in page.tags if tag == "a"] == ["../compare.html"]
    assert [a.get("src") for tag, a in page.tags if tag == "img"] == ["../compare.png"]
    text = "".join(page.text)
    assert payload("scenario name", pwned) in text  # the name, literally
    assert payload("job name", pwned) in text
    # the | in names split no table cell: every row has as many cells as its table's header
    assert len(set(page.rows)) <= 3 and all(n >= 2 for n in page.rows)
    assert list(pwned.iterdir()) == []


def test_markdown_report_links_its_maps_and_nothing_else(
    files: dict[str, Path], tmp_path: Path
) -> None:
    from markdown_it import MarkdownIt

    out = tmp_path / "maps" / "change.html"
    out.parent.mkdir()
    args = ["compare", str(files["scenario"]), "--out", str(tmp_path / "report")]
    assert run([*args, "--map", str(out), *net_args(files)]) == 0
    report = (tmp_path / "report" / "comparison.md").read_text(encoding="utf-8")
    page = _Page()
    page.feed(MarkdownIt("commonmark").enable("table").render(report))
    links = [a.get("href") for tag, a in page.tags if tag == "a"]
    images = [a.get("src") for tag, a in page.tags if tag == "img"]
    assert links == ["../maps/change.html"] and images == ["../maps/change.png"]
    assert not {tag for tag, _ in page.tags} & {"script", "em", "code"}


def test_markdown_text_escapes_what_markdown_reads() -> None:
    from markdown_it import MarkdownIt

    name = "<script>alert(1)</script> *a* _b_ `c` [d](http://e) ![f](g) | h ~~i~~ $j$ \\"
    rendered = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .render(f"| {markdown_text(name)} |\n|---|\n| x |\n")
    )
    assert "<script" not in rendered and "<em>" not in rendered and "<a " not in rendered
    assert "<code>" not in rendered and "<s>" not in rendered and "<img" not in rendered
    assert rendered.count("<th>") == 1
    page = _Page()
    page.feed(rendered)
    assert "".join(page.text).split("x")[0].strip() == name


# --- the terminal ---------------------------------------------------------------------------

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _terminal(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b]8;" not in stream  # no hyperlink
    return _SGR.sub("", captured.out), _SGR.sub("", captured.err)


@pytest.mark.parametrize(
    "args",
    [
        ["route", "Alpha", "station:d", "--k", "2"],
        ["route", "station:a", "port:b"],
        ["capacity", "station:a", "station:d"],
        ["assign", "{demand}"],
        ["criticality", "--pairs", "{pairs}", "--top", "3"],
        ["compare", "{scenario}"],
        ["sweep", "{scenario}", "--samples", "2", "--workers", "1"],
        ["info"],
    ],
    ids=lambda a: a[0] + ("-" + a[2] if a[0] == "route" else ""),
)
def test_markup_in_names_prints_as_text(
    args: list[str],
    files: dict[str, Path],
    pwned: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal: styles would show as escape codes
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nstation:a,station:d\n", encoding="utf-8")
    given = {"demand": files["demand"], "scenario": files["scenario"], "pairs": pairs}
    filled = [a.format(**given) for a in args]
    assert run([*filled, *net_args(files)]) == 0
    out, _ = _terminal(capsys)
    name = payload("place name", pwned)
    if args[0] == "route" and args[2] == "port:b":
        assert f"Route 1 of 1: {name} -> B" in " ".join(out.split())
    if args[0] == "route":
        assert "[link=https://evil.example]place-name[/link]" in out
    if args[0] == "compare":
        assert payload("scenario name", pwned) in out  # in the headline changes
    if args[0] == "sweep":
        assert "[link=https://evil.example]scenario-name[/link]" in out


def test_validate_prints_issues_as_text(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setenv("FORCE_COLOR", "1")
    links = json.loads(files["links"].read_text(encoding="utf-8"))
    links["features"][0]["properties"]["length_km"] = "[/x] [link=https://evil.example]l[/link]"
    files["links"].write_text(json.dumps(links), encoding="utf-8")
    assert run(["validate", str(files["places"]), str(files["links"])]) == 1
    out, _ = _terminal(capsys)
    assert "error" in out and "[/x] [link=https://evil.example]l[/link]" in out


# --- PNG titles ------------------------------------------------------------------------------


def test_a_dollar_in_a_png_title_is_text_not_mathtext(tmp_path: Path) -> None:
    import corridors
    from corridors.maps.static import plot_map, save_png
    from tests import tiny

    G = corridors.read_network(*tiny.write(tmp_path))
    title = r"scenario $\nope{x}$ at $\frac{1}{2}$ the cost"
    out = save_png(G, tmp_path / "title.png", title=title)  # mathtext would raise here
    assert out.read_bytes()[:4] == b"\x89PNG"
    ax = plot_map(G, title=title)
    assert ax.title.get_text() == title
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    literal = ax.title.get_window_extent(renderer).width
    ax.title.set_text(title.replace("$", "S"))
    assert ax.title.get_window_extent(renderer).width == pytest.approx(literal, rel=0.05)
