"""leaderboard.charts: rows in, a plotly Figure (validated), its JSON and its text equivalents
out (no Django). The assertions read the figure's data and layout as plotly.py built them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.offline import get_plotlyjs_version

from leaderboard.charts import (
    BASELINE_COLOR,
    BASELINE_SHADES,
    DEFAULT_LABELS,
    FONT_FAMILY,
    MAX_BAR_TEXTS,
    PALETTE,
    Chart,
    ComparisonRow,
    EfficiencyRow,
    IntervalRow,
    PercentOfReferenceRow,
    PhasePointsRow,
    RelativePerformanceRow,
    comparison_chart,
    efficiency_chart,
    interval_chart,
    percent_of_reference_chart,
    phase_progression_chart,
    relative_performance_chart,
    team_color,
    team_symbol,
)
from leaderboard.charts.memo import MEMO_SIZE, memo_clear
from leaderboard.charts.style import MODEL_PALETTE, MODEL_SYMBOLS

ROOT = Path(__file__).resolve().parents[2]
TEAMS = ["lg", "naver", "nc", "skt", "upstage"]
MODEL_TEAM = {
    "K-EXAONE 236B-A23B": "lg",
    "HyperCLOVA X THINK": "naver",
    "VARCO": "nc",
    "A.X K1 519B-A33B": "skt",
    "Solar Open 100B": "upstage",
    "DeepSeek-R1": None,
    "Qwen3-235B-A22B": None,
}
KOREAN = {
    "language": "언어",
    "benchmark": "벤치마크",
    "category": "분류",
    "phase": "단계",
    "score": "점수",
    "points": "점수(점)",
    "team": "팀",
    "model": "모델",
    "relative_axis": "{reference} 대비 차이 (%)",
    "percent_of_reference": "글로벌 기준 대비 %",
    "average_percent_of_reference": "글로벌 기준 대비 평균 %",
    "target_line": "목표 {target}%",
    "below_target": "목표 {target}% 미달",
    "total_params_axis": "전체 매개변수 (10억, 로그 눈금)",
    "not_published": "비공개",
    "summary_params_unknown": "매개변수 비공개: {models}.",
    "no_interval": "구간 없음",
    "interval": "95% 구간",
    "reference_score": "기준 점수",
}


def page_json(chart: Chart) -> dict:
    """The figure as the page receives it."""
    return json.loads(chart.figure_json)


def plotted(chart: Chart) -> list:
    """The traces that carry data (not the legend-only entries)."""
    return [t for t in chart.figure.data if any(x is not None for x in t.x)]


def points(chart: Chart) -> list[tuple[str, str, float]]:
    """(trace name, x, y) of every plotted point."""
    return [(t.name, x, y) for t in plotted(chart) for x, y in zip(t.x, t.y, strict=True)]


def in_legend(chart: Chart) -> list[str]:
    return [t.name for t in chart.figure.data if t.showlegend is not False]


def percent(cell: str) -> float:
    return float(cell.removeprefix("▼ ").removesuffix("%"))


# ---------------------------------------------------------------- rows used by several tests


def relative_rows() -> list[RelativePerformanceRow]:
    return [
        RelativePerformanceRow("Solar Open 100B", "upstage", "Korean", 77, 70),
        RelativePerformanceRow("Solar Open 100B", "upstage", "English", 66.5, 70),
        RelativePerformanceRow("K-EXAONE 236B-A23B", "lg", "Korean", 73.5, 70),
        RelativePerformanceRow("K-EXAONE 236B-A23B", "lg", "English", 72.1, 70),
        RelativePerformanceRow("DeepSeek-R1", None, "Korean", 70, 70),
        RelativePerformanceRow("Qwen3-235B-A22B", None, "Korean", 68.6, 70),
    ]


def percent_rows() -> list[PercentOfReferenceRow]:
    return [
        PercentOfReferenceRow("Solar Open 100B", "upstage", "KMMLU-Pro", 60.0, 70.0, "DeepSeek-R1"),
        PercentOfReferenceRow("Solar Open 100B", "upstage", "HRM8K", 76.0, 80.0, "DeepSeek-R1"),
        PercentOfReferenceRow("K-EXAONE 236B-A23B", "lg", "KMMLU-Pro", 70.0, 70.0, "DeepSeek-R1"),
        PercentOfReferenceRow("K-EXAONE 236B-A23B", "lg", "HRM8K", 75.9, 80.0, "DeepSeek-R1"),
    ]


def efficiency_rows() -> list[EfficiencyRow]:
    return [
        EfficiencyRow("K-EXAONE 236B-A23B", "lg", 98.2, 236, 23),
        EfficiencyRow("A.X K1 519B-A33B", "skt", Decimal("97.1"), Decimal("519"), 33),
        EfficiencyRow("Solar Open 100B", "upstage", 95.4, 102.6, 12),
        EfficiencyRow("DeepSeek-R1", None, 100, 671, 37),
        EfficiencyRow("Qwen3-235B-A22B", None, 99.0, 235, 22),
        EfficiencyRow("HyperCLOVA X THINK", "naver", 93.0, None, None),
    ]


def interval_rows() -> list[IntervalRow]:
    return [
        IntervalRow("K-EXAONE 236B-A23B", "lg", "KMMLU-Pro", 67.3, 65.1, 69.4),
        IntervalRow("K-EXAONE 236B-A23B", "lg", "HRM8K", 90.1),
        IntervalRow("Solar Open 100B", "upstage", "KMMLU-Pro", 64.25, 61.0, 67.5, decimals=2),
        IntervalRow("DeepSeek-R1", None, "KMMLU-Pro", 66.0),
    ]


def phase_rows() -> list[PhasePointsRow]:
    return [
        PhasePointsRow("lg", "LG AI Research", "First stage", 74.3, 100),
        PhasePointsRow("skt", "SK Telecom", "First stage", 70.1, 100),
        PhasePointsRow("upstage", "Upstage", "First stage", 71, 100),
        PhasePointsRow("naver", "Naver Cloud", "First stage", 60.25, 100),
        PhasePointsRow("nc", "NC AI", "First stage", 58.9, 100),
        PhasePointsRow("lg", "LG AI Research", "Second stage", 80, 100),
        PhasePointsRow("upstage", "Upstage", "Second stage", 76.5, 100),
    ]


def comparison_rows() -> list[ComparisonRow]:
    return [
        ComparisonRow("K-EXAONE 236B-A23B", "lg", "Math", 92.8),
        ComparisonRow("K-EXAONE 236B-A23B", "lg", "Coding", 80.7),
        ComparisonRow("DeepSeek-R1", None, "Math", 87.5),
        ComparisonRow("DeepSeek-R1", None, "Coding", 73.3),
        ComparisonRow("Solar Open 100B", "upstage", "Math", 84.3),
    ]


# Every model of the sample rows, team models first, as `chart_model_order` gives them.
MODEL_ORDER = (
    *sorted(m for m, team in MODEL_TEAM.items() if team),
    *sorted(m for m, team in MODEL_TEAM.items() if not team),
)


def all_charts(labels=None, team_order=TEAMS) -> dict[str, Chart]:
    models = {"team_order": team_order, "model_order": MODEL_ORDER}
    return {
        "relative": relative_performance_chart(
            relative_rows(), reference_name="DeepSeek-R1", labels=labels, **models
        ),
        "percent": percent_of_reference_chart(percent_rows(), labels=labels, **models),
        "efficiency": efficiency_chart(efficiency_rows(), labels=labels, **models),
        "interval": interval_chart(interval_rows(), labels=labels, **models),
        "phase": phase_progression_chart(phase_rows(), labels=labels, team_order=team_order),
        "comparison": comparison_chart(comparison_rows(), labels=labels, **models),
    }


# ---------------------------------------------------------------- 1. relative performance


def test_ten_percent_above_the_reference_shows_as_plus_ten_percent():
    chart = relative_performance_chart(relative_rows(), reference_name="DeepSeek-R1", labels={})
    solar = next(t for t in chart.figure.data if t.name == "Solar Open 100B")
    assert solar.type == "bar"
    assert solar.x == ("Korean", "English")
    assert solar.y == (10.0, -5.0)
    assert solar.texttemplate == "%{y:+.1f}%" and solar.textposition == "outside"
    assert [list(c) for c in solar.customdata] == [["77.0", "70.0"], ["66.5", "70.0"]]
    assert ("Solar Open 100B", "Korean", "77.0", "70.0", "+10.0%") in chart.table_rows
    assert "Solar Open 100B +10.0% in Korean" in chart.summary
    assert chart.summary.startswith("Against DeepSeek-R1:")


def test_relative_chart_has_a_zero_line_and_leaves_out_the_reference_itself():
    chart = relative_performance_chart(relative_rows(), reference_name="DeepSeek-R1")
    yaxis = chart.figure.layout.yaxis
    assert yaxis.zeroline is True
    assert yaxis.zerolinewidth >= 2
    assert yaxis.ticksuffix == "%"
    assert "DeepSeek-R1" not in [t.name for t in chart.figure.data]
    assert [t.name for t in chart.figure.data] == [
        "Solar Open 100B",
        "K-EXAONE 236B-A23B",
        "Qwen3-235B-A22B",
    ]
    assert chart.figure.layout.barmode == "group"
    assert yaxis.title.text == "Difference from DeepSeek-R1 (%)"
    assert chart.figure.layout.xaxis.categoryarray == ("Korean", "English")


def test_relative_chart_skips_rows_with_no_usable_reference():
    rows = [
        RelativePerformanceRow("Solar Open 100B", "upstage", "Korean", 77, 0),
        RelativePerformanceRow("Solar Open 100B", "upstage", "English", 70, 70),
    ]
    chart = relative_performance_chart(rows, reference_name="DeepSeek-R1")
    assert points(chart) == [("Solar Open 100B", "English", 0.0)]
    assert chart.table_rows[0][-1] == "0.0%"


# ---------------------------------------------------------------- 2. percent of reference


def test_percent_chart_draws_a_dashed_95_percent_line_with_its_label():
    chart = percent_of_reference_chart(percent_rows())
    layout = chart.figure.layout
    (line,) = layout.shapes
    assert line.type == "line"
    assert (line.y0, line.y1, line.yref) == (95.0, 95.0, "y")
    assert (line.xref, line.x0, line.x1) == ("paper", 0, 1)
    assert line.line.dash == "dash" and line.line.width == 2
    (label,) = layout.annotations
    assert label.text == "95% target"
    assert (label.y, label.yref, label.x, label.xanchor) == (95.0, "y", 1, "left")
    assert layout.margin.r > 16 + 60  # room right of the plot for the label
    assert layout.yaxis.rangemode == "tozero"


def test_bars_under_95_percent_are_hatched_faded_and_marked_not_only_coloured():
    chart = percent_of_reference_chart(percent_rows())
    by_model = {t.name: t for t in plotted(chart)}
    solar = by_model["Solar Open 100B"]  # KMMLU-Pro 85.7%, HRM8K exactly 95.0%
    assert solar.y == (85.714, 95.0)
    assert solar.marker.pattern.shape == ("x", "")
    assert solar.marker.pattern.solidity == 0.35
    assert solar.marker.opacity == (0.55, 1)
    assert solar.text == ("▼ 85.7%", "95.0%")
    assert list(solar.customdata[0]) == ["60.0", "DeepSeek-R1", "70.0", "Below the 95% target"]
    assert solar.customdata[1][3] == ""
    exaone = by_model["K-EXAONE 236B-A23B"]  # 100% and 94.9%
    assert exaone.marker.pattern.shape == ("", "x")
    assert exaone.text == ("100.0%", "▼ 94.9%")
    assert "Below the 95% target" in in_legend(chart)
    explanation = next(t for t in chart.figure.data if t.name == "Below the 95% target")
    assert explanation.x == (None,) and explanation.marker.pattern.shape == "x"
    assert explanation.hoverinfo == "skip"
    assert chart.summary.startswith("2 of 4 results are below the 95% target.")
    assert "Solar Open 100B on KMMLU-Pro, 85.7%" in chart.summary


def test_each_model_has_one_legend_entry_that_looks_like_its_unhatched_bars():
    chart = percent_of_reference_chart(percent_rows(), team_order=TEAMS)
    entries = [t for t in chart.figure.data if t.x == (None,) and t.legendgroup]
    assert [t.name for t in entries] == ["Solar Open 100B", "K-EXAONE 236B-A23B"]
    for entry in entries:
        bars = next(t for t in plotted(chart) if t.name == entry.name)
        assert bars.showlegend is False
        assert (entry.legendgroup, entry.offsetgroup) == (bars.legendgroup, bars.offsetgroup)
        assert entry.marker.color == bars.marker.color
        assert entry.marker.pattern.shape is None  # first model of its team: solid


def test_no_explanation_of_the_hatching_when_no_bar_is_below_the_target():
    rows = [PercentOfReferenceRow("Solar Open 100B", "upstage", "HRM8K", 80.0, 80.0)]
    chart = percent_of_reference_chart(rows)
    assert in_legend(chart) == ["Solar Open 100B"]
    assert chart.summary == "0 of 1 results are below the 95% target."


def test_percent_chart_drops_bar_texts_when_there_are_too_many_bars():
    rows = [
        PercentOfReferenceRow("Solar Open 100B", "upstage", f"B{i}", 50 + i, 80)
        for i in range(MAX_BAR_TEXTS + 1)
    ]
    (trace,) = plotted(percent_of_reference_chart(rows))
    assert trace.text is None and "text" not in trace.to_plotly_json()
    assert trace.marker.pattern.shape[0] == "x"  # the hatching still marks them


def test_lower_is_better_benchmarks_invert_the_ratio():
    rows = [PercentOfReferenceRow("Solar Open 100B", "upstage", "Error rate", 10, 9.5, "R1", False)]
    chart = percent_of_reference_chart(rows)
    assert points(chart) == [("Solar Open 100B", "Error rate", 95.0)]


def test_the_target_can_be_moved_and_is_localised():
    chart = percent_of_reference_chart(percent_rows(), labels=KOREAN, target_percent=90)
    assert chart.figure.layout.shapes[0].y0 == 90
    assert chart.figure.layout.annotations[0].text == "목표 90%"
    assert "목표 90% 미달" in in_legend(chart)
    assert sum(1 for row in chart.table_rows if row[-1]) == 1


# ---------------------------------------------------------------- 3. efficiency


def test_efficiency_chart_uses_a_log_axis_greys_baselines_and_names_unknown_sizes():
    chart = efficiency_chart(efficiency_rows(), team_order=TEAMS)
    layout = chart.figure.layout
    assert layout.xaxis.type == "log"
    ticks = layout.xaxis.tickvals
    assert ticks[0] <= 102.6 and ticks[-1] >= 671
    assert len(layout.xaxis.ticktext) == len(ticks) and "100" in layout.xaxis.ticktext
    assert layout.yaxis.ticksuffix == "%"
    assert layout.showlegend is not False  # names in the legend, never beside the markers
    names = [t.name for t in chart.figure.data]
    assert "HyperCLOVA X THINK" not in names
    assert "Parameters not published: HyperCLOVA X THINK." in chart.summary
    assert ("HyperCLOVA X THINK", "not published", "93.0%") in chart.table_rows
    colours = {t.name: t.marker.color for t in chart.figure.data}
    assert colours["DeepSeek-R1"] in BASELINE_SHADES
    assert colours["Qwen3-235B-A22B"] in BASELINE_SHADES
    assert colours["K-EXAONE 236B-A23B"] in MODEL_PALETTE
    assert len({colours[m] for m in colours if MODEL_TEAM.get(m)}) == 3  # one colour a model
    symbols = {t.name: t.marker.symbol for t in chart.figure.data}
    assert len(set(symbols.values())) == len(symbols)  # one symbol a model
    x_of = {t.name: t.x[0] for t in chart.figure.data}
    assert x_of == {
        "K-EXAONE 236B-A23B": 236,
        "A.X K1 519B-A33B": 519,
        "Solar Open 100B": 102.6,
        "DeepSeek-R1": 671,
        "Qwen3-235B-A22B": 235,
    }
    assert {t.name: t.y[0] for t in chart.figure.data}["A.X K1 519B-A33B"] == 97.1
    assert all(t.mode == "markers" for t in chart.figure.data)  # no labels to overlap
    assert chart.summary.startswith(
        "Highest average: DeepSeek-R1, 100.0% of the global reference with 671B parameters."
    )


def test_efficiency_chart_can_plot_active_parameters():
    rows = [*efficiency_rows(), EfficiencyRow("Dense model", None, 90, 30, None)]
    chart = efficiency_chart(rows, parameter_kind="active")
    x_of = {t.name: t.x[0] for t in chart.figure.data}
    assert x_of["Solar Open 100B"] == 12
    assert "Dense model" not in x_of
    assert "HyperCLOVA X THINK, Dense model" in chart.summary
    assert chart.table_headers[1] == "Active parameters (B)"
    assert chart.figure.layout.xaxis.title.text == "Active parameters (billions, log scale)"
    with pytest.raises(ValueError, match="parameter_kind"):
        efficiency_chart(rows, parameter_kind="both")


# ---------------------------------------------------------------- 4. intervals


def test_error_bars_match_the_intervals_and_rows_without_one_get_no_bar():
    chart = interval_chart(interval_rows(), team_order=TEAMS)
    traces = chart.figure.data
    exaone = [t for t in traces if t.name == "K-EXAONE 236B-A23B"]
    with_ci, without_ci = exaone
    assert with_ci.x == ("KMMLU-Pro",)
    assert with_ci.error_y.array == (2.1,)  # 69.4 - 67.3
    assert with_ci.error_y.arrayminus == (2.2,)  # 67.3 - 65.1
    assert with_ci.error_y.symmetric is False and with_ci.error_y.type == "data"
    assert [list(c) for c in with_ci.customdata] == [["67.3", "65.1", "69.4"]]
    assert without_ci.x == ("HRM8K",)
    assert "error_y" not in without_ci.to_plotly_json()
    assert without_ci.marker.symbol.endswith("-open")
    assert without_ci.showlegend is False  # one legend entry per model
    assert with_ci.offsetgroup == without_ci.offsetgroup
    assert with_ci.legendgroup == without_ci.legendgroup
    assert chart.figure.layout.scattermode == "group"
    assert ("Solar Open 100B", "KMMLU-Pro", "64.25", "61.00 – 67.50") in chart.table_rows
    assert ("DeepSeek-R1", "KMMLU-Pro", "66.0", "no interval") in chart.table_rows
    assert chart.summary.startswith("2 of 4 scores have a 95% interval.")
    assert "Widest: Solar Open 100B on KMMLU-Pro, 61.00 to 67.50." in chart.summary


def test_an_interval_that_does_not_contain_the_score_is_not_drawn():
    rows = [IntervalRow("Solar Open 100B", "upstage", "KMMLU-Pro", 70, 71, 75)]
    trace, explanation = interval_chart(rows).figure.data
    assert "error_y" not in trace.to_plotly_json()
    assert trace.showlegend is True  # the model's only series carries its legend entry
    assert explanation.name == "Open marker: no 95% interval" and explanation.x == (None,)


# ---------------------------------------------------------------- 5. phase progression


def test_phase_chart_draws_one_line_per_team_in_phase_order():
    phases = ["First stage", "Second stage", "Final"]
    chart = phase_progression_chart(phase_rows(), phases=phases, team_order=TEAMS)
    traces = {t.name: t for t in chart.figure.data}
    assert len(traces) == 5
    assert traces["LG AI Research"].x == ("First stage", "Second stage")
    assert traces["LG AI Research"].y == (74.3, 80)
    assert traces["LG AI Research"].customdata == ("74.3 / 100", "80 / 100")
    assert traces["NC AI"].x == ("First stage",)
    assert all(t.mode == "lines+markers" for t in traces.values())
    assert traces["LG AI Research"].line.color == team_color("lg", TEAMS)
    assert traces["LG AI Research"].marker.symbol == team_symbol("lg", TEAMS)
    xaxis = chart.figure.layout.xaxis
    assert xaxis.categoryarray == tuple(phases)
    assert xaxis.range == (-0.5, 2.5)  # the final shows before it has points
    assert ("Naver Cloud", "First stage", "60.25 / 100") in chart.table_rows
    assert chart.summary == "Second stage: LG AI Research 80 / 100; Upstage 76.5 / 100."


# ---------------------------------------------------------------- 6. comparison


def test_comparison_chart_groups_bars_per_benchmark_with_a_wide_table():
    chart = comparison_chart(comparison_rows(), team_order=TEAMS)
    assert [t.name for t in chart.figure.data] == [
        "K-EXAONE 236B-A23B",
        "DeepSeek-R1",
        "Solar Open 100B",
    ]
    solar = chart.figure.data[2]
    assert (solar.x, solar.y, solar.customdata) == (("Math",), (84.3,), ("84.3",))
    assert solar.texttemplate == "%{customdata}"
    assert chart.figure.layout.barmode == "group"
    assert chart.figure.layout.xaxis.categoryarray == ("Math", "Coding")
    assert chart.table_headers == (
        "Benchmark",
        "K-EXAONE 236B-A23B",
        "DeepSeek-R1",
        "Solar Open 100B",
    )
    assert chart.table_rows == (("Math", "92.8", "87.5", "84.3"), ("Coding", "80.7", "73.3", "—"))
    assert (
        chart.summary
        == "Highest score per item: K-EXAONE 236B-A23B 2, DeepSeek-R1 0, Solar Open 100B 0."
    )


def test_comparison_chart_refuses_more_than_four_models():
    rows = [ComparisonRow(f"Model {i}", None, "Math", 50 + i) for i in range(5)]
    with pytest.raises(ValueError, match="at most 4"):
        comparison_chart(rows)
    chart = comparison_chart(rows[:4], group_kind="category")
    assert chart.table_headers[0] == "Category"
    assert chart.figure.layout.xaxis.title.text == "Category"
    with pytest.raises(ValueError, match="group_kind"):
        comparison_chart(rows[:4], group_kind="phase")


# ---------------------------------------------------------------- shared conventions


def test_team_colours_are_okabe_ito_distinct_per_team_and_grey_for_baselines():
    colours = [team_color(key, TEAMS) for key in TEAMS]
    assert len(set(colours)) == len(TEAMS)
    assert set(colours) <= set(PALETTE)
    assert team_color(None, TEAMS) == BASELINE_COLOR
    assert len({team_symbol(key, TEAMS) for key in TEAMS}) == len(TEAMS)
    assert set(PALETTE) <= {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
    with pytest.raises(ValueError):
        team_color("unknown", TEAMS)


def test_each_model_has_one_colour_across_all_charts_and_each_team_one_line():
    seen: dict[str, set[str]] = {}
    team_names = {r.team_name: r.team_key for r in phase_rows()}
    for name, chart in all_charts(team_order=TEAMS).items():
        for trace in plotted(chart):
            if name == "phase":  # the progression chart draws teams, in their team colour
                team = team_names[trace.name]
                assert trace.line.color == team_color(team, TEAMS)
                continue
            seen.setdefault(trace.name, set()).add(trace.marker.color)
    for model, colours in seen.items():
        assert len(colours) == 1, (model, colours)
        if MODEL_TEAM.get(model) is None:
            assert colours <= set(BASELINE_SHADES)
    team_colours = [next(iter(c)) for m, c in seen.items() if MODEL_TEAM.get(m)]
    assert len(team_colours) == len(set(team_colours))  # no two team models alike


def test_without_a_model_order_colours_follow_the_sorted_models_present():
    rows = [
        ComparisonRow("Solar Open 100B", "upstage", "Math", 84.3),
        ComparisonRow("A.X K1 519B-A33B", "skt", "Math", 80),
    ]
    colours = [t.marker.color for t in comparison_chart(rows).figure.data]
    assert colours == [MODEL_PALETTE[1], MODEL_PALETTE[0]]


def test_a_model_keeps_its_colour_and_symbol_whatever_else_is_drawn():
    order = ("A.X K1 519B-A33B", "K-EXAONE 236B-A23B", "Solar Open 100B", "DeepSeek-R1")
    full = efficiency_chart(efficiency_rows(), model_order=order)
    fewer = [r for r in efficiency_rows() if r.model_name != "A.X K1 519B-A33B"]
    partial = efficiency_chart(fewer, model_order=order)
    look = {t.name: (t.marker.color, t.marker.symbol) for t in full.figure.data}
    for trace in partial.figure.data:
        assert (trace.marker.color, trace.marker.symbol) == look[trace.name], trace.name
    assert look["Solar Open 100B"] == (MODEL_PALETTE[2], MODEL_SYMBOLS[2])


def test_two_models_of_one_team_differ_in_colour_and_symbol_without_patterns():
    rows = [
        IntervalRow("K-EXAONE", "lg", "Math", 90),
        IntervalRow("EXAONE 4.0", "lg", "Math", 85),
    ]
    first, second = plotted(interval_chart(rows, team_order=TEAMS))
    assert first.marker.color != second.marker.color
    assert first.marker.symbol != second.marker.symbol
    bars = comparison_chart([ComparisonRow(r.model_name, "lg", "Math", r.value) for r in rows])
    assert all("pattern" not in t.to_plotly_json()["marker"] for t in bars.figure.data)


def test_korean_labels_reach_the_layout_and_the_tables():
    charts = all_charts(labels=KOREAN)
    layouts = [chart.figure.layout for chart in charts.values()]
    titles = {axis.title.text for layout in layouts for axis in (layout.xaxis, layout.yaxis)}
    assert {
        "DeepSeek-R1 대비 차이 (%)",
        "언어",
        "벤치마크",
        "글로벌 기준 대비 %",
        "전체 매개변수 (10억, 로그 눈금)",
        "글로벌 기준 대비 평균 %",
        "단계",
        "점수(점)",
        "점수",
    } <= titles
    assert charts["percent"].figure.layout.annotations[0].text == "목표 95%"
    assert "목표 95% 미달" in [t.name for t in charts["percent"].figure.data]
    assert "95% 구간" in plotted(charts["interval"])[0].hovertemplate
    assert "기준 점수" in charts["relative"].figure.data[0].hovertemplate
    assert charts["efficiency"].table_rows[-1][1] == "비공개"
    assert "매개변수 비공개: HyperCLOVA X THINK." in charts["efficiency"].summary
    assert ("DeepSeek-R1", "KMMLU-Pro", "66.0", "구간 없음") in charts["interval"].table_rows
    assert charts["phase"].table_headers == ("팀", "단계", "점수(점)")
    for chart in charts.values():  # the page gets the Korean as it is, not as \\uXXXX
        escaped = re.findall(r"\\u([0-9a-fA-F]{4})", chart.figure_json)
        assert all(int(code, 16) < 0x80 for code in escaped), escaped
    assert "글로벌 기준 대비 %" in charts["percent"].figure_json


def test_english_is_the_default_and_partial_labels_fall_back():
    english = all_charts()
    assert english["percent"].figure.layout.yaxis.title.text == "% of global reference"
    assert english["phase"].table_headers == ("Team", "Phase", "Points")
    chart = relative_performance_chart(
        relative_rows(), reference_name="DeepSeek-R1", labels={"language": "언어"}
    )
    assert chart.figure.layout.xaxis.title.text == "언어"
    assert chart.table_headers[0] == DEFAULT_LABELS["model"] == "Model"
    assert all(value.isascii() for value in DEFAULT_LABELS.values() if "—" not in value)


def test_figures_share_the_page_conventions():
    for name, chart in all_charts().items():
        layout = chart.figure.layout
        assert layout.font.family == FONT_FAMILY and layout.font.size == 14, name
        assert "Noto Sans KR" in FONT_FAMILY and "Malgun Gothic" in FONT_FAMILY
        assert layout.paper_bgcolor == layout.plot_bgcolor == "rgba(0,0,0,0)"
        assert layout.legend.orientation == "h" and layout.legend.y > 1
        assert layout.xaxis.automargin and layout.yaxis.automargin
        assert layout.autosize is True
        sent = page_json(chart)
        assert set(sent) == {"data", "layout"}
        assert "title" not in sent["layout"], name  # the page has the title
        assert "template" not in sent["layout"], name  # no Plotly theme: the page's CSS themes
        for trace in chart.figure.data:
            assert trace.hovertemplate or trace.hoverinfo == "skip", name


def test_percentages_are_shown_with_one_decimal_in_hover_texts():
    charts = all_charts()
    assert "%{y:+.1f}%" in charts["relative"].figure.data[0].hovertemplate
    assert "%{y:.1f}%" in plotted(charts["percent"])[0].hovertemplate
    assert "%{y:.1f}%" in charts["efficiency"].figure.data[0].hovertemplate


@pytest.mark.parametrize("name", ["relative", "percent", "efficiency", "interval", "phase"])
def test_table_equivalents_match_the_figure_data(name):
    chart = all_charts()[name]
    figure_points = sorted(points(chart))
    if name == "relative":
        table_points = [(r[0], r[1], percent(r[4])) for r in chart.table_rows]
    elif name == "percent":
        table_points = [(r[0], r[1], percent(r[5])) for r in chart.table_rows]
        figure_points = [(m, x, round(y, 1)) for m, x, y in figure_points]
    elif name == "efficiency":
        table_points = [
            (r[0], float(r[1]), percent(r[2])) for r in chart.table_rows if r[1] != "not published"
        ]
    elif name == "interval":
        table_points = [(r[0], r[1], float(r[2])) for r in chart.table_rows]
    else:
        table_points = [(r[0], r[1], float(r[2].split(" / ")[0])) for r in chart.table_rows]
    assert sorted(table_points) == figure_points


def test_comparison_table_matches_the_bars():
    chart = all_charts()["comparison"]
    models = chart.table_headers[1:]
    table_points = [
        (model, row[0], float(cell))
        for row in chart.table_rows
        for model, cell in zip(models, row[1:], strict=True)
        if cell != "—"
    ]
    assert sorted(table_points) == sorted(points(chart))


def test_names_are_escaped_for_plotly_but_not_for_the_table():
    rows = [ComparisonRow("A<b>&B", "lg", "Math <hard>", 90)]
    chart = comparison_chart(rows)
    (trace,) = chart.figure.data
    assert trace.name == "A&lt;b&gt;&amp;B"
    assert trace.x == ("Math &lt;hard&gt;",)
    assert chart.table_headers[1] == "A<b>&B"
    assert chart.table_rows == (("Math <hard>", "90.0"),)


@pytest.mark.parametrize(
    "name", ["relative", "percent", "efficiency", "interval", "phase", "comparison"]
)
def test_no_rows_gives_an_empty_figure_that_says_so(name):
    builders = {
        "relative": lambda: relative_performance_chart([], reference_name="R1"),
        "percent": lambda: percent_of_reference_chart([]),
        "efficiency": lambda: efficiency_chart([]),
        "interval": lambda: interval_chart([]),
        "phase": lambda: phase_progression_chart([]),
        "comparison": lambda: comparison_chart([]),
    }
    chart = builders[name]()
    assert chart.figure.data == ()
    assert chart.has_data is False
    assert chart.table_rows == ()
    assert chart.summary == "No data to show."
    (note,) = chart.figure.layout.annotations
    assert note.text == "No data to show." and (note.x, note.y) == (0.5, 0.5)
    assert chart.figure.layout.xaxis.visible is False
    assert page_json(chart)["data"] == []
    assert all(c.has_data for c in all_charts().values())


# ---------------------------------------------------------------- the JSON the page receives


@pytest.mark.parametrize(
    "name", ["relative", "percent", "efficiency", "interval", "phase", "comparison"]
)
@pytest.mark.parametrize("labels", [None, KOREAN], ids=["en", "ko"])
def test_the_page_json_is_the_figure_and_validates_against_plotly(name, labels):
    chart = all_charts(labels=labels)[name]
    sent = page_json(chart)
    read_back = json.loads(go.Figure(sent).to_json())  # plotly reads it back unchanged,
    assert read_back["layout"].pop("template")  # adding only its default template
    assert read_back == sent
    # A misspelt property is refused by name, where the browser would silently ignore it.
    broken = json.loads(chart.figure_json)
    broken["data"][0]["markr"] = {"color": "red"}
    with pytest.raises(ValueError, match="markr"):
        go.Figure(broken)
    broken = json.loads(chart.figure_json)
    broken["layout"]["yaxis"]["tickangel"] = 45
    with pytest.raises(ValueError, match="tickangel"):
        go.Figure(broken)


def test_the_page_json_cannot_end_its_script_element():
    rows = [ComparisonRow("</script><script>alert(1)</script>", None, "A&B <x>", 90)]
    text = comparison_chart(rows).figure_json
    assert "<" not in text and ">" not in text and "&" not in text
    (trace,) = json.loads(text)["data"]
    assert trace["name"] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert trace["x"] == ["A&amp;B &lt;x&gt;"]


def test_figures_are_small_json_with_at_most_three_decimals():
    for name, chart in all_charts(labels=KOREAN).items():
        assert len(chart.figure_json) < 6000, name
        assert "NaN" not in chart.figure_json and "Infinity" not in chart.figure_json
        for value in re.findall(r"-?\d+\.\d+", chart.figure_json):
            assert len(value.split(".")[1]) <= 3, (name, value)


def test_plotly_py_validates_against_the_plotly_js_the_site_serves():
    """The figures are checked against the schema of the plotly.js bundle the pages load."""
    vendored = (ROOT / "static/vendor/plotly-basic.min.js").read_text(errors="ignore")[:300]
    served = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", vendored).group(1)
    npm = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert npm["plotly.js-basic-dist-min"] == served
    assert get_plotlyjs_version() == served, (plotly.__version__, served)


def test_the_same_input_gets_the_same_chart_back_without_building_it_again(monkeypatch):
    memo_clear()
    first = interval_chart(interval_rows(), labels=KOREAN, team_order=TEAMS)
    calls = []
    real = go.Figure
    monkeypatch.setattr(
        "leaderboard.charts.figure.go.Figure", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    again = interval_chart(
        iter(interval_rows()), labels=dict(KOREAN), team_order=list(TEAMS)
    )  # equal, not identical, input
    assert again is first and calls == []
    # any difference in the input is another chart: rows, labels, options
    changed = [*interval_rows()[:-1], IntervalRow("DeepSeek-R1", None, "KMMLU-Pro", 66.5)]
    other = interval_chart(changed, labels=KOREAN, team_order=TEAMS)
    assert ("DeepSeek-R1", "KMMLU-Pro", "66.5", "구간 없음") in other.table_rows and calls
    english = interval_chart(interval_rows(), team_order=TEAMS)
    assert english.table_headers[0] == "Model" and first.table_headers[0] == "모델"
    reordered = interval_chart(
        interval_rows(), labels=KOREAN, model_order=[r.model_name for r in interval_rows()][::-1]
    )
    assert reordered.figure_json != first.figure_json
    # a figure read from a shared chart is the reader's own
    first.figure.data[0].marker.color = "red"
    assert "red" not in first.figure_json and first.figure.data[0].marker.color != "red"


def test_the_memo_is_bounded_and_builds_unhashable_input_without_it():
    memo_clear()
    first = comparison_chart(comparison_rows())
    for i in range(MEMO_SIZE):
        comparison_chart([ComparisonRow("Model", None, "Math", i)])
    assert comparison_chart(comparison_rows()) is not first  # evicted, built again
    assert comparison_chart(comparison_rows()) == first
    labels = {"score": "Score", "unused": {"a set"}}  # unhashable: built each time, alike
    once, twice = (
        comparison_chart(comparison_rows(), labels=labels),
        comparison_chart(comparison_rows(), labels=labels),
    )
    assert once is not twice and once == twice == comparison_chart(comparison_rows())


def test_charts_module_does_not_import_django():
    code = "import sys, leaderboard.charts; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_no_chart_module_is_longer_than_about_400_lines():
    for module in (ROOT / "leaderboard" / "charts").glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name


numbers = st.floats(min_value=0.01, max_value=1000, allow_nan=False)
names = st.sampled_from(sorted(MODEL_TEAM))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(names, st.sampled_from(["KMMLU", "HRM8K", "<b>"]), numbers, numbers),
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_any_rows_give_json_figures_whose_tables_list_every_point(raw):
    percent_chart = percent_of_reference_chart(
        [PercentOfReferenceRow(m, MODEL_TEAM[m], b, v, ref) for m, b, v, ref in raw]
    )
    interval_chart_ = interval_chart(
        [IntervalRow(m, MODEL_TEAM[m], b, v, v * 0.9, v * 1.1) for m, b, v, _ in raw]
    )
    for chart in (percent_chart, interval_chart_):
        json.loads(chart.figure_json)
        assert len(chart.table_rows) == len(points(chart)) == len(raw)
    for trace in plotted(interval_chart_):
        for y, up, down in zip(trace.y, trace.error_y.array, trace.error_y.arrayminus, strict=True):
            assert up >= 0 and down >= 0 and up == pytest.approx(y * 0.1, abs=2e-3)


# ---------------------------------------------------------------- honest encodings


def test_every_hatch_and_open_marker_drawn_is_explained_in_the_legend():
    for name, chart in all_charts().items():
        figure = chart.figure
        legend = [t for t in figure.data if t.showlegend is not False and t.x == (None,)]
        drawn = [t for t in figure.data if t.x != (None,)]
        hatches = set()
        for trace in drawn:
            if trace.type == "bar" and trace.marker.pattern.shape:
                shapes = trace.marker.pattern.shape
                hatches |= {shapes} if isinstance(shapes, str) else set(shapes)
        hatches.discard("")
        explained = {t.marker.pattern.shape for t in legend if t.type == "bar"}
        assert hatches <= explained, (name, hatches, explained)
        opens = [t for t in drawn if t.type == "scatter" and str(t.marker.symbol).endswith("-open")]
        if opens:
            assert any(str(t.marker.symbol).endswith("-open") for t in legend), name


def test_bar_labels_are_readable_or_absent_and_clear_of_the_target_line():
    charts = all_charts()
    for name in ("relative", "percent", "comparison"):
        layout = charts[name].figure.layout
        assert layout.uniformtext.minsize >= 11 and layout.uniformtext.mode == "hide", name
    (first, *_) = plotted(charts["percent"])
    # from the base of the bar, upright: the dashed line near the top never crosses a label
    assert (first.textposition, first.insidetextanchor, first.textangle) == ("inside", "start", -90)
    assert first.textfont.size >= 12


def test_no_intervals_means_no_claim_of_intervals():
    rows = [IntervalRow("Solar Open 100B", "upstage", "KMMLU-Pro", 70)]
    assert interval_chart(rows).intervals == 0
    assert interval_chart(interval_rows()).intervals == 2
