"""What `load_program --update` may change in the public record, and how: by a correction.

A published decision, its points or gate, and a public score change only as a correction (the
integrity rule of `leaderboard/corrections.py`): a reason in Korean and English, the earlier
value kept, shown on the affected page, the feeds and `/transparency/`. The data loader follows
the same rule: a difference in such a row is applied only with a reason, and recorded by
`correction_record`, never as a silent `program.update`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..corrections import (
    SCORE_FIELDS,
    Change,
    CorrectionReason,
    correction_record,
    in_each_language,
)
from ..models import (
    Assessment,
    ComponentPoints,
    Correction,
    GateResult,
    Score,
    public_score_condition,
)


@dataclass(frozen=True)
class PublicRow:
    """A row of the public record: what kind of correction a change to it is, and where."""

    kind: str
    phase: object
    team: object
    model: object


def public_row(obj) -> PublicRow | None:
    """The public-record identity of `obj`, or None when changing it is not a correction.

    Decisions, points and gates are public from their phase's announcement time; a score is
    public by `public_score_condition` (the one visibility rule of scores).
    """
    if isinstance(obj, Assessment):
        if obj.phase.is_published():
            return PublicRow(Correction.Kind.DECISION, obj.phase, obj.team, obj.model)
    elif isinstance(obj, ComponentPoints | GateResult):
        assessment = obj.assessment
        if assessment.phase.is_published():
            kind = (
                Correction.Kind.POINTS if isinstance(obj, ComponentPoints) else Correction.Kind.GATE
            )
            return PublicRow(kind, assessment.phase, assessment.team, assessment.model)
    elif (
        isinstance(obj, Score)
        and Score.objects.filter(pk=obj.pk).filter(public_score_condition()).exists()
    ):
        return PublicRow(Correction.Kind.SCORE, obj.phase, obj.model.team, obj.model)
    return None


def reason_complete(reason: CorrectionReason | None) -> bool:
    return bool(reason and reason.reason_ko.strip() and reason.reason_en.strip())


#: The fields of a decision and of its points and gate, by the names the pages use.
RECORD_FIELDS = {
    "outcome": lambda: _("Outcome"),
    "model": lambda: _("Model"),
    "published_total": lambda: _("Published total"),
    "reasons_ko": lambda: _("Public reasons (Korean)"),
    "reasons_en": lambda: _("Public reasons (English)"),
    "source": lambda: _("Source"),
    "decided_at": lambda: _("Decided"),
    "points": lambda: _("Points"),
    "passed": lambda: _("Passed"),
    "evidence_ko": lambda: _("Evidence (Korean)"),
    "evidence_en": lambda: _("Evidence (English)"),
}


def _field_label(obj, name: str):
    """A field's name as readers read it, the component's name in front for points and gates."""
    fields = SCORE_FIELDS if isinstance(obj, Score) else RECORD_FIELDS
    label = fields.get(name)
    if label is None:
        label = lambda: obj._meta.get_field(name).verbose_name  # noqa: E731
    labels = in_each_language(lambda: str(label()))
    if isinstance(obj, ComponentPoints | GateResult):
        component = obj.component
        names = {"ko": component.name_ko, "en": component.name_en}
        labels = {lang: f"{names[lang]}: {labels[lang]}" for lang in labels}
    return labels


def _value_text(obj, name: str, value) -> dict[str, str]:
    """The whole value in each language: a choice by its label, a number as written, text in
    full (never shortened: the earlier value is kept as readers saw it)."""
    field = obj._meta.get_field(name)
    if value in (None, ""):
        return {"ko": "—", "en": "—"}
    if field.choices:
        choices = dict(field.flatchoices)
        return in_each_language(lambda: str(choices.get(value, value)))
    if isinstance(value, bool):
        return in_each_language(lambda: str(_("Yes") if value else _("No")))
    return {"ko": str(value), "en": str(value)}


def correction_from_load(*, actor, row: PublicRow, obj, before: dict, after: dict, reason) -> None:
    """Record a loader change to a public row as a correction (inside the load's transaction)."""
    changes = [
        Change(
            name,
            _field_label(obj, name),
            _value_text(obj, name, before[name]),
            _value_text(obj, name, after[name]),
        )
        for name in before
    ]
    correction_record(
        user=actor,
        kind=row.kind,
        obj=obj,
        phase=row.phase,
        changes=changes,
        before=before,
        after=after,
        reason=reason,
        team=row.team,
        model=row.model,
    )
