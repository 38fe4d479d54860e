"""The global reference a team model must reach, and the percentage of it: pure functions.

Rule (from the program: "at least 95% of global models released in the six months before the
evaluation"): for one benchmark and one phase, the reference is the best score of a global
baseline released within the six months before the phase's reference date. A release known only
to the month counts if any day of that month lies in the window. Lower-is-better benchmarks take
the lowest score, and their percentage is reference / value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

TARGET_PERCENT = 95.0
WINDOW_MONTHS = 6


@dataclass(frozen=True)
class BaselineScore:
    """One baseline's score on one benchmark."""

    model_slug: str
    model_name: str
    value: float
    release_date: date | None
    release_month_only: bool = False


@dataclass(frozen=True)
class Reference:
    model_slug: str
    model_name: str
    value: float


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def is_eligible(
    release: date | None, month_only: bool, as_of: date, months: int = WINDOW_MONTHS
) -> bool:
    """Released within the `months` months before `as_of` (inclusive)."""
    if release is None:
        return False
    start = months_before(as_of, months)
    if month_only:
        # Any day of the release month inside [start, as_of] makes it eligible.
        month_start = release.replace(day=1)
        month_end = months_before(month_start, -1)
        return month_start <= as_of and month_end > start
    return start <= release <= as_of


def global_reference(
    scores: Iterable[BaselineScore],
    *,
    as_of: date,
    higher_is_better: bool = True,
    months: int = WINDOW_MONTHS,
) -> Reference | None:
    """The best eligible baseline score on one benchmark, or None if no baseline qualifies."""
    eligible = [
        s for s in scores if is_eligible(s.release_date, s.release_month_only, as_of, months)
    ]
    if not eligible:
        return None
    pick = max if higher_is_better else min
    best = pick(eligible, key=lambda s: s.value)
    return Reference(best.model_slug, best.model_name, best.value)


def percent_of_reference(
    value: float, reference: float, higher_is_better: bool = True
) -> float | None:
    """value as a percentage of the reference (100 = equal); None when undefined."""
    if higher_is_better:
        return None if reference <= 0 else 100.0 * value / reference
    return None if value <= 0 else 100.0 * reference / value


def meets_target(percent: float | None, target: float = TARGET_PERCENT) -> bool | None:
    return None if percent is None else percent >= target
