"""The distribution of a panel's ratings: per model, one box per criterion, every rating a dot.

Rows in (a model, a criterion, that criterion's scale and the ratings the model got on it),
a `Chart` out: grouped `go.Box` traces (one per criterion, models on the x axis, quartiles by
plotly's "linear" method, the mean dashed), and the table equivalent with the same numbers
(raters, minimum, first quartile, median, third quartile, maximum, mean). Pure: no Django.
Needs a plotly.js bundle with the box trace (`static/vendor/plotly-cartesian.min.js`).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .figure import Chart, category_axis, chart_layout, empty_chart, make_figure, value_axis
from .memo import memoised
from .style import PALETTE
from .text import esc, label, merge_labels, short, unique

# English defaults of this chart's own words; callers pass them translated (same keys).
RATING_LABELS: dict[str, str] = {
    "criterion": "Criterion",
    "rating": "Rating",
    "raters": "Raters",
    "minimum": "Minimum",
    "quartile_1": "1st quartile",
    "median": "Median",
    "quartile_3": "3rd quartile",
    "maximum": "Maximum",
    "mean": "Mean",
    "summary_ratings": "{ratings} ratings of {models} models on {criteria} criteria.",
    "summary_ratings_top": "Highest median: {model} on {criterion}, {median}.",
}


@dataclass(frozen=True, slots=True)
class RatingDistributionRow:
    """The ratings one model got on one criterion (one per rater), on the scale low–high."""

    model_name: str
    criterion_label: str
    values: tuple[int, ...]
    scale_low: int = 1
    scale_high: int = 5


def quartiles(values: Sequence[int]) -> tuple[float, float, float]:
    """First quartile, median and third quartile by linear interpolation between order
    statistics (numpy's default, plotly's `quartilemethod="linear"`)."""
    if len(values) == 1:
        v = float(values[0])
        return v, v, v
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


@memoised
def rating_distribution_chart(
    rows: Sequence[RatingDistributionRow], *, labels: Mapping[str, str] | None = None
) -> Chart:
    """Box plots of the ratings per model (x) and criterion (one trace, one colour each),
    with every rating drawn as a jittered dot; rows without ratings are left out."""
    labels = merge_labels({**RATING_LABELS, **(labels or {})})
    headers = (
        labels["model"],
        labels["criterion"],
        labels["raters"],
        labels["minimum"],
        labels["quartile_1"],
        labels["median"],
        labels["quartile_3"],
        labels["maximum"],
        labels["mean"],
    )
    kept = [r for r in rows if r.values]
    if not kept:
        return empty_chart(labels, headers)
    models = unique(r.model_name for r in kept)
    criteria = unique(r.criterion_label for r in kept)
    low = min(r.scale_low for r in kept)
    high = max(r.scale_high for r in kept)
    data = []
    for index, criterion in enumerate(criteria):
        mine = [r for r in kept if r.criterion_label == criterion]
        color = PALETTE[index % len(PALETTE)]
        data.append(
            go.Box(
                name=esc(criterion),
                x=[esc(r.model_name) for r in mine for _ in r.values],
                y=[v for r in mine for v in r.values],
                marker={"color": color, "size": 6, "opacity": 0.7},
                line={"color": color},
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                boxmean=True,
                quartilemethod="linear",
                offsetgroup=esc(criterion),
                hovertemplate="%{x}<br>" + esc(criterion) + ": <b>%{y}</b><extra></extra>",
            )
        )
    layout = chart_layout(
        boxmode="group",
        xaxis=category_axis(labels["model"], models),
        yaxis=value_axis(
            labels["rating"],
            range=[low - 0.5, high + 0.5],
            tickvals=list(range(low, high + 1)),
            zeroline=False,
        ),
    )
    table_rows = []
    for r in kept:
        q1, median, q3 = quartiles(r.values)
        table_rows.append(
            (
                r.model_name,
                r.criterion_label,
                str(len(r.values)),
                str(min(r.values)),
                short(q1),
                short(median),
                short(q3),
                str(max(r.values)),
                short(sum(r.values) / len(r.values)),
            )
        )
    top = max(kept, key=lambda r: (quartiles(r.values)[1], sum(r.values) / len(r.values)))
    summary = label(
        labels,
        "summary_ratings",
        ratings=sum(len(r.values) for r in kept),
        models=len(models),
        criteria=len(criteria),
    )
    summary += " " + label(
        labels,
        "summary_ratings_top",
        model=top.model_name,
        criterion=top.criterion_label,
        median=short(quartiles(top.values)[1]),
    )
    return Chart.of(make_figure(data, layout), headers, tuple(table_rows), summary)
