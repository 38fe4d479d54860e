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
``model``, ``latency`` ...) are ignored and counted (:class:`~.fields.IgnoredFields`, shown in
the feedback); a field repeated inside one line (``{"id": "q1", "prediction": "A",
"prediction": "B"}``) makes the line ambiguous and is refused with its line number.

One line is parsed by :mod:`.json_lines` or :mod:`.csv_lines` (their shared field rules are in
:mod:`.fields`); this module reads a file, or a byte range of it, line by line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .csv_lines import CsvLayout, parse_csv_header, parse_csv_line
from .errors import PredictionFileError, _
from .fields import (
    DEFAULT_MAX_LINE_BYTES,
    METRICS,
    IgnoredFields,
    PredictionValue,
    example_record,
    file_error,
    nfc,
    prediction_fields,
)
from .json_lines import parse_json_line
from .line_reader import UTF8_BOM, is_blank, iter_file_lines, iter_range_lines

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "METRICS",
    "CsvLayout",
    "IgnoredFields",
    "LineFormat",
    "PredictionValue",
    "check_file_size",
    "check_head",
    "decode_line",
    "iter_predictions",
    "iter_range",
    "line_too_long_error",
    "nfc",
    "parse_csv_header",
    "parse_csv_line",
    "parse_json_line",
    "prediction_fields",
    "read_csv_layout",
    "resolve_format",
    "sniff_format",
]

_SNIFF_BYTES = 65_536
_PROGRESS_EVERY_LINES = 65_536
FORMATS = ("jsonl", "csv")


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


def resolve_format(path: str | os.PathLike[str], fmt: str | None) -> str:
    """The format given, or sniffed when None; ValueError for any other than jsonl and csv."""
    fmt = fmt or sniff_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown predictions format {fmt!r}; expected 'jsonl' or 'csv'")
    return fmt


def decode_line(content: bytes, line_no: int) -> str:
    """Decode one line's bytes as UTF-8, refusing NUL bytes; errors name the line."""
    nul = content.find(b"\x00")
    if nul >= 0:
        raise file_error(
            "nul_byte",
            _(
                "Line %(line)s contains a NUL byte (at byte %(byte)s of the line); "
                "the file must be plain UTF-8 text."
            ),
            line_no,
            params={"line": str(line_no), "byte": str(nul + 1)},
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise file_error(
            "invalid_utf8",
            _(
                "Line %(line)s is not valid UTF-8 (byte %(value)s at byte "
                "%(byte)s of the line); save the file as UTF-8."
            ),
            line_no,
            params={
                "line": str(line_no),
                "value": f"0x{content[exc.start]:02X}",
                "byte": str(exc.start + 1),
            },
        ) from None


def line_too_long_error(line_no: int, max_line_bytes: int) -> PredictionFileError:
    """The error for a line longer than ``max_line_bytes``."""
    return file_error(
        "line_too_long",
        _(
            "Line %(line)s is longer than %(limit)s bytes; put one prediction "
            "on each line and keep predictions short."
        ),
        line_no,
        params={"line": str(line_no), "limit": f"{max_line_bytes:,}"},
    )


def check_file_size(path: str | os.PathLike[str], max_file_bytes: int | None) -> int:
    """Return the file size, raising file_too_large above ``max_file_bytes``."""
    size = os.path.getsize(path)
    if max_file_bytes is not None and size > max_file_bytes:
        raise file_error(
            "file_too_large",
            _("The file is %(size)s bytes; the limit is %(limit)s bytes."),
            params={"size": f"{size:,}", "limit": f"{max_file_bytes:,}"},
        )
    return size


@dataclass(frozen=True)
class LineFormat:
    """How each data line of a file is read: the metric's fields (and pass@k's ``k`` and
    sample limit), the CSV header (None: JSONL) and the longest line allowed."""

    metric: str
    k: int | None = None
    layout: CsvLayout | None = None
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    max_samples: int | None = None

    def parse(
        self, text: str, line_no: int, ignored: IgnoredFields | None = None
    ) -> tuple[str, PredictionValue]:
        """One non-blank data line as ``(id, value)``, or the PredictionFileError naming it."""
        if self.layout is None:
            return parse_json_line(
                text,
                metric=self.metric,
                line_no=line_no,
                k=self.k,
                max_samples=self.max_samples,
                ignored=ignored,
            )
        return parse_csv_line(
            text,
            layout=self.layout,
            metric=self.metric,
            line_no=line_no,
            k=self.k,
            max_samples=self.max_samples,
        )


def read_csv_layout(
    path: str | os.PathLike[str], *, metric: str, max_line_bytes: int
) -> CsvLayout | None:
    """The CSV header: the first non-blank line, checked (None when every line is blank)."""
    with open(path, "rb") as handle:
        for line_no, content, _ in iter_file_lines(handle, max_line_bytes):
            if content is None:
                raise line_too_long_error(line_no, max_line_bytes)
            text = decode_line(content, line_no)
            if not is_blank(text):
                return parse_csv_header(text, metric=metric, line_no=line_no)
    return None


def iter_range(
    path: str | os.PathLike[str],
    line_format: LineFormat,
    *,
    start: int,
    end: int,
    first_line_no: int,
    ignored: IgnoredFields | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, str, PredictionValue]]:
    """``(line_no, id, value)`` of the byte range ``[start, end)``, raising on the first bad line.

    The range starts at the beginning of line ``first_line_no``; blank lines and, for CSV,
    the lines up to the header are skipped. ``progress`` receives ``(offset, end)`` every
    few thousand records.
    """
    max_line_bytes = line_format.max_line_bytes
    layout = line_format.layout
    skip_through = layout.header_line if layout is not None else 0
    lines = iter_range_lines(path, start, end, max_line_bytes, first_line_no=first_line_no)
    data_lines = 0
    for line_no, content, offset in lines:
        if content is None:
            raise line_too_long_error(line_no, max_line_bytes)
        text = decode_line(content, line_no)
        if is_blank(text) or line_no <= skip_through:
            continue
        yield (line_no, *line_format.parse(text, line_no, ignored))
        data_lines += 1
        if progress is not None and data_lines % _PROGRESS_EVERY_LINES == 0:
            progress(offset, end)


def _check_metric(metric: str, k: int | None) -> None:
    prediction_fields(metric)
    if metric == "pass_at_k" and k is not None and k < 1:
        raise ValueError(f"k must be at least 1 for pass_at_k, got {k}")


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
    fmt = resolve_format(path, fmt)
    layout = None
    if fmt == "csv":
        layout = read_csv_layout(path, metric=metric, max_line_bytes=max_line_bytes)
    line_format = LineFormat(metric, k, layout, max_line_bytes, max_samples)
    data_lines = 0
    for record in iter_range(
        path, line_format, start=0, end=total, first_line_no=1, ignored=ignored, progress=progress
    ):
        data_lines += 1
        yield record
    if data_lines == 0:
        if layout is not None:
            template = _(
                "The file has no predictions (only a CSV header); add one line per item, "
                "e.g. %(example)s."
            )
        else:
            template = _(
                "The file has no predictions (no lines other than blank ones); add one line "
                "per item, e.g. %(example)s."
            )
        example = example_record(metric) if layout is None else ",".join(layout.columns)
        raise file_error("empty_file", template, params={"example": example})
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
    for _record in islice(
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
