"""A per-process memo of built charts, keyed by everything a chart is built from.

Building a validated plotly figure costs milliseconds where the hand-written dictionaries cost
microseconds. Pages behind the page cache (home, phase) build their charts once per cache fill;
the others (model, team, benchmark, compare) would build them at every request. A chart is a
pure function of its rows and options, so the same input gets the same `Chart` back: nothing to
invalidate (changed data is a different key) and nothing to leak (the key is the data itself).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .figure import Chart

MEMO_SIZE = 256  # charts kept per process; each is its JSON and table, a few KB to ~20 KB

_memo: OrderedDict[Hashable, Chart] = OrderedDict()
_lock = threading.Lock()


def memoised(builder: Callable[..., Chart]) -> Callable[..., Chart]:
    """`builder(rows, **options)`, answered from the memo when the same input was built before."""

    @functools.wraps(builder)
    def build(rows, **options: Any) -> Chart:
        rows = tuple(rows)
        try:
            key = (builder.__name__, rows, _frozen(options))
            hash(key)
        except TypeError:  # something unhashable in the input: build without the memo
            return builder(rows, **options)
        with _lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
        chart = builder(rows, **options)
        with _lock:
            _memo[key] = chart
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
        return chart

    return build


def memo_clear() -> None:
    """Forget every memoised chart (for tests and measurements)."""
    with _lock:
        _memo.clear()


def _frozen(value: Any) -> Hashable:
    """A hashable stand-in for an option: mappings and sequences as sorted items and tuples."""
    if isinstance(value, Mapping):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value
