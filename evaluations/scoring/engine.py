"""Scoring a predictions file: cut into byte ranges, tally each range, merge the tallies.

``score_file`` is chunked scoring over a single range: the whole file is the range
``(0, size, 1)``, tallied by :func:`~.range_tally.score_chunk` (the fast polars path, with the
careful line-by-line pass to name the first problem) and merged by
:func:`~.merge.merge_chunks` exactly as the many ranges of ``score_file_chunked`` (or of a
Celery chord) are. The line-by-line reference scorer (:mod:`.reference`) is the oracle the
tests compare both with.

Items of the key without a prediction are *missing* and score 0. Predictions without a valid
answer are *invalid* (no answer found, two answers, not a choice) and score 0; ``answered``
counts key items that received a prediction, valid or not. Both extraction modes are tallied;
``ScoringOptions.extraction`` says which one is the score. For each reason an item did not
count (the invalid reasons, and ``wrong``) the result keeps the count and the first
``EXAMPLES`` items in line order: line number, the prediction shortened, what was read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .answer_key import check_stored_key
from .fields import DEFAULT_MAX_LINE_BYTES
from .merge import merge_chunks
from .predictions import check_file_size, resolve_format
from .range_tally import score_chunk
from .ranges import DEFAULT_CHUNK_BYTES, plan_chunks
from .reference import score_file_reference
from .results import (
    EXAMPLES,
    CategoryResult,
    Example,
    ExtractionFigure,
    ReasonSummary,
    ScoreResult,
    ScoringOptions,
    _check_arguments,
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
    "score_file_chunked",
    "score_file_reference",
]

ProgressCallback = Callable[[int, int], None]


def _score_ranges(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None,
    options: ScoringOptions | None,
    fmt: str | None,
    max_line_bytes: int,
    max_file_bytes: int | None,
    target_bytes: int | None,
    progress: ProgressCallback | None,
) -> ScoreResult:
    """Tally the file's ranges (one range when ``target_bytes`` is None) and merge them.

    score_file and score_file_chunked pass their own arguments on unchanged.
    """
    k = _check_arguments(metric, k)
    path = Path(predictions_path)
    total = check_file_size(path, max_file_bytes)
    if progress is not None:
        progress(0, total)
    check_stored_key(key_path, metric)
    fmt = resolve_format(path, fmt)
    if target_bytes is None:
        ranges = [(0, total, 1)]
    else:
        ranges = plan_chunks(
            path, target_bytes=target_bytes, fmt=fmt, max_line_bytes=max_line_bytes
        )
    tallies = [
        score_chunk(
            predictions_path=path,
            key_path=key_path,
            metric=metric,
            k=k,
            start=start,
            end=end,
            first_line_no=first_line_no,
            fmt=fmt,
            max_line_bytes=max_line_bytes,
            record_errors=True,
            options=options,
            progress=progress,
        )
        for start, end, first_line_no in ranges
    ]
    if progress is not None:
        progress(total, total)
    result = merge_chunks(
        tallies, predictions_path=path, key_path=key_path, metric=metric, k=k, options=options
    )
    if progress is not None:
        progress(total, total)
    return result


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
    """Score a predictions file against a stored answer key, as one byte range.

    Raises PredictionFileError (naming the line) for any problem in the file, including ids
    that repeat or are not in the key; no partial result is produced. ``progress`` receives
    ``(bytes_done, total_bytes)`` a few times: at the start, once the file is tallied, at the
    end (and now and then while a file is read line by line).
    """
    return _score_ranges(target_bytes=None, **locals())


def score_file_chunked(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    options: ScoringOptions | None = None,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
    target_bytes: int = DEFAULT_CHUNK_BYTES,
) -> ScoreResult:
    """score_file over the ranges of ``plan_chunks(target_bytes=...)``, tallied one by one.

    Sequential here (tests, small runs); a Celery chord runs the same three steps with the
    chunks in parallel and ``record_errors=True``. Same result and same errors as score_file.
    """
    return _score_ranges(progress=None, **locals())
