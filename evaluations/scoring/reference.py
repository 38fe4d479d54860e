"""The reference scorer: the plain definition of a score, the oracle the tests compare with.

:func:`score_file_reference` reads the file line by line
(:func:`~evaluations.scoring.predictions.iter_predictions`), checks ids in line order
(:func:`~evaluations.scoring.id_checks.checked_ids`), then goes through the key item by item
with dictionaries and loops, judged with the same :class:`~evaluations.scoring.results._Judge`.
It shares no code with the fast polars path of :func:`~evaluations.scoring.engine.score_file`
beyond the line parser and the judge, so the tests can hold one against the other.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from .answer_key import check_key_metric, load_answer_key
from .extraction import INVALID_REASONS, WRONG
from .fields import DEFAULT_MAX_LINE_BYTES, PredictionValue
from .id_checks import checked_ids
from .metrics import pass_at_k
from .predictions import iter_predictions
from .results import (
    ScoreResult,
    ScoringOptions,
    _build_result,
    _check_arguments,
    _count_outcome,
    _Feedback,
    _Judge,
    _Tally,
)

__all__ = ["score_file_reference"]


def score_file_reference(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    options: ScoringOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
) -> ScoreResult:
    """Pure-Python scorer: dictionaries and loops, the definition the fast path must match."""
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    key = load_answer_key(key_path)
    check_key_metric(key.metric, metric)
    items = {row[0]: row for row in key.frame.iter_rows()}
    feedback = _Feedback()
    records = iter_predictions(
        predictions_path,
        metric=metric,
        max_line_bytes=max_line_bytes,
        fmt=fmt,
        k=k,
        max_file_bytes=max_file_bytes,
        progress=progress,
        max_samples=options.max_samples,
        ignored=feedback.ignored,
    )
    given: dict[str, tuple[int, PredictionValue]] = {}
    for line_no, ident, value in checked_ids(
        records, known_ids=items, watched_duplicates=None, key_ids=lambda: list(items)
    ):
        given[ident] = (line_no, value)
    judge = _Judge(metric, options)
    tallies: dict[str, _Tally] = {}
    for ident, key_row in items.items():
        category = key_row[2]
        tally = tallies.setdefault(category, _Tally())
        tally.items += 1
        record = given.get(ident)
        if record is None:
            if metric == "pass_at_k":
                tally.value_counts[0.0] += 1
            continue
        line_no, value = record
        if metric == "pass_at_k":
            tally.answered += 1
            n, c = value
            tally.value_counts[pass_at_k(n, c, k)] += 1
            continue
        outcome, shown, other_outcome = judge.judge(value, key_row)
        _count_outcome(tally, outcome, other_outcome)
        if outcome in INVALID_REASONS or outcome == WRONG:
            feedback.add(outcome, line_no, value, shown)
    return _build_result(tallies, feedback, metric=metric, k=k, options=options)
