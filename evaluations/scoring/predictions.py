"""Parsing and validation of a team's predictions file (JSONL or CSV), line by line.

Formats
    JSONL, one object a line: ``{"id": "q1", "prediction": "B"}`` (accuracy, exact_match) or
    ``{"id": "q1", "n": 10, "c": 3}`` (pass_at_k: ``n`` samples, ``c`` of them passed).
    CSV with a header row naming the columns ``id,prediction`` or ``id,n,c`` (any order).
    ``fmt=None`` sniffs: a first non-blank character (after a byte order mark) of ``{`` or
    ``[`` means JSONL, anything else CSV.

Rules shared by both formats: the file is UTF-8 (a byte order mark is accepted), blank lines
are ignored, a line may hold at most ``max_line_bytes`` bytes, and every problem is reported
as a :class:`PredictionFileError` naming the 1-based line (and the field when there is one).
``id`` is a string or an integer (stored as its decimal text). ``prediction`` is a string or a
number (turned into text with ``str``). ``n`` and ``c`` are integers with 0 <= c <= n and
n >= max(k, 1). CSV records must each fit on one line.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import NoReturn

import orjson

from .errors import PredictionFileError, quote_excerpt
from .line_reader import UTF8_BOM, is_blank, iter_file_lines

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "METRICS",
    "CsvLayout",
    "check_head",
    "iter_predictions",
    "parse_csv_header",
    "parse_csv_line",
    "parse_json_line",
    "prediction_fields",
    "sniff_format",
]

METRICS = ("accuracy", "exact_match", "pass_at_k")
DEFAULT_MAX_LINE_BYTES = 1_000_000
_SNIFF_BYTES = 65_536
_PROGRESS_EVERY_LINES = 65_536
_CSV_INTEGER_CHARACTERS = frozenset("0123456789")

PredictionValue = str | tuple[int, int]


def prediction_fields(metric: str) -> tuple[str, ...]:
    """Return the fields every prediction record must have for ``metric``."""
    if metric == "pass_at_k":
        return ("id", "n", "c")
    if metric in ("accuracy", "exact_match"):
        return ("id", "prediction")
    raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def _example(metric: str) -> str:
    if metric == "pass_at_k":
        return '{"id": "q1", "n": 10, "c": 3}'
    return '{"id": "q1", "prediction": "B"}'


def _fields_text(fields: tuple[str, ...]) -> str:
    return ", ".join(f'"{name}"' for name in fields)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def sniff_format(path: str | os.PathLike[str]) -> str:
    """Guess "jsonl" or "csv" from the first non-blank byte (after a BOM); empty files -> jsonl."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
    head = head.lstrip(b" \t\r\n")
    if not head or head[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


def _file_error(code: str, message: str, line: int | None = None, field: str | None = None):
    return PredictionFileError(code, message, line=line, field=field)


def decode_line(content: bytes, line_no: int) -> str:
    """Decode one line's bytes as UTF-8, refusing NUL bytes; errors name the line."""
    nul = content.find(b"\x00")
    if nul >= 0:
        raise _file_error(
            "nul_byte",
            f"Line {line_no} contains a NUL byte (at byte {nul + 1} of the line); "
            "the file must be plain UTF-8 text.",
            line_no,
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _file_error(
            "invalid_utf8",
            f"Line {line_no} is not valid UTF-8 (byte 0x{content[exc.start]:02X} at byte "
            f"{exc.start + 1} of the line); save the file as UTF-8.",
            line_no,
        ) from None


class _NonFinite:
    """Marker the standard json module returns for NaN / Infinity literals."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _non_finite_field(value: object) -> bool:
    if isinstance(value, _NonFinite):
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(_non_finite_field(item) for item in value)
    if isinstance(value, dict):
        return any(_non_finite_field(item) for item in value.values())
    return False


def _raise_json_problem(text: str, line_no: int, metric: str, exc: Exception) -> NoReturn:
    try:
        parsed = json.loads(text, parse_constant=_NonFinite)
    except (ValueError, RecursionError):
        parsed = None
    if parsed is not None and _non_finite_field(parsed):
        field = None
        if isinstance(parsed, dict):
            field = next((str(key) for key, v in parsed.items() if _non_finite_field(v)), None)
        where = f'"{field}" holds' if field else "holds"
        raise _file_error(
            "nan_value",
            f"Line {line_no}: {where} NaN or Infinity, which is not a valid value; "
            "write a finite number or a string.",
            line_no,
            field,
        ) from None
    detail = getattr(exc, "msg", None) or str(exc)
    column = getattr(exc, "colno", None)
    at = f" at column {column}" if column else ""
    raise _file_error(
        "not_json",
        f"Line {line_no} is not valid JSON ({detail}{at}). Each line must be one JSON object "
        f"such as {_example(metric)}.",
        line_no,
    ) from None


def _id_text(value: object, line_no: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _file_error(
        "wrong_type",
        f'Line {line_no}: "id" must be a string or an integer, not {_json_kind(value)}.',
        line_no,
        "id",
    )


def _prediction_text(value: object, line_no: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _file_error(
                "nan_value",
                f'Line {line_no}: "prediction" is NaN or Infinity; write a string or a number.',
                line_no,
                "prediction",
            )
        return str(value)
    raise _file_error(
        "wrong_type",
        f'Line {line_no}: "prediction" must be a string or a number, not {_json_kind(value)}.',
        line_no,
        "prediction",
    )


def _sample_count(name: str, value: object, line_no: int) -> int:
    if isinstance(value, float) and not math.isfinite(value):
        raise _file_error(
            "nan_value",
            f'Line {line_no}: "{name}" is NaN or Infinity; write a whole number of samples.',
            line_no,
            name,
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise _file_error(
            "wrong_type",
            f'Line {line_no}: "{name}" must be a whole number, not {_json_kind(value)}.',
            line_no,
            name,
        )
    if value < 0:
        raise _file_error(
            "invalid_value",
            f'Line {line_no}: "{name}" is {value}; sample counts cannot be negative.',
            line_no,
            name,
        )
    return value


def _sample_counts(
    n_value: object, c_value: object, line_no: int, k: int | None
) -> tuple[int, int]:
    n = _sample_count("n", n_value, line_no)
    c = _sample_count("c", c_value, line_no)
    needed = max(k or 1, 1)
    if n < needed:
        raise _file_error(
            "invalid_value",
            f'Line {line_no}: "n" is {n}, but pass@{k or 1} needs at least {needed} '
            "sample(s) per problem.",
            line_no,
            "n",
        )
    if c > n:
        raise _file_error(
            "invalid_value",
            f'Line {line_no}: "c" ({c}) is larger than "n" ({n}); '
            "c counts the passing samples among the n.",
            line_no,
            "c",
        )
    return (n, c)


def parse_json_line(
    text: str, *, metric: str, line_no: int, k: int | None = None
) -> tuple[str, PredictionValue]:
    """Parse one non-blank JSONL line into ``(id, value)`` or raise PredictionFileError."""
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        _raise_json_problem(text, line_no, metric, exc)
    if not isinstance(record, dict):
        raise _file_error(
            "not_object",
            f"Line {line_no} is {_json_kind(record)}, not a JSON object; write one object a "
            f"line such as {_example(metric)}.",
            line_no,
        )
    fields = prediction_fields(metric)
    for name in fields:
        if name not in record:
            raise _file_error(
                "missing_field",
                f'Line {line_no} has no "{name}" field; each line needs {_fields_text(fields)}.',
                line_no,
                name,
            )
    for name in record:
        if name not in fields:
            raise _file_error(
                "unknown_field",
                f"Line {line_no} has an unknown field {quote_excerpt(name)}; only "
                f"{_fields_text(fields)} are allowed.",
                line_no,
                name[:40],
            )
    ident = _id_text(record["id"], line_no)
    if metric == "pass_at_k":
        return ident, _sample_counts(record["n"], record["c"], line_no, k)
    return ident, _prediction_text(record["prediction"], line_no)


@dataclass(frozen=True)
class CsvLayout:
    """Column order of a CSV predictions file, taken from its header line."""

    columns: tuple[str, ...]
    header_line: int

    def index(self, name: str) -> int:
        """Position of column ``name``."""
        return self.columns.index(name)


def _split_csv(text: str, line_no: int) -> list[str]:
    try:
        return next(csv.reader([text], strict=True))
    except csv.Error as exc:
        raise _file_error(
            "csv_bad_row",
            f"Line {line_no} is not a valid CSV row ({exc}); quote fields that contain commas "
            "or quotes, and keep each record on one line.",
            line_no,
        ) from None


def parse_csv_header(text: str, *, metric: str, line_no: int) -> CsvLayout:
    """Read the header row of a CSV predictions file into a :class:`CsvLayout`."""
    fields = prediction_fields(metric)
    header = ",".join(fields)
    names = [name.strip().lower() for name in _split_csv(text, line_no)]
    if "id" not in names:
        raise _file_error(
            "csv_missing_header",
            f'Line {line_no} should be the CSV header "{header}", but it reads '
            f"{quote_excerpt(text)}. Add the header as the first line.",
            line_no,
        )
    for name in names:
        if names.count(name) > 1:
            raise _file_error(
                "csv_bad_header",
                f'The CSV header on line {line_no} names the column "{name[:40]}" twice.',
                line_no,
                name[:40],
            )
    for name in fields:
        if name not in names:
            raise _file_error(
                "missing_field",
                f'The CSV header on line {line_no} has no "{name}" column; expected "{header}".',
                line_no,
                name,
            )
    for name in names:
        if name not in fields:
            raise _file_error(
                "unknown_field",
                f"The CSV header on line {line_no} has an unknown column {quote_excerpt(name)}; "
                f'expected exactly "{header}".',
                line_no,
                name[:40],
            )
    return CsvLayout(columns=tuple(names), header_line=line_no)


def _csv_count(name: str, raw: str, line_no: int) -> int:
    if raw and all(ch in _CSV_INTEGER_CHARACTERS for ch in raw):
        return int(raw)
    try:
        number = float(raw)
    except ValueError:
        number = None
    if number is not None and not math.isfinite(number):
        raise _file_error(
            "nan_value",
            f'Line {line_no}: column "{name}" is {quote_excerpt(raw)}, which is NaN or '
            "Infinity; write a whole number of samples.",
            line_no,
            name,
        )
    if number is not None and number < 0 and number == int(number):
        raise _file_error(
            "invalid_value",
            f'Line {line_no}: column "{name}" is {quote_excerpt(raw)}; sample counts cannot '
            "be negative.",
            line_no,
            name,
        )
    raise _file_error(
        "wrong_type",
        f'Line {line_no}: column "{name}" is {quote_excerpt(raw)}; expected a whole number '
        "written with digits only.",
        line_no,
        name,
    )


def parse_csv_line(
    text: str, *, layout: CsvLayout, metric: str, line_no: int, k: int | None = None
) -> tuple[str, PredictionValue]:
    """Parse one non-blank CSV data line into ``(id, value)`` or raise PredictionFileError."""
    values = _split_csv(text, line_no)
    if len(values) != len(layout.columns):
        raise _file_error(
            "csv_bad_row",
            f"Line {line_no} has {len(values)} column(s) but the header on line "
            f"{layout.header_line} has {len(layout.columns)} ({','.join(layout.columns)}).",
            line_no,
        )
    row = dict(zip(layout.columns, values, strict=True))
    if metric == "pass_at_k":
        n = _csv_count("n", row["n"], line_no)
        c = _csv_count("c", row["c"], line_no)
        return row["id"], _sample_counts(n, c, line_no, k)
    return row["id"], row["prediction"]


def _check_metric(metric: str, k: int | None) -> None:
    prediction_fields(metric)
    if metric == "pass_at_k" and k is not None and k < 1:
        raise ValueError(f"k must be at least 1 for pass_at_k, got {k}")


def line_too_long_error(line_no: int, max_line_bytes: int) -> PredictionFileError:
    """The error for a line longer than ``max_line_bytes``."""
    return _file_error(
        "line_too_long",
        f"Line {line_no} is longer than {max_line_bytes:,} bytes; put one prediction "
        "on each line and keep predictions short.",
        line_no,
    )


def check_file_size(path: str | os.PathLike[str], max_file_bytes: int | None) -> int:
    """Return the file size, raising file_too_large above ``max_file_bytes``."""
    size = os.path.getsize(path)
    if max_file_bytes is not None and size > max_file_bytes:
        raise _file_error(
            "file_too_large",
            f"The file is {size:,} bytes; the limit is {max_file_bytes:,} bytes.",
        )
    return size


def iter_predictions(
    path: str | os.PathLike[str],
    *,
    metric: str,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    fmt: str | None = None,
    k: int | None = None,
    max_file_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """Stream ``(line_no, id, value)`` in constant memory, raising on the first bad line.

    ``value`` is the prediction text for accuracy / exact_match and ``(n, c)`` for pass_at_k.
    Duplicate and unknown ids are checked by the engine, which knows the answer key.
    """
    _check_metric(metric, k)
    total = check_file_size(path, max_file_bytes)
    fmt = fmt or sniff_format(path)
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown predictions format {fmt!r}; expected 'jsonl' or 'csv'")
    layout: CsvLayout | None = None
    data_lines = 0
    with open(path, "rb") as handle:
        for line_no, content, bytes_read in iter_file_lines(handle, max_line_bytes):
            if content is None:
                raise line_too_long_error(line_no, max_line_bytes)
            text = decode_line(content, line_no)
            if is_blank(text):
                continue
            if fmt == "csv" and layout is None:
                layout = parse_csv_header(text, metric=metric, line_no=line_no)
                continue
            if layout is None:
                ident, value = parse_json_line(text, metric=metric, line_no=line_no, k=k)
            else:
                ident, value = parse_csv_line(
                    text, layout=layout, metric=metric, line_no=line_no, k=k
                )
            data_lines += 1
            yield line_no, ident, value
            if progress is not None and data_lines % _PROGRESS_EVERY_LINES == 0:
                progress(bytes_read, total)
    if data_lines == 0:
        having = "only a CSV header" if layout is not None else "no lines other than blank ones"
        raise _file_error(
            "empty_file",
            f"The file has no predictions ({having}); add one line per item, e.g. "
            f"{_example(metric) if layout is None else ','.join(layout.columns)}.",
        )
    if progress is not None:
        progress(total, total)


def check_head(
    path: str | os.PathLike[str],
    *,
    metric: str,
    max_lines: int = 20,
    fmt: str | None = None,
    k: int | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_file_bytes: int | None = None,
) -> None:
    """Quick submission-time check of the first ``max_lines`` records; raises on any problem."""
    for _ in islice(
        iter_predictions(
            Path(path),
            metric=metric,
            max_line_bytes=max_line_bytes,
            fmt=fmt,
            k=k,
            max_file_bytes=max_file_bytes,
        ),
        max_lines,
    ):
        pass
