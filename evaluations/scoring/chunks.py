"""Scoring a large predictions file in parallel chunks that merge into the single-pass result.

``plan_chunks`` cuts the file into byte ranges that end right after a newline, each with the
number of its first line. ``score_chunk`` scores one range on its own (the same fast polars
path as :func:`~evaluations.scoring.engine.score_file`, falling back to the careful line-by-line
parser over the range) and returns a :class:`ChunkTally` of plain integers and strings.
``merge_chunks`` adds the exact integer tallies and computes every float once, with the same
code as ``score_file`` (``_build_result``), so the merged :class:`ScoreResult` is bit-for-bit
equal to ``score_file``'s: same values, intervals, counts, categories, micro, macro, method.

Merge strategy
    A chunk tally holds per-category integer counts (accuracy / exact_match: answered,
    invalid, correct in the benchmark's extraction mode and invalid, correct in the other;
    pass_at_k: a histogram of ``(n, c)`` pairs), the number of data lines, the sorted key row
    indices of the ids it answered, the count of each reason an item did not count with the
    first examples of the range in line order, and the ignored JSONL fields. The merge checks
    that the ranges tile the file, that no key row is answered by two chunks, and that there
    was at least one data line. It adds the counts, keeps the first examples of all chunks by
    line number (the first 20 of the file are among the first 20 of their chunk, so the merge
    keeps exactly the whole file's examples) and the first ignored field names in sorted
    order (likewise exact). Missing items, pass@k values (one ``pass_at_k(n, c, k)`` per
    distinct pair), the intervals, micro and macro then come from ``_build_result``.

Errors
    With ``record_errors=False`` (the default) ``score_chunk`` raises the first problem of its
    range as :class:`PredictionFileError` with the absolute line number. That is not always the
    file's first problem: an id repeated from an earlier chunk, on an earlier line, is only seen
    by the merge. With ``record_errors=True`` (what ``score_file_chunked`` and a Celery chord
    should use) the problem is stored in the tally instead; whenever any tally carries a problem,
    or two chunks answered the same id, or the file has no data line, ``merge_chunks`` re-reads
    the whole file line by line exactly as ``score_file``'s fallback does and raises the first
    problem in line order: the same code, line, field and message as ``score_file``.

CSV
    CSV files are chunked too. The header is the first non-blank line: ``plan_chunks`` never
    ends the first range before it, and ``score_chunk`` reads it from the start of the file
    (a few bytes) for every chunk, so no header has to be passed around. Lines up to and
    including the header are skipped by the chunk that holds them.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from .answer_key import key_frame, load_answer_key, stored_key_metric
from .errors import PredictionFileError
from .extraction import INVALID_REASONS, WRONG
from .line_reader import is_blank, iter_file_lines
from .matching import _grouped_counts, _key_categories, _match_records, _reason_counts_and_examples
from .metrics import pass_at_k
from .predictions import (
    DEFAULT_MAX_LINE_BYTES,
    CsvLayout,
    IgnoredFields,
    PredictionValue,
    check_file_size,
    decode_line,
    line_too_long_error,
    parse_csv_header,
    parse_csv_line,
    parse_json_line,
    sniff_format,
)
from .records import _NeedsCarefulPass, _read_records
from .reference import _check_key_metric, _checked_ids, _checked_records, _key_ids_reader
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

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "ChunkTally",
    "merge_chunks",
    "plan_chunks",
    "score_chunk",
    "score_file_chunked",
]

DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024
_SCAN_BYTES = 4 * 1024 * 1024


@dataclass
class ChunkTally:
    """Exact, JSON-serialisable tally of one byte range ``[start, end)`` of a predictions file.

    ``counts`` (accuracy / exact_match) maps a category to ``[answered, invalid, correct,
    other_invalid, other_correct]`` (``other``: the extraction mode that is not the score);
    ``pass_counts`` (pass_at_k) maps a category to ``[[n, c, items], ...]``. ``rows`` are the
    sorted row indices in the answer key of the ids this chunk answered. ``reasons`` counts the
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


# --- planning -----------------------------------------------------------------------------------


