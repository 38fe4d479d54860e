"""One JSONL line of a predictions file: decoded strictly, checked field by field.

A line is one JSON object with the metric's fields (:func:`~.fields.prediction_fields`).
Numbers keep the text written (``0.00005`` stays ``0.00005``); NaN, Infinity and lone
surrogates are refused as orjson refuses them; a field repeated inside one line is refused
with its line number; other fields are ignored and counted (:class:`~.fields.IgnoredFields`).
"""

from __future__ import annotations

import json
import math
from typing import NoReturn

import orjson

from .errors import _, quote_excerpt
from .fields import (
    IgnoredFields,
    PredictionValue,
    check_sample_counts,
    example_record,
    file_error,
    nfc,
    prediction_fields,
)

__all__ = ["parse_json_line"]


def _fields_text(fields: tuple[str, ...]) -> str:
    return ", ".join(f'"{name}"' for name in fields)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("an integer")
    if isinstance(value, float | _JsonNumber):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


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
        if field:
            template = _(
                'Line %(line)s: "%(field)s" holds NaN or Infinity, which is not a valid value; '
                "write a finite number or a string."
            )
        else:
            template = _(
                "Line %(line)s: holds NaN or Infinity, which is not a valid value; "
                "write a finite number or a string."
            )
        raise file_error(
            "nan_value", template, line_no, field, {"line": str(line_no), "field": field or ""}
        ) from None
    detail = getattr(exc, "msg", None) or str(exc)
    column = getattr(exc, "colno", None)
    if column:
        template = _(
            "Line %(line)s is not valid JSON (%(detail)s at column %(column)s). Each line must "
            "be one JSON object such as %(example)s."
        )
    else:
        template = _(
            "Line %(line)s is not valid JSON (%(detail)s). Each line must be one JSON object "
            "such as %(example)s."
        )
    params = {
        "line": str(line_no),
        "detail": str(detail),
        "column": str(column),
        "example": example_record(metric),
    }
    raise file_error("not_json", template, line_no, params=params) from None


def _id_text(value: object, line_no: int) -> str:
    if isinstance(value, str) and not isinstance(value, _JsonNumber):
        return nfc(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise file_error(
        "wrong_type",
        _('Line %(line)s: "id" must be a string or an integer, not %(kind)s.'),
        line_no,
        "id",
        {"line": str(line_no), "kind": _json_kind(value)},
    )


def _prediction_text(value: object, line_no: int) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise file_error(
                "nan_value",
                _('Line %(line)s: "prediction" is NaN or Infinity; write a string or a number.'),
                line_no,
                "prediction",
                {"line": str(line_no)},
            )
        return str(value)
    raise file_error(
        "wrong_type",
        _('Line %(line)s: "prediction" must be a string or a number, not %(kind)s.'),
        line_no,
        "prediction",
        {"line": str(line_no), "kind": _json_kind(value)},
    )


def _sample_count(name: str, value: object, line_no: int) -> int:
    if isinstance(value, float) and not math.isfinite(value):
        raise file_error(
            "nan_value",
            _('Line %(line)s: "%(field)s" is NaN or Infinity; write a whole number of samples.'),
            line_no,
            name,
            {"line": str(line_no), "field": name},
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise file_error(
            "wrong_type",
            _('Line %(line)s: "%(field)s" must be a whole number, not %(kind)s.'),
            line_no,
            name,
            {"line": str(line_no), "field": name, "kind": _json_kind(value)},
        )
    if value < 0:
        raise file_error(
            "invalid_value",
            _('Line %(line)s: "%(field)s" is %(value)s; sample counts cannot be negative.'),
            line_no,
            name,
            {"line": str(line_no), "field": name, "value": str(value)},
        )
    return value


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
        raise file_error(
            "not_object",
            _(
                "Line %(line)s is %(kind)s, not a JSON object; write one object a "
                "line such as %(example)s."
            ),
            line_no,
            params={
                "line": str(line_no),
                "kind": _json_kind(record),
                "example": example_record(metric),
            },
        )
    fields = prediction_fields(metric)
    for name in fields:
        if name not in record:
            raise file_error(
                "missing_field",
                _('Line %(line)s has no "%(field)s" field; each line needs %(fields)s.'),
                line_no,
                name,
                {"line": str(line_no), "field": name, "fields": _fields_text(fields)},
            )
    if isinstance(record, _Repeated):
        name = record.repeated
        raise file_error(
            "repeated_field",
            _(
                "Line %(line)s gives the field %(name)s twice, so it is not clear "
                "which value is meant; write each field once per line."
            ),
            line_no,
            name[:40],
            {"line": str(line_no), "name": quote_excerpt(name)},
        )
    if ignored is not None and len(record) > len(fields):
        ignored.add_line(name for name in record if name not in fields)
    ident = _id_text(record["id"], line_no)
    if metric == "pass_at_k":
        n = _sample_count("n", record["n"], line_no)
        c = _sample_count("c", record["c"], line_no)
        return ident, check_sample_counts(n, c, line_no, k, max_samples)
    return ident, _prediction_text(record["prediction"], line_no)
