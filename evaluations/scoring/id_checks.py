"""Ids checked against the answer key in line order: no id twice, no id the key lacks.

Every careful reading goes through :func:`checked_ids`, so the first problem of a file is
named the same way (line, field, message) whichever scorer finds it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator

from .errors import PredictionFileError, _, check_first_use, file_error, quote_excerpt
from .fields import PredictionValue

__all__ = ["checked_ids", "raise_first_problem"]

Records = Iterator[tuple[int, str, PredictionValue]]


def _skeleton(text: str) -> str:
    """An id with compatibility forms folded and invisible characters dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def _unknown_id_error(
    line_no: int, ident: str, key_ids: Callable[[], Iterable[str]] | None
) -> PredictionFileError:
    params = {"line": str(line_no), "id": quote_excerpt(ident)}
    template = _(
        "Line %(line)s has the id %(id)s, which is not in this "
        "benchmark's answer key; check that the file is for this benchmark."
    )
    if key_ids is not None:
        target = _skeleton(ident)
        twin = next((key for key in key_ids() if _skeleton(key) == target), None)
        if twin is not None:
            params["twin"] = quote_excerpt(twin)
            template = _(
                "Line %(line)s has the id %(id)s, which is not in this "
                "benchmark's answer key; check that the file is for this benchmark. "
                "It differs from the key's id %(twin)s only in its Unicode form "
                "(full-width or compatibility characters, or invisible characters such as a "
                "zero-width space); write the id exactly as the key does."
            )
    return file_error("unknown_id", template, line_no, "id", params)


def _repeated_id_error(line_no: int, ident: str, previous: int) -> PredictionFileError:
    return file_error(
        "duplicate_id",
        _(
            "Line %(line)s repeats the id %(id)s already used on line "
            "%(previous)s; give each item exactly one prediction."
        ),
        line_no,
        "id",
        {"line": str(line_no), "id": quote_excerpt(ident), "previous": str(previous)},
    )


def checked_ids(
    records: Records,
    *,
    known_ids: Container[str],
    watched_duplicates: Container[str] | None,
    key_ids: Callable[[], Iterable[str]] | None = None,
) -> Records:
    """Duplicate / unknown id checks against the key over ``(line_no, id, value)`` records.

    ``watched_duplicates`` limits the duplicate check to these ids (None: every id).
    ``key_ids`` lists the key's ids, to say when an unknown id differs only in Unicode form.
    """
    first_lines: dict[str, int] = {}
    for line_no, ident, value in records:
        if watched_duplicates is None or ident in watched_duplicates:
            check_first_use(first_lines, ident, line_no, _repeated_id_error)
        if ident not in known_ids:
            raise _unknown_id_error(line_no, ident, key_ids)
        yield line_no, ident, value


def raise_first_problem(records: Records) -> None:
    """Read checked records to the end, so that the first problem, if any, is raised."""
    for _record in records:
        pass
