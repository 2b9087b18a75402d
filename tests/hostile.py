"""The tiny network with an attack in every text field: Jinja2, HTML, script, rich markup,
Markdown and mathtext, each field's text different, so a test can tell which one shows.

A Jinja2 payload that runs creates a folder named after its field under ``pwned``: a test
asserts that folder stays empty. The same text must show literally wherever the field shows.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from corridors.cli.app import run
from tests import tiny

__all__ = ["FIELDS", "MAP_COMMANDS", "draw", "hostile_network", "net_args", "payload"]

FIELDS = (
    "place name",
    "alias",
    "place notes",
    "link notes",
    "operator",
    "source title",
    "scenario name",
    "scenario notes",
    "scenario operator",
    "job name",
)
"""Every text field that carries an attack (scenario ones are set by the scenario file)."""


def payload(field: str, pwned: Path) -> str:
    """The attack text of one field (one line; it names the field first)."""
    slug = field.replace(" ", "-")
    return (
        f"{field}: {{{{ cycler.__init__.__globals__.os.makedirs('{pwned}/{slug}') }}}} "
        f"{{% if true %}}jinja ran{{% endif %}} {{# comment #}} "
        f"<img src=x onerror=alert('{slug}')> </script><script>alert('{slug}')</script> "
        f"`${{alert('{slug}')}}` \\ [/x] [link=https://evil.example]{slug}[/link] "
        f"*{slug}* _x_ | $\\nope{{x}}$ &amp;"
    )


def hostile_network(folder: Path, pwned: Path) -> dict[str, Path]:
    """Write the network, a scenario and a demand table; return their paths by role.

    station:a is named and noted, and has an alias; rail:a-g has notes and an operator;
    the one source has a title; the scenario (``no-sea.yaml``) closes sea:b-c, renames nothing
    but sets rail:a-g's notes and operator, and is named by its payload.
    """
    places, links = tiny.features()
    for f in places:
        if f["properties"]["id"] == "station:a":
            f["properties"]["name"] = payload("place name", pwned)
            f["properties"]["aliases"] = ["Alpha", payload("alias", pwned)]
            f["properties"]["notes"] = payload("place notes", pwned)
    for f in links:
        if f["properties"]["id"] == "rail:a-g":
            f["properties"]["notes"] = payload("link notes", pwned)
            f["properties"]["operator"] = payload("operator", pwned)
    places_path, links_path = tiny.write(folder, places, links)
    title = payload("source title", pwned).replace('"', '""')
    (folder / "sources.csv").write_text(
        f'id,title,publisher,date,url\ntiny,"{title}",corridors,2026-11-28,https://example.org\n',
        encoding="utf-8",
    )
    scenario = folder / "no-sea.yaml"
    scenario.write_text(
        yaml.safe_dump(
            {
                "name": payload("scenario name", pwned),
                "description": payload("scenario name", pwned),
                "close": ["sea:b-c"],
                "change": {
                    "rail:a-g": {
                        "notes": payload("scenario notes", pwned),
                        "operator": payload("scenario operator", pwned),
                        "time_h": 3.0,
                    }
                },
                "jobs": {
                    "routes": [
                        ["station:a", "station:d"],
                        {"from": "station:a", "to": "port:b", "name": payload("job name", pwned)},
                    ],
                    "throughput": [{"from": "station:a", "to": "station:d"}],
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    demand = folder / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,tonnes_per_year\nstation:a,station:d,container,2000000\n",
        encoding="utf-8",
    )
    return {"places": places_path, "links": links_path, "scenario": scenario, "demand": demand}


def net_args(files: dict[str, Path]) -> list[str]:
    """The command-line options that pick the hostile network."""
    return ["--places", str(files["places"]), "--links", str(files["links"])]


MAP_COMMANDS = {
    "network": ["map"],
    "offline": ["map", "--offline"],
    "route": ["map", "--route", "station:a", "station:d", "--k", "2"],
    "flow": ["map", "--flows", "{demand}"],
    "scenario": ["map", "--scenario", "{scenario}"],
    "capacity": ["capacity", "station:a", "station:d"],
    "assign": ["assign", "{demand}"],
    "compare": ["compare", "{scenario}", "--out", "{tmp}/report"],
}
"""Each map kind, drawn by the command that draws it (``--out``/``--map`` added)."""


def draw(kind: str, files: dict[str, Path], tmp: Path) -> Path:
    """Draw one kind of map from the hostile files through the command line; its path.

    ``corridors map`` also writes a PNG beside it.
    """
    out = tmp / f"{kind}.html"
    args = [
        a.format(demand=files["demand"], scenario=files["scenario"], tmp=tmp)
        for a in MAP_COMMANDS[kind]
    ]
    if args[0] == "map":
        args += ["--out", str(out), "--png", str(out.with_suffix(".png"))]
    else:
        args += ["--map", str(out)]
    assert run([*args, *net_args(files)]) == 0
    return out
