"""Published decisions: a phase's rows, the latest ones, and a team's progression."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import (
    Assessment,
    ComponentPoints,
    Correction,
    GateResult,
    Phase,
    Team,
)
from .visible import assessments_visible, corrections_visible, phase_components


@dataclass
class DecisionRow:
    assessment: Assessment
    points: dict[str, ComponentPoints]
    gate: GateResult | None
    summary_points: list[dict]
    corrections: list[Correction] = field(default_factory=list)

    @property
    def team(self) -> Team:
        return self.assessment.team


def decision_rows(*, phase: Phase, user, now=None) -> list[DecisionRow]:
    """One row per assessment of the phase that the user may see, best outcome first."""
    order = {"advanced": 0, "pending": 1, "withdrawn": 2, "not_selected": 3, "eliminated": 4}
    shown = [c for c in phase_components(phase=phase) if c.kind != c.Kind.GATE]
    rows = []
    corrections: dict[int, list[Correction]] = {}
    # A decision's own corrections and those of its points and gate, however they were made
    # (the evaluator pages record them on the assessment, load_program on the row itself).
    for correction in corrections_visible(
        now=now,
        phase=phase,
        kind__in=[Correction.Kind.DECISION, Correction.Kind.POINTS, Correction.Kind.GATE],
    ):
        corrections.setdefault(correction.team_id, []).append(correction)
    for assessment in assessments_visible(user=user, now=now).filter(phase=phase):
        points = {p.component.code: p for p in assessment.points.all()}
        gates = list(assessment.gates.all())
        summary = [
            {"component": c, "points": points.get(c.code)}
            for c in shown
            if c.parent_id is None or c.code in points
        ]
        rows.append(
            DecisionRow(
                assessment,
                points,
                gates[0] if gates else None,
                summary,
                corrections.get(assessment.team_id, []),
            )
        )

    def official_total(row):  # never order by a secondary or uncertain total
        a = row.assessment
        return a.published_total if a.total_reliability == "official" else None

    rows.sort(
        key=lambda r: (
            order.get(r.assessment.outcome, 9),
            -(official_total(r) or 0),
            r.team.name_en,
        )
    )
    return rows


def latest_decisions(*, user, now=None, limit: int = 10) -> list[Assessment]:
    """Decided assessments the user may see, most recent phase first."""
    return list(
        assessments_visible(user=user, now=now)
        .exclude(outcome=Assessment.Outcome.PENDING)
        .order_by("-phase__order", "outcome", "team__name_en")[:limit]
    )


def team_progression(*, team: Team, user, now=None) -> list[Assessment]:
    """The team's visible assessments in phase order, with their totals."""
    return list(assessments_visible(user=user, now=now).filter(team=team).order_by("phase__order"))
