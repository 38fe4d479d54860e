"""What `load_program --update` may change in the public record, and how: by a correction.

A published decision, its points or gate, and a public score change only as a correction (the
integrity rule of `leaderboard/corrections.py`): a reason in Korean and English, the earlier
value kept, shown on the affected page, the feeds and `/transparency/`. The data loader follows
the same rule: a difference in such a row is applied only with a reason, and recorded by
`correction_record`, never as a silent `program.update`.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from .sync import shown


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


def correction_from_load(*, actor, row: PublicRow, obj, before: dict, after: dict, reason) -> None:
    """Record a loader change to a public row as a correction (inside the load's transaction)."""
    changes = []
    for name in before:
        label = SCORE_FIELDS.get(name) if isinstance(obj, Score) else None
        labels = in_each_language(label) if label else {"ko": name, "en": name}
        old, new = shown(before[name]), shown(after[name])
        changes.append(Change(name, labels, {"ko": old, "en": old}, {"ko": new, "en": new}))
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
