"""Reading plan files: YAML read by the scenario reader, every key and value checked.

A plan file's parsing, its locations (file, line, key) and the parts it shares with scenario
files (what a candidate does: ``change``, ``open``, ``new_places``, ``new_links``; inline demand
rows) go through :mod:`corridors.scenarios.files`, so plans are read exactly as safely as
scenarios. :func:`corridors.planning.plan.read_plan` is the public door to this module.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any

from corridors.exceptions import CorridorsError, PlanError
from corridors.planning.model import (
    CANDIDATE_KEYS,
    CHANGEABLE,
    DEMAND_KEYS,
    PLAN_KEYS,
    REFERENCE_KEYS,
    Candidate,
    Plan,
    PlanDemand,
)
from corridors.scenarios.apply import read_scenario
from corridors.scenarios.files import _parse, _Reader
from corridors.scenarios.model import Scenario, Where

__all__ = ["read_file"]

_ACTIONS = ("change", "open", "new_places", "new_links")
_FIGURES = ("capex_usd", "opex_usd_per_year")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any) -> bool:
    return _number(value) and float(value).is_integer()


class _PlanReader(_Reader):
    """The scenario reader, with the parts only plans have."""

    def unknown(self, data: dict[Any, Any], key: tuple[Any, ...], known: tuple[str, ...]) -> None:
        for name in data:
            if name not in known:
                hint = difflib.get_close_matches(str(name), known, n=1)
                extra = (
                    f" (did you mean '{hint[0]}'?)" if hint else f"; expected {', '.join(known)}"
                )
                self.bad((*key, name), f"unknown key{extra}")

    def text(self, data: dict[str, Any], key: tuple[Any, ...], default: str) -> str:
        value = data.get(key[-1], default)
        if not isinstance(value, str) or not value.strip():
            self.bad(key, f"expected text; found {value!r}")
            return default
        return value.strip()

    def year(self, value: Any, key: tuple[Any, ...]) -> int | None:
        if _whole(value) and 1900 <= value <= 2200:
            return int(value)
        self.bad(key, f"is {value!r}; expected a year such as 2030")
        return None

    def figure(
        self, value: Any, key: tuple[Any, ...], *, low: float = 0.0, above: bool = False
    ) -> float | None:
        """A number >= ``low`` (> ``low`` when ``above``), or None after naming the problem."""
        if _number(value) and (value > low if above else value >= low):
            return float(value)
        expected = f"a number {'>' if above else '>='} {low:g}"
        self.bad(key, f"is {value!r}; expected {expected}")
        return None

    def years(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            self.bad(
                ("years",), f"expected a list of period years such as [2026, 2030]; found {value!r}"
            )
            return ()
        years = [self.year(y, ("years", i)) for i, y in enumerate(value)]
        if None in years:
            return ()
        for i in range(1, len(years)):
            if years[i] <= years[i - 1]:  # type: ignore[operator]
                self.bad(
                    ("years", i), f"{years[i]} is not after {years[i - 1]}; expected rising years"
                )
                return ()
        return tuple(y for y in years if y is not None)

    def references(self, value: Any) -> dict[str, dict[str, str]]:
        if not isinstance(value, list):
            self.bad(("references",), f"expected a list of {{id, title, ...}}; found {value!r}")
            return {}
        out: dict[str, dict[str, str]] = {}
        for i, item in enumerate(value):
            key = ("references", i)
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                self.bad(key, f"expected a mapping with an id and a title; found {item!r}")
                continue
            self.unknown(item, key, REFERENCE_KEYS)
            if not isinstance(item.get("title"), str) or not item["title"].strip():
                self.bad((*key, "title"), "a reference needs a title")
            if item["id"] in out:
                self.bad((*key, "id"), f"'{item['id']}' is given twice")
            out[item["id"]] = {k: str(item.get(k) or "") for k in REFERENCE_KEYS}
        return out

    def demand_spec(self, value: Any) -> PlanDemand:
        key = ("demand",)
        if isinstance(value, dict) and set(value) == {"file"}:
            found = self.demand(value, key)
            return PlanDemand(file=found if isinstance(found, Path) else None)
        if isinstance(value, list):
            return PlanDemand(rows=self.year_rows(value, key))
        if not isinstance(value, dict):
            self.bad(
                key,
                "expected rows with a year, {file: path} or {base, base_year, growth_rate}; "
                f"found {value!r}",
            )
            return PlanDemand()
        self.unknown(value, key, DEMAND_KEYS)
        for name in DEMAND_KEYS:
            if name not in value:
                self.bad(key, f"missing '{name}'")
        if any(name not in value for name in DEMAND_KEYS):
            return PlanDemand()
        base = self.demand(value["base"], (*key, "base"))
        rate = self.figure(value["growth_rate"], (*key, "growth_rate"), low=-1.0, above=True)
        base_year = self.year(value["base_year"], (*key, "base_year"))
        rows = tuple((None, row) for row in base) if isinstance(base, tuple) else ()
        return PlanDemand(
            rows=rows,
            file=base if isinstance(base, Path) else None,
            base_year=base_year,
            growth_rate=rate,
        )

    def year_rows(
        self, value: list[Any], key: tuple[Any, ...]
    ) -> tuple[tuple[int | None, Any], ...]:
        out = []
        for i, row in enumerate(value):
            sub = (*key, i)
            if not isinstance(row, dict) or "year" not in row:
                self.bad(sub, "expected a row with a year, origin, destination, tonnes_per_year")
                continue
            year = self.year(row["year"], (*sub, "year"))
            parsed = self.demand_row({k: v for k, v in row.items() if k != "year"}, sub)
            if year is not None and parsed is not None:
                out.append((year, parsed))
        return tuple(out)

    def candidate(self, item: Any, i: int, last_year: int | None) -> Candidate | None:
        key = ("candidates", i)
        if not isinstance(item, dict):
            self.bad(
                key, f"expected a mapping with id, capex_usd, earliest_year, ...; found {item!r}"
            )
            return None
        self.unknown(item, key, CANDIDATE_KEYS)
        required = ("id", "capex_usd", "earliest_year", "lifetime_years")
        missing = [name for name in required if name not in item]
        if missing:
            self.bad(key, f"missing {', '.join(missing)}")
            return None
        cid = item["id"]
        if not isinstance(cid, str) or not cid.strip():
            self.bad((*key, "id"), f"expected an id (text); found {cid!r}")
            return None
        capex = self.figure(item["capex_usd"], (*key, "capex_usd"))
        opex = self.figure(item.get("opex_usd_per_year", 0.0), (*key, "opex_usd_per_year"))
        life = self.figure(item["lifetime_years"], (*key, "lifetime_years"), above=True)
        earliest = self.year(item["earliest_year"], (*key, "earliest_year"))
        if earliest is not None and last_year is not None and earliest > last_year:
            self.bad(
                (*key, "earliest_year"),
                f"{earliest} is after the last period ({last_year}): it could never be built; "
                "add a later year to 'years' or drop the candidate",
            )
        sources, estimates, ranges = self.provenance(item, key)
        scenario = self.actions(item, key, cid)
        if None in (capex, opex, life, earliest) or scenario is None:
            return None
        return Candidate(
            id=cid,
            description=self.text(item, (*key, "description"), cid)
            if "description" in item
            else "",
            capex_usd=capex,  # type: ignore[arg-type]
            opex_usd_per_year=opex,  # type: ignore[arg-type]
            earliest_year=earliest,  # type: ignore[arg-type]
            lifetime_years=life,  # type: ignore[arg-type]
            sources=sources,
            estimates=estimates,
            ranges=ranges,
            scenario=scenario,
        )

    def provenance(
        self, item: dict[str, Any], key: tuple[Any, ...]
    ) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], dict[str, tuple[float, float]]]:
        """Sources, estimates and ranges of the candidate's figures: each figure it gives is
        sourced, or an estimate with a low/high range."""
        given = [f for f in _FIGURES if f in item]
        raw = item.get("sources", {})
        sources: dict[str, tuple[str, ...]] = {}
        if isinstance(raw, list):  # one list cites every figure
            raw = {f: raw for f in given}
        if not isinstance(raw, dict):
            self.bad(
                (*key, "sources"),
                f"expected a list of source ids or {{figure: [ids]}}; found {raw!r}",
            )
            raw = {}
        for name, ids in raw.items():
            if name not in _FIGURES:
                self.bad(
                    (*key, "sources", name), f"unknown figure; expected {' or '.join(_FIGURES)}"
                )
                continue
            sources[name] = self.ids(ids, (*key, "sources", name))
        estimates = self.ids(item.get("estimates", []), (*key, "estimates"))
        ranges: dict[str, tuple[float, float]] = {}
        raw_ranges = item.get("ranges", {})
        if not isinstance(raw_ranges, dict):
            self.bad((*key, "ranges"), f"expected {{figure: [low, high]}}; found {raw_ranges!r}")
            raw_ranges = {}
        for name, pair in raw_ranges.items():
            sub = (*key, "ranges", name)
            ok = (
                isinstance(pair, list)
                and len(pair) == 2
                and all(_number(v) and v >= 0 for v in pair)
            )
            if name not in _FIGURES or not ok or pair[0] > pair[1]:
                self.bad(
                    sub,
                    f"expected [low, high] with 0 <= low <= high for {' or '.join(_FIGURES)}; "
                    f"found {pair!r}",
                )
                continue
            ranges[name] = (float(pair[0]), float(pair[1]))
        for name in estimates:
            if name not in _FIGURES:
                self.bad(
                    (*key, "estimates"),
                    f"unknown figure '{name}'; expected {' or '.join(_FIGURES)}",
                )
            elif name not in ranges:
                self.bad((*key, "estimates"), f"{name} is an estimate: give its low/high in ranges")
        for name in given:
            if name not in sources and name not in estimates:
                self.bad(
                    (*key, name),
                    "no source: cite one in 'sources', or list it in 'estimates' with a "
                    "low/high in 'ranges' and say what the estimate rests on",
                )
        return sources, estimates, ranges

    def actions(self, item: dict[str, Any], key: tuple[Any, ...], cid: str) -> Scenario | None:
        """What the candidate does, as a :class:`Scenario` whose ``where`` points into the plan."""
        if not any(name in item for name in _ACTIONS):
            self.bad(key, f"does nothing: give {', '.join(_ACTIONS)}")
            return None
        where: Where = {(): self.loc(key)}
        change: dict[str, dict[str, Any]] = {}
        if "change" in item:
            change = self.change(item["change"], (*key, "change"))
            for fid, attrs in change.items():
                for name in attrs:
                    if name not in CHANGEABLE:
                        self.bad(
                            (*key, "change", fid, name),
                            f"a candidate may change only {', '.join(CHANGEABLE)}; to change "
                            "time or cost, add the improved line as a new link",
                        )
                where.update(
                    {
                        ("change", fid, *rel): at
                        for rel, at in self.tree((*key, "change", fid)).items()
                    }
                )
        opened: dict[str, Where] = {}
        if "open" in item:
            opened = self.located(item["open"], (*key, "open"))
        for i, fid in enumerate(sorted(opened)):
            where.update({("open", i, *rel): at for rel, at in opened[fid].items()})
        new: dict[str, tuple[dict[str, Any], ...]] = {}
        for name, geometry in (("new_places", "Point"), ("new_links", "LineString")):
            found = self.features(item.get(name, []), (*key, name), geometry)
            for i, (_, tree) in enumerate(found):
                where.update({(name, i, *rel): at for rel, at in tree.items()})
            new[name] = tuple(f for f, _ in found)
        return Scenario(
            name=cid,
            open=tuple(sorted(opened)),
            change=change,
            new_places=new["new_places"],
            new_links=new["new_links"],
            path=self.path,
            where=where,
        )


def read_file(path: Path) -> Plan:
    """A plan from a YAML file (see :func:`corridors.planning.plan.read_plan`)."""
    try:
        data, where = _parse(path)
    except CorridorsError as exc:
        raise PlanError(str(exc)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PlanError(f"{path}, line 1: expected a mapping of keys; found {type(data).__name__}")
    reader = _PlanReader(path, where)
    reader.unknown(data, (), PLAN_KEYS)
    for name in ("years", "discount_rate", "unserved_penalty_usd_per_t", "demand", "candidates"):
        if name not in data:
            reader.bad((), f"missing '{name}'")
    years = reader.years(data["years"]) if "years" in data else ()
    end_year = reader.year(data["end_year"], ("end_year",)) if "end_year" in data else None
    if end_year is not None and years and end_year <= years[-1]:
        reader.bad(("end_year",), f"{end_year} is not after the last period ({years[-1]})")
    rate = penalty = None
    if "discount_rate" in data:
        rate = reader.figure(data["discount_rate"], ("discount_rate",))
        if rate is not None and rate >= 1:
            reader.bad(("discount_rate",), f"is {rate!r}; expected a fraction such as 0.06")
    if "unserved_penalty_usd_per_t" in data:
        penalty = reader.figure(
            data["unserved_penalty_usd_per_t"], ("unserved_penalty_usd_per_t",), above=True
        )
    demand = reader.demand_spec(data["demand"]) if "demand" in data else PlanDemand()
    references = reader.references(data["references"]) if "references" in data else {}
    candidates = _candidates(reader, data.get("candidates", []), years)
    base = None
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str) or not (path.parent / parent).is_file():
            reader.bad(("extends",), f"no such scenario file {parent!r} beside the plan")
        else:
            base = read_scenario(path.parent / parent)
    name = reader.text(data, ("name",), path.stem) if "name" in data else path.stem
    description = reader.text(data, ("description",), "") if "description" in data else ""
    if reader.errors:
        head = f"{len(reader.errors)} error(s) in plan {path}:\n" if len(reader.errors) > 1 else ""
        raise PlanError(head + "\n".join(reader.errors))
    return Plan(
        name=name,
        description=description,
        years=years,
        end_year=end_year,
        discount_rate=rate,  # type: ignore[arg-type]
        unserved_penalty_usd_per_t=penalty,  # type: ignore[arg-type]
        demand=demand,
        candidates=candidates,
        references=references,
        base=base,
        path=path,
        where=where,
    )


def _candidates(reader: _PlanReader, value: Any, years: tuple[int, ...]) -> tuple[Candidate, ...]:
    if not isinstance(value, list):
        reader.bad(("candidates",), f"expected a list of candidates; found {value!r}")
        return ()
    out: list[Candidate] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        found = reader.candidate(item, i, years[-1] if years else None)
        if found is None:
            continue
        if found.id in seen:
            reader.bad(("candidates", i, "id"), f"'{found.id}' is given twice")
        seen.add(found.id)
        out.append(found)
    return tuple(out)
