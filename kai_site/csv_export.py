"""Every CSV the site writes goes through here, so that no cell runs as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (a tab or a carriage
return in front can hide one), so a model name or a category such as `=HYPERLINK(...)` entered
by someone could run on the reader's machine. As OWASP recommends, such a text cell is written
with a leading apostrophe, which spreadsheets show as text and do not display. Numbers stay
numbers: an int, float or Decimal is written unchanged, and so is text that is just a number in
plain notation ("-3.5", "+2", "1e-3"), which no spreadsheet runs. (defusedcsv, the package for
this, leaves cells starting with a tab or a carriage return unchanged and rewrites `|`.)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from numbers import Number
from typing import IO

# The full-width forms too: some spreadsheet programs in East Asian locales read them as the
# ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

BOM = "\ufeff"


def safe_cell(value):
    """The value as a spreadsheet may show it: text that could run gets a leading apostrophe."""
    if value is None or isinstance(value, Number):  # bool, int, float, Decimal: never a formula
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_write(
    stream: IO[str],
    *,
    fieldnames: Sequence[str],
    rows: Iterable[Mapping],
    bom: bool = False,
) -> None:
    """Write a header and one line per row (dicts keyed by fieldnames), every cell made safe.

    `bom` starts the file with a UTF-8 byte order mark, so spreadsheet programs read Korean
    text as UTF-8; a caller that writes its own BOM first can leave it False.
    """
    if bom:
        stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow([safe_cell(name) for name in fieldnames])
    known = set(fieldnames)
    for row in rows:
        if unknown := set(row) - known:  # as csv.DictWriter: a field nobody named is a mistake
            raise ValueError(f"fields not in fieldnames: {sorted(unknown)}")
        writer.writerow([safe_cell(row.get(name, "")) for name in fieldnames])
