"""Read the Transportation Networks for Research (TNTP) format into an assignment problem.

A TNTP network is a pair of text files (github.com/bstabler/TransportationNetworks): ``*_net.tntp``
with metadata lines (``<NUMBER OF ZONES> 24``, ``<FIRST THRU NODE> 1``, ..., ``<END OF METADATA>``)
and one line per link (init node, term node, capacity, length, free-flow time, B, power, speed,
toll, link type, ending in ``;``), and ``*_trips.tntp`` with ``Origin o`` blocks of ``d : flow;``
entries. ``~`` starts a comment. Link times follow BPR: ``fft * (1 + B * (flow/capacity)**power)``.

Zones are nodes ``1 .. <NUMBER OF ZONES>``. A zone numbered below ``<FIRST THRU NODE>`` may start
and end trips but no path may pass through it: such a zone is split into a node that only receives
its incoming links and an origin node that only sends its outgoing ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from corridors.core.equilibrium import AssignmentProblem
from corridors.core.vdf import delay_functions
from corridors.exceptions import DataError

__all__ = ["TntpNetwork", "read_tntp", "read_tntp_flow"]

_LINK_FIELDS = (
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
)
_REQUIRED = 7  # up to power; speed, toll and link type default to 0
_METADATA = re.compile(r"<([^>]+)>(.*)")
_TRIPS = re.compile(r"Origin\s+(\S+)|(\S+)\s*:\s*([^\s;]+)")


@dataclass(frozen=True)
class TntpNetwork:
    """A TNTP network and demand, ready to assign.

    Attributes
    ----------
    problem : AssignmentProblem
        Links in file order (link ``i`` of ``problem`` is line ``i`` of the links), zones
        ``1 .. n_zones`` as origins and destinations in order.
    links : dict of str to ndarray
        The link columns by TNTP name (``init_node``, ``term_node``, ``capacity``, ``length``,
        ``free_flow_time``, ``b``, ``power``, ``speed``, ``toll``, ``link_type``).
    metadata : dict of str to str
        The metadata lines, keys upper case (``"NUMBER OF ZONES"``).
    n_zones, first_thru_node : int
    toll_weight, distance_weight : float
        Generalised cost = time + toll_weight * toll + distance_weight * length.
    """

    problem: AssignmentProblem
    links: dict[str, NDArray[np.float64]]
    metadata: dict[str, str]
    n_zones: int
    first_thru_node: int
    toll_weight: float
    distance_weight: float


def _split(path: Path) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """Metadata and the numbered body lines (comments and blank lines dropped) of a TNTP file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror})") from None
    metadata: dict[str, str] = {}
    body: list[tuple[int, str]] = []
    in_metadata = "<END OF METADATA>" in text.upper()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("~", 1)[0].strip()
        if not line:
            continue
        match = _METADATA.match(line)
        if in_metadata and match:
            key = match.group(1).strip().upper()
            if key == "END OF METADATA":
                in_metadata = False
            else:
                metadata[key] = match.group(2).strip()
            continue
        body.append((number, line))
    return metadata, body


def _metadata_int(path: Path, metadata: dict[str, str], key: str, default: int | None) -> int:
    value = metadata.get(key)
    if value is None:
        if default is None:
            raise DataError(f"{path}: metadata <{key}> is missing")
        return default
    try:
        return int(float(value))
    except ValueError:
        raise DataError(f"{path}: metadata <{key}> is {value!r}; expected a number") from None


def _read_links(path: Path) -> tuple[dict[str, str], dict[str, NDArray[np.float64]]]:
    metadata, body = _split(path)
    rows: list[list[float]] = []
    for number, line in body:
        fields = [f for f in line.replace(";", " ").split()]
        if len(fields) < _REQUIRED:
            raise DataError(
                f"{path}: line {number} has {len(fields)} fields; expected at least {_REQUIRED} "
                f"({', '.join(_LINK_FIELDS[:_REQUIRED])})"
            )
        values = []
        for name, field in zip(_LINK_FIELDS, fields, strict=False):
            try:
                values.append(float(field))
            except ValueError:
                raise DataError(
                    f"{path}: line {number}: {name} is {field!r}; expected a number"
                ) from None
        rows.append(values + [0.0] * (len(_LINK_FIELDS) - len(values)))
    if not rows:
        raise DataError(f"{path}: no links")
    table = np.array(rows, dtype=np.float64)
    return metadata, {name: table[:, k] for k, name in enumerate(_LINK_FIELDS)}


