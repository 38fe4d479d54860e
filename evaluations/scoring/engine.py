"""Scoring engine: a fast polars path and a pure-Python reference that give identical results.

``score_file`` reads the predictions with polars, recognises the common record layouts with
one regular expression per line, hands every other line to the same Python parser the
careful path uses, normalizes each distinct prediction once, hash-joins with the answer key
and tallies per category. If the fast path sees anything unusual (invalid UTF-8, NUL bytes,
over-long lines, unparsable lines, duplicate or unknown ids, no data) it stops and re-reads
the file line by line with :func:`~evaluations.scoring.predictions.iter_predictions` to raise
the first problem in line order with its line number. If that careful pass finds nothing, the
reference scorer's result is returned, so the answer is always the reference answer.

Items of the key without a prediction are *missing* and score 0. Predictions that do not
normalize (not a valid choice letter, or empty for exact match) are *invalid* and score 0.
``answered`` counts key items that received a prediction, valid or not.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .answer_key import load_answer_key, stored_key_metric
from .errors import PredictionFileError, quote_excerpt
from .intervals import bootstrap_mean_interval_from_counts, proportion_interval
from .line_reader import UTF8_BOM, is_blank, iter_file_lines
from .metrics import macro_average, pass_at_k
from .normalize import CHOICE_LETTERS, normalize_choice, normalize_exact
from .polars_normalize import normalized_choices, normalized_exact
from .predictions import (
    DEFAULT_MAX_LINE_BYTES,
    CsvLayout,
    PredictionValue,
    check_file_size,
    iter_predictions,
    parse_csv_header,
    parse_csv_line,
    parse_json_line,
    prediction_fields,
    sniff_format,
)

__all__ = [
    "DEFAULT_RESAMPLES",
    "CategoryResult",
    "ScoreResult",
    "score_file",
    "score_file_reference",
]

DEFAULT_RESAMPLES = 2000
CONFIDENCE = 0.95
ProgressCallback = Callable[[int, int], None]

_WS = r"[ \t\r]*"
_JSON_TEXT = r'[^"\\\x00-\x1f]*'
_JSON_COUNT = r"0|[1-9][0-9]{0,17}"
_JSON_ID = rf'(?:"(?<id_text>{_JSON_TEXT})"|(?<id_number>{_JSON_COUNT}))'


def _json_pattern(*members: tuple[str, str]) -> str:
    body = f"{_WS},{_WS}".join(f'"{name}"{_WS}:{_WS}{value}' for name, value in members)
    return f"^{_WS}\\{{{_WS}{body}{_WS}\\}}{_WS}$"


_PREDICTION_MEMBER = ("prediction", rf'"(?<prediction>{_JSON_TEXT})"')
_JSON_PATTERNS = {
    "prediction": [
        _json_pattern(("id", _JSON_ID), _PREDICTION_MEMBER),
        _json_pattern(_PREDICTION_MEMBER, ("id", _JSON_ID)),
    ],
    "pass_at_k": [
        _json_pattern(
            ("id", _JSON_ID), ("n", f"(?<n>{_JSON_COUNT})"), ("c", f"(?<c>{_JSON_COUNT})")
        )
    ],
}
_PYTHON_LEFTOVER_LIMIT = 10_000
_ID_HASH_SEED = 0x4B41495F
_BLOCK_BYTES = 4 * 1024 * 1024
_LETTER_INDEX = {letter: index for index, letter in enumerate(CHOICE_LETTERS)}
_CSV_COLUMN_PATTERNS = {
    "id": r'[^,"\r]*',
    "prediction": r'[^,"\r]*',
    "n": r"[0-9]{1,18}",
    "c": r"[0-9]{1,18}",
}


def _csv_pattern(columns: tuple[str, ...]) -> str:
    return "^" + ",".join(f"(?<{name}>{_CSV_COLUMN_PATTERNS[name]})" for name in columns) + "$"


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


@dataclass
class _Tally:
    items: int = 0
    answered: int = 0
    invalid: int = 0
    correct: int = 0
    value_counts: Counter[float] = field(default_factory=Counter)


def _check_arguments(metric: str, k: int | None) -> int | None:
    prediction_fields(metric)
    if metric == "pass_at_k":
        if k is None or isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"pass_at_k needs an integer k >= 1, got {k!r}")
        return k
    return None


def _interval_percent(bounds: tuple[float, float]) -> tuple[float, float]:
    return (100.0 * bounds[0], 100.0 * bounds[1])


def _build_result(
    tallies: dict[str, _Tally], *, metric: str, k: int | None, seed: int, resamples: int
) -> ScoreResult:
    categories = []
    pooled: Counter[float] = Counter()
    for name in sorted(tallies):
        tally = tallies[name]
        if metric == "pass_at_k":
            total = math.fsum(value * count for value, count in tally.value_counts.items())
            bounds = bootstrap_mean_interval_from_counts(
                tally.value_counts, seed=seed, resamples=resamples, confidence=CONFIDENCE
            )
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
    if metric == "pass_at_k":
        overall = math.fsum(value * count for value, count in pooled.items())
        bounds = bootstrap_mean_interval_from_counts(
            pooled, seed=seed, resamples=resamples, confidence=CONFIDENCE
        )
        method = f"bootstrap(seed={seed}, resamples={resamples})"
    else:
        correct = sum(tallies[name].correct for name in tallies)
        overall = float(correct)
        bounds = proportion_interval(correct, item_count, CONFIDENCE)
        method = "clopper-pearson"
    value = 100.0 * overall / item_count
    low, high = _interval_percent(bounds)
    return ScoreResult(
        value=value,
        interval_low=low,
        interval_high=high,
        item_count=item_count,
        answered=answered,
        missing=item_count - answered,
        invalid=sum(category.invalid for category in categories),
        categories=tuple(categories),
        micro=value,
        macro=macro_average([category.value for category in categories]),
        method=method,
        metric=metric,
        k=k,
    )


# --- careful, line-by-line path -------------------------------------------------------------


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
        ),
        known_ids=known_ids,
        watched_duplicates=watched_duplicates,
    )


def _checked_ids(
    records: Iterator[tuple[int, str, PredictionValue]],
    *,
    known_ids: Container[str],
    watched_duplicates: Container[str] | None,
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
            raise PredictionFileError(
                "unknown_id",
                f"Line {line_no} has the id {quote_excerpt(ident)}, which is not in this "
                "benchmark's answer key; check that the file is for this benchmark.",
                line=line_no,
                field="id",
            )
        yield line_no, ident, value


def score_file_reference(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    fmt: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
) -> ScoreResult:
    """Pure-Python scorer: dictionaries and loops, the definition the fast path must match."""
    k = _check_arguments(metric, k)
    key = load_answer_key(key_path)
    _check_key_metric(key.metric, metric)
    items = {
        ident: (answer, category, n_choices)
        for ident, answer, category, n_choices in key.frame.iter_rows()
    }
    given: dict[str, PredictionValue] = {}
    for _, ident, value in _checked_records(
        predictions_path,
        metric=metric,
        k=k,
        fmt=fmt,
        max_line_bytes=max_line_bytes,
        max_file_bytes=max_file_bytes,
        known_ids=items,
        watched_duplicates=None,
        progress=progress,
    ):
        given[ident] = value
    tallies: dict[str, _Tally] = {}
    for ident, (answer, category, n_choices) in items.items():
        tally = tallies.setdefault(category, _Tally())
        tally.items += 1
        value = given.get(ident)
        if value is None:
            if metric == "pass_at_k":
                tally.value_counts[0.0] += 1
            continue
        tally.answered += 1
        if metric == "pass_at_k":
            n, c = value
            tally.value_counts[pass_at_k(n, c, k)] += 1
            continue
        valid, correct = _item_outcome(metric, value, answer, n_choices)
        tally.invalid += not valid
        tally.correct += correct
    return _build_result(tallies, metric=metric, k=k, seed=seed, resamples=resamples)


def _item_outcome(
    metric: str, value: str, answer: str | None, n_choices: int | None
) -> tuple[bool, bool]:
    """(valid, correct) of one prediction text for accuracy / exact_match."""
    if metric == "accuracy":
        normalized = normalize_choice(value, n_choices)
        valid = normalized is not None
    else:
        normalized = normalize_exact(value)
        valid = normalized != ""
    return valid, valid and normalized == answer


def _check_key_metric(stored: str, requested: str) -> None:
    if stored != requested:
        raise ValueError(
            f"the answer key was prepared for {stored!r}, but scoring asked for {requested!r}"
        )


# --- fast path --------------------------------------------------------------------------------


class _NeedsCarefulPass(Exception):
    """The fast path saw something it cannot vouch for; carries id sets to look for."""

    def __init__(self, unknown: set[str] | None = None, duplicates: set[str] | None = None):
        super().__init__("careful pass needed")
        self.unknown = unknown
        self.duplicates = duplicates


class _AllBut:
    """Container holding every string except a given set (ids known to the key)."""

    def __init__(self, excluded: set[str]) -> None:
        self.excluded = excluded

    def __contains__(self, item: object) -> bool:
        return item not in self.excluded


def _csv_header(path: Path, *, metric: str, max_line_bytes: int) -> tuple[CsvLayout, int]:
    """Read the first non-blank line as the CSV header: (layout, byte offset after it)."""
    with open(path, "rb") as handle:
        for line_no, content, bytes_read in iter_file_lines(handle, max_line_bytes):
            if content is None or b"\x00" in content:
                raise _NeedsCarefulPass()
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _NeedsCarefulPass() from exc
            if is_blank(text):
                continue
            try:
                return parse_csv_header(text, metric=metric, line_no=line_no), bytes_read
            except PredictionFileError as exc:
                raise _NeedsCarefulPass() from exc
    raise _NeedsCarefulPass()


def _record_schema(metric: str) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {"id": pl.String()}
    if metric == "pass_at_k":
        schema.update({"n": pl.Int64(), "c": pl.Int64()})
    else:
        schema["prediction"] = pl.String()
    return schema


def _read_records(
    path: Path, *, metric: str, k: int | None, fmt: str, max_line_bytes: int
) -> pl.DataFrame:
    """Parse the file into a frame of id and value columns; _NeedsCarefulPass on anything odd.

    One streaming polars query reads the lines and matches the usual record layout with a
    regular expression; it keeps only the parsed fields plus two flags per line. Lines the
    expression does not match (other key orders, escapes, numbers, a byte order mark) are
    fetched by a second query and parsed by the careful path's own Python parser.
    """
    is_counts = metric == "pass_at_k"
    value_names = ["n", "c"] if is_counts else ["prediction"]
    layout = None
    data_offset = 0
    if fmt == "csv":
        layout, data_offset = _csv_header(path, metric=metric, max_line_bytes=max_line_bytes)
        pattern = _csv_pattern(layout.columns)
        identity = pl.col("g").struct.field("id")
    else:
        pattern = _JSON_PATTERNS["pass_at_k" if is_counts else "prediction"][0]
        identity = pl.coalesce(
            pl.col("g").struct.field("id_text"), pl.col("g").struct.field("id_number")
        )
    line = pl.col("line")
    blank = line.str.contains(r"^[ \t\r]*$")
    first_row = layout.header_line if layout is not None else 0

    def lines() -> pl.LazyFrame:
        scan = pl.scan_lines(path, name="line", row_index_name="row")
        return scan.filter(pl.col("row") >= first_row) if first_row else scan

    def parse_block(block: bytes) -> pl.DataFrame:
        return (
            pl.scan_lines(block, name="line")
            .with_columns(line.str.extract_groups(pattern).alias("g"))
            .select(
                identity.alias("id"),
                *[pl.col("g").struct.field(name) for name in value_names],
                (
                    (line.str.len_bytes() > max_line_bytes)
                    | line.str.contains("\x00", literal=True)
                ).alias("bad"),
                (identity.is_null() & ~blank).alias("unmatched"),
            )
            .collect(engine="streaming")
        )

    blocks = []
    try:
        for block in _blocks_of_lines(path, data_offset, max_line_bytes):
            blocks.append(parse_block(block))
            del block
    except _NeedsCarefulPass:
        raise
    except Exception as exc:  # invalid UTF-8 or any reader problem: the careful pass decides
        raise _NeedsCarefulPass() from exc
    if not blocks:
        raise _NeedsCarefulPass()
    frame = pl.concat(blocks, how="vertical", rechunk=False) if len(blocks) > 1 else blocks[0]
    del blocks
    bad, unmatched = frame.select(pl.col("bad").any(), pl.col("unmatched").sum()).row(0)
    if bad:
        raise _NeedsCarefulPass()
    casts = [pl.col(name).cast(dtype) for name, dtype in _record_schema(metric).items()]
    if frame.get_column("id").null_count():
        frame = frame.filter(pl.col("id").is_not_null())
    parts = [frame.select(casts)]
    del frame
    if unmatched:
        rest = (
            lines()
            .filter(~line.str.contains(pattern) & ~blank)
            .select("row", "line")
            .collect(engine="streaming")
        )
        with open(path, "rb") as handle:
            has_bom = handle.read(len(UTF8_BOM)) == UTF8_BOM
        parts += _parse_unmatched_lines(
            rest,
            casts=casts,
            is_counts=is_counts,
            metric=metric,
            k=k,
            layout=layout,
            has_bom=has_bom,
        )
    records = pl.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
    if records.height == 0:
        raise _NeedsCarefulPass()
    if is_counts:
        needed = max(k or 1, 1)
        bad = records.select(((pl.col("c") > pl.col("n")) | (pl.col("n") < needed)).any()).item()
        if bad:
            raise _NeedsCarefulPass()
    return records


def _blocks_of_lines(
    path: Path, offset: int, max_line_bytes: int, end: int | None = None
) -> Iterator[bytes]:
    """Read the file from ``offset`` (to ``end``) in blocks of whole lines (cut after ``\\n``)."""
    carry = b""
    with open(path, "rb") as handle:
        handle.seek(offset)
        remaining = None if end is None else end - offset
        while True:
            size = _BLOCK_BYTES if remaining is None else min(_BLOCK_BYTES, remaining)
            chunk = handle.read(size) if size > 0 else b""
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            data = carry + chunk if carry else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > max_line_bytes + 2:
                    raise _NeedsCarefulPass()  # an over-long line: let the careful pass name it
                carry = data
                continue
            carry = data[cut:]
            yield data[:cut] if carry else data
    if carry:
        yield carry


def _parse_unmatched_lines(
    rest: pl.DataFrame,
    *,
    casts,
    is_counts: bool,
    metric: str,
    k: int | None,
    layout: CsvLayout | None,
    has_bom: bool,
) -> list[pl.DataFrame]:
    """Records of the lines the fast regex did not match: first a looser regex over JSON
    predictions (when there are many such lines, e.g. keys in another order), then the careful
    path's own parser for whatever is still left."""
    parts = []
    if not is_counts and layout is None and rest.height > _PYTHON_LEFTOVER_LIMIT:
        groups = rest.select(pl.col("line").str.extract_groups(_JSON_PATTERNS["prediction"][1]))
        groups = groups.unnest("line")
        hit = groups.get_column("prediction").is_not_null()
        parts.append(
            groups.filter(hit)
            .with_columns(pl.coalesce("id_text", "id_number").alias("id"))
            .select(casts)
        )
        rest = rest.filter(~hit)
    parts.append(_parse_leftovers(rest, metric=metric, k=k, layout=layout, has_bom=has_bom))
    return parts


