"""Chart building: plain rows in, Plotly figure dicts (plus a text equivalent) out.

No Django import: views translate the labels and pass them in, `json_script` puts each
`Chart.figure` in the page, and `static/js/charts.js` draws it with the vendored plotly.js.

Conventions shared by every chart:

- one colour per team on every chart (`team_color`, Okabe-Ito palette, stable for a given
  ordered list of team keys); global baselines are grey (`BASELINE_COLOR`, lighter and darker
  greys when several baselines share a chart). Pass every chart the same `team_order` (all
  team keys of the programme, e.g. sorted slugs): without it, the sorted keys of the teams
  present in that chart's rows decide, so a chart missing a team would shift the colours;
- colour is never the only cue: scatter charts also give each team its own marker symbol, and
  several models of one team in a bar chart get distinct fill patterns;
- percentages carry one decimal; scores carry the precision of their row (`decimals`);
- transparent background, a Korean-capable system font stack, horizontal legend on top,
  `automargin` axes so long Korean labels fit, no title inside the figure (the page has one);
- every chart comes with a table equivalent and a one-sentence summary for screen readers.

Numbers may be given as `float`, `int` or `Decimal`; they are converted with `float()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

__all__ = [
    "BASELINE_COLOR",
    "BASELINE_SHADES",
    "DEFAULT_LABELS",
    "FONT_FAMILY",
    "MAX_COMPARED_MODELS",
    "PALETTE",
    "SYMBOLS",
    "TARGET_PERCENT",
    "Chart",
    "ComparisonRow",
    "EfficiencyRow",
    "IntervalRow",
    "PercentOfReferenceRow",
    "PhasePointsRow",
    "RelativePerformanceRow",
    "comparison_chart",
    "efficiency_chart",
    "interval_chart",
    "percent_of_reference_chart",
    "phase_progression_chart",
    "relative_performance_chart",
    "team_color",
    "team_symbol",
]

Number = float | int | Decimal

# Okabe & Ito (2008), "Color Universal Design", without black: distinguishable with every
# common colour-vision deficiency. Yellow last: it has the least contrast on a light page.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
BASELINE_COLOR = "#8c8c8c"
# Several baselines on one chart: same grey family, told apart by lightness (and the legend).
BASELINE_SHADES: tuple[str, ...] = (BASELINE_COLOR, "#5e5e5e", "#b8b8b8", "#737373", "#a3a3a3")
# One marker symbol per team (same index as the colour), so scatter charts survive greyscale.
SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "star",
    "pentagon",
)
BASELINE_SYMBOL = "x"
# Fill patterns that tell apart several models of the same team in a bar chart.
VARIANT_PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "-", "|", "+")
BELOW_TARGET_PATTERN = "x"

FONT_FAMILY = (
    "Pretendard, 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', system-ui, sans-serif"
)
TARGET_PERCENT = 95.0
MAX_COMPARED_MODELS = 4
MAX_BAR_TEXTS = 24  # value labels on bars only up to this many bars: beyond, they'd be unreadable
GRID_COLOR = "rgba(128,128,128,0.25)"
LINE_COLOR = "rgba(90,90,90,0.9)"

# English defaults. Keys in braces are filled in by the chart; a translation may reorder them.
DEFAULT_LABELS: dict[str, str] = {
    "model": "Model",
    "team": "Team",
    "language": "Language",
    "benchmark": "Benchmark",
    "category": "Category",
    "phase": "Phase",
    "score": "Score",
    "points": "Points",
    "reference_score": "Reference score",
    "reference_model": "Reference model",
    "difference": "Difference",
    "relative_axis": "Difference from {reference} (%)",
    "percent_of_reference": "% of global reference",
    "average_percent_of_reference": "Average % of global reference",
    "target_line": "{target}% target",
    "below_target": "Below the {target}% target",
    "status": "Status",
    "total_params_axis": "Total parameters (billions, log scale)",
    "active_params_axis": "Active parameters (billions, log scale)",
    "total_params": "Total parameters (B)",
    "active_params": "Active parameters (B)",
    "not_published": "not published",
    "interval": "95% interval",
    "no_interval": "no interval",
    "no_data": "No data to show.",
    "summary_relative": "Against {reference}: {items}.",
    "summary_relative_item": "{model} {delta} in {language}",
    "summary_percent": "{below} of {total} results are below the {target}% target.",
    "summary_percent_lowest": "Lowest: {model} on {benchmark}, {percent} of the reference.",
    "summary_efficiency": "Highest average: {model}, {percent} of the global reference with {params}B parameters.",
    "summary_params_unknown": "Parameters not published: {models}.",
    "summary_interval": "{with_interval} of {total} scores have a 95% interval.",
    "summary_interval_widest": "Widest: {model} on {benchmark}, {low} to {high}.",
    "summary_phase": "{phase}: {items}.",
    "summary_comparison": "Highest score per item: {items}.",
    "list_separator": ", ",
    "item_separator": "; ",
}

MISSING = "—"


# ---------------------------------------------------------------- rows and result


@dataclass(frozen=True, slots=True)
class RelativePerformanceRow:
    """One model's mean in one language next to the reference model's mean on the same benchmarks."""

    model_name: str  # shown in the legend and table
    team_key: str | None  # the team's stable key (slug); None for a global baseline
    language_label: str  # already translated, e.g. "한국어" / "Korean"; x category
    value: Number  # the model's mean score over the language's benchmarks
    reference_value: Number  # the reference model's mean over the SAME benchmarks (> 0)
    decimals: int = 1  # precision of the two means in hover text and table


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


@dataclass(frozen=True, slots=True)
class EfficiencyRow:
    """One model's size and its average % of the global reference."""

    model_name: str
    team_key: str | None  # None for a global baseline
    average_percent: Number  # mean over benchmarks of (score / reference × 100)
    total_params_b: Number | None = None  # total parameters in billions; None: not published
    active_params_b: Number | None = None  # active parameters (MoE) in billions; None: unknown


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


