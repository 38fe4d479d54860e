"""From a closed panel's results to the assessments, through the audited assessment service."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Panel
from .services import PanelError, require_evaluator


@transaction.atomic
def panel_points_apply(*, user, panel: Panel, correction=None, now=None) -> list:
    """Enter the panel's points into each team's assessment through the audited assessment
    service (never a direct write): after the panel has closed, one component, every model."""
    from leaderboard.decisions.assessments import (
        AssessmentInput,
        EvaluatorActionError,
        assessment_save,
    )
    from leaderboard.models import Assessment

    from .selectors import panel_results

    require_evaluator(user)
    now = now or timezone.now()
    if now < panel.closes_at:
        raise PanelError({None: _("Points can be applied once the panel has closed.")})
    results = panel_results(panel)
    applied = []
    for row in results.models:
        team = row.model.team
        if row.points is None or team is None:
            continue
        existing = Assessment.objects.filter(phase=panel.phase, team=team).first()
        data = AssessmentInput(
            model=(existing.model if existing and existing.model_id else row.model),
            outcome=existing.outcome if existing else Assessment.Outcome.PENDING,
            reasons_ko=existing.reasons_ko if existing else "",
            reasons_en=existing.reasons_en if existing else "",
            private_feedback=existing.private_feedback if existing else "",
            points={panel.component.code: row.points},
        )
        try:
            applied.append(
                assessment_save(
                    user=user,
                    phase=panel.phase,
                    team=team,
                    data=data,
                    correction=correction,
                    now=now,
                )
            )
        except EvaluatorActionError as exc:
            raise PanelError(exc.errors) from exc
    return applied
