"""Words and numbers of the charts: the labels (English defaults, translations passed in by the
caller) and the number formats shared by hover texts, tables and summaries.

Percentages carry one decimal; scores carry the precision of their row (`decimals`). Numbers may
be given as `float`, `int` or `Decimal`; they are converted with `float()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal

Number = float | int | Decimal

# English defaults. Keys in braces are filled in by the chart; a translation may reorder them.
# The views pass the same keys in the active language (`leaderboard.views.chart_labels`).
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
    "open_marker": "Open marker: no 95% interval",
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


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def label(labels: Mapping[str, str], key: str, **values: object) -> str:
    """The label `key`, with its placeholders filled (unknown placeholders are left as they are)."""
    return labels[key].format_map(_Blank(values))


def merge_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's labels over the English defaults, so a partial translation still works."""
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update(labels)
    return merged


def esc(text: str) -> str:
    """Text for Plotly's pseudo-HTML renderer, so a name with < or & shows as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unique(items: Iterable[str]) -> list[str]:
    """The items in the order of their first appearance, once each."""
    return list(dict.fromkeys(items))


def text_width(text: str, size: int) -> int:
    """Rough pixel width of `text` (wide Hangul and CJK count double)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x1100)
    return round(size * (0.6 * (len(text) - wide) + 1.0 * wide)) + 8


def rounded(value: float, digits: int = 3) -> float:
    """Rounded for a small JSON payload (no -0.0)."""
    result = round(value, digits)
    return result + 0.0 if result else 0.0


def number(value: Number | None) -> float | None:
    """A finite float, or None for a missing or non-finite value."""
    if value is None:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def fixed(value: float, decimals: int) -> str:
    return f"{value:.{max(decimals, 0)}f}"


def percent(value: float) -> str:
    return f"{value:.1f}%"


def signed_percent(value: float) -> str:
    text = f"{value:+.1f}%"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text


def short(value: float, decimals: int = 2) -> str:
    """At most `decimals` decimals, without trailing zeros: 74.30 -> 74.3, 80.00 -> 80."""
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between words with an ellipsis, never inside a
    word (a single word longer than `limit` is kept whole)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words, kept = text.split(" "), ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > limit - 1:
            break
        kept = candidate
    return (kept or words[0]).rstrip(",;:·-–") + "…"
