"""The fields of one prediction record, the same in JSONL and CSV: names, ids, sample counts.

``id`` is taken in Unicode NFC; ``n`` and ``c`` (pass@k) satisfy 0 <= c <= n, n >= max(k, 1)
and, where the benchmark sets a limit, n <= ``max_samples``. Fields a JSONL line has beyond
the expected ones are counted in :class:`IgnoredFields`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import _, file_error

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "IGNORED_NAMES_KEPT",
    "METRICS",
    "IgnoredFields",
    "PredictionValue",
    "check_sample_counts",
    "example_record",
    "file_error",
    "nfc",
    "prediction_fields",
]

METRICS = ("accuracy", "exact_match", "pass_at_k")
DEFAULT_MAX_LINE_BYTES = 1_000_000
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


def example_record(metric: str) -> str:
    """A JSONL line of the right shape for ``metric``, for error messages."""
    if metric == "pass_at_k":
        return '{"id": "q1", "n": 10, "c": 3}'
    return '{"id": "q1", "prediction": "B"}'


def nfc(text: str) -> str:
    """An id in Unicode NFC (ids are matched in NFC on both sides)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def check_sample_counts(
    n: int, c: int, line_no: int, k: int | None, max_samples: int | None
) -> tuple[int, int]:
    """``(n, c)`` when they fit pass@k and the benchmark's sample limit, else the error."""
    needed = max(k or 1, 1)
    if max_samples is not None and n > max_samples:
        raise file_error(
            "too_many_samples",
            _(
                'Line %(line)s: "n" is %(n)s, but this benchmark accepts at most '
                "%(limit)s samples per problem (its sample limit). Report n and c over at "
                "most %(limit)s samples."
            ),
            line_no,
            "n",
            {"line": str(line_no), "n": f"{n:,}", "limit": f"{max_samples:,}"},
        )
    if n < needed:
        raise file_error(
            "invalid_value",
            _(
                'Line %(line)s: "n" is %(n)s, but pass@%(k)s needs at least %(needed)s '
                "sample(s) per problem."
            ),
            line_no,
            "n",
            {"line": str(line_no), "n": str(n), "k": str(k or 1), "needed": str(needed)},
        )
    if c > n:
        raise file_error(
            "invalid_value",
            _(
                'Line %(line)s: "c" (%(c)s) is larger than "n" (%(n)s); '
                "c counts the passing samples among the n."
            ),
            line_no,
            "c",
            {"line": str(line_no), "c": str(c), "n": str(n)},
        )
    return (n, c)
