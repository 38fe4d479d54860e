"""Fast matching: records joined to the answer key by a hash join and judged in polars.

Each distinct prediction is read once in both extraction modes (a small table); the polars
expressions of :func:`_outcome_expression` mirror ``choice_outcome`` / ``exact_outcome``
exactly, and the tests check the fast path against the reference scorer on random files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import polars as pl

from .answer_key import key_frame
from .extraction import (
    CORRECT,
    FLEXIBLE,
    NO_ANSWER,
    NOT_A_CHOICE,
    STRICT,
    TWO_ANSWERS,
    WRONG,
    shorten,
)
from .normalize import CHOICE_LETTERS
from .records import _NeedsCarefulPass
from .results import EXAMPLES, ScoringOptions, _Judge

_ID_HASH_SEED = 0x4B41495F
_LETTER_INDEX = {letter: index for index, letter in enumerate(CHOICE_LETTERS)}
# Outcome codes of the fast path; 2 and above are the invalid reasons.
_CODE = {CORRECT: 0, WRONG: 1, NO_ANSWER: 2, TWO_ANSWERS: 3, NOT_A_CHOICE: 4}
_OUTCOME_OF_CODE = {code: outcome for outcome, code in _CODE.items()}
_REASON_CODE = {None: 0, NO_ANSWER: 2, TWO_ANSWERS: 3, NOT_A_CHOICE: 4}


def _key_categories(key_path: str | os.PathLike[str]) -> tuple[list[str], list[int]]:
    """Sorted categories of the stored key and the number of items in each."""
    counts = dict(pl.scan_parquet(key_path).group_by("category").len().collect().iter_rows())
    categories = sorted(counts)
    return categories, [counts[name] for name in categories]


def _id_problems(
    records: pl.DataFrame, key_path: str | os.PathLike[str], metric: str
) -> _NeedsCarefulPass:
    key_ids = key_frame(key_path, metric).select("id").collect()
    duplicated = records.filter(pl.col("id").is_duplicated()).get_column("id").unique()
    unknown = records.join(key_ids, on="id", how="anti").get_column("id").unique()
    return _NeedsCarefulPass(unknown=set(unknown.to_list()), duplicates=set(duplicated.to_list()))


_INVALID_BASE = 40  # a mode value >= this is _INVALID_BASE + the reason's code
_MODES_BASE = 64  # chosen and other mode values packed as chosen * 64 + other


def _choice_value(extraction) -> int:
    """One mode's reading of a choice prediction as a small integer (letter or reason)."""
    if extraction.letter is not None:
        return _LETTER_INDEX[extraction.letter]
    return _INVALID_BASE + _REASON_CODE[extraction.reason]


def _choice_codes(distinct: list[str], judge: _Judge) -> list[int]:
    """Both modes' readings of each distinct prediction, packed into one integer each."""
    codes = []
    for value in distinct:
        chosen, other = judge.extractions(value)
        codes.append(_choice_value(chosen) * _MODES_BASE + _choice_value(other))
    return codes


def _exact_table(distinct: list[str], judge: _Judge) -> pl.DataFrame:
    """Both modes' readings of each distinct exact-match prediction, indexed by ``pi``."""
    names = ("text", "alt", "number", "ratio")
    columns: dict[str, list] = {"pi": list(range(len(distinct)))}
    schema: dict[str, pl.DataType] = {"pi": pl.UInt32()}
    for prefix in ("c", "o"):
        columns[f"{prefix}_reason"] = []
        schema[f"{prefix}_reason"] = pl.UInt8()
        for name in names:
            columns[f"{prefix}_{name}"] = []
            schema[f"{prefix}_{name}"] = pl.String()
    for value in distinct:
        for prefix, extraction in zip(("c", "o"), judge.extractions(value), strict=True):
            columns[f"{prefix}_reason"].append(_REASON_CODE[extraction.reason])
            reading = extraction.reading
            for name in names:
                columns[f"{prefix}_{name}"].append(
                    None if reading is None else getattr(reading, name)
                )
    return pl.DataFrame(columns, schema=schema)


