"""Answer keys: strict JSONL parsing with line-numbered errors, and compact parquet storage.

JSONL format, one item a line::

    {"id": "q1", "category": "history", "answer": "B", "choices": ["...", "...", "...", "..."]}

``id`` (string or integer, stored as text in Unicode NFC) and ``category`` (non-empty string)
are required. ``answer`` (string; numbers are accepted for exact_match) is required for
accuracy and exact_match and ignored for pass_at_k. ``choices`` (list of 2-26 strings) is
optional; for accuracy it fixes the number of valid letters. Any other field is an error. The
first problem found is raised as :class:`AnswerKeyError` with its line number; messages never
repeat an answer or a choice.

The stored form (parquet, format 2) holds, for accuracy, the answer letter; for exact_match,
the answer's folded text, that text without a final period, and its value when it is a number
or a fraction (see :func:`~evaluations.scoring.normalize.key_answer`: no answer label is ever
removed from a key, no leading zero stripped, and a JSON number keeps the decimal digits
written in the file, so ``0.00005`` is stored as ``0.00005``, not ``5e-05``).
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import orjson
import polars as pl

from .errors import AnswerKeyError, check_first_use, quote_excerpt
from .fields import METRICS, nfc
from .line_reader import is_blank, iter_file_lines
from .normalize import CHOICE_LETTERS, key_answer, key_choice

__all__ = [
    "KEY_SCHEMA",
    "AnswerKey",
    "answer_key_from_items",
    "answer_key_is_current",
    "check_stored_key",
    "key_frame",
    "load_answer_key",
    "parse_answer_key",
    "write_answer_key",
]

KEY_SCHEMA = {
    "id": pl.String,
    "answer": pl.String,
    "category": pl.String,
    "n_choices": pl.Int16,
    "answer_loose": pl.String,
    "answer_number": pl.String,
    "answer_ratio": pl.String,
}
_EXACT_COLUMNS = ("answer_loose", "answer_number", "answer_ratio")
KEY_FIELDS = ("id", "answer", "category", "choices")
MAX_KEY_LINE_BYTES = 10_000_000
_METADATA_METRIC = "kai_leaderboard.metric"
_METADATA_VERSION = "kai_leaderboard.key_format"
_FORMAT_VERSION = "2"


@dataclass(frozen=True)
class AnswerKey:
    """A parsed answer key: its metric and a frame with the columns of KEY_SCHEMA."""

    metric: str
    frame: pl.DataFrame

    def __len__(self) -> int:
        return self.frame.height

    @property
    def categories(self) -> list[str]:
        """Distinct categories in sorted order."""
        return sorted(self.frame.get_column("category").unique().to_list())


def _key_error(code: str, message: str, line: int | None = None, field: str | None = None):
    return AnswerKeyError(code, message, line=line, field=field)


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def _decode(content: bytes, line_no: int) -> str:
    if b"\x00" in content:
        raise _key_error("nul_byte", f"Answer key line {line_no} contains a NUL byte.", line_no)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _key_error(
            "invalid_utf8",
            f"Answer key line {line_no} is not valid UTF-8 (at byte {exc.start + 1} of the "
            "line); save the key as UTF-8.",
            line_no,
        ) from None


def _exact_text(raw: object, text: str) -> str:
    """The key answer as text; a JSON number keeps the decimal digits written in the file."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        return str(raw)
    exact = json.loads(text, parse_float=Decimal)["answer"]
    return format(exact, "f")


