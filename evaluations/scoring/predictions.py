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
``id`` is a string or an integer (stored as its decimal text), taken in Unicode NFC.
``prediction`` is a string, a number (kept as the digits written: ``0.00005`` stays
``0.00005``) or ``null``; ``null`` and ``""`` are predictions that hold no answer (the item is
*invalid*, the file is scored). ``n`` and ``c`` are integers with 0 <= c <= n,
n >= max(k, 1) and, where the benchmark sets a limit, n <= ``max_samples``. CSV records must
each fit on one line.

JSONL lines as pipelines write them: fields other than the expected ones (``raw_output``,
``model``, ``latency`` ...) are ignored and counted (:class:`IgnoredFields`, shown in the
feedback); a field repeated inside one line (``{"id": "q1", "prediction": "A",
"prediction": "B"}``) makes the line ambiguous and is refused with its line number.
"""

from __future__ import annotations

import csv
import json
import math
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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
    "IgnoredFields",
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

PredictionValue = str | None | tuple[int, int]
IGNORED_NAMES_KEPT = 20
_NAME_CHARS = 40


@dataclass
class IgnoredFields:
    """JSONL fields that were ignored: how many lines had any, and how often each name came.

    Only the first ``IGNORED_NAMES_KEPT`` names in sorted order are kept (with exact counts),
    so a chunk's tally and the whole file's agree after merging.
    """

    lines: int = 0
    names: dict[str, int] = field(default_factory=dict)

    def add_line(self, names: Iterable[str]) -> None:
        """Count one line with these ignored field names."""
        self.lines += 1
        for name in names:
            self._count(name[:_NAME_CHARS], 1)

    def _count(self, name: str, count: int) -> None:
        self.names[name] = self.names.get(name, 0) + count
        if len(self.names) > IGNORED_NAMES_KEPT:
            del self.names[max(self.names)]

    def merge(self, other: IgnoredFields) -> None:
        """Add another tally's counts (order does not matter)."""
        self.lines += other.lines
        for name, count in other.names.items():
            self._count(name, count)

    def pairs(self) -> tuple[tuple[str, int], ...]:
        """The kept names with their counts, sorted by name."""
        return tuple(sorted(self.names.items()))


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
    if isinstance(value, float | _JsonNumber):
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


class _JsonNumber(str):
    """A JSON number with a fraction or exponent, kept as the text written in the file."""


class _Repeated(dict):
    """A JSON object in which a key appeared more than once (``repeated`` names it)."""

    repeated = ""


def _object_pairs(pairs: list[tuple[str, object]]) -> dict:
    record = dict(pairs)
    if len(record) == len(pairs):
        return record
    seen: set[str] = set()
    flagged = _Repeated(record)
    flagged.repeated = next(name for name, _ in pairs if name in seen or seen.add(name))
    return flagged


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object_pairs, parse_float=_JsonNumber, parse_constant=_NonFinite
)


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


def nfc(text: str) -> str:
    """An id in Unicode NFC (ids are matched in NFC on both sides)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _id_text(value: object, line_no: int) -> str:
    if isinstance(value, str) and not isinstance(value, _JsonNumber):
        return nfc(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _file_error(
        "wrong_type",
        f'Line {line_no}: "id" must be a string or an integer, not {_json_kind(value)}.',
        line_no,
        "id",
    )


def _prediction_text(value: object, line_no: int) -> str | None:
    if value is None or isinstance(value, str):
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
    n_value: object, c_value: object, line_no: int, k: int | None, max_samples: int | None
) -> tuple[int, int]:
    n = _sample_count("n", n_value, line_no)
    c = _sample_count("c", c_value, line_no)
    needed = max(k or 1, 1)
    if max_samples is not None and n > max_samples:
        raise _file_error(
            "too_many_samples",
            f'Line {line_no}: "n" is {n:,}, but this benchmark accepts at most '
            f"{max_samples:,} samples per problem (its sample limit). Report n and c over at "
            f"most {max_samples:,} samples.",
            line_no,
            "n",
        )
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


def _decode(text: str, line_no: int, metric: str) -> object:
    """Decode one JSON line, keeping number texts, noting repeated keys and refusing what
    orjson refuses (lone surrogates, NaN)."""
    try:
        record = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        try:
            orjson.loads(text)
        except orjson.JSONDecodeError as orjson_exc:
            _raise_json_problem(text, line_no, metric, orjson_exc)
        _raise_json_problem(text, line_no, metric, exc)
    if "\\u" in text or _non_finite_field(record):
        try:
            orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            _raise_json_problem(text, line_no, metric, exc)
    return record


def parse_json_line(
    text: str,
    *,
    metric: str,
    line_no: int,
    k: int | None = None,
    max_samples: int | None = None,
    ignored: IgnoredFields | None = None,
) -> tuple[str, PredictionValue]:
    """Parse one non-blank JSONL line into ``(id, value)`` or raise PredictionFileError.

    Fields other than the metric's are ignored and, when ``ignored`` is given, counted there.
    """
    record = _decode(text, line_no, metric)
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
    if isinstance(record, _Repeated):
        name = record.repeated
        raise _file_error(
            "repeated_field",
            f"Line {line_no} gives the field {quote_excerpt(name)} twice, so it is not clear "
            "which value is meant; write each field once per line.",
            line_no,
            name[:40],
        )
    if ignored is not None and len(record) > len(fields):
        ignored.add_line(name for name in record if name not in fields)
    ident = _id_text(record["id"], line_no)
    if metric == "pass_at_k":
        return ident, _sample_counts(record["n"], record["c"], line_no, k, max_samples)
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
    text: str,
    *,
    layout: CsvLayout,
    metric: str,
    line_no: int,
    k: int | None = None,
    max_samples: int | None = None,
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
        return nfc(row["id"]), _sample_counts(n, c, line_no, k, max_samples)
    return nfc(row["id"]), row["prediction"]


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
    max_samples: int | None = None,
    ignored: IgnoredFields | None = None,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """Stream ``(line_no, id, value)`` in constant memory, raising on the first bad line.

    ``value`` is the prediction text (or None) for accuracy / exact_match and ``(n, c)`` for
    pass_at_k. Duplicate and unknown ids are checked by the engine, which knows the answer key.
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
                ident, value = parse_json_line(
                    text,
                    metric=metric,
                    line_no=line_no,
                    k=k,
                    max_samples=max_samples,
                    ignored=ignored,
                )
            else:
                ident, value = parse_csv_line(
                    text,
                    layout=layout,
                    metric=metric,
                    line_no=line_no,
                    k=k,
                    max_samples=max_samples,
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
    max_samples: int | None = None,
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
            max_samples=max_samples,
        ),
        max_lines,
    ):
        pass
