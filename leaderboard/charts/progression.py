"""Phase progression: each team's points phase after phase, one line per team."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .figure import Chart, category_axis, chart_layout, empty_chart, make_figure, value_axis
from .memo import memoised
from .style import Styles
from .text import Number, esc, label, merge_labels, number, rounded, short, unique


@dataclass(frozen=True, slots=True)
class PhasePointsRow:
    """A team's points in one phase (total or one component: the caller chooses)."""

    team_key: str
    team_name: str  # legend and table
    phase_label: str  # x category; phases appear in the order given (or `phases=`)
    points: Number
    max_points: Number | None = None  # shown as "74.3 / 100" in hover and table


@memoised
def phase_progression_chart(
    rows: Sequence[PhasePointsRow],
    *,
    labels: Mapping[str, str] | None = None,
    phases: Sequence[str] | None = None,
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Points per phase, one line with markers per team; phases in the order of `phases`
    (or of their first row), so phases without points yet still show on the axis."""
    labels = merge_labels(labels)
    headers = (labels["team"], labels["phase"], labels["points"])
    kept = [(r, number(r.points)) for r in rows if number(r.points) is not None]
    if not kept:
        return empty_chart(labels, headers)
    phase_order = list(phases) if phases is not None else []
    phase_order += [p for p in unique(r.phase_label for r, _ in kept) if p not in phase_order]
    position = {p: i for i, p in enumerate(phase_order)}
    kept.sort(key=lambda k: position[k[0].phase_label])

    team_keys = unique(r.team_key for r, _ in kept)
    styles = Styles(((k, k) for k in team_keys), team_order)

    def points_text(row: PhasePointsRow, points: float) -> str:
        maximum = number(row.max_points)
        return f"{short(points)} / {short(maximum)}" if maximum else short(points)

    data = []
    for team in team_keys:
        mine = [k for k in kept if k[0].team_key == team]
        data.append(
            go.Scatter(
                mode="lines+markers",
                name=esc(mine[0][0].team_name),
                x=[esc(r.phase_label) for r, _ in mine],
                y=[rounded(p) for _, p in mine],
                customdata=[points_text(r, p) for r, p in mine],
                line={"color": styles.team_color(team), "width": 3},
                marker={"symbol": styles.team_symbol(team), "size": 11},
                hovertemplate="%{x}: <b>%{customdata}</b>",
            )
        )
    layout = chart_layout(
        # an explicit range keeps phases without points yet (e.g. the final) on the axis
        xaxis=category_axis(labels["phase"], phase_order, range=[-0.5, len(phase_order) - 0.5]),
        yaxis=value_axis(labels["points"], rangemode="tozero"),
    )
    table_rows = tuple((r.team_name, r.phase_label, points_text(r, p)) for r, p in kept)
    last_phase = kept[-1][0].phase_label
    latest = sorted(
        (k for k in kept if k[0].phase_label == last_phase), key=lambda k: k[1], reverse=True
    )
    items = labels["item_separator"].join(f"{r.team_name} {points_text(r, p)}" for r, p in latest)
    summary = label(labels, "summary_phase", phase=last_phase, items=items)
    return Chart.of(make_figure(data, layout), headers, table_rows, summary)
