"""Merging the tallies of a file's byte ranges into its ScoreResult, for one range or many.

Merge strategy
    A :class:`~.range_tally.ChunkTally` holds exact integers: per-category counts
    (accuracy / exact_match: answered, invalid, correct in the benchmark's extraction mode and
    invalid, correct in the other; pass_at_k: a histogram of ``(n, c)`` pairs), the number of
    data lines, the sorted key rows of the ids it answered, the count of each reason an item
    did not count with the first examples of the range in line order, and the ignored JSONL
    fields. :func:`merge_chunks` checks that the ranges tile the file and were scored with the
    same settings, that no key row is answered by two ranges, and that there was at least one
    data line. It adds the counts, keeps the first examples of all ranges by line number (the
    first 20 of the file are among the first 20 of their range, so the merge keeps exactly the
    whole file's examples) and the first ignored field names in sorted order (likewise
    exact). Missing items, pass@k values (one ``pass_at_k(n, c, k)`` per distinct pair), the
    intervals, micro and macro then come from ``_build_result``, which every scorer ends in.

Errors
    The first range's problem is the file's first problem: nothing comes before it. Any other
    problem (a later range's, an id answered by two ranges, no data line at all) is named by
    re-reading the whole file line by line, exactly as the reference scorer reads it: the
    same code, line, field and message.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from .answer_key import key_ids
from .errors import PredictionFileError
from .fields import IgnoredFields
from .id_checks import checked_ids, raise_first_problem
from .matching import _key_categories
from .metrics import pass_at_k
from .predictions import iter_predictions
from .range_tally import ChunkTally
from .results import ScoreResult, ScoringOptions, _build_result, _check_arguments, _Feedback, _Tally

__all__ = ["merge_chunks"]


def _check_tiling(chunks: list[ChunkTally], size: int, settings: tuple) -> None:
    """ValueError unless the chunks cover ``[0, size)`` in order, all with ``settings``."""
    position = 0
    for chunk in chunks:
        if chunk.start != position:
            raise ValueError(f"the chunks do not tile the file: a gap or overlap at {position}")
        if (chunk.metric, chunk.k, chunk.fmt, chunk.max_line_bytes, chunk.options) != settings:
            raise ValueError("the chunks were scored with different settings")
        position = chunk.end
    if position != size:
        raise ValueError(f"the chunks cover {position} bytes of a file of {size} bytes")


def _answered_twice(chunks: list[ChunkTally]) -> bool:
    """Whether two chunks answered the same key row (one chunk checks its own ids)."""
    if len(chunks) < 2:
        return False
    rows = pl.concat([pl.Series("ki", chunk.rows, dtype=pl.Int64) for chunk in chunks])
    return rows.n_unique() != rows.len()


def _raise_first_problem(
    path: Path,
    key_path: str | os.PathLike[str],
    chunks: list[ChunkTally],
    options: ScoringOptions,
) -> None:
    """Raise the file's first problem: the first chunk's own, or the whole file's re-read."""
    first = chunks[0]
    if first.error is not None:
        raise PredictionFileError(
            first.error["code"],
            first.error["message"],
            line=first.error["line"],
            field=first.error["field"],
            template=first.error.get("template"),
            params=first.error.get("params"),
        )
    ids = key_ids(key_path, first.metric)
    records = iter_predictions(
        path,
        metric=first.metric,
        max_line_bytes=first.max_line_bytes,
        fmt=first.fmt,
        k=first.k,
        max_samples=options.max_samples,
    )
    raise_first_problem(
        checked_ids(records, known_ids=set(ids), watched_duplicates=None, key_ids=lambda: ids)
    )
    raise RuntimeError(
        f"the chunks of {os.fspath(path)} reported a problem the whole file does not have; "
        "was the file changed while it was being scored?"
    )


def _merged_tallies(
    chunks: list[ChunkTally], key_path: str | os.PathLike[str], *, metric: str, k: int | None
) -> dict[str, _Tally]:
    """Per-category tallies of the key, with the chunks' counts added."""
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
        return merged
    for chunk in chunks:
        for name, counts in chunk.counts.items():
            tally = merged[name]
            tally.answered += counts[0]
            tally.invalid += counts[1]
            tally.correct += counts[2]
            tally.other_invalid += counts[3]
            tally.other_correct += counts[4]
    return merged


def merge_chunks(
    tallies: Iterable[ChunkTally | Mapping[str, Any]],
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    options: ScoringOptions | None = None,
) -> ScoreResult:
    """Merge the chunk tallies of one file into its ScoreResult.

    ``predictions_path`` is only read when something is wrong (a chunk problem, an id answered
    by two chunks, no data at all), to raise the first problem in line order.
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
    settings = (metric, k, chunks[0].fmt, chunks[0].max_line_bytes, asdict(options))
    _check_tiling(chunks, os.path.getsize(path), settings)
    if (
        any(chunk.error is not None for chunk in chunks)
        or sum(chunk.data_lines for chunk in chunks) == 0
        or _answered_twice(chunks)
    ):
        _raise_first_problem(path, key_path, chunks, options)
    feedback = _Feedback()
    for chunk in chunks:
        feedback.merge(chunk.reasons, chunk.examples)
        feedback.ignored.merge(IgnoredFields(chunk.ignored_lines, dict(chunk.ignored_names)))
    merged = _merged_tallies(chunks, key_path, metric=metric, k=k)
    return _build_result(merged, feedback, metric=metric, k=k, options=options)
