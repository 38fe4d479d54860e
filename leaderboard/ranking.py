"""Ranks that intervals cannot separate, and the rule that picks one score per cell: pure code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Published scores, most authoritative first (organizer runs rank above all of these).
REPORTER_AUTHORITY = ("independent", "other_lab", "self", "third_party_summary")


def score_preference(
    *, reporter: str, is_official: bool, created_ts: float
) -> tuple[int, int, float]:
    """Sort key (smallest first): official run, newest organizer run, most authoritative source."""
    if reporter == "organizer":
        return (0 if is_official else 1, 0, -created_ts)
    try:
        authority = REPORTER_AUTHORITY.index(reporter)
    except ValueError:
        authority = len(REPORTER_AUTHORITY)
    return (2, authority, -created_ts)


def preferred_scores(scores: Iterable[Any]) -> dict[tuple[int, int], list[Any]]:
    """Per (model id, benchmark id): its scores, the chosen one first (`score_preference`).

    The one rule that picks a model's score on a benchmark, for every table, reference, board
    and export. A score needs `model_id`, `benchmark_id`, `reporter`, `created_at` and `run`.
    """
    grouped: dict[tuple[int, int], list[Any]] = {}
    for score in scores:
        grouped.setdefault((score.model_id, score.benchmark_id), []).append(score)
    for options in grouped.values():
        options.sort(
            key=lambda s: score_preference(
                reporter=s.reporter,
                is_official=bool(s.run_id and s.run.is_official),
                created_ts=s.created_at.timestamp(),
            )
        )
    return grouped


@dataclass(frozen=True)
class RankRange:
    best: int
    worst: int
    exact_tie: bool = False

    @property
    def label(self) -> str:
        if self.best == self.worst:
            return str(self.best)
        if self.exact_tie:
            return f"={self.best}"
        return f"{self.best}–{self.worst}"

    @property
    def is_tie(self) -> bool:
        return self.best != self.worst


def tied_ranks(
    values: Sequence[tuple[float, float, float] | None], *, higher_is_better: bool = True
) -> list[RankRange | None]:
    """Rank ranges for (value, low, high) triples; None stays unranked.

    best = 1 + rows whose interval lies entirely above this row's interval;
    worst = rows whose interval is not entirely below it (itself included).
    """
    sign = 1.0 if higher_is_better else -1.0
    spans = []
    for item in values:
        if item is None:
            spans.append(None)
            continue
        value, low, high = (sign * x for x in item)
        low, high = min(low, high), max(low, high)
        spans.append((value, low, high))
    present = [s for s in spans if s is not None]
    result: list[RankRange | None] = []
    for span in spans:
        if span is None:
            result.append(None)
            continue
        value, low, high = span
        above = sum(1 for _, other_low, _ in present if other_low > high)
        below = sum(1 for _, _, other_high in present if other_high < low)
        best, worst = 1 + above, len(present) - below
        overlapping = [s for s in present if not (s[1] > high or s[2] < low)]
        exact = all(s[1] == s[2] == value for s in overlapping)
        result.append(RankRange(best, worst, exact_tie=exact))
    return result


OFFICIAL = "official"


def ranks_by_published_totals(
    totals: Sequence[tuple[float | None, str]],
) -> list[RankRange | None] | None:
    """Ranks of a phase's participants by the program's published totals, or None.

    The program ranks by total points. Ranks are given only when every participant has a
    total and every total is official: a missing, secondary or uncertain total leaves the
    whole standings unranked, since a rank among some of them would be one the program never
    made. Equal totals share their rank ("=2").
    """
    if not totals or any(t is None or r != OFFICIAL for t, r in totals):
        return None
    return ranks_by_totals([t for t, _ in totals])


def ranks_by_totals(totals: Sequence[float | None]) -> list[RankRange | None]:
    """Ranks by total points, highest first: equal totals share their rank ("=2"), None is unranked."""
    return tied_ranks([None if t is None else (float(t), float(t), float(t)) for t in totals])
