"""Relative performance: each model's mean per language as a difference from a reference model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .figure import Chart, category_axis, chart_layout, empty_chart, make_figure, value_axis
from .memo import memoised
from .style import LINE_COLOR, Styles
from .text import Number, esc, fixed, label, merge_labels, number, rounded, signed_percent, unique


@dataclass(frozen=True, slots=True)
class RelativePerformanceRow:
    """One model's mean in one language next to the reference model's mean on the same benchmarks."""

    model_name: str  # shown in the legend and table
    team_key: str | None  # the team's stable key (slug); None for a global baseline
    language_label: str  # already translated, e.g. "한국어" / "Korean"; x category
    value: Number  # the model's mean score over the language's benchmarks
    reference_value: Number  # the reference model's mean over the SAME benchmarks (> 0)
    decimals: int = 1  # precision of the two means in hover text and table


@memoised
def relative_performance_chart(
    rows: Sequence[RelativePerformanceRow],
    *,
    reference_name: str,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
    model_order: Sequence[str] | None = None,
) -> Chart:
    """Grouped bars: (score / reference - 1) in % per language, one trace per model, zero line.

    Rows of the reference model itself (always 0%) and rows whose reference value is not
    positive are left out. Languages and models keep the order of their first row.
    """
    labels = merge_labels(labels)
    headers = (
        labels["model"],
        labels["language"],
        labels["score"],
        f"{labels['reference_score']} ({reference_name})",
        labels["difference"],
    )
    kept = []
    for row in rows:
        value, reference = number(row.value), number(row.reference_value)
        if row.model_name == reference_name or value is None or not reference or reference <= 0:
            continue
        kept.append((row, value, reference, (value / reference - 1.0) * 100.0))
    if not kept:
        return empty_chart(labels, headers)

    styles = Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order, model_order)
    languages = unique(r.language_label for r, *_ in kept)
    models = unique(r.model_name for r, *_ in kept)
    hover = (
        "%{x}: <b>%{y:+.1f}%</b><br>"
        + esc(labels["score"])
        + " %{customdata[0]} · "
        + esc(labels["reference_score"])
        + " %{customdata[1]}"
    )
    data = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        marker = {"color": styles.color(model)}
        data.append(
            go.Bar(
                name=esc(model),
                x=[esc(r.language_label) for r, *_ in mine],
                y=[rounded(delta) for *_, delta in mine],
                customdata=[
                    [fixed(v, r.decimals), fixed(ref, r.decimals)] for r, v, ref, _ in mine
                ],
                marker=marker,
                texttemplate="%{y:+.1f}%",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=hover,
            )
        )

    layout = chart_layout(
        barmode="group",
        # a value label is readable or not drawn (the table and the hover have every value)
        uniformtext={"minsize": 11, "mode": "hide"},
        xaxis=category_axis(labels["language"], languages),
        yaxis=value_axis(
            label(labels, "relative_axis", reference=reference_name),
            ticksuffix="%",
            zeroline=True,
            zerolinecolor=LINE_COLOR,
            zerolinewidth=2,
        ),
    )
    table_rows = tuple(
        (
            r.model_name,
            r.language_label,
            fixed(v, r.decimals),
            fixed(ref, r.decimals),
            signed_percent(rounded(delta)),
        )
        for r, v, ref, delta in kept
    )
    items = []
    for model in models:
        best = max((k for k in kept if k[0].model_name == model), key=lambda k: k[3])
        items.append(
            label(
                labels,
                "summary_relative_item",
                model=model,
                delta=signed_percent(rounded(best[3])),
                language=best[0].language_label,
            )
        )
    summary = label(
        labels,
        "summary_relative",
        reference=reference_name,
        items=labels["item_separator"].join(items),
    )
    return Chart.of(make_figure(data, layout), headers, table_rows, summary)
