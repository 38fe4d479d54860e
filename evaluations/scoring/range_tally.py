"""Scoring one byte range of a predictions file into an exact tally: the one path of every run.

:func:`score_chunk` reads the range with the fast polars reader (:mod:`.records`), judges
every item with one hash join on the key (:mod:`.matching`) and returns a :class:`ChunkTally`
of plain integers and strings. Whenever the fast reader sees something it cannot vouch for
(invalid UTF-8, NUL bytes, over-long lines, unparsable lines, duplicate or unknown ids, counts
beyond 64 bits), the careful pass re-reads the range line by line with the reference parser:
it names the first problem (absolute line number, field, message) or, when there is none,
tallies the range itself. A whole file is one range (:func:`~.engine.score_file`), a large
one many (:func:`~.engine.score_file_chunked`, or a Celery chord of ``score_chunk``);
:func:`~.merge.merge_chunks` turns the tallies into the result the same way in both cases.

Problems (bad lines, ids not in the key, ids repeated inside the range) raise
:class:`~.errors.PredictionFileError` or, with ``record_errors=True``, are stored in
``ChunkTally.error`` for the merge, which names the file's first problem.

CSV: the header is the first non-blank line of the file. ``score_chunk`` reads it from the
start of the file (a few bytes) for every range, and skips it where the range holds it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Container, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .answer_key import check_stored_key, key_ids, load_answer_key
from .csv_lines import CsvLayout
from .errors import PredictionFileError
from .extraction import INVALID_REASONS, WRONG
from .fields import DEFAULT_MAX_LINE_BYTES
from .id_checks import checked_ids, raise_first_problem
from .matching import _grouped_counts, _match_records, _reason_counts_and_examples
from .predictions import LineFormat, iter_range, read_csv_layout, resolve_format
from .ranges import check_range, line_number_at
from .records import _AllBut, _NeedsCarefulPass, _read_records
from .results import (
    ScoringOptions,
    _check_arguments,
    _count_outcome,
    _Feedback,
    _Judge,
    _Tally,
)

__all__ = ["ChunkTally", "score_chunk"]


@dataclass
class ChunkTally:
    """Exact, JSON-serialisable tally of one byte range ``[start, end)`` of a predictions file.

    ``counts`` (accuracy / exact_match) maps a category to ``[answered, invalid, correct,
    other_invalid, other_correct]`` (``other``: the extraction mode that is not the score);
    ``pass_counts`` (pass_at_k) maps a category to ``[[n, c, items], ...]``. ``rows`` are the
    sorted row indices in the answer key of the ids this chunk answered, for the merge to find
    an id answered by two chunks; a chunk that is the whole file leaves them empty (no other
    chunk can answer the same id, and its own repeats are its problem). ``reasons`` counts the
    invalid items per reason; ``examples`` holds the first items of the range per reason
    (``wrong`` included) as ``[line, prediction shortened, what was read]``.
    ``ignored_lines`` / ``ignored_names``: JSONL lines with ignored fields, and the first names.
    ``error`` is the chunk's first problem (``code``, ``message``, ``line``, ``field``) when it
    was scored with ``record_errors=True``; the other counts are then empty.
    """

    start: int
    end: int
    first_line_no: int
    metric: str
    k: int | None
    fmt: str
    max_line_bytes: int
    data_lines: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)
    pass_counts: dict[str, list[list[int]]] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[list]] = field(default_factory=dict)
    ignored_lines: int = 0
    ignored_names: dict[str, int] = field(default_factory=dict)
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (ints, strings, lists) for JSON or a task queue."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChunkTally:
        """Inverse of :meth:`to_dict` (also accepts the JSON round trip of it)."""
        return cls(**data)


def _found(feedback: _Feedback, **counts: Any) -> dict[str, Any]:
    """The ChunkTally fields of a scored range: its counts plus the feedback."""
    return {
        **counts,
        "reasons": {
            reason: count for reason, count in sorted(feedback.counts.items()) if reason != WRONG
        },
        "examples": feedback.first_examples(),
        "ignored_lines": feedback.ignored.lines,
        "ignored_names": dict(feedback.ignored.pairs()),
    }


def _whole_file(path: Path, chunk: ChunkTally) -> bool:
    return chunk.start == 0 and chunk.end == os.path.getsize(path)


def _line_format(
    chunk: ChunkTally, layout: CsvLayout | None, options: ScoringOptions
) -> LineFormat:
    return LineFormat(chunk.metric, chunk.k, layout, chunk.max_line_bytes, options.max_samples)


def _fast_tally(
    path: Path, key_path: str | os.PathLike[str], chunk: ChunkTally, *, layout: CsvLayout | None
) -> dict[str, Any]:
    """The fast polars path over the range; _NeedsCarefulPass on anything odd."""
    metric, options = chunk.metric, ScoringOptions(**chunk.options)
    feedback = _Feedback()
    records = _read_records(
        path,
        _line_format(chunk, layout, options),
        start=chunk.start,
        end=chunk.end,
        first_line_no=chunk.first_line_no,
        ignored=feedback.ignored,
    )
    if records.height == 0:
        return _found(feedback)
    matched = _match_records(records, key_path, metric=metric, options=options)
    categories = matched.categories
    grouped = _grouped_counts(matched, metric=metric)
    counts: dict[str, Any] = {}
    if metric == "pass_at_k":
        pairs: dict[str, list[list[int]]] = {}
        for code, n, c, count in grouped.iter_rows():
            pairs.setdefault(categories[code], []).append([n, c, count])
        counts["pass_counts"] = {name: sorted(entries) for name, entries in pairs.items()}
    else:
        counts["counts"] = {categories[code]: list(row) for code, *row in grouped.iter_rows()}
        feedback.merge(*_reason_counts_and_examples(matched))
    rows = [] if _whole_file(path, chunk) else matched.frame.get_column("ki").sort().to_list()
    return _found(feedback, data_lines=records.height, rows=rows, **counts)


def _careful_tally(
    path: Path,
    key_path: str | os.PathLike[str],
    chunk: ChunkTally,
    *,
    layout: CsvLayout | None,
    problem: _NeedsCarefulPass,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    """Line by line over the range: raise its first problem, else tally it item by item."""
    metric, options = chunk.metric, ScoringOptions(**chunk.options)

    def records(**reporting):
        return iter_range(
            path,
            _line_format(chunk, layout, options),
            start=chunk.start,
            end=chunk.end,
            first_line_no=chunk.first_line_no,
            **reporting,
        )

    # Where the fast reader saw only unknown or repeated ids, it named them: check just those.
    known: Container[str]
    if problem.unknown is not None:
        known = _AllBut(problem.unknown)
    else:
        known = set(key_ids(key_path, metric))
    raise_first_problem(
        checked_ids(
            records(),
            known_ids=known,
            watched_duplicates=problem.duplicates,
            key_ids=lambda: key_ids(key_path, metric),
        )
    )
    # Nothing wrong after all (the fast reader was over-cautious): tally line by line.
    key = load_answer_key(key_path)
    items = {row[0]: (index, row) for index, row in enumerate(key.frame.iter_rows())}
    feedback = _Feedback()
    judge = _Judge(metric, options)
    rows: list[int] = []
    tallies: dict[str, _Tally] = {}
    pairs: dict[str, Counter[tuple[int, int]]] = {}
    for line_no, ident, value in records(ignored=feedback.ignored, progress=progress):
        row, key_row = items[ident]
        category = key_row[2]
        rows.append(row)
        if metric == "pass_at_k":
            pairs.setdefault(category, Counter())[value] += 1
            continue
        outcome, shown, other_outcome = judge.judge(value, key_row)
        _count_outcome(tallies.setdefault(category, _Tally()), outcome, other_outcome)
        if outcome in INVALID_REASONS or outcome == WRONG:
            feedback.add(outcome, line_no, value, shown)
    return _found(
        feedback,
        data_lines=len(rows),
        rows=[] if _whole_file(path, chunk) else sorted(rows),
        counts={
            name: [t.answered, t.invalid, t.correct, t.other_invalid, t.other_correct]
            for name, t in tallies.items()
        },
        pass_counts={
            name: sorted([n, c, count] for (n, c), count in histogram.items())
            for name, histogram in pairs.items()
        },
    )


def score_chunk(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    start: int,
    end: int,
    first_line_no: int | None = None,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    record_errors: bool = False,
    options: ScoringOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ChunkTally:
    """Score the byte range ``[start, end)`` (from :func:`~.ranges.plan_chunks`) of a file.

    Problems (bad lines, ids not in the key, ids repeated inside the range) raise
    PredictionFileError with absolute line numbers, or, with ``record_errors=True``, are
    stored in ``ChunkTally.error``. ``first_line_no`` defaults to counting the newlines
    before ``start``. ``fmt`` should be the format resolved once for the whole file.
    ``progress`` receives ``(offset, end)`` now and then if the range is read line by line.
    """
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    path = Path(predictions_path)
    check_stored_key(key_path, metric)
    fmt = resolve_format(path, fmt)
    check_range(path, start, end)
    if first_line_no is None:
        first_line_no = line_number_at(path, start)
    chunk = ChunkTally(
        start=start,
        end=end,
        first_line_no=first_line_no,
        metric=metric,
        k=k,
        fmt=fmt,
        max_line_bytes=max_line_bytes,
        options=asdict(options),
    )
    try:
        layout = None
        if fmt == "csv":
            layout = read_csv_layout(path, metric=metric, max_line_bytes=max_line_bytes)
            if layout is None:
                return chunk  # only blank lines in the whole file: the merge reports it
        try:
            found = _fast_tally(path, key_path, chunk, layout=layout)
        except _NeedsCarefulPass as problem:
            found = _careful_tally(
                path, key_path, chunk, layout=layout, problem=problem, progress=progress
            )
    except PredictionFileError as problem:
        if not record_errors:
            raise
        names = ("code", "message", "line", "field", "template", "params")
        error = {name: getattr(problem, name) for name in names}
        return replace(chunk, error=error)
    return replace(chunk, **found)