def _choice_outcome(value: pl.Expr) -> pl.Expr:
    """Polars form of choice_outcome over a packed mode value (codes of _CODE)."""
    return (
        pl.when(value.is_null())
        .then(pl.lit(_CODE[NO_ANSWER]))
        .when(value >= _INVALID_BASE)
        .then(value - _INVALID_BASE)
        .when(pl.col("n_choices").is_not_null() & (value >= pl.col("n_choices")))
        .then(pl.lit(_CODE[NOT_A_CHOICE]))
        .when(value == pl.col("answer_index"))
        .then(pl.lit(_CODE[CORRECT]))
        .otherwise(pl.lit(_CODE[WRONG]))
        .cast(pl.UInt8)
    )


def _exact_outcome(prefix: str, mode: str, options: ScoringOptions) -> pl.Expr:
    """Polars form of exact_outcome for one mode (codes of _CODE)."""
    reason = pl.col(f"{prefix}_reason")
    target = pl.col("answer" if mode == STRICT else "answer_loose")
    text = (pl.col(f"{prefix}_text") == target).fill_null(False) | (
        pl.col(f"{prefix}_alt") == target
    ).fill_null(False)
    by_number = (pl.col(f"{prefix}_number") == pl.col("answer_number")).fill_null(False)
    correct = pl.when(pl.col("answer_number").is_not_null()).then(by_number).otherwise(text)
    if options.fractions:
        by_ratio = (pl.col(f"{prefix}_ratio") == pl.col("answer_ratio")).fill_null(False)
        correct = pl.when(pl.col("answer_ratio").is_not_null()).then(by_ratio).otherwise(correct)
    return (
        pl.when(pl.col("pi").is_null())
        .then(pl.lit(_CODE[NO_ANSWER]))
        .when(reason != 0)
        .then(reason)
        .when(correct.fill_null(False))
        .then(pl.lit(_CODE[CORRECT]))
        .otherwise(pl.lit(_CODE[WRONG]))
        .cast(pl.UInt8)
    )