def _parse_leftovers(
    rest: pl.DataFrame, *, metric: str, k: int | None, layout: CsvLayout | None, has_bom: bool
) -> pl.DataFrame:
    """Parse lines the regexes did not recognise with the careful path's own parser."""
    ids, first, second = [], [], []
    for row, text in rest.select("row", "line").iter_rows():
        line_no = row + 1
        if row == 0 and has_bom:
            text = text.removeprefix("\ufeff")
        if is_blank(text):
            continue
        try:
            if layout is None:
                ident, value = parse_json_line(text, metric=metric, line_no=line_no, k=k)
            else:
                ident, value = parse_csv_line(
                    text, layout=layout, metric=metric, line_no=line_no, k=k
                )
        except PredictionFileError as exc:
            raise _NeedsCarefulPass() from exc
        ids.append(ident)
        if metric == "pass_at_k":
            first.append(value[0])
            second.append(value[1])
        else:
            first.append(value)
    columns: dict[str, list] = {"id": ids}
    if metric == "pass_at_k":
        columns.update({"n": first, "c": second})
    else:
        columns["prediction"] = first
    return pl.DataFrame(columns, schema=_record_schema(metric))


def _key_categories(key_path: str | os.PathLike[str]) -> tuple[list[str], list[int]]:
    """Sorted categories of the stored key and the number of items in each."""
    counts = dict(pl.scan_parquet(key_path).group_by("category").len().collect().iter_rows())
    categories = sorted(counts)
    return categories, [counts[name] for name in categories]