@dataclass(frozen=True, slots=True)
class PhasePointsRow:
    """A team's points in one phase (total or one component: the caller chooses)."""

    team_key: str
    team_name: str  # legend and table
    phase_label: str  # x category; phases appear in the order given (or `phases=`)
    points: Number
    max_points: Number | None = None  # shown as "74.3 / 100" in hover and table


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One compared model's score on one benchmark or category."""

    model_name: str
    team_key: str | None  # None for a global baseline
    group_label: str  # benchmark or category name; x category
    value: Number
    decimals: int = 1


@dataclass(frozen=True, slots=True)
class Chart:
    """A Plotly figure with its text equivalents (table and one-sentence summary)."""

    figure: dict[str, Any]  # {"data": [...], "layout": {...}}: JSON-serialisable
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    summary: str


# ---------------------------------------------------------------- colours and symbols


def team_color(team_key: str | None, ordered_team_keys: Sequence[str]) -> str:
    """The team's colour: its position in `ordered_team_keys` picks a PALETTE entry (grey: None)."""
    if team_key is None:
        return BASELINE_COLOR
    try:
        index = list(ordered_team_keys).index(team_key)
    except ValueError:
        raise ValueError(f"team {team_key!r} is not in the ordered team keys") from None
    return PALETTE[index % len(PALETTE)]


def team_symbol(team_key: str | None, ordered_team_keys: Sequence[str]) -> str:
    """The team's marker symbol, chosen like its colour (baselines: "x")."""
    if team_key is None:
        return BASELINE_SYMBOL
    try:
        index = list(ordered_team_keys).index(team_key)
    except ValueError:
        raise ValueError(f"team {team_key!r} is not in the ordered team keys") from None
    return SYMBOLS[index % len(SYMBOLS)]


