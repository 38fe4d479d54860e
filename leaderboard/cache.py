"""Rendered fragments of the public pages, cached behind a generation key.

Any save or delete of a score, assessment, points, gate result or phase bumps the generation,
so every cached fragment is stale at once (signals are used for this invalidation only). Keys
also carry the language, the viewer's visibility class and the set of published phases, so a
phase whose announcement time passes shows up without any write, and a team's or evaluator's
view never lands under the public key.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

GENERATION_KEY = "kai:leaderboard:generation"
FRAGMENT_TIMEOUT = 600  # seconds; the generation key makes staleness impossible before that


def generation() -> int:
    """The current generation (starts at 1)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_generation(**_kwargs) -> None:
    """Make every cached fragment stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


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
    """The cached value (any picklable value), computed by `compute()` on a miss."""
    key = fragment_key(name, user=user, parts=parts, gen=gen, index=index)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_TIMEOUT)
    return value


def cached_fragment(name: str, *, user, parts: tuple, render, gen=None, index=None) -> str:
    """The cached fragment of HTML, rendered by `render()` on a miss."""
    return cached_value(name, user=user, parts=parts, compute=render, gen=gen, index=index)


def connect_signals() -> None:
    """Bump the generation whenever something a public page shows changes."""
    from .models import Assessment, ComponentPoints, GateResult, Phase, Score

    for model in (Score, Assessment, ComponentPoints, GateResult, Phase):
        for signal in (post_save, post_delete):
            signal.connect(bump_generation, sender=model, dispatch_uid=f"kai-bump-{model.__name__}")
