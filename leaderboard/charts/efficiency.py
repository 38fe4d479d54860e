"""Size against performance: each model's average % of the global reference against its
parameter count (billions, log axis)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import plotly.graph_objects as go

from .figure import Chart, chart_layout, empty_chart, log_tick_properties, make_figure, value_axis
from .memo import memoised
from .style import Styles
from .text import Number, esc, label, merge_labels, number, percent, rounded, short


@dataclass(frozen=True, slots=True)
class EfficiencyRow:
    """One model's size and its average % of the global reference."""

    model_name: str
    team_key: str | None  # None for a global baseline
    average_percent: Number  # mean over benchmarks of (score / reference × 100)
    total_params_b: Number | None = None  # total parameters in billions; None: not published
    active_params_b: Number | None = None  # active parameters (MoE) in billions; None: unknown


@memoised
def efficiency_chart(
    rows: Sequence[EfficiencyRow],
    *,
    labels: Mapping[str, str] | None = None,
    parameter_kind: Literal["total", "active"] = "total",
    team_order: Sequence[str] | None = None,
    model_order: Sequence[str] | None = None,
) -> Chart:
    """Scatter of average % of reference against parameters (billions, log axis).

    Models whose parameter count of that kind is not published are left out of the figure,
    kept in the table as "not published" and named in the summary.
    """
    if parameter_kind not in ("total", "active"):
        raise ValueError(f"parameter_kind must be 'total' or 'active', not {parameter_kind!r}")
    labels = merge_labels(labels)
    params_label = labels[f"{parameter_kind}_params"]
    headers = (labels["model"], params_label, labels["average_percent_of_reference"])

    def params_of(row: EfficiencyRow) -> float | None:
        value = number(row.total_params_b if parameter_kind == "total" else row.active_params_b)
        return value if value is not None and value > 0 else None

    usable = [r for r in rows if number(r.average_percent) is not None]
    if not usable:
        return empty_chart(labels, headers)
    plotted = [(r, params_of(r), rounded(float(r.average_percent))) for r in usable]
    known = [(r, p, avg) for r, p, avg in plotted if p is not None]
    unknown = [r.model_name for r, p, _ in plotted if p is None]

    styles = Styles(((r.model_name, r.team_key) for r, *_ in known), team_order, model_order)
    hover = (
        "<b>%{text}</b><br>"
        + esc(params_label)
        + ": %{customdata}<br>"
        + esc(labels["average_percent_of_reference"])
        + ": %{y:.1f}%<extra></extra>"
    )
    data = [
        go.Scatter(
            # Names in the legend, not beside the markers: models of similar size and score
            # would put their names on top of each other.
            mode="markers",
            name=esc(row.model_name),
            x=[rounded(params)],
            y=[avg],
            text=[esc(row.model_name)],
            customdata=[short(params, 1)],
            marker={
                "color": styles.color(row.model_name),
                "symbol": styles.symbol(row.model_name),
                "size": 13,
                "line": {"color": "rgba(255,255,255,0.8)", "width": 1},
            },
            cliponaxis=False,
            hovertemplate=hover,
        )
        for row, params, avg in known
    ]
    layout = chart_layout(
        xaxis=value_axis(
            labels[f"{parameter_kind}_params_axis"],
            type="log",
            **log_tick_properties([p for _, p, _ in known]),
        ),
        yaxis=value_axis(labels["average_percent_of_reference"], ticksuffix="%"),
    )
    table_rows = tuple(
        (
            r.model_name,
            short(p, 1) if p is not None else labels["not_published"],
            percent(avg),
        )
        for r, p, avg in plotted
    )
    sentences = []
    if known:
        best = max(known, key=lambda k: k[2])
        sentences.append(
            label(
                labels,
                "summary_efficiency",
                model=best[0].model_name,
                percent=percent(best[2]),
                params=short(best[1], 1),
            )
        )
    if unknown:
        sentences.append(
            label(labels, "summary_params_unknown", models=labels["list_separator"].join(unknown))
        )
    return Chart.of(make_figure(data, layout), headers, table_rows, " ".join(sentences))