class _Styles:
    """Colour, symbol and pattern of each model on one chart."""

    def __init__(self, models: Iterable[tuple[str, str | None]], team_order: Sequence[str] | None):
        models = list(models)
        keys = [team for _, team in models if team is not None]
        order = list(team_order) if team_order is not None else sorted(set(keys))
        order += sorted({k for k in keys if k not in order})
        self.order = order
        self._variant: dict[str, int] = {}
        seen: dict[str | None, int] = {}
        for name, team in models:
            if name not in self._variant:
                self._variant[name] = seen.get(team, 0)
                seen[team] = self._variant[name] + 1
        self._team = dict(models)

    def color(self, model: str) -> str:
        team = self._team[model]
        if team is None:
            return BASELINE_SHADES[self._variant[model] % len(BASELINE_SHADES)]
        return team_color(team, self.order)

    def symbol(self, model: str) -> str:
        return team_symbol(self._team[model], self.order)

    def pattern(self, model: str) -> str:
        if self._team[model] is None:  # baselines differ by shade already
            return ""
        return VARIANT_PATTERNS[self._variant[model] % len(VARIANT_PATTERNS)]

    def team_color(self, team: str) -> str:
        return team_color(team, self.order)

    def team_symbol(self, team: str) -> str:
        return team_symbol(team, self.order)


# ---------------------------------------------------------------- formatting helpers


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _t(labels: Mapping[str, str], key: str, **values: object) -> str:
    """The label `key`, with its placeholders filled (unknown placeholders are left as they are)."""
    return labels[key].format_map(_Blank(values))


def _merge_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update(labels)
    return merged


def _esc(text: str) -> str:
    """Text for Plotly's pseudo-HTML renderer, so a name with < or & shows as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _r(value: float, digits: int = 3) -> float:
    """Rounded for a small JSON payload (no -0.0)."""
    rounded = round(value, digits)
    return rounded + 0.0 if rounded else 0.0


def _num(value: Number | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fixed(value: float, decimals: int) -> str:
    return f"{value:.{max(decimals, 0)}f}"


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _signed_percent(value: float) -> str:
    text = f"{value:+.1f}%"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text


def _short(value: float, decimals: int = 2) -> str:
    """At most `decimals` decimals, without trailing zeros: 74.30 -> 74.3, 80.00 -> 80."""
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_MARGIN = {"l": 16, "r": 16, "t": 16, "b": 16, "pad": 4}


def _text_width(text: str, size: int) -> int:
    """Rough pixel width of `text` (wide Hangul and CJK count double)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x1100)
    return round(size * (0.6 * (len(text) - wide) + 1.0 * wide)) + 8


def _log_ticks(values: Sequence[float]) -> list[float]:
    """1-2-5 ticks covering `values`, for a log axis that plotly would label too densely."""
    low, high = min(values), max(values)
    ticks = []
    exponent = math.floor(math.log10(low)) - 1
    while not ticks or ticks[-1] < high:
        for mantissa in (1, 2, 5):
            tick = mantissa * 10.0**exponent
            if tick * 2.5 > low and (not ticks or ticks[-1] < high):
                ticks.append(_r(tick, 6))
        exponent += 1
    return ticks


def _log_tick_attrs(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {}
    ticks = _log_ticks(values)
    return {"tickvals": ticks, "ticktext": [_short(t, 3) for t in ticks]}


def _layout(**overrides: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": FONT_FAMILY, "size": 14},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": _MARGIN,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
        },
        "autosize": True,
    }
    layout.update(overrides)
    return layout


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": {"text": _esc(title)}, "automargin": True}
    axis.update(extra)
    return axis


def _category_axis(title: str, categories: Sequence[str]) -> dict[str, Any]:
    return _axis(
        title,
        type="category",
        categoryorder="array",
        categoryarray=[_esc(c) for c in categories],
        tickangle="auto",
    )


def _value_axis(title: str, **extra: Any) -> dict[str, Any]:
    return _axis(title, **({"gridcolor": GRID_COLOR, "zeroline": False} | extra))


def _empty(labels: Mapping[str, str], headers: Sequence[str]) -> Chart:
    figure = {
        "data": [],
        "layout": _layout(
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": _esc(labels["no_data"]),
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                }
            ],
        ),
    }
    return Chart(figure, tuple(headers), (), labels["no_data"])


# ---------------------------------------------------------------- 1. relative performance


