"""Percent of the global reference: each model's score per benchmark against the best global
baseline, with the dashed target line (95%) and hatched bars below it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from .figure import (
    MARGIN,
    Chart,
    category_axis,
    chart_layout,
    empty_chart,
    make_figure,
    value_axis,
)
from .memo import memoised
from .style import BELOW_TARGET_PATTERN, LINE_COLOR, TRANSPARENT, Styles
from .text import (
    Number,
    esc,
    fixed,
    label,
    merge_labels,
    number,
    percent,
    rounded,
    short,
    text_width,
    unique,
)

TARGET_PERCENT = 95.0
MAX_BAR_TEXTS = 24  # value labels on bars only up to this many bars: beyond, they'd be unreadable


@dataclass(frozen=True, slots=True)
class PercentOfReferenceRow:
    """One model's score on one benchmark next to the global reference's score."""

    model_name: str
    team_key: str | None  # None for a global baseline
    benchmark_label: str  # x category
    value: Number  # the model's score
    reference_value: Number  # the global reference's score on this benchmark (> 0)
    reference_name: str = ""  # the reference model, for hover text and table
    higher_is_better: bool = True  # False: percent = reference / value (e.g. error rates)
    decimals: int = 1  # precision of the scores


@memoised
def percent_of_reference_chart(
    rows: Sequence[PercentOfReferenceRow],
    *,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
    model_order: Sequence[str] | None = None,
    target_percent: float = TARGET_PERCENT,
) -> Chart:
    """Grouped bars of % of the global reference per benchmark, with a dashed target line.

    Bars under the target are hatched, fainter and labelled with "▼", so they stand out
    without relying on colour; a legend entry explains the hatching.
    """
    labels = merge_labels(labels)
    headers = (
        labels["model"],
        labels["benchmark"],
        labels["score"],
        labels["reference_model"],
        labels["reference_score"],
        labels["percent_of_reference"],
        labels["status"],
    )
    kept = []
    for row in rows:
        value, reference = number(row.value), number(row.reference_value)
        if value is None or not reference or reference <= 0:
            continue
        if row.higher_is_better:
            share = value / reference * 100.0
        elif value > 0:
            share = reference / value * 100.0
        else:
            continue
        kept.append((row, value, reference, rounded(share)))
    if not kept:
        return empty_chart(labels, headers)

    target = short(target_percent, 1)
    below_label = label(labels, "below_target", target=target)
    styles = Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order, model_order)
    benchmarks = unique(r.benchmark_label for r, *_ in kept)
    models = unique(r.model_name for r, *_ in kept)
    hover = (
        "%{x}: <b>%{y:.1f}%</b><br>"
        + esc(labels["score"])
        + " %{customdata[0]} · %{customdata[1]} %{customdata[2]}<br>%{customdata[3]}"
    )
    data: list[go.Bar] = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        below = [pct < target_percent for *_, pct in mine]
        color = styles.color(model)
        # Per-bar opacity and hatching would make the legend copy the first bar's look, so the
        # bars stay out of the legend and a data-less twin (same group) stands for the model.
        legend_marker: dict[str, Any] = {"color": color}
        data.append(
            go.Bar(
                name=esc(model),
                legendgroup=esc(model),
                offsetgroup=esc(model),
                x=[None],
                y=[None],
                marker=legend_marker,
                hoverinfo="skip",
            )
        )
        bar_texts: dict[str, Any] = {}
        if len(kept) <= MAX_BAR_TEXTS:  # beyond that plotly shrinks the text out of sight
            bar_texts = {
                "text": [
                    ("▼ " if b else "") + percent(pct)
                    for (*_, pct), b in zip(mine, below, strict=True)
                ],
                # inside the bar from its base, upright: never crossed by the target line
                # near the top, never on top of a neighbour's label
                "textposition": "inside",
                "insidetextanchor": "start",
                "textangle": -90,
                "textfont": {"size": 12},
            }
        data.append(
            go.Bar(
                name=esc(model),
                legendgroup=esc(model),
                offsetgroup=esc(model),
                showlegend=False,
                x=[esc(r.benchmark_label) for r, *_ in mine],
                y=[pct for *_, pct in mine],
                cliponaxis=False,
                customdata=[
                    [
                        fixed(v, r.decimals),
                        esc(r.reference_name),
                        fixed(ref, r.decimals),
                        esc(below_label) if b else "",
                    ]
                    for (r, v, ref, _), b in zip(mine, below, strict=True)
                ],
                marker={
                    "color": color,
                    "opacity": [0.55 if b else 1 for b in below],
                    "pattern": {
                        "shape": [BELOW_TARGET_PATTERN if b else "" for b in below],
                        "solidity": 0.35,
                    },
                    "line": {"color": color, "width": 1.5},
                },
                hovertemplate=hover,
                **bar_texts,
            )
        )
    if any(pct < target_percent for *_, pct in kept):
        data.append(below_target_legend_entry(below_label, offsetgroup=esc(models[0])))

    target_text = label(labels, "target_line", target=target)
    layout = chart_layout(
        barmode="group",
        # a value label is readable or not drawn (the table and the hover have every value)
        uniformtext={"minsize": 11, "mode": "hide"},
        # the target label sits right of the plot, beside its line, clear of the bars
        margin=MARGIN | {"r": MARGIN["r"] + text_width(target_text, 12)},
        xaxis=category_axis(labels["benchmark"], benchmarks),
        yaxis=value_axis(labels["percent_of_reference"], ticksuffix="%", rangemode="tozero"),
        **target_line(target_percent, target_text),
    )
    table_rows = tuple(
        (
            r.model_name,
            r.benchmark_label,
            fixed(v, r.decimals),
            r.reference_name,
            fixed(ref, r.decimals),
            percent(pct),
            below_label if pct < target_percent else "",
        )
        for r, v, ref, pct in kept
    )
    below_rows = [k for k in kept if k[3] < target_percent]
    summary = label(
        labels, "summary_percent", below=len(below_rows), total=len(kept), target=target
    )
    if below_rows:
        lowest = min(below_rows, key=lambda k: k[3])
        summary += " " + label(
            labels,
            "summary_percent_lowest",
            model=lowest[0].model_name,
            benchmark=lowest[0].benchmark_label,
            percent=percent(lowest[3]),
        )
    return Chart.of(make_figure(data, layout), headers, table_rows, summary)


def below_target_legend_entry(name: str, *, offsetgroup: str) -> go.Bar:
    """A legend-only entry that explains the hatching of the bars below the target."""
    return go.Bar(
        name=esc(name),
        offsetgroup=offsetgroup,  # an existing group: it takes no slot of its own
        x=[None],
        y=[None],
        marker={
            "color": TRANSPARENT,
            "line": {"color": LINE_COLOR, "width": 1.5},
            "pattern": {"shape": BELOW_TARGET_PATTERN, "fgcolor": LINE_COLOR, "solidity": 0.35},
        },
        hoverinfo="skip",
    )


def target_line(target_percent: float, text: str) -> dict[str, list[dict[str, Any]]]:
    """The layout's dashed line across the plot at the target, labelled right of the plot."""
    return {
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": target_percent,
                "y1": target_percent,
                "line": {"color": LINE_COLOR, "width": 2, "dash": "dash"},
            }
        ],
        "annotations": [
            {
                "text": esc(text),
                "xref": "paper",
                "x": 1,
                "xanchor": "left",
                "xshift": 4,
                "yref": "y",
                "y": target_percent,
                "yanchor": "middle",
                "showarrow": False,
                "font": {"size": 12},
            }
        ],
    }
