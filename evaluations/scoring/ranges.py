"""Byte ranges of a predictions file, each starting at the beginning of a line.

:func:`plan_chunks` cuts a file into ranges that end right after a newline, each with the
number of its first line, so that every range can be read and scored on its own. A whole file
is the single range ``(0, size, 1)``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .fields import DEFAULT_MAX_LINE_BYTES
from .line_reader import iter_file_lines
from .predictions import resolve_format

__all__ = ["DEFAULT_CHUNK_BYTES", "check_range", "line_number_at", "plan_chunks"]

DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024
_SCAN_BYTES = 4 * 1024 * 1024


def _csv_header_end(path: Path, max_line_bytes: int) -> int:
    """Byte offset just after the first non-blank (or over-long) line; 0 if there is none."""
    with open(path, "rb") as handle:
        for _, content, bytes_read in iter_file_lines(handle, max_line_bytes):
            if content is None or content.strip(b" \t\r"):
                return bytes_read
    return 0


def plan_chunks(
    path: str | os.PathLike[str],
    *,
    target_bytes: int,
    fmt: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> list[tuple[int, int, int]]:
    """Cut the file into ``(start, end, first_line_no)`` ranges of about ``target_bytes``.

    The ranges tile ``[0, file size)``; each ends right after a newline byte (the last one at
    the end of the file), so every range starts at the beginning of a line, and
    ``first_line_no`` is that line's 1-based number. The first range starts at 0 and holds the
    byte order mark, if any. For CSV the first range reaches at least past the header line.
    An empty file gives one empty range ``(0, 0, 1)``.
    """
    if isinstance(target_bytes, bool) or not isinstance(target_bytes, int) or target_bytes < 1:
        raise ValueError(f"target_bytes must be a positive integer, got {target_bytes!r}")
    path = Path(path)
    size = os.path.getsize(path)
    fmt = resolve_format(path, fmt)
    first_minimum = _csv_header_end(path, max_line_bytes) if fmt == "csv" else 0
    ranges: list[tuple[int, int, int]] = []
    start, line_no, newlines, position = 0, 1, 0, 0
    with open(path, "rb") as handle:
        while block := handle.read(_SCAN_BYTES):
            offset = 0
            while True:
                wanted = start + target_bytes
                if not ranges:
                    wanted = max(wanted, first_minimum)
                cut = block.find(b"\n", max(wanted - 1 - position, offset))
                if cut < 0:
                    break
                newlines += block.count(b"\n", offset, cut + 1)
                end = position + cut + 1
                ranges.append((start, end, line_no))
                start, line_no, newlines, offset = end, line_no + newlines, 0, cut + 1
            newlines += block.count(b"\n", offset)
            position += len(block)
    if start < size or not ranges:
        ranges.append((start, size, line_no))
    return ranges


def line_number_at(path: Path, start: int) -> int:
    """1-based number of the line starting at byte ``start``."""
    newlines = 0
    with open(path, "rb") as handle:
        remaining = start
        while remaining > 0:
            block = handle.read(min(_SCAN_BYTES, remaining))
            if not block:
                break
            newlines += block.count(b"\n")
            remaining -= len(block)
    return newlines + 1


def check_range(path: Path, start: int, end: int) -> None:
    size = os.path.getsize(path)
    if not 0 <= start <= end <= size:
        raise ValueError(f"chunk [{start}, {end}) is not inside the file of {size} bytes")
    with open(path, "rb") as handle:
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                raise ValueError(f"chunk start {start} is not at the beginning of a line")
        if start < end < size:
            handle.seek(end - 1)
            if handle.read(1) != b"\n":
                raise ValueError(f"chunk end {end} is not right after a newline")