def _parse_item(text: str, line_no: int, metric: str) -> tuple[str, str | None, str, int | None]:
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        column = getattr(exc, "colno", None)
        at = f" (the error is at column {column})" if column else ""
        raise _key_error(
            "not_json",
            f"Answer key line {line_no} is not valid JSON{at}; NaN and Infinity are not "
            'allowed. Each line must be an object such as {"id": "q1", "category": "c", '
            '"answer": "B"}.',
            line_no,
        ) from None
    if not isinstance(record, dict):
        raise _key_error("not_object", f"Answer key line {line_no} is not a JSON object.", line_no)
    for name in record:
        if name not in KEY_FIELDS:
            raise _key_error(
                "unknown_field",
                f"Answer key line {line_no} has an unknown field {quote_excerpt(name)}; allowed "
                'fields are "id", "category", "answer" and "choices".',
                line_no,
                name[:40],
            )
    required = ("id", "category") if metric == "pass_at_k" else ("id", "category", "answer")
    for name in required:
        if name not in record:
            code = "missing_answer" if name == "answer" else "missing_field"
            raise _key_error(
                code, f'Answer key line {line_no} has no "{name}" field.', line_no, name
            )
    ident = record["id"]
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        raise _key_error(
            "wrong_type",
            f'Answer key line {line_no}: "id" must be a non-empty string or an integer.',
            line_no,
            "id",
        )
    category = record["category"]
    if not isinstance(category, str) or not category.strip():
        raise _key_error(
            "wrong_type",
            f'Answer key line {line_no}: "category" must be a non-empty string.',
            line_no,
            "category",
        )
    n_choices = None
    if "choices" in record:
        choices = record["choices"]
        if (
            not isinstance(choices, list)
            or not all(isinstance(choice, str) for choice in choices)
            or not 2 <= len(choices) <= len(CHOICE_LETTERS)
        ):
            raise _key_error(
                "wrong_type",
                f'Answer key line {line_no}: "choices" must be a list of 2 to 26 strings.',
                line_no,
                "choices",
            )
        if metric == "accuracy":
            n_choices = len(choices)
    answer = None
    if metric != "pass_at_k":
        raw = record["answer"]
        numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
        if not isinstance(raw, str) and not (metric == "exact_match" and numeric):
            raise _key_error(
                "wrong_type",
                f'Answer key line {line_no}: "answer" must be a string'
                + (" or a number." if metric == "exact_match" else "."),
                line_no,
                "answer",
            )
        if metric == "accuracy":
            answer = key_choice(raw, n_choices)
            if answer is None:
                limit = f" among the {n_choices} choices" if n_choices else ""
                raise _key_error(
                    "invalid_answer",
                    f'Answer key line {line_no}: "answer" does not name a choice letter{limit} '
                    "(expected A, B, C, ...).",
                    line_no,
                    "answer",
                )
        else:
            answer = _exact_text(raw, text)
            if key_answer(answer).text == "":
                raise _key_error(
                    "invalid_answer",
                    f'Answer key line {line_no}: "answer" is empty after normalization.',
                    line_no,
                    "answer",
                )
    return unicodedata.normalize("NFC", str(ident)), answer, category, n_choices


def _frame(
    ids: list[str],
    answers: list[str | None],
    categories: list[str],
    n_choices: list[int | None],
    metric: str,
) -> pl.DataFrame:
    columns: dict[str, list] = {
        "id": ids,
        "answer": answers,
        "category": categories,
        "n_choices": n_choices,
    }
    if metric == "exact_match":
        forms = [key_answer(answer) for answer in answers]
        columns["answer"] = [form.text for form in forms]
        columns["answer_loose"] = [form.loose for form in forms]
        columns["answer_number"] = [form.number for form in forms]
        columns["answer_ratio"] = [form.ratio for form in forms]
    else:
        columns.update(dict.fromkeys(_EXACT_COLUMNS, [None] * len(ids)))
    return pl.DataFrame(columns, schema=KEY_SCHEMA)


def _repeated_id_error(line_no: int, ident: str, previous: int) -> AnswerKeyError:
    return _key_error(
        "duplicate_id",
        f"Answer key line {line_no} repeats the id {quote_excerpt(ident)} first used on line "
        f"{previous}.",
        line_no,
        "id",
    )


def parse_answer_key(
    path: str | os.PathLike[str], *, metric: str, max_line_bytes: int = MAX_KEY_LINE_BYTES
) -> AnswerKey:
    """Parse and validate a JSONL answer key; raise AnswerKeyError on the first problem."""
    _check_metric(metric)
    ids: list[str] = []
    answers: list[str | None] = []
    categories: list[str] = []
    n_choices: list[int | None] = []
    first_lines: dict[str, int] = {}
    with open(path, "rb") as handle:
        for line_no, content, _ in iter_file_lines(handle, max_line_bytes):
            if content is None:
                raise _key_error(
                    "line_too_long",
                    f"Answer key line {line_no} is longer than {max_line_bytes:,} bytes.",
                    line_no,
                )
            text = _decode(content, line_no)
            if is_blank(text):
                continue
            ident, answer, category, choices = _parse_item(text, line_no, metric)
            check_first_use(first_lines, ident, line_no, _repeated_id_error)
            ids.append(ident)
            answers.append(answer)
            categories.append(category)
            n_choices.append(choices)
    if not ids:
        raise _key_error("empty_file", "The answer key has no items (it is empty or blank).")
    return AnswerKey(metric=metric, frame=_frame(ids, answers, categories, n_choices, metric))


