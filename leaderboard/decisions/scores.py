"""Score changes by evaluators and admins: audited, and only as a correction once public."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..audit.chain import audit_record, score_snapshot
from ..corrections import (
    CorrectionReason,
    correction_record,
    reason_errors,
    snapshot_changes,
)
from ..models import (
    Score,
    is_evaluator,
    public_score_condition,
)
from .assessments import EvaluatorActionError, NotAnEvaluator


def score_is_public(score, now=None) -> bool:
    """Whether the public sees this score now (the one visibility rule)."""
    return Score.objects.filter(pk=score.pk).filter(public_score_condition(now)).exists()


@transaction.atomic
def score_change(
    *, user, score, values: dict, correction: CorrectionReason | None = None, now=None
) -> Score:
    """Change a reported score's fields: audited; once the score is public, only as a correction.

    A score that comes from an evaluation run cannot be edited: its value is the run's.
    """
    if not is_evaluator(user):
        raise NotAnEvaluator()
    locked = (  # lock the score's row only: PostgreSQL cannot lock a nullable join's side
        Score.objects.select_for_update(of=("self",))
        .select_related("model", "model__team", "benchmark", "phase")
        .get(pk=score.pk)
    )
    if locked.run_id:
        raise EvaluatorActionError(
            {
                None: _(
                    "This score comes from an evaluation run: re-run it, or mark another run "
                    "official, instead of editing it."
                )
            }
        )
    public = score_is_public(locked, now)
    before = score_snapshot(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["import_key", "run"])
    locked.save()
    after = score_snapshot(locked)
    if after == before:
        return locked
    if public:
        errors = reason_errors(correction)
        if errors:
            raise EvaluatorActionError(errors)
        correction_record(
            user=user,
            kind="score",
            obj=locked,
            phase=locked.phase,
            team=locked.model.team,
            model=locked.model,
            changes=snapshot_changes(before, after),
            before=before,
            after=after,
            reason=correction,
        )
    else:
        audit_record(user, "score.change", locked, before, after)
    return locked
