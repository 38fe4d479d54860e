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


def _extraction_table(distinct: list[str], judge: _Judge) -> pl.DataFrame:
    """Both modes' reading of each distinct prediction text, indexed by ``pi``."""
    metric = judge.metric
    columns: dict[str, list] = {"pi": list(range(len(distinct)))}
    schema: dict[str, pl.DataType] = {"pi": pl.UInt32()}
    names = (
        ("letter", "reason")
        if metric == "accuracy"
        else ("text", "alt", "number", "ratio", "reason")
    )
    for prefix in ("c", "o"):
        for name in names:
            columns[f"{prefix}_{name}"] = []
            if name == "letter":
                schema[f"{prefix}_{name}"] = pl.Int16()
            elif name == "reason":
                schema[f"{prefix}_{name}"] = pl.UInt8()
            else:
                schema[f"{prefix}_{name}"] = pl.String()
    for value in distinct:
        for prefix, extraction in zip(("c", "o"), judge.extractions(value), strict=True):
            columns[f"{prefix}_reason"].append(_REASON_CODE[extraction.reason])
            if metric == "accuracy":
                letter = extraction.letter
                columns[f"{prefix}_letter"].append(
                    None if letter is None else _LETTER_INDEX[letter]
                )
                continue
            reading = extraction.reading
            columns[f"{prefix}_text"].append(None if reading is None else reading.text)
            columns[f"{prefix}_alt"].append(None if reading is None else reading.alt)
            columns[f"{prefix}_number"].append(None if reading is None else reading.number)
            columns[f"{prefix}_ratio"].append(None if reading is None else reading.ratio)
    return pl.DataFrame(columns, schema=schema)


def _outcome_expression(prefix: str, mode: str, metric: str, options: ScoringOptions) -> pl.Expr:
    """Polars form of choice_outcome / exact_outcome (codes of _CODE) for one mode."""
    reason = pl.col(f"{prefix}_reason")
    outcome = pl.when(pl.col("pi").is_null()).then(pl.lit(_CODE[NO_ANSWER]))
    outcome = outcome.when(reason != 0).then(reason)
    if metric == "accuracy":
        letter = pl.col(f"{prefix}_letter")
        outcome = outcome.when(
            pl.col("n_choices").is_not_null() & (letter >= pl.col("n_choices"))
        ).then(pl.lit(_CODE[NOT_A_CHOICE]))
        correct = letter == pl.col("answer_index")
    else:
        target = pl.col("answer" if mode == STRICT else "answer_loose")
        text = (pl.col(f"{prefix}_text") == target).fill_null(False) | (
            pl.col(f"{prefix}_alt") == target
        ).fill_null(False)
        by_number = (pl.col(f"{prefix}_number") == pl.col("answer_number")).fill_null(False)
        correct = pl.when(pl.col("answer_number").is_not_null()).then(by_number).otherwise(text)
        if options.fractions:
            by_ratio = (pl.col(f"{prefix}_ratio") == pl.col("answer_ratio")).fill_null(False)
            correct = (
                pl.when(pl.col("answer_ratio").is_not_null()).then(by_ratio).otherwise(correct)
            )
    outcome = outcome.when(correct.fill_null(False)).then(pl.lit(_CODE[CORRECT]))
    return outcome.otherwise(pl.lit(_CODE[WRONG])).cast(pl.UInt8)


def _both_outcomes(metric: str, options: ScoringOptions) -> tuple[pl.Expr, pl.Expr]:
    """(chosen, other) outcome codes; flexible is right wherever strict is (see _Judge.judge)."""
    strict_prefix, flexible_prefix = ("c", "o") if options.extraction == STRICT else ("o", "c")
    strict = _outcome_expression(strict_prefix, STRICT, metric, options)
    flexible = _outcome_expression(flexible_prefix, FLEXIBLE, metric, options)
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
    distinct: list[str]
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
    distinct: list[str] = []
    judge = None
    table = None
    if metric == "pass_at_k":
        payload = [pl.col("n"), pl.col("c")]
        record_columns += [pl.col("n"), pl.col("c")]
    else:
        judge = _Judge(metric, options)
        distinct = records.get_column("prediction").drop_nulls().unique().sort().to_list()
        table = _extraction_table(distinct, judge).lazy()
        record_columns.append(
            pl.col("prediction")
            .replace_strict(distinct, range(len(distinct)), default=None, return_dtype=pl.UInt32)
            .alias("pi")
        )
        if metric == "accuracy":
            key_columns += [
                pl.col("answer")
                .replace_strict(_LETTER_INDEX, default=None, return_dtype=pl.Int16)
                .alias("answer_index"),
                pl.col("n_choices"),
            ]
        else:
            key_columns += [
                pl.col(name) for name in ("answer", "answer_loose", "answer_number", "answer_ratio")
            ]
        payload = [
            pl.col("pi"),
            *_both_outcomes(metric, options),
        ]
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
    return _Matched(categories, items_per_code, matched.drop("same"), distinct, judge)


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
        .select("line", "chosen", "pi")
        .sort("line")
        .group_by("chosen", maintain_order=True)
        .head(EXAMPLES)
        .select("line", "chosen", "pi")
    )
    examples: dict[str, list[list]] = {}
    judge = matched.judge
    for line, code, pi in first.iter_rows():
        value = None if pi is None else matched.distinct[pi]
        shown = judge.extractions(value)[0].shown
        examples.setdefault(_OUTCOME_OF_CODE[code], []).append([line, shorten(value), shown])
    return counts, examples