def relative_performance_chart(
    rows: Sequence[RelativePerformanceRow],
    *,
    reference_name: str,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Grouped bars: (score / reference - 1) in % per language, one trace per model, zero line.

    Rows of the reference model itself (always 0%) and rows whose reference value is not
    positive are left out. Languages and models keep the order of their first row.
    """
    labels = _merge_labels(labels)
    headers = (
        labels["model"],
        labels["language"],
        labels["score"],
        f"{labels['reference_score']} ({reference_name})",
        labels["difference"],
    )
    kept = []
    for row in rows:
        value, reference = _num(row.value), _num(row.reference_value)
        if row.model_name == reference_name or value is None or not reference or reference <= 0:
            continue
        kept.append((row, value, reference, (value / reference - 1.0) * 100.0))
    if not kept:
        return _empty(labels, headers)

    styles = _Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order)
    languages = _unique(r.language_label for r, *_ in kept)
    models = _unique(r.model_name for r, *_ in kept)
    hover = (
        "%{x}: <b>%{y:+.1f}%</b><br>"
        + _esc(labels["score"])
        + " %{customdata[0]} · "
        + _esc(labels["reference_score"])
        + " %{customdata[1]}"
    )
    data = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        trace: dict[str, Any] = {
            "type": "bar",
            "name": _esc(model),
            "x": [_esc(r.language_label) for r, *_ in mine],
            "y": [_r(delta) for *_, delta in mine],
            "customdata": [
                [_fixed(v, r.decimals), _fixed(ref, r.decimals)] for r, v, ref, _ in mine
            ],
            "marker": {"color": styles.color(model)},
            "texttemplate": "%{y:+.1f}%",
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": hover,
        }
        if pattern := styles.pattern(model):
            trace["marker"]["pattern"] = {"shape": pattern}
        data.append(trace)

    layout = _layout(
        barmode="group",
        xaxis=_category_axis(labels["language"], languages),
        yaxis=_value_axis(
            _t(labels, "relative_axis", reference=reference_name),
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
            _fixed(v, r.decimals),
            _fixed(ref, r.decimals),
            _signed_percent(_r(delta)),
        )
        for r, v, ref, delta in kept
    )
    items = []
    for model in models:
        best = max((k for k in kept if k[0].model_name == model), key=lambda k: k[3])
        items.append(
            _t(
                labels,
                "summary_relative_item",
                model=model,
                delta=_signed_percent(_r(best[3])),
                language=best[0].language_label,
            )
        )
    summary = _t(
        labels,
        "summary_relative",
        reference=reference_name,
        items=labels["item_separator"].join(items),
    )
    return Chart({"data": data, "layout": layout}, headers, table_rows, summary)


# ---------------------------------------------------------------- 2. percent of reference


def percent_of_reference_chart(
    rows: Sequence[PercentOfReferenceRow],
    *,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
    target_percent: float = TARGET_PERCENT,
) -> Chart:
    """Grouped bars of % of the global reference per benchmark, with a dashed target line.

    Bars under the target are hatched, fainter and labelled with "▼", so they stand out
    without relying on colour; a legend entry explains the hatching.
    """
    labels = _merge_labels(labels)
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
        value, reference = _num(row.value), _num(row.reference_value)
        if value is None or not reference or reference <= 0:
            continue
        if row.higher_is_better:
            percent = value / reference * 100.0
        elif value > 0:
            percent = reference / value * 100.0
        else:
            continue
        kept.append((row, value, reference, _r(percent)))
    if not kept:
        return _empty(labels, headers)

    below_label = _t(labels, "below_target", target=_short(target_percent, 1))
    styles = _Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order)
    benchmarks = _unique(r.benchmark_label for r, *_ in kept)
    models = _unique(r.model_name for r, *_ in kept)
    hover = (
        "%{x}: <b>%{y:.1f}%</b><br>"
        + _esc(labels["score"])
        + " %{customdata[0]} · %{customdata[1]} %{customdata[2]}<br>%{customdata[3]}"
    )
    data = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        below = [pct < target_percent for *_, pct in mine]
        own_pattern = styles.pattern(model)
        # Per-bar opacity and hatching would make the legend copy the first bar's look, so the
        # bars stay out of the legend and a data-less twin (same group) stands for the model.
        legend_entry: dict[str, Any] = {
            "type": "bar",
            "name": _esc(model),
            "legendgroup": _esc(model),
            "offsetgroup": _esc(model),
            "x": [None],
            "y": [None],
            "marker": {"color": styles.color(model)},
            "hoverinfo": "skip",
        }
        if own_pattern:
            legend_entry["marker"]["pattern"] = {"shape": own_pattern}
        trace: dict[str, Any] = {
            "type": "bar",
            "name": _esc(model),
            "legendgroup": _esc(model),
            "offsetgroup": _esc(model),
            "showlegend": False,
            "x": [_esc(r.benchmark_label) for r, *_ in mine],
            "y": [pct for *_, pct in mine],
            "cliponaxis": False,
            "customdata": [
                [
                    _fixed(v, r.decimals),
                    _esc(r.reference_name),
                    _fixed(ref, r.decimals),
                    _esc(below_label) if b else "",
                ]
                for (r, v, ref, _), b in zip(mine, below, strict=True)
            ],
            "marker": {
                "color": styles.color(model),
                "opacity": [0.55 if b else 1 for b in below],
                "pattern": {
                    "shape": [BELOW_TARGET_PATTERN if b else own_pattern for b in below],
                    "solidity": 0.35,
                },
                "line": {"color": styles.color(model), "width": 1.5},
            },
            "hovertemplate": hover,
        }
        if len(kept) <= MAX_BAR_TEXTS:  # beyond that plotly shrinks the text out of sight
            trace["text"] = [
                ("▼ " if b else "") + _percent(pct)
                for (*_, pct), b in zip(mine, below, strict=True)
            ]
            trace["textposition"] = "outside"
        data += [legend_entry, trace]
    if any(pct < target_percent for *_, pct in kept):
        data.append(  # legend-only entry that explains the hatching
            {
                "type": "bar",
                "name": _esc(below_label),
                "offsetgroup": _esc(models[0]),  # takes no slot of its own in the groups
                "x": [None],
                "y": [None],
                "marker": {
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": LINE_COLOR, "width": 1.5},
                    "pattern": {
                        "shape": BELOW_TARGET_PATTERN,
                        "fgcolor": LINE_COLOR,
                        "solidity": 0.35,
                    },
                },
                "hoverinfo": "skip",
            }
        )
    target_text = _t(labels, "target_line", target=_short(target_percent, 1))
    layout = _layout(
        barmode="group",
        # the target label sits right of the plot, beside its line, clear of the bars
        margin=_MARGIN | {"r": _MARGIN["r"] + _text_width(target_text, 12)},
        xaxis=_category_axis(labels["benchmark"], benchmarks),
        yaxis=_value_axis(labels["percent_of_reference"], ticksuffix="%", rangemode="tozero"),
        shapes=[
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
        annotations=[
            {
                "text": _esc(target_text),
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
    )
    table_rows = tuple(
        (
            r.model_name,
            r.benchmark_label,
            _fixed(v, r.decimals),
            r.reference_name,
            _fixed(ref, r.decimals),
            _percent(pct),
            below_label if pct < target_percent else "",
        )
        for r, v, ref, pct in kept
    )
    below_rows = [k for k in kept if k[3] < target_percent]
    summary = _t(
        labels,
        "summary_percent",
        below=len(below_rows),
        total=len(kept),
        target=_short(target_percent, 1),
    )
    if below_rows:
        lowest = min(below_rows, key=lambda k: k[3])
        summary += " " + _t(
            labels,
            "summary_percent_lowest",
            model=lowest[0].model_name,
            benchmark=lowest[0].benchmark_label,
            percent=_percent(lowest[3]),
        )
    return Chart({"data": data, "layout": layout}, headers, table_rows, summary)


# ---------------------------------------------------------------- 3. efficiency


def efficiency_chart(
    rows: Sequence[EfficiencyRow],
    *,
    labels: Mapping[str, str] | None = None,
    parameter_kind: Literal["total", "active"] = "total",
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Scatter of average % of reference against parameters (billions, log axis).

    Models whose parameter count of that kind is not published are left out of the figure,
    kept in the table as "not published" and named in the summary.
    """
    if parameter_kind not in ("total", "active"):
        raise ValueError(f"parameter_kind must be 'total' or 'active', not {parameter_kind!r}")
    labels = _merge_labels(labels)
    params_label = labels[f"{parameter_kind}_params"]
    headers = (labels["model"], params_label, labels["average_percent_of_reference"])

    def params_of(row: EfficiencyRow) -> float | None:
        value = _num(row.total_params_b if parameter_kind == "total" else row.active_params_b)
        return value if value is not None and value > 0 else None

    usable = [r for r in rows if _num(r.average_percent) is not None]
    if not usable:
        return _empty(labels, headers)
    plotted = [(r, params_of(r), _r(float(r.average_percent))) for r in usable]
    known = [(r, p, avg) for r, p, avg in plotted if p is not None]
    unknown = [r.model_name for r, p, _ in plotted if p is None]

    styles = _Styles(((r.model_name, r.team_key) for r, *_ in known), team_order)
    hover = (
        "<b>%{text}</b><br>"
        + _esc(params_label)
        + ": %{customdata}<br>"
        + _esc(labels["average_percent_of_reference"])
        + ": %{y:.1f}%<extra></extra>"
    )
    data = []
    for row, params, avg in known:
        name = row.model_name
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": _esc(name),
                "x": [_r(params)],
                "y": [avg],
                "text": [_esc(name)],
                "textposition": "top center",
                "customdata": [_short(params, 1)],
                "marker": {
                    "color": styles.color(name),
                    "symbol": styles.symbol(name),
                    "size": 14 if row.team_key is not None else 11,
                    "line": {"color": "rgba(255,255,255,0.8)", "width": 1},
                },
                "cliponaxis": False,
                "hovertemplate": hover,
            }
        )
    layout = _layout(
        xaxis=_value_axis(
            labels[f"{parameter_kind}_params_axis"],
            type="log",
            **_log_tick_attrs([p for _, p, _ in known]),
        ),
        yaxis=_value_axis(labels["average_percent_of_reference"], ticksuffix="%"),
        showlegend=False,  # every marker carries its model name
    )
    table_rows = tuple(
        (
            r.model_name,
            _short(p, 1) if p is not None else labels["not_published"],
            _percent(avg),
        )
        for r, p, avg in plotted
    )
    sentences = []
    if known:
        best = max(known, key=lambda k: k[2])
        sentences.append(
            _t(
                labels,
                "summary_efficiency",
                model=best[0].model_name,
                percent=_percent(best[2]),
                params=_short(best[1], 1),
            )
        )
    if unknown:
        sentences.append(
            _t(labels, "summary_params_unknown", models=labels["list_separator"].join(unknown))
        )
    return Chart({"data": data, "layout": layout}, headers, table_rows, " ".join(sentences))


