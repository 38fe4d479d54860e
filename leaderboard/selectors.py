"""Reads for the public pages; visibility always goes through the QuerySets' visible_to."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Phase,
    Score,
    ScoringComponent,
    Team,
    TeamMembership,
    is_evaluator,
)


def phase_can_be_seen_in_full(*, phase: Phase, user, now=None) -> bool:
    """Whether the user may see all of a phase's results (published, or an evaluator)."""
    return phase.is_published(now) or is_evaluator(user)


def phase_list(*, include_demo: bool = False) -> list[Phase]:
    """The program's phases in order; the synthetic demo phase only when asked for."""
    phases = Phase.objects.all()
    return list(phases if include_demo else phases.filter(is_demo=False))


def current_phase() -> Phase | None:
    """The phase the program is in: one under way, else the next upcoming, else the last one."""
    phases = phase_list()
    for wanted in (
        (Phase.Status.EVALUATING, Phase.Status.DECIDING),
        (Phase.Status.UPCOMING,),
    ):
        for phase in phases:
            if phase.status in wanted:
                return phase
    return phases[-1] if phases else None


def assessments_visible(*, user, now=None):
    """Assessments with their points and gates, as the user may see them."""
    return (
        Assessment.objects.visible_to(user, now)
        .select_related("team", "phase", "model")
        .prefetch_related(
            Prefetch("points", queryset=ComponentPoints.objects.select_related("component")),
            Prefetch("gates", queryset=GateResult.objects.select_related("component")),
        )
    )


@dataclass
class DecisionRow:
    assessment: Assessment
    points: dict[str, ComponentPoints]
    gate: GateResult | None
    summary_points: list[dict]

    @property
    def team(self) -> Team:
        return self.assessment.team


def decision_rows(*, phase: Phase, user, now=None) -> list[DecisionRow]:
    """One row per assessment of the phase that the user may see, best outcome first."""
    order = {"advanced": 0, "pending": 1, "withdrawn": 2, "eliminated": 3}
    shown = [c for c in phase_components(phase=phase) if c.kind != c.Kind.GATE]
    rows = []
    for assessment in assessments_visible(user=user, now=now).filter(phase=phase):
        points = {p.component.code: p for p in assessment.points.all()}
        gates = list(assessment.gates.all())
        summary = [
            {"component": c, "points": points.get(c.code)}
            for c in shown
            if c.parent_id is None or c.code in points
        ]
        rows.append(DecisionRow(assessment, points, gates[0] if gates else None, summary))
    rows.sort(
        key=lambda r: (
            order.get(r.assessment.outcome, 9),
            -(r.assessment.published_total or 0),
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


def phase_components(*, phase: Phase) -> list[ScoringComponent]:
    return list(phase.components.select_related("parent").order_by("order"))


def team_list() -> list[Team]:
    return list(Team.objects.prefetch_related("partners").order_by("name_en"))


def team_detail(*, slug: str, user, now=None) -> dict:
    try:
        team = Team.objects.prefetch_related("partners").get(slug=slug)
    except Team.DoesNotExist as exc:
        raise Http404("No such team") from exc
    assessments = list(
        assessments_visible(user=user, now=now).filter(team=team).order_by("phase__order")
    )
    for assessment in assessments:
        assessment.points_by_code = {p.component.code: p for p in assessment.points.all()}
        assessment.gate_list = list(assessment.gates.all())
    return {
        "team": team,
        "models": list(team.models.order_by("-release_date", "name")),
        "assessments": assessments,
        "is_member": TeamMembership.objects.filter(
            team=team, user_id=getattr(user, "id", None)
        ).exists()
        if getattr(user, "is_authenticated", False)
        else False,
    }


def model_detail(*, slug: str, user, now=None) -> dict:
    try:
        model = FoundationModel.objects.select_related("team").get(slug=slug)
    except FoundationModel.DoesNotExist as exc:
        raise Http404("No such model") from exc
    scores = list(
        Score.objects.visible_to(user, now)
        .filter(model=model)
        .select_related("benchmark", "phase")
        .order_by("benchmark__language", "benchmark__name", "-created_at")
    )
    return {"model": model, "scores": scores}


def benchmark_list(*, user, now=None) -> list[Benchmark]:
    visible = Score.objects.visible_to(user, now).filter(benchmark=OuterRef("pk"))
    counts = visible.order_by().values("benchmark").annotate(n=Count("pk")).values("n")
    return list(
        Benchmark.objects.annotate(score_count=Coalesce(Subquery(counts), 0)).order_by(
            "is_demo", "language", "name"
        )
    )


def benchmark_detail(*, code: str, user, now=None) -> dict:
    try:
        benchmark = Benchmark.objects.get(code=code)
    except Benchmark.DoesNotExist as exc:
        raise Http404("No such benchmark") from exc
    scores = list(
        Score.objects.visible_to(user, now)
        .filter(benchmark=benchmark)
        .select_related("model")
        .order_by("-value" if benchmark.higher_is_better else "value", "model__name")
    )
    return {"benchmark": benchmark, "scores": scores}
