"""The careful path: line-by-line reading, id checks in line order, and the reference scorer.

:func:`score_file_reference` is the definition the fast path must match: dictionaries and
loops over :func:`~evaluations.scoring.predictions.iter_predictions`, judged item by item
with the same :class:`~evaluations.scoring.results._Judge`. :func:`_checked_records` is also
what every path re-reads a file with to name its first problem (line, field, message).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator

from .answer_key import key_frame, load_answer_key
from .errors import PredictionFileError, quote_excerpt
from .extraction import (
    INVALID_REASONS,
    WRONG,
)
from .metrics import pass_at_k
from .predictions import (
    DEFAULT_MAX_LINE_BYTES,
    IgnoredFields,
    PredictionValue,
    iter_predictions,
)
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

ProgressCallback = Callable[[int, int], None]


def _checked_records(
    predictions_path: str | os.PathLike[str],
    *,
    metric: str,
    k: int | None,
    fmt: str | None,
    max_line_bytes: int,
    max_file_bytes: int | None,
    known_ids: Container[str],
    watched_duplicates: Container[str] | None,
    progress: ProgressCallback | None,
    options: ScoringOptions,
    key_ids: Callable[[], Iterable[str]] | None = None,
    ignored: IgnoredFields | None = None,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """iter_predictions plus duplicate / unknown id checks against the key, in line order."""
    return _checked_ids(
        iter_predictions(
            predictions_path,
            metric=metric,
            max_line_bytes=max_line_bytes,
            fmt=fmt,
            k=k,
            max_file_bytes=max_file_bytes,
            progress=progress,
            max_samples=options.max_samples,
            ignored=ignored,
        ),
        known_ids=known_ids,
        watched_duplicates=watched_duplicates,
        key_ids=key_ids,
    )


def _skeleton(text: str) -> str:
    """An id with compatibility forms folded and invisible characters dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def _unknown_id_error(
    line_no: int, ident: str, key_ids: Callable[[], Iterable[str]] | None
) -> PredictionFileError:
    hint = ""
    if key_ids is not None:
        target = _skeleton(ident)
        twin = next((key for key in key_ids() if _skeleton(key) == target), None)
        if twin is not None:
            hint = (
                f" It differs from the key's id {quote_excerpt(twin)} only in its Unicode form "
                "(full-width or compatibility characters, or invisible characters such as a "
                "zero-width space); write the id exactly as the key does."
            )
    return PredictionFileError(
        "unknown_id",
        f"Line {line_no} has the id {quote_excerpt(ident)}, which is not in this "
        f"benchmark's answer key; check that the file is for this benchmark.{hint}",
        line=line_no,
        field="id",
    )


def _checked_ids(
    records: Iterator[tuple[int, str, PredictionValue]],
    *,
    known_ids: Container[str],
    watched_duplicates: Container[str] | None,
    key_ids: Callable[[], Iterable[str]] | None = None,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """Duplicate / unknown id checks against the key over ``(line_no, id, value)`` records."""
    first_line: dict[str, int] = {}
    for line_no, ident, value in records:
        if watched_duplicates is None or ident in watched_duplicates:
            previous = first_line.setdefault(ident, line_no)
            if previous != line_no:
                raise PredictionFileError(
                    "duplicate_id",
                    f"Line {line_no} repeats the id {quote_excerpt(ident)} already used on line "
                    f"{previous}; give each item exactly one prediction.",
                    line=line_no,
                    field="id",
                )
        if ident not in known_ids:
            raise _unknown_id_error(line_no, ident, key_ids)
        yield line_no, ident, value


def _key_ids_reader(key_path: str | os.PathLike[str], metric: str):
    def read() -> Iterable[str]:
        return key_frame(key_path, metric).select("id").collect().get_column("id").to_list()

    return read


def _check_key_metric(stored: str, requested: str) -> None:
    if stored != requested:
        raise ValueError(
            f"the answer key was prepared for {stored!r}, but scoring asked for {requested!r}"
        )


def score_file_reference(
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
    """Pure-Python scorer: dictionaries and loops, the definition the fast path must match."""
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    key = load_answer_key(key_path)
    _check_key_metric(key.metric, metric)
    items = {row[0]: row for row in key.frame.iter_rows()}
    feedback = _Feedback()
    given: dict[str, tuple[int, PredictionValue]] = {}
    for line_no, ident, value in _checked_records(
        predictions_path,
        metric=metric,
        k=k,
        fmt=fmt,
        max_line_bytes=max_line_bytes,
        max_file_bytes=max_file_bytes,
        known_ids=items,
        watched_duplicates=None,
        progress=progress,
        options=options,
        key_ids=lambda: list(items),
        ignored=feedback.ignored,
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
