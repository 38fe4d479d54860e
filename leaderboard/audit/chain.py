"""The tamper-evident audit log: canonical JSON, hash-chained appends and chain verification.

Each entry's hash is SHA-256 over the previous entry's hash followed by the canonical JSON of
the entry (sorted keys, no whitespace, Decimal and datetime as strings), so changing or removing
any entry breaks every hash after it. Private feedback never enters the log in clear: only a
keyed digest of it does, so the public can verify entries without reading it. Actors are
recorded by role (evaluator, team, system), never by username.

The full chain covers everything, including what is not public yet (scoring in a phase before its
announcement); evaluators and `verify_audit_log` check it. The public sees a chain of its own,
over the published entries only, in the order they became public, with its own head hash and
count, so nothing hidden can be inferred from it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import AuditEntry, Phase, is_evaluator, team_ids_of

GENESIS_HASH = "0" * 64
ROLE_EVALUATOR = "evaluator"
ROLE_TEAM = "team"
ROLE_SYSTEM = "system"
_PG_LOCK_KEY = 7_305_112_001  # pg_advisory_xact_lock key that serializes appends


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"cannot put {type(value).__name__} into the audit log")


def canonical_json(value) -> str:
    """JSON with sorted keys and no whitespace; Decimal, datetime, date and UUID as strings."""
    if value is None:
        return ""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def private_digest(text: str) -> str:
    """A keyed digest of private text: shows that it changed without revealing it."""
    if not text:
        return ""
    key = settings.SECRET_KEY.encode()
    return "hmac-sha256:" + hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def entry_payload(entry: AuditEntry) -> dict:
    """What the hash covers: every field of the entry except the hashes themselves."""
    return {
        "seq": entry.seq,
        "created_at": _default(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "phase_id": entry.phase_id,
        "before": entry.before,
        "after": entry.after,
    }


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 of the previous hash followed by the entry's canonical JSON."""
    data = (prev_hash + canonical_json(entry_payload(entry))).encode()
    return hashlib.sha256(data).hexdigest()


def _object_phase_id(obj) -> int | None:
    if isinstance(obj, Phase):
        return obj.pk
    return getattr(obj, "phase_id", None)


def actor_role(actor) -> str:
    """How the record names an actor: its role, never its username."""
    if not getattr(actor, "is_authenticated", False):
        return ROLE_SYSTEM
    if is_evaluator(actor):
        return ROLE_EVALUATOR
    if getattr(actor, "pk", None) is not None and team_ids_of(actor):
        return ROLE_TEAM
    return "user"


def _lock_last_entry() -> AuditEntry | None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        return AuditEntry.objects.order_by("-seq").first()
    return AuditEntry.objects.select_for_update().order_by("-seq").first()


def audit_record(actor, action: str, obj, before, after, *, phase_id=None) -> AuditEntry:
    """Append one entry to the chain (serialized: one append at a time)."""
    with transaction.atomic():
        last = _lock_last_entry()
        prev = last.entry_hash if last else GENESIS_HASH
        seq = (last.seq + 1) if last else 1
        authenticated = getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            seq=seq,
            created_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_label=actor_role(actor),
            action=action,
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
            object_id=str(obj.pk),
            object_label=str(obj)[:300],
            phase_id=phase_id if phase_id is not None else _object_phase_id(obj),
            before=canonical_json(before),
            after=canonical_json(after),
            prev_hash=prev,
        )
        entry.entry_hash = entry_hash(prev, entry)
        entry.save(force_insert=True)
    return entry


def head_hash() -> str:
    last = AuditEntry.objects.order_by("-seq").only("entry_hash").first()
    return last.entry_hash if last else GENESIS_HASH


# ---------------------------------------------------------------- the public chain

PUBLIC_ROLES = (ROLE_EVALUATOR, ROLE_TEAM, ROLE_SYSTEM)
PUBLIC_HASH_RULE = (
    "public_hash = sha256(previous public_hash + canonical_json(entry)), starting from 64 zeros; "
    "entry: every field listed except prev_hash and public_hash; canonical JSON: sorted keys, "
    "no whitespace, UTF-8, Decimal and datetime as strings"
)


def public_actor(entry: AuditEntry) -> str:
    """The actor's role; entries recorded before roles were kept hold a name, shown as a role."""
    if entry.actor_label in PUBLIC_ROLES:
        return entry.actor_label
    if entry.actor_id is None:
        return ROLE_SYSTEM
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=entry.actor_id).first()
    return actor_role(user) if user is not None else ROLE_EVALUATOR


