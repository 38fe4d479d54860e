"""Rendered fragments of the public pages, cached behind a generation key.

Any save or delete of something a public page shows (scores, assessments, points, gates, phases,
participants, teams, models, benchmarks, corrections) bumps the generation once its transaction
has committed, so every cached fragment is stale at once (signals are used for this
invalidation only). Bumping after the commit matters: a reader between the save and the commit
would otherwise rebuild the phase index from the old row and store it under the new generation.

The cache is one that every process of the site shares (Redis, or the database cache of the
embedded default), so a change made by a worker, a command or the admin is seen by every web
process at its next request. Keys also carry the language, the viewer's visibility class and the
set of published phases, so a phase whose announcement time passes shows up without any write,
and a team's or evaluator's view never lands under the public key; entries also expire at the
next scheduled announcement time.

Rendered text (HTML, JSON bodies) is also kept in a small per-process tier in front of the shared
cache (``cachetools.LRUCache``, bounded in bytes). It needs no invalidation of its own: its keys
are the shared keys, which carry the generation read from the shared cache on every request, so
a change anywhere makes every local entry unreachable at once. It saves reading and unpickling a
page of about 140 KB from the shared cache on every request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime

from cachetools import LRUCache
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

GENERATION_KEY = "kai:leaderboard:generation"
FRAGMENT_TIMEOUT = 600  # seconds; the generation key makes staleness impossible before that
PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


LOCAL_TIER_BYTES = 32 * 1024 * 1024  # per process; a rendered page is about 140 KB


def _text_size(value) -> int:
    return len(value)


_local_tier: LRUCache = LRUCache(maxsize=LOCAL_TIER_BYTES, getsizeof=_text_size)
_local_lock = threading.Lock()  # the development server and some workers use threads


def local_tier_clear() -> None:
    """Empty this process's tier (tests that travel in time can meet a generation again)."""
    with _local_lock:
        _local_tier.clear()


def _fresh_generation() -> int:
    """A starting generation above any earlier one, even if the key was evicted meanwhile."""
    return time.time_ns() // 1000


