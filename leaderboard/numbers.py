"""How each kind of figure is written, in one place for every page, table and chart.

- a score: at the precision its source publishes (`Score.decimals`), or, for a run of ours,
  the metric's precision (`RUN_DECIMALS`: a percentage with one decimal);
- a 95% interval: both bounds at the precision of its score;
- a share of the global reference: a percentage with one decimal;
- points (a component's points, a published total): one decimal, as the program publishes them.
"""

from __future__ import annotations

from decimal import Decimal

Number = Decimal | float | int

POINTS_DECIMALS = 1  # the program publishes points and totals with one decimal ("48.0")
RUN_DECIMALS = 1  # our metrics are percentages of items; one decimal is what they support
MISSING = "—"


def score_text(value: Number | None, decimals: int = RUN_DECIMALS) -> str:
    """A score with `decimals` decimals ("80.46", "72.0"), or an em dash."""
    if value is None:
        return MISSING
    return f"{Decimal(str(value)):.{max(int(decimals), 0)}f}"


def interval_text(low: Number | None, high: Number | None, decimals: int = RUN_DECIMALS) -> str:
    """A 95% interval at its score's precision ("65.1–79.4"), or an em dash."""
    if low is None or high is None:
        return MISSING
    return f"{score_text(low, decimals)}–{score_text(high, decimals)}"


def percent_text(value: Number | None) -> str:
    """A share of the reference, one decimal ("96.4%"), or an em dash."""
    if value is None:
        return MISSING
    return f"{Decimal(str(value)):.1f}%"


def points_text(value: Number | None, decimals: int = POINTS_DECIMALS) -> str:
    """Points or a total with `decimals` decimals ("48.0", "71.5"), or an em dash."""
    if value is None or value == "":
        return MISSING
    return f"{Decimal(str(value)):.{max(int(decimals), 0)}f}"
