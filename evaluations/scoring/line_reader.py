"""Bounded-memory reading of text files line by line, with the same line rules as the fast path.

A line ends at ``\\n``; one ``\\r`` before it (or at the end of the file) is dropped, a UTF-8
byte order mark at the very start of the file is dropped, and a line longer than the limit
is reported without being read into memory. Polars' ``scan_lines`` follows the same rules,
which keeps line numbers and contents identical between the fast and the careful paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["UTF8_BOM", "is_blank", "iter_file_lines", "iter_range_lines"]

UTF8_BOM = b"\xef\xbb\xbf"
BLANK_CHARACTERS = " \t\r"


def iter_file_lines(
    handle: BinaryIO, max_line_bytes: int, *, first_line_no: int = 1
) -> Iterator[tuple[int, bytes | None, int]]:
    """Yield ``(line_no, content, bytes_read)``; ``content`` is None for a line over the limit.

    After yielding an over-long line the iterator stops: the caller is expected to report it.
    ``first_line_no`` > 1 reads a file from the middle (the handle positioned at the start of
    that line): numbering continues from there and no byte order mark is expected.
    """
    line_no = first_line_no - 1
    bytes_read = 0
    while True:
        limit = max_line_bytes + 2 + (len(UTF8_BOM) if line_no == 0 else 0)
        raw = handle.readline(limit)
        if not raw:
            return
        line_no += 1
        bytes_read += len(raw)
        content = raw[:-1] if raw.endswith(b"\n") else raw
        if content.endswith(b"\r"):
            content = content[:-1]
        if line_no == 1 and content.startswith(UTF8_BOM):
            content = content[len(UTF8_BOM) :]
        if len(content) > max_line_bytes:
            yield line_no, None, bytes_read
            return
        yield line_no, content, bytes_read


class _RangeReader:
    """``readline`` over a file handle that stops at the end of a byte range."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.remaining = length

    def readline(self, limit: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if limit < 0 else min(limit, self.remaining)
        data = self.handle.readline(size)
        self.remaining -= len(data)
        return data


def iter_range_lines(
    path: str | os.PathLike[str],
    start: int,
    end: int,
    max_line_bytes: int,
    *,
    first_line_no: int = 1,
) -> Iterator[tuple[int, bytes | None, int]]:
    """:func:`iter_file_lines` over the bytes ``[start, end)`` of a file; the third item is the
    offset in the file just after the line. ``start`` is the beginning of line ``first_line_no``."""
    with open(path, "rb") as handle:
        handle.seek(start)
        reader = _RangeReader(handle, end - start)
        for line_no, content, bytes_read in iter_file_lines(
            reader, max_line_bytes, first_line_no=first_line_no
        ):
            yield line_no, content, start + bytes_read


def is_blank(text: str) -> bool:
    """True for a line holding only spaces, tabs or carriage returns; such lines are ignored."""
    return not text.strip(BLANK_CHARACTERS)
