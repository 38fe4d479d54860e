"""Corrections: a change to something public, with its reason, the earlier value kept.

Once a result is public (a decision, points or a gate of a published phase, a public score), it
changes only by a correction: a reason in Korean and English, the earlier value kept, an audit
entry (`correction.<kind>`), and a record the affected page, the feeds and the transparency page
show. The services that change results call `correction_record` from inside their transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from . import numbers
from .audit.chain import audit_record
from .models import Assessment, Correction, ScoringComponent

LANGUAGES = ("ko", "en")
REASON_FIELDS = ("correction_reason_ko", "correction_reason_en")


@dataclass
class CorrectionReason:
    """Why a public result changes, in both languages."""

    reason_ko: str = ""
    reason_en: str = ""


def reason_errors(reason: CorrectionReason | None) -> dict[str, str]:
    """What is missing from the reason of a correction, keyed by form field."""
    errors = {}
    if reason is None or not reason.reason_ko.strip():
        errors["correction_reason_ko"] = _(
            "This result is already public: give the reason for the correction in Korean."
        )
    if reason is None or not reason.reason_en.strip():
        errors["correction_reason_en"] = _(
            "This result is already public: give the reason for the correction in English."
        )
    return errors


@dataclass
class Change:
    """One changed field, as readers see it in each language."""

    field: str
    label: dict[str, str]
    before: dict[str, str]
    after: dict[str, str]


def in_each_language(render) -> dict[str, str]:
    """{'ko': …, 'en': …}: `render()` evaluated with each language active."""
    out = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = str(render())
    return out


def _points(value) -> str:
    return numbers.points_text(value)


def _score(value, decimals) -> str:
    """A score value as the public record writes it: at its source's precision (`decimals`)."""
    return numbers.score_text(value, decimals) if decimals is not None else str(value)


def _outcome(value):
    return lambda: Assessment.Outcome(value).label if value else "—"


def _gate(passed):
    return lambda: {True: _("Passed"), False: _("Failed")}.get(passed, _("Not yet decided"))


def _text(value) -> dict[str, str]:
    shown = value if value not in (None, "") else "—"
    return {lang: str(shown) for lang in LANGUAGES}


def assessment_changes(before: dict, after: dict, *, phase) -> list[Change]:
    """The public differences between two assessment snapshots (private feedback is not one)."""
    changes = []
    plain = [
        ("outcome", lambda: _("Outcome")),
        ("model", lambda: _("Model")),
        ("published_total", lambda: _("Published total")),
        ("reasons_ko", lambda: _("Public reasons (Korean)")),
        ("reasons_en", lambda: _("Public reasons (English)")),
    ]
    for field, label in plain:
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field == "outcome":
            shown_old, shown_new = in_each_language(_outcome(old)), in_each_language(_outcome(new))
        elif field == "published_total":
            shown_old, shown_new = _text(_points(old)), _text(_points(new))
        else:
            shown_old, shown_new = _text(old), _text(new)
        changes.append(Change(field, in_each_language(label), shown_old, shown_new))
    names = {
        c.code: {"ko": c.name_ko, "en": c.name_en}
        for c in ScoringComponent.objects.filter(phase=phase)
    }
    old_points, new_points = before.get("points", {}), after.get("points", {})
    for code in sorted(set(old_points) | set(new_points)):
        old = (old_points.get(code) or {}).get("points")
        new = (new_points.get(code) or {}).get("points")
        if old != new:
            label = names.get(code, {"ko": code, "en": code})
            changes.append(
                Change(f"points:{code}", label, _text(_points(old)), _text(_points(new)))
            )
    old_gates, new_gates = before.get("gates", {}), after.get("gates", {})
    for code in sorted(set(old_gates) | set(new_gates)):
        old, new = old_gates.get(code) or {}, new_gates.get(code) or {}
        label = names.get(code, {"ko": code, "en": code})
        if old.get("passed") != new.get("passed"):
            changes.append(
                Change(
                    f"gate:{code}",
                    label,
                    in_each_language(_gate(old.get("passed"))),
                    in_each_language(_gate(new.get("passed"))),
                )
            )
        for lang in LANGUAGES:
            key = f"evidence_{lang}"
            if old.get(key, "") != new.get(key, ""):
                evidence = in_each_language(lambda: _("evidence"))
                changes.append(
                    Change(
                        f"gate:{code}:{key}",
                        {k: f"{label[k]} ({evidence[k]}, {lang})" for k in LANGUAGES},
                        _text(old.get(key)),
                        _text(new.get(key)),
                    )
                )
    return changes


def assessment_correction_kind(changes: list[Change]) -> str:
    fields = {c.field.split(":")[0] for c in changes}
    if fields - {"points", "gate"}:
        return Correction.Kind.DECISION
    if "points" in fields:
        return Correction.Kind.POINTS
    return Correction.Kind.GATE


SCORE_FIELDS = {
    "value": lambda: _("Score"),
    "decimals": lambda: _("Decimals"),
    "interval_low": lambda: _("Interval (low)"),
    "interval_high": lambda: _("Interval (high)"),
    "item_count": lambda: _("Items"),
    "mode": lambda: _("Mode"),
    "setup": lambda: _("Setup"),
    "source_title": lambda: _("Source"),
    "source_url": lambda: _("Source address"),
    "benchmark": lambda: _("Benchmark"),
    "model": lambda: _("Model"),
    "phase": lambda: _("Phase"),
    "official": lambda: _("Official result"),
}


def snapshot_changes(before: dict, after: dict) -> list[Change]:
    """The differences between two score snapshots, field by field."""
    changes = []
    for field, label in SCORE_FIELDS.items():
        old, new = before.get(field), after.get(field)
        if old == new or (field not in before and field not in after):
            continue
        numeric = field in ("value", "interval_low", "interval_high")
        shown_old = _text(
            _score(old, before.get("decimals")) if numeric and old is not None else old
        )
        shown_new = _text(
            _score(new, after.get("decimals")) if numeric and new is not None else new
        )
        changes.append(Change(field, in_each_language(label), shown_old, shown_new))
    return changes


def correction_record(
    *,
    user,
    kind: str,
    obj,
    phase,
    changes: list[Change],
    before: dict,
    after: dict,
    reason: CorrectionReason,
    team=None,
    model=None,
) -> Correction:
    """Audit and keep one correction; call inside the transaction that makes the change."""
    reasons = {"reason_ko": reason.reason_ko.strip(), "reason_en": reason.reason_en.strip()}
    entry = audit_record(
        user,
        f"correction.{kind}",
        obj,
        before,
        {"after": after, **reasons},
        phase_id=phase.pk if phase is not None else None,
    )
    text = {
        lang: {
            "earlier": "; ".join(f"{c.label[lang]}: {c.before[lang]}" for c in changes),
            "change": "; ".join(
                f"{c.label[lang]}: {c.before[lang]} → {c.after[lang]}" for c in changes
            ),
        }
        for lang in LANGUAGES
    }
    return Correction.objects.create(
        kind=kind,
        phase=phase,
        team=team,
        model=model,
        object_type=entry.object_type,
        object_id=entry.object_id,
        earlier_ko=text["ko"]["earlier"],
        earlier_en=text["en"]["earlier"],
        change_ko=text["ko"]["change"],
        change_en=text["en"]["change"],
        before=_json_safe(before),
        after=_json_safe(after),
        corrected_by=user if getattr(user, "pk", None) else None,
        corrected_at=entry.created_at,
        audit_seq=entry.seq,
        **reasons,
    )


def _json_safe(value):
    import json

    from .audit.chain import canonical_json

    return json.loads(canonical_json(value) or "null")
