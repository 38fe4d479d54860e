"""Scores with their 95% intervals: one marker series per model, asymmetric error bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .figure import Chart, category_axis, chart_layout, empty_chart, make_figure, value_axis
from .memo import memoised
from .style import LINE_COLOR, Styles
from .text import Number, esc, fixed, label, merge_labels, number, rounded, unique


@dataclass(frozen=True, slots=True)
class IntervalRow:
    """One score with its 95% interval, if it has one."""

    model_name: str
    team_key: str | None  # None for a global baseline
    benchmark_label: str  # x category
    value: Number
    interval_low: Number | None = None  # both bounds, or neither
    interval_high: Number | None = None
    decimals: int = 1  # precision the metric supports


@memoised
def interval_chart(
    rows: Sequence[IntervalRow],
    *,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
    model_order: Sequence[str] | None = None,
) -> Chart:
    """Scores per benchmark with asymmetric 95% interval error bars, one marker series per model.

    Scores without an interval are drawn as hollow markers without a bar (a separate trace in
    the same legend and offset group, because plotly draws a missing error value as zero).
    An interval that does not contain its score is not drawn.
    """
    labels = merge_labels(labels)
    headers = (labels["model"], labels["benchmark"], labels["score"], labels["interval"])
    kept = []
    for row in rows:
        value = number(row.value)
        if value is None:
            continue
        low, high = number(row.interval_low), number(row.interval_high)
        has_interval = low is not None and high is not None and low <= value <= high
        kept.append((row, value, (low, high) if has_interval else None))
    if not kept:
        return empty_chart(labels, headers)

    styles = Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order, model_order)
    benchmarks = unique(r.benchmark_label for r, *_ in kept)
    models = unique(r.model_name for r, *_ in kept)
    with_hover = (
        "%{x}: <b>%{customdata[0]}</b><br>"
        + esc(labels["interval"])
        + " %{customdata[1]} – %{customdata[2]}"
    )
    without_hover = "%{x}: <b>%{customdata[0]}</b><br>" + esc(labels["no_interval"])
    data = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        color, symbol = styles.color(model), styles.symbol(model)
        with_ci = [k for k in mine if k[2] is not None]
        without_ci = [k for k in mine if k[2] is None]
        series = {"mode": "markers", "legendgroup": esc(model), "offsetgroup": esc(model)}
        if with_ci:
            data.append(
                go.Scatter(
                    name=esc(model),
                    x=[esc(r.benchmark_label) for r, *_ in with_ci],
                    y=[rounded(v) for _, v, _ in with_ci],
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": [rounded(ci[1] - v) for _, v, ci in with_ci],
                        "arrayminus": [rounded(v - ci[0]) for _, v, ci in with_ci],
                        "color": color,
                        "thickness": 2,
                        "width": 6,
                    },
                    customdata=[
                        [fixed(v, r.decimals), fixed(ci[0], r.decimals), fixed(ci[1], r.decimals)]
                        for r, v, ci in with_ci
                    ],
                    marker={"color": color, "symbol": symbol, "size": 10},
                    hovertemplate=with_hover,
                    **series,
                )
            )
        if without_ci:
            data.append(
                go.Scatter(
                    name=esc(model),
                    x=[esc(r.benchmark_label) for r, *_ in without_ci],
                    y=[rounded(v) for _, v, _ in without_ci],
                    customdata=[[fixed(v, r.decimals)] for r, v, _ in without_ci],
                    marker={
                        "color": color,
                        "symbol": f"{symbol}-open",
                        "size": 10,
                        "line": {"width": 2},
                    },
                    hovertemplate=without_hover,
                    showlegend=not with_ci,  # one legend entry per model
                    **series,
                )
            )
    if any(ci is None for *_, ci in kept):
        # The hollow markers are explained in the legend, in a neutral colour.
        data.append(
            go.Scatter(
                name=esc(labels["open_marker"]),
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "color": LINE_COLOR,
                    "symbol": "circle-open",
                    "size": 10,
                    "line": {"width": 2},
                },
                hoverinfo="skip",
            )
        )
    layout = chart_layout(
        scattermode="group",
        xaxis=category_axis(labels["benchmark"], benchmarks),
        yaxis=value_axis(labels["score"]),
    )
    table_rows = tuple(
        (
            r.model_name,
            r.benchmark_label,
            fixed(v, r.decimals),
            f"{fixed(ci[0], r.decimals)} – {fixed(ci[1], r.decimals)}"
            if ci
            else labels["no_interval"],
        )
        for r, v, ci in kept
    )
    with_interval = [k for k in kept if k[2] is not None]
    summary = label(labels, "summary_interval", with_interval=len(with_interval), total=len(kept))
    if with_interval:
        row, _, (low, high) = max(with_interval, key=lambda k: k[2][1] - k[2][0])
        summary += " " + label(
            labels,
            "summary_interval_widest",
            model=row.model_name,
            benchmark=row.benchmark_label,
            low=fixed(low, row.decimals),
            high=fixed(high, row.decimals),
        )
    return Chart.of(
        make_figure(data, layout), headers, table_rows, summary, intervals=len(with_interval)
    )
