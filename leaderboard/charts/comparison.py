"""Comparison: up to four models side by side, grouped bars per benchmark or category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import plotly.graph_objects as go

from .figure import Chart, category_axis, chart_layout, empty_chart, make_figure, value_axis
from .memo import memoised
from .style import Styles
from .text import MISSING, Number, esc, fixed, label, merge_labels, number, rounded, unique

MAX_COMPARED_MODELS = 4


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One compared model's score on one benchmark or category."""

    model_name: str
    team_key: str | None  # None for a global baseline
    group_label: str  # benchmark or category name; x category
    value: Number
    decimals: int = 1


@memoised
def comparison_chart(
    rows: Sequence[ComparisonRow],
    *,
    labels: Mapping[str, str] | None = None,
    group_kind: Literal["benchmark", "category"] = "benchmark",
    team_order: Sequence[str] | None = None,
    model_order: Sequence[str] | None = None,
) -> Chart:
    """Grouped bars comparing up to MAX_COMPARED_MODELS models per benchmark or category.

    The table is wide: one row per benchmark (or category), one column per model.
    Raises ValueError for more than MAX_COMPARED_MODELS models.
    """
    if group_kind not in ("benchmark", "category"):
        raise ValueError(f"group_kind must be 'benchmark' or 'category', not {group_kind!r}")
    labels = merge_labels(labels)
    kept = [(r, number(r.value)) for r in rows if number(r.value) is not None]
    models = unique(r.model_name for r, _ in kept)
    if len(models) > MAX_COMPARED_MODELS:
        raise ValueError(
            f"a comparison shows at most {MAX_COMPARED_MODELS} models, not {len(models)}"
        )
    headers = (labels[group_kind], *models)
    if not kept:
        return empty_chart(labels, headers)
    styles = Styles(((r.model_name, r.team_key) for r, _ in kept), team_order, model_order)
    groups = unique(r.group_label for r, _ in kept)
    cell = {(r.model_name, r.group_label): (r, v) for r, v in kept}

    data = []
    for model in models:
        mine = [(r, v) for r, v in kept if r.model_name == model]
        marker = {"color": styles.color(model)}
        data.append(
            go.Bar(
                name=esc(model),
                x=[esc(r.group_label) for r, _ in mine],
                y=[rounded(v) for _, v in mine],
                customdata=[fixed(v, r.decimals) for r, v in mine],
                texttemplate="%{customdata}",
                textposition="outside",
                cliponaxis=False,
                marker=marker,
                hovertemplate="%{x}: <b>%{customdata}</b>",
            )
        )
    layout = chart_layout(
        barmode="group",
        # a value label is readable or not drawn (the table and the hover have every value)
        uniformtext={"minsize": 11, "mode": "hide"},
        xaxis=category_axis(labels[group_kind], groups),
        yaxis=value_axis(labels["score"], rangemode="tozero"),
    )
    table_rows = []
    firsts = dict.fromkeys(models, 0)
    for group in groups:
        entries = [cell.get((model, group)) for model in models]
        table_rows.append((group, *(fixed(e[1], e[0].decimals) if e else MISSING for e in entries)))
        present = [(model, e[1]) for model, e in zip(models, entries, strict=True) if e]
        top = max(v for _, v in present)
        for model, value in present:
            if value == top:
                firsts[model] += 1
    items = labels["list_separator"].join(f"{model} {count}" for model, count in firsts.items())
    summary = label(labels, "summary_comparison", items=items)
    return Chart.of(make_figure(data, layout), headers, tuple(table_rows), summary)