@dataclass
class PublicEntry:
    """One published entry in the public chain."""

    position: int
    entry: AuditEntry
    public_since: datetime
    actor: str
    prev_hash: str = ""
    public_hash: str = ""

    def payload(self) -> dict:
        e = self.entry
        return {
            "position": self.position,
            "public_since": _default(self.public_since),
            "created_at": _default(e.created_at),
            "actor": self.actor,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_label": e.object_label,
            "before": e.before,
            "after": e.after,
            "entry_hash": e.entry_hash,
        }


@dataclass
class PublicChain:
    entries: list[PublicEntry]

    @property
    def head_hash(self) -> str:
        return self.entries[-1].public_hash if self.entries else GENESIS_HASH

    @property
    def count(self) -> int:
        return len(self.entries)


def public_chain(now=None) -> PublicChain:
    """The published entries in the order they became public, each hashed onto the previous one.

    An entry becomes public when it is written or, for an entry of a phase, at the phase's
    announcement time, whichever is later; so a publication appends its phase's entries at the
    end and the chain the public saw before is a prefix of the chain it sees after.
    """
    now = now or timezone.now()
    announcements = dict(Phase.objects.published(now).values_list("pk", "announcement_at"))
    entries = list(AuditEntry.objects.about_published(now).order_by("seq"))
    roles: dict[int, str] = {}
    items = []
    for entry in entries:
        since = entry.created_at
        announced = announcements.get(entry.phase_id)
        if announced is not None and announced > since:
            since = announced
        if entry.actor_label in PUBLIC_ROLES or entry.actor_id is None:
            actor = public_actor(entry)
        else:
            actor = roles.setdefault(entry.actor_id, public_actor(entry))
        items.append((since, entry.seq, entry, actor))
    items.sort(key=lambda item: (item[0], item[1]))
    chain, prev = [], GENESIS_HASH
    for position, (since, _seq, entry, actor) in enumerate(items, start=1):
        item = PublicEntry(position, entry, since, actor, prev_hash=prev)
        item.public_hash = hashlib.sha256(
            (prev + canonical_json(item.payload())).encode()
        ).hexdigest()
        prev = item.public_hash
        chain.append(item)
    return PublicChain(chain)


@dataclass
class ChainCheck:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_chain_verify() -> ChainCheck:
    """Recompute the chain from the first entry; name the first entry that does not match."""
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainCheck(checked, entry.seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainCheck(checked, entry.seq, "its previous hash does not match the chain")
        if entry_hash(prev, entry) != entry.entry_hash:
            return ChainCheck(checked, entry.seq, "its content does not match its hash")
        prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    return ChainCheck(checked)


# ---------------------------------------------------------------- snapshots


def score_snapshot(score) -> dict | None:
    if score is None:
        return None
    return {
        "model": score.model.slug,
        "benchmark": score.benchmark.code,
        "phase": score.phase.slug if score.phase_id else None,
        "value": score.value,
        "decimals": score.decimals,
        "interval_low": score.interval_low,
        "interval_high": score.interval_high,
        "item_count": score.item_count,
        "mode": score.mode,
        "reporter": score.reporter,
        "source_title": score.source_title,
        "source_url": score.source_url,
        "run": str(score.run_id) if score.run_id else None,
    }


def assessment_snapshot(assessment) -> dict | None:
    """The decision as the log records it: private feedback only as a keyed digest."""
    if assessment is None or assessment.pk is None:
        return None
    points = {
        p.component.code: {
            "points": p.points,
            "max_points": p.max_points,
            "published_figure": p.is_published_figure,
        }
        for p in assessment.points.select_related("component").order_by("component__order")
    }
    gates = {
        g.component.code: {
            "passed": g.passed,
            "evidence_ko": g.evidence_ko,
            "evidence_en": g.evidence_en,
        }
        for g in assessment.gates.select_related("component")
    }
    return {
        "team": assessment.team.slug,
        "phase": assessment.phase.slug,
        "model": assessment.model.slug if assessment.model_id else None,
        "outcome": assessment.outcome,
        "published_total": assessment.published_total,
        "reasons_ko": assessment.reasons_ko,
        "reasons_en": assessment.reasons_en,
        "private_feedback_digest": private_digest(assessment.private_feedback),
        "points": points,
        "gates": gates,
    }


def run_official_snapshot(run) -> dict:
    return {
        "run": str(run.pk),
        "model": run.model.slug,
        "benchmark": run.benchmark.code,
        "phase": run.phase.slug,
        "is_official": run.is_official,
        "score": run.result.value if hasattr(run, "result") else None,
    }
