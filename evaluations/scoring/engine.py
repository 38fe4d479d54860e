"""Scoring engine: a fast polars path and a pure-Python reference that give identical results.

``score_file`` reads the predictions with polars (:mod:`.records`), recognises the common
record layouts with one regular expression per line, hands every other line to the same
Python parser the careful path uses, reads each distinct prediction once in both extraction
modes (:mod:`.extraction`), hash-joins with the answer key and tallies per category
(:mod:`.matching`). If the fast path sees anything unusual (invalid UTF-8, NUL bytes,
over-long lines, unparsable lines, duplicate or unknown ids, no data) it stops and re-reads
the file line by line (:mod:`.reference`) to raise the first problem in line order with its
line number. If that careful pass finds nothing, the reference scorer's result is returned,
so the answer is always the reference answer.

Items of the key without a prediction are *missing* and score 0. Predictions without a valid
answer are *invalid* (no answer found, two answers, not a choice) and score 0; ``answered``
counts key items that received a prediction, valid or not. Both extraction modes are tallied;
``ScoringOptions.extraction`` says which one is the score. For each reason an item did not
count (the invalid reasons, and ``wrong``) the result keeps the count and the first
``EXAMPLES`` items in line order: line number, the prediction shortened, what was read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container
from pathlib import Path

import polars as pl

from .answer_key import key_frame, stored_key_metric
from .matching import _grouped_counts, _match_records, _reason_counts_and_examples
from .metrics import pass_at_k
from .predictions import (
    DEFAULT_MAX_LINE_BYTES,
    check_file_size,
    sniff_format,
)
from .records import _AllBut, _NeedsCarefulPass, _read_records
from .reference import _check_key_metric, _checked_records, _key_ids_reader, score_file_reference
from .results import (
    EXAMPLES,
    CategoryResult,
    Example,
    ExtractionFigure,
    ReasonSummary,
    ScoreResult,
    ScoringOptions,
    _build_result,
    _check_arguments,
    _Feedback,
    _Tally,
)

__all__ = [
    "EXAMPLES",
    "CategoryResult",
    "Example",
    "ExtractionFigure",
    "ReasonSummary",
    "ScoreResult",
    "ScoringOptions",
    "score_file",
    "score_file_reference",
]

ProgressCallback = Callable[[int, int], None]


def _fast_tallies(
    records: pl.DataFrame,
    key_path: str | os.PathLike[str],
    *,
    metric: str,
    k: int | None,
    options: ScoringOptions,
    feedback: _Feedback,
) -> dict[str, _Tally]:
    """Tally matched records by category (see :func:`_match_records`)."""
    matched = _match_records(records, key_path, metric=metric, options=options)
    tallies = {
        name: _Tally(items=count)
        for name, count in zip(matched.categories, matched.items_per_code, strict=True)
    }
    grouped = _grouped_counts(matched, metric=metric)
    if metric == "pass_at_k":
        for code, n, c, count in grouped.iter_rows():
            tally = tallies[matched.categories[code]]
            tally.answered += count
            tally.value_counts[pass_at_k(n, c, k)] += count
        for tally in tallies.values():
            if tally.items > tally.answered:
                tally.value_counts[0.0] += tally.items - tally.answered
        return tallies
    for code, answered, invalid, correct, other_invalid, other_correct in grouped.iter_rows():
        tally = tallies[matched.categories[code]]
        tally.answered, tally.invalid, tally.correct = answered, invalid, correct
        tally.other_invalid, tally.other_correct = other_invalid, other_correct
    feedback.merge(*_reason_counts_and_examples(matched))
    return tallies


def score_file(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    options: ScoringOptions | None = None,
    progress: ProgressCallback | None = None,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
) -> ScoreResult:
    """Score a predictions file against a stored answer key (fast path, reference semantics).

    Raises PredictionFileError (naming the line) for any problem in the file, including ids
    that repeat or are not in the key; no partial result is produced. ``progress`` receives
    ``(bytes_done, total_bytes)`` a few times: at the start, once the file is parsed, at the end.
    """
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    path = Path(predictions_path)
    total = check_file_size(path, max_file_bytes)
    if progress is not None:
        progress(0, total)
    stored_metric = stored_key_metric(key_path)
    if stored_metric is None:
        raise ValueError(f"{os.fspath(key_path)} is not an answer key written by write_answer_key")
    _check_key_metric(stored_metric, metric)
    fmt = fmt or sniff_format(path)
    feedback = _Feedback()
    try:
        records = _read_records(
            path,
            metric=metric,
            k=k,
            fmt=fmt,
            max_line_bytes=max_line_bytes,
            options=options,
            ignored=feedback.ignored,
        )
        if records.height == 0:
            raise _NeedsCarefulPass()
        if progress is not None:
            progress(total, total)
        tallies = _fast_tallies(
            records, key_path, metric=metric, k=k, options=options, feedback=feedback
        )
    except _NeedsCarefulPass as problem:
        known: Container[str]
        if problem.unknown is not None:
            known = _AllBut(problem.unknown)
        else:
            known = set(key_frame(key_path, metric).select("id").collect().get_column("id"))
        for _ in _checked_records(
            path,
            metric=metric,
            k=k,
            fmt=fmt,
            max_line_bytes=max_line_bytes,
            max_file_bytes=max_file_bytes,
            known_ids=known,
            watched_duplicates=problem.duplicates,
            progress=None,
            options=options,
            key_ids=_key_ids_reader(key_path, metric),
        ):
            pass
        # Nothing wrong after all (the fast path was over-cautious): use the reference scorer.
        return score_file_reference(
            predictions_path=path,
            key_path=key_path,
            metric=metric,
            k=k,
            options=options,
            progress=progress,
            fmt=fmt,
            max_line_bytes=max_line_bytes,
            max_file_bytes=max_file_bytes,
        )
    result = _build_result(tallies, feedback, metric=metric, k=k, options=options)
    if progress is not None:
        progress(total, total)
    return result