def _resolve_format(path: Path, fmt: str | None) -> str:
    fmt = fmt or sniff_format(path)
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown predictions format {fmt!r}; expected 'jsonl' or 'csv'")
    return fmt


def _csv_header_end(path: Path, max_line_bytes: int) -> int:
    """Byte offset just after the first non-blank (or over-long) line; 0 if there is none."""
    with open(path, "rb") as handle:
        for _, content, bytes_read in iter_file_lines(handle, max_line_bytes):
            if content is None or content.strip(b" \t\r"):
                return bytes_read
    return 0


def plan_chunks(
    path: str | os.PathLike[str],
    *,
    target_bytes: int,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> list[tuple[int, int, int]]:
    """Cut the file into ``(start, end, first_line_no)`` ranges of about ``target_bytes``.

    The ranges tile ``[0, file size)``; each ends right after a newline byte (the last one at
    the end of the file), so every range starts at the beginning of a line, and
    ``first_line_no`` is that line's 1-based number. The first range starts at 0 and holds the
    byte order mark, if any. For CSV the first range reaches at least past the header line.
    An empty file gives one empty range ``(0, 0, 1)``.
    """
    if isinstance(target_bytes, bool) or not isinstance(target_bytes, int) or target_bytes < 1:
        raise ValueError(f"target_bytes must be a positive integer, got {target_bytes!r}")
    path = Path(path)
    size = os.path.getsize(path)
    fmt = _resolve_format(path, fmt)
    first_minimum = _csv_header_end(path, max_line_bytes) if fmt == "csv" else 0
    ranges: list[tuple[int, int, int]] = []
    start, line_no, newlines, position = 0, 1, 0, 0
    with open(path, "rb") as handle:
        while block := handle.read(_SCAN_BYTES):
            offset = 0
            while True:
                wanted = start + target_bytes
                if not ranges:
                    wanted = max(wanted, first_minimum)
                cut = block.find(b"\n", max(wanted - 1 - position, offset))
                if cut < 0:
                    break
                newlines += block.count(b"\n", offset, cut + 1)
                end = position + cut + 1
                ranges.append((start, end, line_no))
                start, line_no, newlines, offset = end, line_no + newlines, 0, cut + 1
            newlines += block.count(b"\n", offset)
            position += len(block)
    if start < size or not ranges:
        ranges.append((start, size, line_no))
    return ranges


def _line_number_at(path: Path, start: int) -> int:
    """1-based number of the line starting at byte ``start``."""
    newlines = 0
    with open(path, "rb") as handle:
        remaining = start
        while remaining > 0:
            block = handle.read(min(_SCAN_BYTES, remaining))
            if not block:
                break
            newlines += block.count(b"\n")
            remaining -= len(block)
    return newlines + 1


def _check_range(path: Path, start: int, end: int) -> None:
    size = os.path.getsize(path)
    if not 0 <= start <= end <= size:
        raise ValueError(f"chunk [{start}, {end}) is not inside the file of {size} bytes")
    with open(path, "rb") as handle:
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                raise ValueError(f"chunk start {start} is not at the beginning of a line")
        if start < end < size:
            handle.seek(end - 1)
            if handle.read(1) != b"\n":
                raise ValueError(f"chunk end {end} is not right after a newline")


# --- scoring one chunk --------------------------------------------------------------------------


def _csv_layout(path: Path, *, metric: str, max_line_bytes: int) -> CsvLayout | None:
    """The CSV header, read exactly as iter_predictions reads it (None: only blank lines)."""
    with open(path, "rb") as handle:
        for line_no, content, _ in iter_file_lines(handle, max_line_bytes):
            if content is None:
                raise line_too_long_error(line_no, max_line_bytes)
            text = decode_line(content, line_no)
            if not is_blank(text):
                return parse_csv_header(text, metric=metric, line_no=line_no)
    return None


class _RangeReader:
    """``readline`` over a file handle that stops at the end of a byte range."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.remaining = length

    def readline(self, limit: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if limit < 0 else min(limit, self.remaining)
        data = self.handle.readline(size)
        self.remaining -= len(data)
        return data


def _iter_range(
    path: Path,
    *,
    start: int,
    end: int,
    first_line_no: int,
    metric: str,
    k: int | None,
    layout: CsvLayout | None,
    max_line_bytes: int,
    max_samples: int | None,
    ignored: IgnoredFields,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """iter_predictions restricted to one range (no empty-file check: the merge does that)."""
    skip_through = layout.header_line if layout is not None else 0
    with open(path, "rb") as handle:
        handle.seek(start)
        reader = _RangeReader(handle, end - start)
        lines = iter_file_lines(reader, max_line_bytes, first_line_no=first_line_no)
        for line_no, content, _ in lines:
            if content is None:
                raise line_too_long_error(line_no, max_line_bytes)
            text = decode_line(content, line_no)
            if is_blank(text) or line_no <= skip_through:
                continue
            if layout is None:
                yield (
                    line_no,
                    *parse_json_line(
                        text,
                        metric=metric,
                        line_no=line_no,
                        k=k,
                        max_samples=max_samples,
                        ignored=ignored,
                    ),
                )
            else:
                yield (
                    line_no,
                    *parse_csv_line(
                        text,
                        layout=layout,
                        metric=metric,
                        line_no=line_no,
                        k=k,
                        max_samples=max_samples,
                    ),
                )


def _chunk_options(tally: ChunkTally) -> ScoringOptions:
    return ScoringOptions(**tally.options)


def _store_feedback(tally: ChunkTally, feedback: _Feedback) -> None:
    tally.reasons = {
        reason: count for reason, count in sorted(feedback.counts.items()) if reason != WRONG
    }
    tally.examples = feedback.first_examples()
    tally.ignored_lines = feedback.ignored.lines
    tally.ignored_names = dict(feedback.ignored.pairs())


def _careful_chunk(
    path: Path,
    key_path: str | os.PathLike[str],
    tally: ChunkTally,
    *,
    layout: CsvLayout | None,
) -> None:
    """Line-by-line scoring of the range (the reference semantics); raises the first problem."""
    options = _chunk_options(tally)
    key = load_answer_key(key_path)
    items = {row[0]: (index, row) for index, row in enumerate(key.frame.iter_rows())}
    feedback = _Feedback()
    records = _iter_range(
        path,
        start=tally.start,
        end=tally.end,
        first_line_no=tally.first_line_no,
        metric=tally.metric,
        k=tally.k,
        layout=layout,
        max_line_bytes=tally.max_line_bytes,
        max_samples=options.max_samples,
        ignored=feedback.ignored,
    )
    judge = _Judge(tally.metric, options)
    rows: list[int] = []
    counts: dict[str, _Tally] = {}
    pairs: dict[str, Counter[tuple[int, int]]] = {}
    for line_no, ident, value in _checked_ids(
        records,
        known_ids=items,
        watched_duplicates=None,
        key_ids=lambda: list(items),
    ):
        row, key_row = items[ident]
        category = key_row[2]
        rows.append(row)
        if tally.metric == "pass_at_k":
            pairs.setdefault(category, Counter())[value] += 1
            continue
        outcome, shown, other_outcome = judge.judge(value, key_row)
        _count_outcome(counts.setdefault(category, _Tally()), outcome, other_outcome)
        if outcome in INVALID_REASONS or outcome == WRONG:
            feedback.add(outcome, line_no, value, shown)
    tally.data_lines = len(rows)
    tally.rows = sorted(rows)
    tally.counts = {
        name: [t.answered, t.invalid, t.correct, t.other_invalid, t.other_correct]
        for name, t in counts.items()
    }
    tally.pass_counts = {
        name: sorted([n, c, count] for (n, c), count in histogram.items())
        for name, histogram in pairs.items()
    }
    _store_feedback(tally, feedback)


def _fast_chunk(
    path: Path,
    key_path: str | os.PathLike[str],
    tally: ChunkTally,
    *,
    layout: CsvLayout | None,
) -> None:
    """The fast polars path of score_file over one range; _NeedsCarefulPass on anything odd."""
    metric, options = tally.metric, _chunk_options(tally)
    feedback = _Feedback()
    records = _read_records(
        path,
        metric=metric,
        k=tally.k,
        fmt=tally.fmt,
        max_line_bytes=tally.max_line_bytes,
        options=options,
        ignored=feedback.ignored,
        start=tally.start,
        end=tally.end,
        first_line_no=tally.first_line_no,
        layout=layout,
    )
    if records.height == 0:
        _store_feedback(tally, feedback)
        return
    matched = _match_records(records, key_path, metric=metric, options=options)
    categories = matched.categories
    grouped = _grouped_counts(matched, metric=metric)
    if metric == "pass_at_k":
        pairs: dict[str, list[list[int]]] = {}
        for code, n, c, count in grouped.iter_rows():
            pairs.setdefault(categories[code], []).append([n, c, count])
        tally.pass_counts = {name: sorted(entries) for name, entries in pairs.items()}
    else:
        tally.counts = {categories[code]: list(counts) for code, *counts in grouped.iter_rows()}
        feedback.merge(*_reason_counts_and_examples(matched))
    tally.data_lines = records.height
    tally.rows = matched.frame.get_column("ki").sort().to_list()
    _store_feedback(tally, feedback)


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
) -> ChunkTally:
    """Score the byte range ``[start, end)`` (from :func:`plan_chunks`) of a predictions file.

    Problems (bad lines, ids not in the key, ids repeated inside the range) raise
    PredictionFileError with absolute line numbers, or, with ``record_errors=True``, are
    stored in ``ChunkTally.error``. ``first_line_no`` defaults to counting the newlines
    before ``start``. ``fmt`` should be the format resolved once for the whole file.
    """
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    path = Path(predictions_path)
    stored_metric = stored_key_metric(key_path)
    if stored_metric is None:
        raise ValueError(f"{os.fspath(key_path)} is not an answer key written by write_answer_key")
    _check_key_metric(stored_metric, metric)
    fmt = _resolve_format(path, fmt)
    _check_range(path, start, end)
    if first_line_no is None:
        first_line_no = _line_number_at(path, start)
    tally = ChunkTally(
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
            layout = _csv_layout(path, metric=metric, max_line_bytes=max_line_bytes)
            if layout is None:
                return tally  # only blank lines in the whole file: the merge reports it
        try:
            _fast_chunk(path, key_path, tally, layout=layout)
        except _NeedsCarefulPass:
            tally.rows, tally.counts, tally.pass_counts, tally.data_lines = [], {}, {}, 0
            _careful_chunk(path, key_path, tally, layout=layout)
    except PredictionFileError as problem:
        if not record_errors:
            raise
        return ChunkTally(
            start=start,
            end=end,
            first_line_no=first_line_no,
            metric=metric,
            k=k,
            fmt=fmt,
            max_line_bytes=max_line_bytes,
            options=asdict(options),
            error={
                "code": problem.code,
                "message": problem.message,
                "line": problem.line,
                "field": problem.field,
            },
        )
    return tally


# --- merging ------------------------------------------------------------------------------------


def _raise_first_problem(
    path: Path,
    key_path: str | os.PathLike[str],
    *,
    metric: str,
    k: int | None,
    fmt: str,
    max_line_bytes: int,
    options: ScoringOptions,
) -> None:
    """Re-read the whole file as score_file's fallback does and raise its first problem."""
    known = set(key_frame(key_path, metric).select("id").collect().get_column("id").to_list())
    for _ in _checked_records(
        path,
        metric=metric,
        k=k,
        fmt=fmt,
        max_line_bytes=max_line_bytes,
        max_file_bytes=None,
        known_ids=known,
        watched_duplicates=None,
        progress=None,
        options=options,
        key_ids=_key_ids_reader(key_path, metric),
    ):
        pass
    raise RuntimeError(
        f"the chunks of {os.fspath(path)} reported a problem the whole file does not have; "
        "was the file changed while it was being scored?"
    )


def merge_chunks(
    tallies: Iterable[ChunkTally | Mapping[str, Any]],
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    options: ScoringOptions | None = None,
) -> ScoreResult:
    """Merge the chunk tallies of one file into the ScoreResult score_file would return.

    ``predictions_path`` is only read when something is wrong (a chunk problem, an id answered
    by two chunks, no data at all): the file is then re-read line by line to raise the first
    problem in line order, exactly as score_file does.
    """
    k = _check_arguments(metric, k)
    options = options or ScoringOptions()
    path = Path(predictions_path)
    chunks = sorted(
        (t if isinstance(t, ChunkTally) else ChunkTally.from_dict(t) for t in tallies),
        key=lambda t: t.start,
    )
    if not chunks:
        raise ValueError("merge_chunks needs at least one chunk tally")
    size = os.path.getsize(path)
    position = 0
    for chunk in chunks:
        if chunk.start != position:
            raise ValueError(f"the chunks do not tile the file: a gap or overlap at {position}")
        if (chunk.metric, chunk.k, chunk.fmt, chunk.max_line_bytes, chunk.options) != (
            metric,
            k,
            chunks[0].fmt,
            chunks[0].max_line_bytes,
            asdict(options),
        ):
            raise ValueError("the chunks were scored with different settings")
        position = chunk.end
    if position != size:
        raise ValueError(f"the chunks cover {position} bytes of a file of {size} bytes")
    rows = pl.concat([pl.Series("ki", chunk.rows, dtype=pl.Int64) for chunk in chunks])
    if (
        any(chunk.error is not None for chunk in chunks)
        or sum(chunk.data_lines for chunk in chunks) == 0
        or rows.n_unique() != rows.len()
    ):
        _raise_first_problem(
            path,
            key_path,
            metric=metric,
            k=k,
            fmt=chunks[0].fmt,
            max_line_bytes=chunks[0].max_line_bytes,
            options=options,
        )
    del rows
    categories, items_per_code = _key_categories(key_path)
    merged = {
        name: _Tally(items=count) for name, count in zip(categories, items_per_code, strict=True)
    }
    if metric == "pass_at_k":
        histograms: dict[str, Counter[tuple[int, int]]] = {name: Counter() for name in merged}
        for chunk in chunks:
            for name, entries in chunk.pass_counts.items():
                for n, c, count in entries:
                    histograms[name][(n, c)] += count
        for name, tally in merged.items():
            for (n, c), count in histograms[name].items():
                tally.answered += count
                tally.value_counts[pass_at_k(n, c, k)] += count
            if tally.items > tally.answered:
                tally.value_counts[0.0] += tally.items - tally.answered
    feedback = _Feedback()
    for chunk in chunks:
        feedback.merge(chunk.reasons, chunk.examples)
        feedback.ignored.merge(IgnoredFields(chunk.ignored_lines, dict(chunk.ignored_names)))
        for name, counts in chunk.counts.items():
            tally = merged[name]
            tally.answered += counts[0]
            tally.invalid += counts[1]
            tally.correct += counts[2]
            tally.other_invalid += counts[3]
            tally.other_correct += counts[4]
    return _build_result(merged, feedback, metric=metric, k=k, options=options)


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
    """score_file, computed as plan_chunks + score_chunk for each range + merge_chunks.

    Sequential here (tests, small runs); a Celery chord runs the same three steps with the
    chunks in parallel and ``record_errors=True``. Same result and same errors as score_file.
    """
    k = _check_arguments(metric, k)
    path = Path(predictions_path)
    check_file_size(path, max_file_bytes)
    stored_metric = stored_key_metric(key_path)
    if stored_metric is None:
        raise ValueError(f"{os.fspath(key_path)} is not an answer key written by write_answer_key")
    _check_key_metric(stored_metric, metric)
    fmt = _resolve_format(path, fmt)
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
        )
        for start, end, first_line_no in plan_chunks(
            path, target_bytes=target_bytes, fmt=fmt, max_line_bytes=max_line_bytes
        )
    ]
    return merge_chunks(
        tallies,
        predictions_path=path,
        key_path=key_path,
        metric=metric,
        k=k,
        options=options,
    )