# ---------------------------------------------------------------- 4. intervals


def interval_chart(
    rows: Sequence[IntervalRow],
    *,
    labels: Mapping[str, str] | None = None,
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Scores per benchmark with asymmetric 95% interval error bars, one marker series per model.

    Scores without an interval are drawn as hollow markers without a bar (a separate trace in
    the same legend and offset group, because plotly draws a missing error value as zero).
    """
    labels = _merge_labels(labels)
    headers = (labels["model"], labels["benchmark"], labels["score"], labels["interval"])
    kept = []
    for row in rows:
        value = _num(row.value)
        if value is None:
            continue
        low, high = _num(row.interval_low), _num(row.interval_high)
        has_interval = low is not None and high is not None and low <= value <= high
        kept.append((row, value, (low, high) if has_interval else None))
    if not kept:
        return _empty(labels, headers)

    styles = _Styles(((r.model_name, r.team_key) for r, *_ in kept), team_order)
    benchmarks = _unique(r.benchmark_label for r, *_ in kept)
    models = _unique(r.model_name for r, *_ in kept)
    with_hover = (
        "%{x}: <b>%{customdata[0]}</b><br>"
        + _esc(labels["interval"])
        + " %{customdata[1]} – %{customdata[2]}"
    )
    without_hover = "%{x}: <b>%{customdata[0]}</b><br>" + _esc(labels["no_interval"])
    data = []
    for model in models:
        mine = [k for k in kept if k[0].model_name == model]
        color, symbol = styles.color(model), styles.symbol(model)
        with_ci = [k for k in mine if k[2] is not None]
        without_ci = [k for k in mine if k[2] is None]
        base = {
            "type": "scatter",
            "mode": "markers",
            "name": _esc(model),
            "legendgroup": _esc(model),
            "offsetgroup": _esc(model),
        }
        if with_ci:
            data.append(
                base
                | {
                    "x": [_esc(r.benchmark_label) for r, *_ in with_ci],
                    "y": [_r(v) for _, v, _ in with_ci],
                    "error_y": {
                        "type": "data",
                        "symmetric": False,
                        "array": [_r(ci[1] - v) for _, v, ci in with_ci],
                        "arrayminus": [_r(v - ci[0]) for _, v, ci in with_ci],
                        "color": color,
                        "thickness": 2,
                        "width": 6,
                    },
                    "customdata": [
                        [
                            _fixed(v, r.decimals),
                            _fixed(ci[0], r.decimals),
                            _fixed(ci[1], r.decimals),
                        ]
                        for r, v, ci in with_ci
                    ],
                    "marker": {"color": color, "symbol": symbol, "size": 10},
                    "hovertemplate": with_hover,
                }
            )
        if without_ci:
            data.append(
                base
                | {
                    "x": [_esc(r.benchmark_label) for r, *_ in without_ci],
                    "y": [_r(v) for _, v, _ in without_ci],
                    "customdata": [[_fixed(v, r.decimals)] for r, v, _ in without_ci],
                    "marker": {
                        "color": color,
                        "symbol": f"{symbol}-open",
                        "size": 10,
                        "line": {"width": 2},
                    },
                    "hovertemplate": without_hover,
                    "showlegend": not with_ci,
                }
            )
    layout = _layout(
        scattermode="group",
        xaxis=_category_axis(labels["benchmark"], benchmarks),
        yaxis=_value_axis(labels["score"]),
    )
    table_rows = tuple(
        (
            r.model_name,
            r.benchmark_label,
            _fixed(v, r.decimals),
            f"{_fixed(ci[0], r.decimals)} – {_fixed(ci[1], r.decimals)}"
            if ci
            else labels["no_interval"],
        )
        for r, v, ci in kept
    )
    with_interval = [k for k in kept if k[2] is not None]
    summary = _t(labels, "summary_interval", with_interval=len(with_interval), total=len(kept))
    if with_interval:
        widest = max(with_interval, key=lambda k: k[2][1] - k[2][0])
        row, _, (low, high) = widest
        summary += " " + _t(
            labels,
            "summary_interval_widest",
            model=row.model_name,
            benchmark=row.benchmark_label,
            low=_fixed(low, row.decimals),
            high=_fixed(high, row.decimals),
        )
    return Chart({"data": data, "layout": layout}, headers, table_rows, summary)


# ---------------------------------------------------------------- 5. phase progression


def phase_progression_chart(
    rows: Sequence[PhasePointsRow],
    *,
    labels: Mapping[str, str] | None = None,
    phases: Sequence[str] | None = None,
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Points per phase, one line with markers per team; phases in the order of `phases`
    (or of their first row), so phases without points yet still show on the axis."""
    labels = _merge_labels(labels)
    headers = (labels["team"], labels["phase"], labels["points"])
    kept = [(r, _num(r.points)) for r in rows if _num(r.points) is not None]
    if not kept:
        return _empty(labels, headers)
    phase_order = list(phases) if phases is not None else []
    phase_order += [p for p in _unique(r.phase_label for r, _ in kept) if p not in phase_order]
    position = {p: i for i, p in enumerate(phase_order)}
    kept.sort(key=lambda k: position[k[0].phase_label])

    team_keys = _unique(r.team_key for r, _ in kept)
    styles = _Styles(((k, k) for k in team_keys), team_order)

    def points_text(row: PhasePointsRow, points: float) -> str:
        maximum = _num(row.max_points)
        return f"{_short(points)} / {_short(maximum)}" if maximum else _short(points)

    data = []
    for team in team_keys:
        mine = [k for k in kept if k[0].team_key == team]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _esc(mine[0][0].team_name),
                "x": [_esc(r.phase_label) for r, _ in mine],
                "y": [_r(p) for _, p in mine],
                "customdata": [points_text(r, p) for r, p in mine],
                "line": {"color": styles.team_color(team), "width": 3},
                "marker": {"symbol": styles.team_symbol(team), "size": 11},
                "hovertemplate": "%{x}: <b>%{customdata}</b>",
            }
        )
    layout = _layout(
        # an explicit range keeps phases without points yet (e.g. the final) on the axis
        xaxis=_category_axis(labels["phase"], phase_order)
        | {"range": [-0.5, len(phase_order) - 0.5]},
        yaxis=_value_axis(labels["points"], rangemode="tozero"),
    )
    table_rows = tuple((r.team_name, r.phase_label, points_text(r, p)) for r, p in kept)
    last_phase = kept[-1][0].phase_label
    latest = sorted(
        (k for k in kept if k[0].phase_label == last_phase), key=lambda k: k[1], reverse=True
    )
    items = labels["item_separator"].join(f"{r.team_name} {points_text(r, p)}" for r, p in latest)
    summary = _t(labels, "summary_phase", phase=last_phase, items=items)
    return Chart({"data": data, "layout": layout}, headers, table_rows, summary)


