"""Score results and the one tally path every scorer shares (no file reading here).

:class:`ScoringOptions` says how a benchmark reads predictions. :class:`_Judge` reads each
distinct prediction once in both extraction modes and judges an item against its key row;
:class:`_Tally` and :class:`_Feedback` collect exact integer counts, the reasons items did not
count and their first examples; :func:`_build_result` turns them into a :class:`ScoreResult`
(values, Clopper-Pearson intervals, both extraction figures). The fast path, the reference
scorer and the chunk merge all end in ``_build_result``, so their results are equal.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .extraction import (
    CORRECT,
    FLEXIBLE,
    INVALID_REASONS,
    MODES,
    NO_ANSWER,
    STRICT,
    TWO_ANSWERS,
    WRONG,
    choice_outcome,
    exact_outcome,
    extract_choice,
    extract_exact,
    shorten,
)
from .fields import IgnoredFields, prediction_fields
from .intervals import bounded_mean_interval, proportion_interval
from .metrics import macro_average
from .normalize import KeyAnswer

CONFIDENCE = 0.95
EXAMPLES = 20
PASS_AT_K_METHOD = "clopper-pearson on the sum of pass@k values"


@dataclass(frozen=True)
class ScoringOptions:
    """How a benchmark reads its predictions: extraction mode and its settings."""

    extraction: str = STRICT
    numbered_choices: bool = False
    fractions: bool = False
    max_samples: int | None = None

    def __post_init__(self) -> None:
        if self.extraction not in MODES:
            raise ValueError(f"unknown extraction {self.extraction!r}; expected one of {MODES}")

    @property
    def other(self) -> str:
        """The extraction mode shown beside the score."""
        return FLEXIBLE if self.extraction == STRICT else STRICT


@dataclass(frozen=True)
class Example:
    """One item that did not count: its line, the prediction shortened, what was read."""

    line: int
    prediction: str | None
    extracted: str


@dataclass(frozen=True)
class ReasonSummary:
    """How many items did not count for one reason, with the first examples in line order."""

    reason: str
    count: int
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class ExtractionFigure:
    """The score one extraction mode gives: value and interval in percent, counts."""

    extraction: str
    value: float
    interval_low: float
    interval_high: float
    correct: int
    invalid: int


@dataclass(frozen=True)
class CategoryResult:
    """Score of one category: counts, value in percent and its interval in percent."""

    category: str
    items: int
    correct_or_sum: float
    value: float
    interval_low: float
    interval_high: float
    answered: int = 0
    missing: int = 0
    invalid: int = 0


@dataclass(frozen=True)
class ScoreResult:
    """Score of a predictions file against an answer key; percentages in [0, 100]."""

    value: float
    interval_low: float
    interval_high: float
    item_count: int
    answered: int
    missing: int
    invalid: int
    categories: tuple[CategoryResult, ...]
    micro: float
    macro: float
    method: str
    metric: str = "accuracy"
    k: int | None = None
    extraction: str | None = None
    figures: tuple[ExtractionFigure, ...] = ()
    reasons: tuple[ReasonSummary, ...] = ()
    ignored_fields: tuple[tuple[str, int], ...] = ()
    ignored_field_lines: int = 0


@dataclass
class _Tally:
    items: int = 0
    answered: int = 0
    invalid: int = 0
    correct: int = 0
    other_invalid: int = 0
    other_correct: int = 0
    value_counts: Counter[float] = field(default_factory=Counter)


@dataclass
class _Feedback:
    """Reason counts and the first examples per reason (chosen mode), plus ignored fields."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[int, str | None, str]]] = field(default_factory=dict)
    ignored: IgnoredFields = field(default_factory=IgnoredFields)

    def add(self, reason: str, line: int, prediction: str | None, shown: str) -> None:
        """Count one item that did not count; keep it if it is among the first by line."""
        self.counts[reason] += 1
        kept = self.examples.setdefault(reason, [])
        kept.append((line, shorten(prediction), shown))
        if len(kept) > 4 * EXAMPLES:
            kept.sort()
            del kept[EXAMPLES:]

    def merge(self, counts: dict[str, int], examples: dict[str, list]) -> None:
        """Add counts and examples (``[line, prediction, shown]`` lists) of another part."""
        for reason, count in counts.items():
            self.counts[reason] += count
        for reason, rows in examples.items():
            kept = self.examples.setdefault(reason, [])
            kept.extend((int(line), prediction, shown) for line, prediction, shown in rows)
            kept.sort()
            del kept[EXAMPLES:]

    def first_examples(self) -> dict[str, list[list]]:
        """The first examples per reason in line order, as JSON-ready lists."""
        return {
            reason: [list(row) for row in sorted(rows)[:EXAMPLES]]
            for reason, rows in sorted(self.examples.items())
        }


def _check_arguments(metric: str, k: int | None) -> int | None:
    prediction_fields(metric)
    if metric == "pass_at_k":
        if k is None or isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"pass_at_k needs an integer k >= 1, got {k!r}")
        return k
    return None


def _interval_percent(bounds: tuple[float, float]) -> tuple[float, float]:
    return (100.0 * bounds[0], 100.0 * bounds[1])


def _reasons_for(metric: str) -> tuple[str, ...]:
    if metric == "accuracy":
        return (*INVALID_REASONS, WRONG)
    if metric == "exact_match":
        return (NO_ANSWER, TWO_ANSWERS, WRONG)
    return ()


def _figure(extraction: str, correct: int, invalid: int, items: int) -> ExtractionFigure:
    low, high = _interval_percent(proportion_interval(correct, items, CONFIDENCE))
    return ExtractionFigure(extraction, 100.0 * correct / items, low, high, correct, invalid)