def generation() -> int:
    """The current generation; started from the clock so that it never goes back."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump_now() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def bump_generation(**_kwargs) -> None:
    """Make every cached fragment stale, once the current transaction (if any) has committed."""
    transaction.on_commit(_bump_now)


def visibility_class(user) -> str:
    """'public', 'evaluator' or 'team:<ids>': who may see what, as part of a cache key."""
    from .models import is_evaluator, team_ids_of

    if is_evaluator(user):
        return "evaluator"
    team_ids = team_ids_of(user)
    if team_ids:
        return "team:" + "-".join(str(i) for i in sorted(team_ids))
    return "public"


PHASE_INDEX_KEY = "kai:phase-index"


def _phase_index_from_database() -> dict[str, tuple[int, object]]:
    from .models import Phase

    return {
        slug: (pk, announcement_at)
        for pk, slug, announcement_at in Phase.objects.values_list("pk", "slug", "announcement_at")
    }


def current_state() -> tuple[int, dict[str, tuple[int, object]]]:
    """(generation, phase index) in one cache round trip.

    The index is stored with the generation it was built for; when that is not the current
    generation (something changed since), it is rebuilt from the database.
    """
    values = cache.get_many([GENERATION_KEY, PHASE_INDEX_KEY])
    gen = values.get(GENERATION_KEY)
    gen = generation() if gen is None else int(gen)
    stored = values.get(PHASE_INDEX_KEY)
    if stored is not None and stored[0] == gen:
        return gen, stored[1]
    index = _phase_index_from_database()
    cache.set(PHASE_INDEX_KEY, (gen, index), FRAGMENT_TIMEOUT)
    return gen, index


def phase_index() -> dict[str, tuple[int, object]]:
    """{slug: (pk, announcement_at)} of every phase, cached for the current generation."""
    return current_state()[1]


def published_phase_ids(now=None, index=None) -> list[int]:
    """Ids of the phases whose announcement time has come (Phase.is_published, from the index)."""
    now = now or timezone.now()
    index = phase_index() if index is None else index
    return sorted(pk for pk, at in index.values() if at is not None and at <= now)


def next_announcement(now=None, index=None) -> datetime | None:
    """The earliest announcement time still to come, from the index (None if none is set)."""
    now = now or timezone.now()
    index = phase_index() if index is None else index
    return min((at for _, at in index.values() if at is not None and at > now), default=None)


def seconds_until_next_announcement(now=None, index=None, *, at_most: int) -> int:
    """How long something that depends on the published phases may be kept: at most `at_most`."""
    now = now or timezone.now()
    upcoming = next_announcement(now, index)
    if upcoming is None:
        return at_most
    return max(1, min(at_most, int((upcoming - now).total_seconds())))


def fragment_key(name: str, *, user, parts: tuple = (), gen=None, index=None) -> str:
    """A cache key for one fragment as this user sees it now."""
    if gen is None or index is None:
        gen, index = current_state()
    published = ",".join(str(pk) for pk in published_phase_ids(index=index))
    raw = "|".join(
        [name, str(gen), get_language() or "", visibility_class(user), published]
        + [str(p) for p in parts]
    )
    return "kai:fragment:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_value(name: str, *, user, parts: tuple, compute, gen=None, index=None):
    """The cached value (any picklable value), computed by `compute()` on a miss.

    Text values (str, bytes) are served from this process's tier when it holds the key; other
    values always come from the shared cache, so no request can change another one's object.
    """
    if gen is None or index is None:
        gen, index = current_state()
    key = fragment_key(name, user=user, parts=parts, gen=gen, index=index)
    with _local_lock:
        value = _local_tier.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        # The key already changes when an announcement time passes; expiring then as well keeps
        # the cache from holding entries that no request can use any more.
        timeout = seconds_until_next_announcement(index=index, at_most=FRAGMENT_TIMEOUT)
        cache.set(key, value, timeout)
    if isinstance(value, (str, bytes)) and len(value) <= LOCAL_TIER_BYTES // 8:
        # Only immutable text is shared between requests of this process.
        with _local_lock:
            _local_tier[key] = value
    return value


def cached_fragment(name: str, *, user, parts: tuple, render, gen=None, index=None) -> str | bytes:
    """The cached fragment of HTML (str, or bytes when `render` encodes it), rendered by
    `render()` on a miss."""
    return cached_value(name, user=user, parts=parts, compute=render, gen=gen, index=index)


def public_models() -> tuple:
    """Every model whose rows a public page shows: a save or delete of one bumps the generation."""
    from . import models as lb

    return (
        lb.Score,
        lb.Assessment,
        lb.ComponentPoints,
        lb.GateResult,
        lb.Phase,
        lb.PhaseParticipant,
        lb.PhaseFigure,
        lb.ConversionRule,
        lb.PhaseEvent,
        lb.IndependenceRecord,
        lb.ScoringComponent,
        lb.Team,
        lb.TeamPartner,
        lb.FoundationModel,
        lb.Benchmark,
        lb.Correction,
    )


def connect_signals() -> None:
    """Bump the generation whenever something a public page shows changes."""
    for model in public_models():
        for signal in (post_save, post_delete):
            signal.connect(bump_generation, sender=model, dispatch_uid=f"kai-bump-{model.__name__}")


def shared_cache_check(app_configs=None, **kwargs):
    """`check --deploy`: the generation and phase index need a cache every process shares."""
    from django.conf import settings
    from django.core.checks import Error

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_BACKENDS:
        return [
            Error(
                f"The default cache ({backend}) is private to each process: a change made by "
                "one process (a worker, a command, another web process) would reach the pages "
                "of the others only when their entries expire.",
                hint="Set REDIS_URL, or leave it unset for the shared database cache.",
                id="kai.E001",
            )
        ]
    return []


def cache_table_ensure(using: str = "default", **kwargs) -> None:
    """Create the database cache's table (after `migrate`), when the database cache is used."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c.get("BACKEND", "").endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
