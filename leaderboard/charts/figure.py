"""What every chart shares: the `Chart` result, the page conventions of a figure's layout and
axes, the figure that says there is no data, and the figure's JSON for the page.

Conventions: transparent background, a Korean-capable system font stack, horizontal legend on
top, `automargin` axes so long Korean labels fit, no title inside the figure (the page has one),
no Plotly template (the page's CSS and `static/js/charts.js` theme the figure).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from .style import FONT_FAMILY, GRID_COLOR, TRANSPARENT
from .text import esc, rounded, short

MARGIN: dict[str, int] = {"l": 16, "r": 16, "t": 16, "b": 16, "pad": 4}
# The characters json_script escapes, so the JSON can sit inside <script> as it is.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as the page needs it: its figure's JSON and its text equivalents (table, summary).

    `figure_json` is the plotly figure serialised once, when the chart is made, by Plotly's
    JSON encoder (orjson engine): a page embeds it as it is, in a
    `<script type="application/json">` (it holds no `<`, `>` or `&`), and
    `static/js/charts.js` draws it. `figure` reads it back as a `plotly.graph_objects.Figure`.
    """

    figure_json: str
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    summary: str
    has_data: bool = True  # False for the figure that only says "No data to show."
    intervals: int = 0  # how many of the values drawn have a 95% interval (interval chart)

    @classmethod
    def of(
        cls,
        figure: go.Figure,
        headers: Sequence[str],
        rows: tuple[tuple[str, ...], ...],
        summary: str,
        *,
        intervals: int = 0,
    ) -> Chart:
        """The chart of a built figure, serialised here, once."""
        return cls(figure_json(figure), tuple(headers), rows, summary, bool(figure.data), intervals)

    @property
    def figure(self) -> go.Figure:
        """The figure, read back (and validated) from the JSON the page gets: a new object each
        time, so a chart shared by several requests cannot be changed through it."""
        figure = go.Figure(json.loads(self.figure_json))
        figure.layout.template = None  # as built: no Plotly template
        return figure


def figure_json(figure: go.Figure) -> str:
    """The figure as compact JSON, safe inside a <script> element."""
    return pio.to_json(figure, validate=False, engine="orjson").translate(_SCRIPT_SAFE)


def make_figure(data: Sequence[go.Bar | go.Scatter], layout: go.Layout) -> go.Figure:
    """The figure of `data` on `layout`, without Plotly's default template."""
    figure = go.Figure(data=data, layout=layout)
    figure.layout.template = None  # set to {} by chart_layout, so the default was not applied
    return figure


def chart_layout(**overrides: Any) -> go.Layout:
    """The shared layout, with `overrides` replacing whole top-level properties."""
    properties: dict[str, Any] = {
        "font": {"family": FONT_FAMILY, "size": 14},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "margin": MARGIN,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
        },
        "autosize": True,
        # An explicit empty template keeps Plotly's default one ("plotly") out of the figure.
        "template": {},
    }
    return go.Layout(properties | overrides)


def axis(title: str, **extra: Any) -> dict[str, Any]:
    """An axis with its title, whose margin grows to fit its labels."""
    return {"title": {"text": esc(title)}, "automargin": True} | extra


def category_axis(title: str, categories: Sequence[str], **extra: Any) -> dict[str, Any]:
    """An axis of categories in the given order (ticks angled automatically: plotly's default)."""
    return axis(
        title,
        type="category",
        categoryorder="array",
        categoryarray=[esc(c) for c in categories],
        **extra,
    )


def value_axis(title: str, **extra: Any) -> dict[str, Any]:
    """A numeric axis with a light grid and, unless asked, no zero line."""
    return axis(title, **({"gridcolor": GRID_COLOR, "zeroline": False} | extra))


def log_ticks(values: Sequence[float]) -> list[float]:
    """1-2-5 ticks covering `values`, for a log axis that plotly would label too densely."""
    low, high = min(values), max(values)
    ticks: list[float] = []
    exponent = math.floor(math.log10(low)) - 1
    while not ticks or ticks[-1] < high:
        for mantissa in (1, 2, 5):
            tick = mantissa * 10.0**exponent
            if tick * 2.5 > low and (not ticks or ticks[-1] < high):
                ticks.append(rounded(tick, 6))
        exponent += 1
    return ticks


def log_tick_properties(values: Sequence[float]) -> dict[str, Any]:
    """`tickvals` and `ticktext` of a log axis over `values` (nothing for no values)."""
    if not values:
        return {}
    ticks = log_ticks(values)
    return {"tickvals": ticks, "ticktext": [short(t, 3) for t in ticks]}


def empty_chart(labels: Mapping[str, str], headers: Sequence[str]) -> Chart:
    """A figure without data that says so, an empty table and the same sentence as summary."""
    layout = chart_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": esc(labels["no_data"]),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
            }
        ],
    )
    return Chart.of(make_figure([], layout), headers, (), labels["no_data"])