def _both_outcomes(metric: str, options: ScoringOptions) -> tuple[pl.Expr, pl.Expr]:
    """(chosen, other) outcome codes; flexible is right wherever strict is (see _Judge.judge)."""
    if metric == "accuracy":
        chosen_value = (pl.col("pv") // _MODES_BASE).cast(pl.Int16)
        other_value = (pl.col("pv") % _MODES_BASE).cast(pl.Int16)
        values = {options.extraction: chosen_value, options.other: other_value}
        strict = _choice_outcome(values[STRICT])
        flexible = _choice_outcome(values[FLEXIBLE])
    else:
        prefixes = {options.extraction: "c", options.other: "o"}
        strict = _exact_outcome(prefixes[STRICT], STRICT, options)
        flexible = _exact_outcome(prefixes[FLEXIBLE], FLEXIBLE, options)
    flexible = pl.when(strict == _CODE[CORRECT]).then(strict).otherwise(flexible)
    if options.extraction == STRICT:
        return strict.alias("chosen"), flexible.alias("other")
    return flexible.alias("chosen"), strict.alias("other")


@dataclass
class _Matched:
    """Records joined to the key and judged: per item category code, line and outcomes."""

    categories: list[str]
    items_per_code: list[int]
    frame: pl.DataFrame
    records: pl.DataFrame
    judge: _Judge | None


def _match_records(
    records: pl.DataFrame,
    key_path: str | os.PathLike[str],
    *,
    metric: str,
    options: ScoringOptions,
) -> _Matched:
    """Match records to key items with one streaming hash join, judging every item.

    The join runs on a 64-bit hash of the id and carries only small payloads (key row,
    category code, the reading of the prediction) plus the key's id, which the same query
    compares with the record's id: a hash collision can therefore never match the wrong item
    (it shows up as a mismatch and the careful pass takes over). Duplicate ids show up as a
    key row matched twice, unknown ids as records without a match.
    """
    categories, items_per_code = _key_categories(key_path)
    id_hash = pl.col("id").hash(_ID_HASH_SEED).alias("h")
    key_columns = [
        id_hash,
        pl.col("id").alias("key_id"),
        pl.col("ki"),
        pl.col("category").cast(pl.Enum(categories)).to_physical().alias("code"),
    ]
    record_columns = [id_hash, pl.col("id"), pl.col("line")]
    judge = None
    table = None
    if metric == "pass_at_k":
        payload = [pl.col("n"), pl.col("c")]
        record_columns += [pl.col("n"), pl.col("c")]
    else:
        judge = _Judge(metric, options)
        distinct = records.get_column("prediction").drop_nulls().unique().to_list()
        if metric == "accuracy":
            record_columns.append(
                pl.col("prediction")
                .replace_strict(
                    distinct, _choice_codes(distinct, judge), default=None, return_dtype=pl.UInt16
                )
                .alias("pv")
            )
            key_columns += [
                pl.col("answer")
                .replace_strict(_LETTER_INDEX, default=None, return_dtype=pl.Int16)
                .alias("answer_index"),
                pl.col("n_choices"),
            ]
        else:
            table = _exact_table(distinct, judge).lazy()
            record_columns.append(
                pl.col("prediction")
                .replace_strict(
                    distinct, range(len(distinct)), default=None, return_dtype=pl.UInt32
                )
                .alias("pi")
            )
            key_columns += [
                pl.col(name) for name in ("answer", "answer_loose", "answer_number", "answer_ratio")
            ]
        payload = list(_both_outcomes(metric, options))
    key_side = key_frame(key_path, metric).with_row_index("ki").select(key_columns)
    joined = records.lazy().select(record_columns).join(key_side, on="h", how="inner")
    if table is not None:
        joined = joined.join(table, on="pi", how="left")
    matched = joined.select(
        "ki", "code", "line", *payload, (pl.col("id") == pl.col("key_id")).alias("same")
    ).collect(engine="streaming")
    if (
        matched.height != records.height
        or not matched.get_column("same").all()
        or matched.get_column("ki").n_unique() != matched.height
    ):
        raise _id_problems(records, key_path, metric)
    return _Matched(categories, items_per_code, matched.drop("same"), records, judge)


def _grouped_counts(matched: _Matched, *, metric: str) -> pl.DataFrame:
    """Per category code: (code, n, c, count) rows for pass_at_k, else (code, answered,
    invalid, correct, other invalid, other correct)."""
    frame = matched.frame
    if metric == "pass_at_k":
        return frame.group_by("code", "n", "c").len()
    invalid_from = _CODE[NO_ANSWER]
    return frame.group_by("code").agg(
        pl.len().alias("answered"),
        (pl.col("chosen") >= invalid_from).sum().alias("invalid"),
        (pl.col("chosen") == _CODE[CORRECT]).sum().alias("correct"),
        (pl.col("other") >= invalid_from).sum().alias("other_invalid"),
        (pl.col("other") == _CODE[CORRECT]).sum().alias("other_correct"),
    )


def _reason_counts_and_examples(matched: _Matched) -> tuple[dict[str, int], dict[str, list[list]]]:
    """Counts per invalid reason and the first examples per reason (wrong included)."""
    frame = matched.frame
    counts = {
        _OUTCOME_OF_CODE[code]: count
        for code, count in frame.filter(pl.col("chosen") >= _CODE[NO_ANSWER])
        .group_by("chosen")
        .len()
        .iter_rows()
    }
    first = (
        frame.filter(pl.col("chosen") != _CODE[CORRECT])
        .group_by("chosen")
        .agg(pl.col("line").bottom_k(EXAMPLES))
        .explode("line")
        .select("line", "chosen")
    )
    predictions = dict(
        matched.records.filter(pl.col("line").is_in(first.get_column("line").implode()))
        .select("line", "prediction")
        .iter_rows()
    )
    examples: dict[str, list[list]] = {}
    judge = matched.judge
    for line, code in sorted(first.iter_rows()):
        value = predictions[line]
        shown = judge.extractions(value)[0].shown
        examples.setdefault(_OUTCOME_OF_CODE[code], []).append([line, shorten(value), shown])
    return counts, examples
