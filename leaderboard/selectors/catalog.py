"""The team, model and benchmark pages' reads."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from ..models import (
    Benchmark,
    Correction,
    FoundationModel,
    Score,
    Team,
    TeamMembership,
)
from .visible import assessments_visible, corrections_visible, models_visible


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
        "models": list(
            models_visible(user=user, now=now).filter(team=team).order_by("-release_date", "name")
        ),
        "assessments": assessments,
        "corrections": corrections_visible(now=now, team=team),
        "is_member": TeamMembership.objects.filter(
            team=team, user_id=getattr(user, "id", None)
        ).exists()
        if getattr(user, "is_authenticated", False)
        else False,
    }


def model_detail(*, slug: str, user, now=None, include_demo: bool = False) -> dict:
    """A model and its scores; synthetic demo scores only when asked for (and then marked)."""
    try:
        model = (
            models_visible(user=user, now=now)
            .select_related("team", "lineage_parent")
            .get(slug=slug)
        )
    except FoundationModel.DoesNotExist as exc:
        raise Http404("No such model") from exc
    visible = Score.objects.visible_to(user, now).filter(model=model)
    scores = list(
        (visible if include_demo else visible.filter(is_demo=False))
        .select_related("benchmark", "phase")
        .order_by("is_demo", "benchmark__language", "benchmark__name", "-created_at")
    )
    return {
        "include_demo": include_demo,
        "demo_score_count": 0 if include_demo else visible.filter(is_demo=True).count(),
        "model": model,
        "scores": scores,
        "corrections": corrections_visible(now=now, model=model, kind=Correction.Kind.SCORE),
    }


def benchmark_list(*, user, now=None, include_demo: bool = False) -> list[Benchmark]:
    """The benchmarks with their visible score counts; the synthetic ones only when asked for."""
    visible = Score.objects.visible_to(user, now).filter(benchmark=OuterRef("pk"))
    counts = visible.order_by().values("benchmark").annotate(n=Count("pk")).values("n")
    benchmarks = Benchmark.objects.annotate(score_count=Coalesce(Subquery(counts), 0))
    if not include_demo:
        benchmarks = benchmarks.filter(is_demo=False)
    return list(benchmarks.order_by("is_demo", "language", "name"))


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
