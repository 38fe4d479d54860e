"""From a closed panel's results to the assessments, through the audited assessment service."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.models import ComponentPoints, Phase

from .models import Panel
from .services import PanelError, require_evaluator


@dataclass
class BoardPanelRow:
    """One team's computed panel points beside the points its assessment holds now."""

    team: object
    model: object
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    current: Decimal | None  # the assessment's points of the panel's component, if any
    current_is_published_figure: bool = False

    @property
    def difference(self) -> Decimal | None:
        """Computed minus current (None when either is missing)."""
        if self.points is None or self.current is None:
            return None
        return self.points - self.current

    @property
    def adopted(self) -> bool:
        return self.points is not None and self.current == self.points


@dataclass
class BoardPanel:
    panel: Panel
    closed: bool
    rows: list[BoardPanelRow] = field(default_factory=list)


def board_panel_points(*, phase: Phase, now=None) -> list[BoardPanel]:
    """For the decision board: per panel of the phase and team model, the computed points
    (`selectors.panel_results`, the same numbers as everywhere) beside the points the team's
    assessment holds for the panel's component, so the difference shows before adopting."""
    from .selectors import panel_results

    now = now or timezone.now()
    panels = Panel.objects.filter(phase=phase).select_related("component", "conversion")
    current = {
        (cp.assessment.team_id, cp.component_id): cp
        for cp in ComponentPoints.objects.filter(assessment__phase=phase).select_related(
            "assessment"
        )
    }
    out = []
    for panel in panels:
        board = BoardPanel(panel, now >= panel.closes_at)
        for row in panel_results(panel).models:
            team = row.model.team
            if team is None:
                continue
            held = current.get((team.pk, panel.component_id))
            board.rows.append(
                BoardPanelRow(
                    team,
                    row.model,
                    row.points,
                    row.points_low,
                    row.points_high,
                    held.points if held else None,
                    bool(held and held.is_published_figure),
                )
            )
        out.append(board)
    return out


@transaction.atomic
def panel_points_apply(*, user, panel: Panel, correction=None, now=None, team=None) -> list:
    """Enter the panel's points into each team's assessment (or only `team`'s) through the
    audited assessment service (never a direct write): after the panel has closed, one
    component. PanelError when the panel is open, or when the assessment service refuses
    (a published phase needs the correction's reason in Korean and English)."""
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
    only = team
    applied = []
    for row in results.models:
        team = row.model.team
        if row.points is None or team is None:
            continue
        if only is not None and team.pk != only.pk:
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
