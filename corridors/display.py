"""Results as tables: pandas frames and GeoDataFrames, and HTML for Jupyter (``_repr_html_``).

Every text from the data (names, ids, notes) is HTML-escaped: a name is never markup. The result
classes (:class:`~corridors.analysis.routing.Route`,
:class:`~corridors.analysis.capacity.Throughput`,
:class:`~corridors.analysis.assignment.Assignment`,
:class:`~corridors.analysis.criticality.Criticality`) call these functions from their ``to_frame``,
``to_gdf`` and ``_repr_html_`` methods; a comparison (:func:`corridors.compare.compare`) is a
DataFrame already.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    import pandas as pd

    from corridors.analysis.assignment import Assignment
    from corridors.analysis.capacity import Throughput
    from corridors.analysis.criticality import Criticality
    from corridors.analysis.routing import Route

__all__ = [
    "assignment_html",
    "criticality_html",
    "element_gdf",
    "frame_html",
    "html_table",
    "route_frame",
    "route_html",
    "throughput_frame",
    "throughput_html",
]

#: Rows of a table shown in a notebook before "... and N more".
MAX_ROWS = 20


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return "unbounded" if math.isinf(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        value = " > ".join(map(str, value))
    return html.escape(str(value), quote=True)


def html_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, limit: int = MAX_ROWS
) -> str:
    """An HTML table with an escaped caption, header and cells (floats with separators)."""
    rows = list(rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows[:limit]
    )
    more = f"<p>... and {len(rows) - limit} more rows</p>" if len(rows) > limit else ""
    caption = f"<caption>{html.escape(title)}</caption>"
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def frame_html(title: str, df: pd.DataFrame, *, limit: int = MAX_ROWS) -> str:
    """A DataFrame as :func:`html_table` (so its text cells are escaped)."""
    columns = [str(c) for c in df.columns]
    return html_table(title, columns, df.itertuples(index=False, name=None), limit=limit)


def route_frame(route: Route) -> pd.DataFrame:
    """The legs of a route, one row per leg (link, mode, from, to, km, h, USD/t, kg CO2/t)."""
    import pandas as pd

    return pd.DataFrame([leg.to_dict() for leg in route.legs])


def route_html(route: Route) -> str:
    """A route as its legs, then transfers, borders and totals."""
    t = route.total
    title = (
        f"{route.origin} -> {route.destination} ({route.commodity}): {t.length_km:,.0f} km, "
        f"{t.time_h / 24:,.1f} days, {t.cost_usd_per_t:,.2f} USD/t, {t.co2_kg_per_t:,.1f} kg CO2/t"
    )
    parts = [frame_html(title, route_frame(route))]
    if route.transfers:
        moves = [
            (x.place, x.kind, x.from_layer, x.to_layer, x.time_h, x.cost_usd_per_t)
            for x in route.transfers
        ]
        columns = ("place", "kind", "from", "to", "h", "USD/t")
        parts.append(html_table("transfers", columns, moves))
    crossed = [
        (b.link, b.from_country, b.to_country, b.time_h, b.cost_usd_per_t)
        for b in route.borders
        if b.time_h or b.cost_usd_per_t
    ]
    if crossed:
        parts.append(html_table("borders", ("link", "from", "to", "h", "USD/t"), crossed))
    return "".join(parts)


def throughput_frame(result: Throughput) -> pd.DataFrame:
    """The binding cut, one row per element: kind, id, from, to, capacity_tpy."""
    import pandas as pd

    columns = ["kind", "id", "from", "to", "capacity_tpy"]
    rows = [(c.kind, c.id, c.from_, c.to, c.capacity_tpy) for c in result.bottleneck]
    return pd.DataFrame(rows, columns=columns)


def throughput_html(result: Throughput) -> str:
    """The throughput, its cut, the paths of the flow and the links of unknown capacity."""
    title = (
        f"{_cell(result.throughput_tpy)} t/yr of {result.commodity} from "
        f"{', '.join(result.origins)} to {', '.join(result.destinations)}"
    )
    paths = [(p.tonnes_tpy, p.places, len(p.unknown_capacity)) for p in result.paths]
    parts = [
        frame_html(f"{title}: bottleneck (minimum cut)", throughput_frame(result)),
        html_table("where the flow goes", ("t/yr", "places", "no known capacity"), paths),
    ]
    if result.unknown_capacity:
        links = ", ".join(result.unknown_capacity)
        parts.append(
            f"<p>Rests on capacities not known (taken as unlimited): {html.escape(links)}</p>"
        )
    return "".join(parts)


def assignment_html(result: Assignment) -> str:
    """Totals, the pairs and the binding capacities of an assignment."""
    title = f"{result.unserved_tpy:,.0f} t/yr unserved; cost {result.total_cost_usd:,.0f} USD/yr"
    prices = result.shadow_prices.rename(
        columns={"shadow_price_usd_per_t": "value of +1 t/yr of capacity (per yr)"}
    )
    return frame_html(f"{title}: per pair", result.pairs) + frame_html(
        "binding capacities (shadow price: what one more t/yr would save a year)", prices
    )


def criticality_html(result: Criticality) -> str:
    """The ranked elements of a criticality result."""
    title = f"criticality of {len(result.table)} elements for {result.commodity}, by {result.by}"
    return frame_html(title, result.table)


def element_gdf(G: nx.MultiDiGraph, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Rows with ``kind`` (link or place) and ``id`` as a GeoDataFrame: a link's line, a
    place's point (EPSG:4326); rows whose element ``G`` lacks get no geometry."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    lines = {k: d["coords"] for _, _, k, d in G.edges(keys=True, data=True) if not d["reverse"]}
    geometry = []
    for kind, eid in zip(table["kind"], table["id"], strict=True):
        if kind == "link" and eid in lines:
            geometry.append(LineString(lines[eid]))
        elif kind == "place" and eid in G:
            geometry.append(Point(G.nodes[eid]["x"], G.nodes[eid]["y"]))
        else:
            geometry.append(None)
    return gpd.GeoDataFrame(table.copy(), geometry=geometry, crs="EPSG:4326")
