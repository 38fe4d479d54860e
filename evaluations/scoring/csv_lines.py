"""One CSV line of a predictions file: the header naming the columns, then one record a line.

The header is the first non-blank line and names ``id,prediction`` or ``id,n,c`` in any
order (spaces and case aside); every record fits on one line, with quotes around fields that
hold commas or quotes. ``n`` and ``c`` are written with digits only.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from .errors import _, quote_excerpt
from .fields import PredictionValue, check_sample_counts, file_error, nfc, prediction_fields

__all__ = ["CsvLayout", "parse_csv_header", "parse_csv_line"]

_CSV_INTEGER_CHARACTERS = frozenset("0123456789")


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
        raise file_error(
            "csv_bad_row",
            _(
                "Line %(line)s is not a valid CSV row (%(detail)s); quote fields that contain "
                "commas or quotes, and keep each record on one line."
            ),
            line_no,
            params={"line": str(line_no), "detail": str(exc)},
        ) from None


def parse_csv_header(text: str, *, metric: str, line_no: int) -> CsvLayout:
    """Read the header row of a CSV predictions file into a :class:`CsvLayout`."""
    fields = prediction_fields(metric)
    header = ",".join(fields)
    names = [name.strip().lower() for name in _split_csv(text, line_no)]
    if "id" not in names:
        raise file_error(
            "csv_missing_header",
            _(
                'Line %(line)s should be the CSV header "%(header)s", but it reads '
                "%(text)s. Add the header as the first line."
            ),
            line_no,
            params={"line": str(line_no), "header": header, "text": quote_excerpt(text)},
        )
    for name in names:
        if names.count(name) > 1:
            raise file_error(
                "csv_bad_header",
                _('The CSV header on line %(line)s names the column "%(name)s" twice.'),
                line_no,
                name[:40],
                {"line": str(line_no), "name": name[:40]},
            )
    for name in fields:
        if name not in names:
            raise file_error(
                "missing_field",
                _(
                    'The CSV header on line %(line)s has no "%(name)s" column; expected "%(header)s".'
                ),
                line_no,
                name,
                {"line": str(line_no), "name": name, "header": header},
            )
    for name in names:
        if name not in fields:
            raise file_error(
                "unknown_field",
                _(
                    "The CSV header on line %(line)s has an unknown column %(name)s; "
                    'expected exactly "%(header)s".'
                ),
                line_no,
                name[:40],
                {"line": str(line_no), "name": quote_excerpt(name), "header": header},
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
        raise file_error(
            "nan_value",
            _(
                'Line %(line)s: column "%(field)s" is %(value)s, which is NaN or '
                "Infinity; write a whole number of samples."
            ),
            line_no,
            name,
            {"line": str(line_no), "field": name, "value": quote_excerpt(raw)},
        )
    if number is not None and number < 0 and number == int(number):
        raise file_error(
            "invalid_value",
            _('Line %(line)s: column "%(field)s" is %(value)s; sample counts cannot be negative.'),
            line_no,
            name,
            {"line": str(line_no), "field": name, "value": quote_excerpt(raw)},
        )
    raise file_error(
        "wrong_type",
        _(
            'Line %(line)s: column "%(field)s" is %(value)s; expected a whole number '
            "written with digits only."
        ),
        line_no,
        name,
        {"line": str(line_no), "field": name, "value": quote_excerpt(raw)},
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
        raise file_error(
            "csv_bad_row",
            _(
                "Line %(line)s has %(count)s column(s) but the header on line "
                "%(header_line)s has %(expected)s (%(columns)s)."
            ),
            line_no,
            params={
                "line": str(line_no),
                "count": str(len(values)),
                "header_line": str(layout.header_line),
                "expected": str(len(layout.columns)),
                "columns": ",".join(layout.columns),
            },
        )
    row = dict(zip(layout.columns, values, strict=True))
    if metric == "pass_at_k":
        n = _csv_count("n", row["n"], line_no)
        c = _csv_count("c", row["c"], line_no)
        return nfc(row["id"]), check_sample_counts(n, c, line_no, k, max_samples)
    return nfc(row["id"]), row["prediction"]
