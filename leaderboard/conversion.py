"""Published conversion rules from a raw value to a component's points: pure code.

The second stage published its rules (MSIT explanatory release, 2026-08-20): the Artificial
Analysis Intelligence Index × 25/100, the NIA benchmark × 15/100, and each user panel's mean
rating (1 to 5) × its maximum / 5. All three have one shape:

    points = raw × maximum ÷ raw maximum

Published points carry one decimal, so `converted_points` rounds half up to `decimals`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def converted_points(
    raw: Decimal | float | str, max_points: Decimal | float | str, raw_max: Decimal | float | str
) -> Decimal:
    """raw × max_points ÷ raw_max, exact (no rounding), never above max_points."""
    raw, max_points, raw_max = (Decimal(str(x)) for x in (raw, max_points, raw_max))
    if raw_max <= 0:
        raise ValueError("raw_max must be positive")
    if raw < 0:
        raise ValueError("a raw value cannot be negative")
    return min(raw * max_points / raw_max, max_points)


def rounded(points: Decimal, decimals: int = 1) -> Decimal:
    """Points rounded half up to `decimals` places, as the releases print them."""
    return points.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def formula_text(raw_name: str, max_points: Decimal | float | str, raw_max) -> str:
    """'AAII × 25/100' style text of a rule (numbers without trailing zeros)."""

    def plain(value) -> str:
        text = f"{Decimal(str(value)).normalize():f}"
        return text

    return f"{raw_name} × {plain(max_points)}/{plain(raw_max)}"