def _build_result(
    tallies: dict[str, _Tally],
    feedback: _Feedback,
    *,
    metric: str,
    k: int | None,
    options: ScoringOptions,
) -> ScoreResult:
    categories = []
    pooled: Counter[float] = Counter()
    for name in sorted(tallies):
        tally = tallies[name]
        if metric == "pass_at_k":
            total = math.fsum(value * count for value, count in tally.value_counts.items())
            bounds = bounded_mean_interval(total, tally.items, CONFIDENCE)
            pooled.update(tally.value_counts)
        else:
            total = float(tally.correct)
            bounds = proportion_interval(tally.correct, tally.items, CONFIDENCE)
        low, high = _interval_percent(bounds)
        categories.append(
            CategoryResult(
                category=name,
                items=tally.items,
                correct_or_sum=total,
                value=100.0 * total / tally.items,
                interval_low=low,
                interval_high=high,
                answered=tally.answered,
                missing=tally.items - tally.answered,
                invalid=tally.invalid,
            )
        )
    item_count = sum(category.items for category in categories)
    answered = sum(category.answered for category in categories)
    invalid = sum(category.invalid for category in categories)
    figures: tuple[ExtractionFigure, ...] = ()
    reasons: tuple[ReasonSummary, ...] = ()
    if metric == "pass_at_k":
        overall = math.fsum(value * count for value, count in pooled.items())
        bounds = bounded_mean_interval(overall, item_count, CONFIDENCE)
        method, extraction = PASS_AT_K_METHOD, None
    else:
        correct = sum(tally.correct for tally in tallies.values())
        overall = float(correct)
        bounds = proportion_interval(correct, item_count, CONFIDENCE)
        method, extraction = "clopper-pearson", options.extraction
        chosen = _figure(options.extraction, correct, invalid, item_count)
        other = _figure(
            options.other,
            sum(tally.other_correct for tally in tallies.values()),
            sum(tally.other_invalid for tally in tallies.values()),
            item_count,
        )
        figures = tuple(sorted((chosen, other), key=lambda f: MODES.index(f.extraction)))
        feedback.counts[WRONG] = answered - invalid - correct
        examples = feedback.first_examples()
        reasons = tuple(
            ReasonSummary(
                reason=reason,
                count=feedback.counts.get(reason, 0),
                examples=tuple(Example(*row) for row in examples.get(reason, [])),
            )
            for reason in _reasons_for(metric)
        )
    value = 100.0 * overall / item_count
    low, high = _interval_percent(bounds)
    return ScoreResult(
        value=value,
        interval_low=low,
        interval_high=high,
        item_count=item_count,
        answered=answered,
        missing=item_count - answered,
        invalid=invalid,
        categories=tuple(categories),
        micro=value,
        macro=macro_average([category.value for category in categories]),
        method=method,
        metric=metric,
        k=k,
        extraction=extraction,
        figures=figures,
        reasons=reasons,
        ignored_fields=feedback.ignored.pairs(),
        ignored_field_lines=feedback.ignored.lines,
    )


class _Judge:
    """Reads each distinct prediction once per mode and judges items against the key."""

    def __init__(self, metric: str, options: ScoringOptions) -> None:
        self.metric = metric
        self.options = options
        self._cache: dict[str | None, tuple] = {}

    def extractions(self, value: str | None) -> tuple:
        """(chosen-mode extraction, other-mode extraction) of one prediction text."""
        found = self._cache.get(value)
        if found is None:
            modes = (self.options.extraction, self.options.other)
            found = tuple(self.extract(value, mode) for mode in modes)
            if len(self._cache) < 100_000:
                self._cache[value] = found
        return found

    def extract(self, value: str | None, mode: str):
        """One prediction read in one mode."""
        if self.metric == "accuracy":
            return extract_choice(value, mode=mode, numbered=self.options.numbered_choices)
        return extract_exact(value, mode=mode, fractions=self.options.fractions)

    def outcome(self, extraction, mode: str, key_row: tuple) -> tuple[str, str]:
        """(outcome, shown) of one item; ``key_row`` is a row of the key frame."""
        _, answer, _, n_choices, loose, number, ratio = key_row
        if self.metric == "accuracy":
            return choice_outcome(extraction, answer, n_choices)
        key = KeyAnswer(text=answer, loose=loose, number=number, ratio=ratio)
        return exact_outcome(extraction, key, mode=mode, fractions=self.options.fractions)

    def judge(self, value: str | None, key_row: tuple) -> tuple[str, str, str]:
        """(chosen outcome, shown, other outcome) of one item.

        Flexible accepts whatever strict accepts: an item strict finds right is right in
        flexible mode too (the whole prediction, or what follows its leading label, is the key).
        """
        chosen, other = self.extractions(value)
        outcome, shown = self.outcome(chosen, self.options.extraction, key_row)
        other_outcome, _ = self.outcome(other, self.options.other, key_row)
        if self.options.extraction == FLEXIBLE and other_outcome == CORRECT:
            outcome = CORRECT
        elif self.options.extraction == STRICT and outcome == CORRECT:
            other_outcome = CORRECT
        return outcome, shown, other_outcome


def _count_outcome(tally: _Tally, outcome: str, other_outcome: str) -> None:
    tally.answered += 1
    tally.invalid += outcome in INVALID_REASONS
    tally.correct += outcome == CORRECT
    tally.other_invalid += other_outcome in INVALID_REASONS
    tally.other_correct += other_outcome == CORRECT