def _id_problems(records: pl.DataFrame, key_path: str | os.PathLike[str]) -> _NeedsCarefulPass:
    key_ids = pl.read_parquet(key_path, columns=["id"])
    duplicated = records.filter(pl.col("id").is_duplicated()).get_column("id").unique()
    unknown = records.join(key_ids, on="id", how="anti").get_column("id").unique()
    return _NeedsCarefulPass(unknown=set(unknown.to_list()), duplicates=set(duplicated.to_list()))


def _match_records(
    records: pl.DataFrame, key_path: str | os.PathLike[str], *, metric: str
) -> tuple[list[str], list[int], pl.DataFrame]:
    """Match records to key items with one streaming hash join and tally by category.

    The join runs on a 64-bit hash of the id and carries only small integer payloads
    (key row, category code, letter indexes) plus the key's id, which the same query compares
    with the record's id: a hash collision can therefore never match the wrong item (it shows
    up as a mismatch and the careful pass takes over). Duplicate ids show up as a key row
    matched twice, unknown ids as records without a match.
    """
    categories, items_per_code = _key_categories(key_path)
    id_hash = pl.col("id").hash(_ID_HASH_SEED).alias("h")
    key_columns = [
        id_hash,
        pl.col("id").alias("key_id"),
        pl.col("ki"),
        pl.col("category").cast(pl.Enum(categories)).to_physical().alias("code"),
    ]
    record_columns = [id_hash, pl.col("id")]
    if metric == "pass_at_k":
        payload = ["n", "c"]
        record_columns += [pl.col("n"), pl.col("c")]
    else:
        distinct = records.get_column("prediction").unique()
        if metric == "accuracy":
            mapping = normalized_choices(distinct)
            payload = ["letter_index", "answer_index", "n_choices"]
            record_columns.append(
                pl.col("prediction")
                .replace_strict(mapping["raw"], mapping["letter_index"], default=None)
                .alias("letter_index")
            )
            key_columns += [
                pl.col("answer")
                .replace_strict(_LETTER_INDEX, default=None, return_dtype=pl.Int16)
                .alias("answer_index"),
                pl.col("n_choices"),
            ]
        else:
            mapping = normalized_exact(distinct)
            payload = ["normalized", "answer"]
            record_columns.append(
                pl.col("prediction")
                .replace_strict(mapping["raw"], mapping["normalized"], default=None)
                .alias("normalized")
            )
            key_columns.append(pl.col("answer"))
    key_side = pl.scan_parquet(key_path, row_index_name="ki").select(key_columns)
    matched = (
        records.lazy()
        .select(record_columns)
        .join(key_side, on="h", how="inner")
        .select("ki", "code", *payload, (pl.col("id") == pl.col("key_id")).alias("same"))
        .collect(engine="streaming")
    )
    if (
        matched.height != records.height
        or not matched.get_column("same").all()
        or matched.get_column("ki").n_unique() != matched.height
    ):
        raise _id_problems(records, key_path)
    return categories, items_per_code, matched


