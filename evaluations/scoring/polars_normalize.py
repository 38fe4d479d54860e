"""Vectorised (polars) versions of normalize_choice / normalize_exact over distinct raw strings.

Printable-ASCII strings are normalized with polars string expressions that mirror the Python
rules step by step (NFKC is the identity on printable ASCII, and the only whitespace there is
the space). Every other string goes through the Python function itself, so the mapping always
equals the pure Python normalization.
"""

from __future__ import annotations

import polars as pl

from .normalize import (
    CHOICE_LETTERS,
    choice_pattern,
    label_prefix_pattern,
    normalize_choice,
    normalize_exact,
    number_pattern,
)

__all__ = ["normalized_choices", "normalized_exact"]

PRINTABLE_ASCII = r"^[\x20-\x7e]*$"
_LETTER_INDEX = {letter: index for index, letter in enumerate(CHOICE_LETTERS)}


def _split_by_ascii(raw: pl.Series) -> tuple[pl.DataFrame, list[str]]:
    frame = raw.rename("raw").to_frame()
    is_ascii = pl.col("raw").str.contains(PRINTABLE_ASCII)
    others = frame.filter(~is_ascii).get_column("raw").to_list()
    return frame.filter(is_ascii), others


def _choice_expression() -> pl.Expr:
    groups = pl.col("raw").str.strip_chars(" ").str.extract_groups(choice_pattern())
    letter = pl.coalesce(groups.struct.field("1"), groups.struct.field("2"))
    return letter.str.to_uppercase()


def normalized_choices(raw: pl.Series) -> pl.DataFrame:
    """Map distinct raw predictions to (raw, letter, letter_index); null letter = invalid."""
    ascii_frame, others = _split_by_ascii(raw)
    vectorised = ascii_frame.select(pl.col("raw"), _choice_expression().alias("letter"))
    python = pl.DataFrame(
        {"raw": others, "letter": [normalize_choice(text) for text in others]},
        schema={"raw": pl.String, "letter": pl.String},
    )
    mapping = pl.concat([vectorised, python], how="vertical")
    return mapping.with_columns(
        pl.col("letter")
        .replace_strict(_LETTER_INDEX, default=None, return_dtype=pl.Int16)
        .alias("letter_index")
    )


def _exact_expression() -> pl.Expr:
    text = (
        pl.col("raw")
        .str.strip_chars(" ")
        .str.replace(label_prefix_pattern(), "")
        .str.replace_all(" +", " ")
        .str.strip_chars(" ")
        .str.to_lowercase()
    )
    body = text.str.replace(r"^[+-]", "").str.replace_all(",", "", literal=True)
    integer = body.str.extract(r"^([0-9]*)", 1).str.replace(r"^0+", "")
    integer = pl.when(integer == "").then(pl.lit("0")).otherwise(integer)
    fraction = body.str.extract(r"\.([0-9]*)$", 1).fill_null("").str.replace(r"0+$", "")
    number = pl.when(fraction == "").then(integer).otherwise(integer + "." + fraction)
    number = (
        pl.when(text.str.starts_with("-") & (number != "0"))
        .then(pl.lit("-") + number)
        .otherwise(number)
    )
    return pl.when(text.str.contains(number_pattern())).then(number).otherwise(text)


def normalized_exact(raw: pl.Series) -> pl.DataFrame:
    """Map distinct raw predictions to (raw, normalized) using normalize_exact's rules."""
    ascii_frame, others = _split_by_ascii(raw)
    vectorised = ascii_frame.select(pl.col("raw"), _exact_expression().alias("normalized"))
    python = pl.DataFrame(
        {"raw": others, "normalized": [normalize_exact(text) for text in others]},
        schema={"raw": pl.String, "normalized": pl.String},
    )
    return pl.concat([vectorised, python], how="vertical")