def _read_trips(path: Path, n_zones: int) -> NDArray[np.float64]:
    metadata, body = _split(path)
    zones = _metadata_int(path, metadata, "NUMBER OF ZONES", n_zones)
    if zones != n_zones:
        raise DataError(f"{path}: {zones} zones; the network has {n_zones}")
    demand = np.zeros((n_zones, n_zones))
    origin = 0
    for number, line in body:
        for match in _TRIPS.finditer(line):
            try:
                if match.group(1) is not None:
                    origin = int(match.group(1))
                    _check_zone(path, number, "origin", origin, n_zones)
                    continue
                destination, flow = int(match.group(2)), float(match.group(3))
            except ValueError:
                raise DataError(
                    f"{path}: line {number}: {match.group(0)!r} is not a number"
                ) from None
            if origin == 0:
                raise DataError(f"{path}: line {number}: demand before any 'Origin' line")
            _check_zone(path, number, "destination", destination, n_zones)
            if flow < 0:
                raise DataError(f"{path}: line {number}: flow {flow} is negative")
            if destination != origin:
                demand[origin - 1, destination - 1] += flow
    return demand


def _check_zone(path: Path, number: int, what: str, zone: int, n_zones: int) -> None:
    if not 1 <= zone <= n_zones:
        raise DataError(f"{path}: line {number}: {what} {zone} is not a zone (1..{n_zones})")


def read_tntp(
    net: str | Path,
    trips: str | Path,
    *,
    toll_weight: float = 0.0,
    distance_weight: float = 0.0,
) -> TntpNetwork:
    """Read a TNTP network file and its trip table.

    Parameters
    ----------
    net, trips : str or Path
        The ``*_net.tntp`` and ``*_trips.tntp`` files.
    toll_weight, distance_weight : float, optional
        Weights of toll and length in the generalised cost, in time units per unit.

    Returns
    -------
    TntpNetwork

    Raises
    ------
    DataError
        Naming the file, the line and the field that breaks the format.
    """
    net, trips = Path(net), Path(trips)
    metadata, links = _read_links(net)
    n_zones = _metadata_int(net, metadata, "NUMBER OF ZONES", None)
    first_thru = _metadata_int(net, metadata, "FIRST THRU NODE", 1)
    init = links["init_node"].astype(np.int64)
    term = links["term_node"].astype(np.int64)
    n_nodes = max(
        _metadata_int(net, metadata, "NUMBER OF NODES", 0),
        n_zones,
        int(init.max()),
        int(term.max()),
    )
    if min(int(init.min()), int(term.min())) < 1:
        raise DataError(f"{net}: node numbers start at 1")
    demand = _read_trips(trips, n_zones)
    # zones below the first thru node send their trips from a node of their own
    blocked = np.arange(1, min(first_thru, n_zones + 1))
    origin_of = np.arange(n_zones, dtype=np.int64)
    origin_of[blocked - 1] = n_nodes + np.arange(blocked.size)
    tail = init - 1
    sends = init < first_thru
    tail[sends] = origin_of[init[sends] - 1]
    names = [str(k) for k in range(1, n_nodes + 1)] + [f"{z} (origin)" for z in blocked]
    vdf = delay_functions(
        "bpr",
        links["free_flow_time"],
        links["capacity"],
        alpha=links["b"],
        beta=links["power"],
    )
    fixed = toll_weight * links["toll"] + distance_weight * links["length"]
    problem = AssignmentProblem(
        tail=tail,
        head=term - 1,
        n_nodes=n_nodes + blocked.size,
        delay=vdf,
        origins=origin_of,
        destinations=np.arange(n_zones, dtype=np.int64),
        demand=demand,
        fixed_cost=fixed if (toll_weight or distance_weight) else None,
        node_names=names,
    )
    return TntpNetwork(problem, links, metadata, n_zones, first_thru, toll_weight, distance_weight)


def read_tntp_flow(path: str | Path) -> dict[tuple[int, int], float]:
    """Link volumes of a TNTP solution file (``From To Volume Cost``), by (from, to) node.

    Raises
    ------
    DataError
        On a line that is not four numbers.
    """
    path = Path(path)
    _, body = _split(path)
    volumes: dict[tuple[int, int], float] = {}
    for number, line in body:
        fields = line.replace(";", " ").split()
        try:
            volumes[(int(fields[0]), int(fields[1]))] = float(fields[2])
        except (ValueError, IndexError):
            if number == body[0][0]:
                continue  # the column header
            raise DataError(f"{path}: line {number}: expected 'from to volume cost'") from None
    return volumes
