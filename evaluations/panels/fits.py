"""Bradley–Terry fits kept in the shared cache, keyed by the votes themselves.

The fit with its bootstrap intervals (`statistics.bradley_terry`, 500 refits) takes seconds to
a minute for a few thousand votes: too long to redo at every request of the public page and the
API. It is a pure function of the counted votes, the seed and the number of samples, so the key
is a hash of exactly those: new votes are a new key, nothing to invalidate, nothing to leak.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.cache import cache

from . import statistics

FIT_TIMEOUT = 7 * 24 * 3600  # seconds; the same votes give the same fit, so only memory limits it


def fit_key(n_items: int, votes: Sequence[statistics.PairVote]) -> str:
    text = repr(
        (
            n_items,
            statistics.BOOTSTRAP_SAMPLES,
            statistics.BOOTSTRAP_SEED,
            statistics.CHOIX_ALPHA,
            [(v.a, v.b, v.winner) for v in votes],
        )
    )
    return "kai:panels:bt:" + hashlib.sha256(text.encode()).hexdigest()


def bradley_terry_cached(
    n_items: int, votes: Sequence[statistics.PairVote]
) -> list[statistics.Strength] | None:
    """`statistics.bradley_terry(n_items, votes)`, from the shared cache when fitted before."""
    key = fit_key(n_items, votes)
    hit = cache.get(key)
    if hit is not None:
        return [statistics.Strength(*s) for s in hit] if hit != "none" else None
    fitted = statistics.bradley_terry(n_items, votes)
    stored = "none" if fitted is None else [(s.rating, s.low, s.high) for s in fitted]
    cache.set(key, stored, timeout=FIT_TIMEOUT)
    return fitted