# ---------------------------------------------------------------- 6. comparison


def comparison_chart(
    rows: Sequence[ComparisonRow],
    *,
    labels: Mapping[str, str] | None = None,
    group_kind: Literal["benchmark", "category"] = "benchmark",
    team_order: Sequence[str] | None = None,
) -> Chart:
    """Grouped bars comparing up to MAX_COMPARED_MODELS models per benchmark or category.

    The table is wide: one row per benchmark (or category), one column per model.
    Raises ValueError for more than MAX_COMPARED_MODELS models.
    """
    if group_kind not in ("benchmark", "category"):
        raise ValueError(f"group_kind must be 'benchmark' or 'category', not {group_kind!r}")
    labels = _merge_labels(labels)
    kept = [(r, _num(r.value)) for r in rows if _num(r.value) is not None]
    models = _unique(r.model_name for r, _ in kept)
    if len(models) > MAX_COMPARED_MODELS:
        raise ValueError(
            f"a comparison shows at most {MAX_COMPARED_MODELS} models, not {len(models)}"
        )
    headers = (labels[group_kind], *models)
    if not kept:
        return _empty(labels, headers)
    styles = _Styles(((r.model_name, r.team_key) for r, _ in kept), team_order)
    groups = _unique(r.group_label for r, _ in kept)
    cell = {(r.model_name, r.group_label): (r, v) for r, v in kept}

    data = []
    for model in models:
        mine = [(r, v) for r, v in kept if r.model_name == model]
        trace: dict[str, Any] = {
            "type": "bar",
            "name": _esc(model),
            "x": [_esc(r.group_label) for r, _ in mine],
            "y": [_r(v) for _, v in mine],
            "customdata": [_fixed(v, r.decimals) for r, v in mine],
            "texttemplate": "%{customdata}",
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": styles.color(model)},
            "hovertemplate": "%{x}: <b>%{customdata}</b>",
        }
        if pattern := styles.pattern(model):
            trace["marker"]["pattern"] = {"shape": pattern}
        data.append(trace)
    layout = _layout(
        barmode="group",
        xaxis=_category_axis(labels[group_kind], groups),
        yaxis=_value_axis(labels["score"], rangemode="tozero"),
    )
    table_rows = []
    firsts = dict.fromkeys(models, 0)
    for group in groups:
        entries = [cell.get((model, group)) for model in models]
        table_rows.append(
            (group, *(_fixed(e[1], e[0].decimals) if e else MISSING for e in entries))
        )
        present = [(model, e[1]) for model, e in zip(models, entries, strict=True) if e]
        top = max(v for _, v in present)
        for model, value in present:
            if value == top:
                firsts[model] += 1
    items = labels["list_separator"].join(f"{model} {count}" for model, count in firsts.items())
    summary = _t(labels, "summary_comparison", items=items)
    return Chart({"data": data, "layout": layout}, headers, tuple(table_rows), summary)