def _grouped_counts(matched: pl.DataFrame, *, metric: str) -> pl.DataFrame:
    """Per category code: (code, n, c, count) rows for pass_at_k, else (code, answered,
    invalid, correct)."""
    if metric == "pass_at_k":
        return matched.group_by("code", "n", "c").len()
    if metric == "accuracy":
        valid = pl.col("letter_index").is_not_null() & (
            pl.col("n_choices").is_null() | (pl.col("letter_index") < pl.col("n_choices"))
        )
        correct = pl.col("letter_index") == pl.col("answer_index")
    else:
        valid = pl.col("normalized") != ""
        correct = pl.col("normalized") == pl.col("answer")
    return matched.group_by("code").agg(
        pl.len().alias("answered"),
        (~valid.fill_null(False)).sum().alias("invalid"),
        correct.fill_null(False).sum().alias("correct"),
    )


def _fast_tallies(
    records: pl.DataFrame, key_path: str | os.PathLike[str], *, metric: str, k: int | None
) -> dict[str, _Tally]:
    """Tally matched records by category (see :func:`_match_records`)."""
    categories, items_per_code, matched = _match_records(records, key_path, metric=metric)
    tallies = {
        name: _Tally(items=count) for name, count in zip(categories, items_per_code, strict=True)
    }
    grouped = _grouped_counts(matched, metric=metric)
    if metric == "pass_at_k":
        for code, n, c, count in grouped.iter_rows():
            tally = tallies[categories[code]]
            tally.answered += count
            tally.value_counts[pass_at_k(n, c, k)] += count
        for tally in tallies.values():
            if tally.items > tally.answered:
                tally.value_counts[0.0] += tally.items - tally.answered
        return tallies
    for code, answered, invalid, correct_count in grouped.iter_rows():
        tally = tallies[categories[code]]
        tally.answered, tally.invalid, tally.correct = answered, invalid, correct_count
    return tallies