def answer_key_from_items(
    items: Iterable[tuple[str, str | None, str, int | None]], *, metric: str
) -> AnswerKey:
    """Build an AnswerKey from ``(id, answer, category, n_choices)`` tuples.

    Accuracy answers must already be letters; exact-match answers are key texts (made
    comparable by :func:`~evaluations.scoring.normalize.key_answer`); ids are taken in NFC.
    """
    _check_metric(metric)
    ids, answers, categories, n_choices = [], [], [], []
    for ident, answer, category, choices in items:
        ids.append(unicodedata.normalize("NFC", ident))
        answers.append(answer)
        categories.append(category)
        n_choices.append(choices)
    return AnswerKey(metric=metric, frame=_frame(ids, answers, categories, n_choices, metric))


def write_answer_key(key: AnswerKey, path: str | os.PathLike[str]) -> None:
    """Store the key as parquet (zstd), atomically: a temporary file, then os.replace."""
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(descriptor)
    try:
        key.frame.select(
            [pl.col(name).cast(dtype) for name, dtype in KEY_SCHEMA.items()]
        ).write_parquet(
            temporary,
            compression="zstd",
            metadata={_METADATA_METRIC: key.metric, _METADATA_VERSION: _FORMAT_VERSION},
        )
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stored_key_metric(path: str | os.PathLike[str]) -> str | None:
    """The metric recorded in a stored key's parquet metadata (None if absent)."""
    return pl.read_parquet_metadata(path).get(_METADATA_METRIC)


def stored_key_format(path: str | os.PathLike[str]) -> str | None:
    """The stored key's format version ("1" keys predate exact decimal answers and NFC ids)."""
    return pl.read_parquet_metadata(path).get(_METADATA_VERSION)


def answer_key_is_current(path: str | os.PathLike[str]) -> bool:
    """True when a stored key exists in the current format (older ones should be re-imported)."""
    try:
        return stored_key_format(path) == _FORMAT_VERSION
    except (OSError, pl.exceptions.PolarsError):
        return False


def check_key_format(path: str | os.PathLike[str], metric: str) -> bool:
    """True for a current key; False for a format-1 key that still works (choice letters and
    pass@k). A format-1 exact-match key is refused: its answers lost leading zeros and labels."""
    if stored_key_format(path) == _FORMAT_VERSION:
        return True
    if metric == "exact_match":
        raise ValueError(
            f"{os.fspath(path)} is an exact-match answer key in the old format 1, whose "
            "answers were normalized lossily; import the benchmark's answer key again."
        )
    return False


def key_frame(path: str | os.PathLike[str], metric: str) -> pl.LazyFrame:
    """The stored key as a lazy frame with every KEY_SCHEMA column (old keys upgraded)."""
    frame = pl.scan_parquet(path)
    if not check_key_format(path, metric):
        frame = frame.with_columns(
            pl.col("id").map_elements(nfc, return_dtype=pl.String),
            *[pl.lit(None, dtype=pl.String).alias(name) for name in _EXACT_COLUMNS],
        )
    return frame.select(list(KEY_SCHEMA))


def check_key_metric(stored: str, requested: str) -> None:
    """ValueError when a key prepared for one metric is asked to score another."""
    if stored != requested:
        raise ValueError(
            f"the answer key was prepared for {stored!r}, but scoring asked for {requested!r}"
        )


def check_stored_key(path: str | os.PathLike[str], metric: str) -> None:
    """ValueError unless ``path`` is a key written by write_answer_key for ``metric``."""
    stored = stored_key_metric(path)
    if stored is None:
        raise ValueError(f"{os.fspath(path)} is not an answer key written by write_answer_key")
    check_key_metric(stored, metric)


def key_ids(path: str | os.PathLike[str], metric: str) -> list[str]:
    """The stored key's ids in key order."""
    return key_frame(path, metric).select("id").collect().get_column("id").to_list()


def load_answer_key(path: str | os.PathLike[str]) -> AnswerKey:
    """Load a key stored by :func:`write_answer_key`."""
    metric = stored_key_metric(path)
    if metric not in METRICS:
        raise ValueError(f"{os.fspath(path)} is not an answer key written by write_answer_key")
    return AnswerKey(metric=metric, frame=key_frame(path, metric).collect())