def score_file(
    *,
    predictions_path: str | os.PathLike[str],
    key_path: str | os.PathLike[str],
    metric: str,
    k: int | None = None,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    fmt: str | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
) -> ScoreResult:
    """Score a predictions file against a stored answer key (fast path, reference semantics).

    Raises PredictionFileError (naming the line) for any problem in the file, including ids
    that repeat or are not in the key; no partial result is produced. ``progress`` receives
    ``(bytes_done, total_bytes)`` a few times: at the start, once the file is parsed, at the end.
    """
    k = _check_arguments(metric, k)
    path = Path(predictions_path)
    total = check_file_size(path, max_file_bytes)
    if progress is not None:
        progress(0, total)
    stored_metric = stored_key_metric(key_path)
    if stored_metric is None:
        raise ValueError(f"{os.fspath(key_path)} is not an answer key written by write_answer_key")
    _check_key_metric(stored_metric, metric)
    fmt = fmt or sniff_format(path)
    try:
        records = _read_records(path, metric=metric, k=k, fmt=fmt, max_line_bytes=max_line_bytes)
        if progress is not None:
            progress(total, total)
        tallies = _fast_tallies(records, key_path, metric=metric, k=k)
    except _NeedsCarefulPass as problem:
        known: Container[str]
        if problem.unknown is not None:
            known = _AllBut(problem.unknown)
        else:
            known = set(pl.read_parquet(key_path, columns=["id"]).get_column("id").to_list())
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
        ):
            pass
        # Nothing wrong after all (the fast path was over-cautious): use the reference scorer.
        return score_file_reference(
            predictions_path=path,
            key_path=key_path,
            metric=metric,
            k=k,
            seed=seed,
            progress=progress,
            fmt=fmt,
            resamples=resamples,
            max_line_bytes=max_line_bytes,
            max_file_bytes=max_file_bytes,
        )
    result = _build_result(tallies, metric=metric, k=k, seed=seed, resamples=resamples)
    if progress is not None:
        progress(total, total)
    return result
