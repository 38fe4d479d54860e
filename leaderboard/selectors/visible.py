"""What a user may see: phases, assessments, corrections, teams and models, through visible_to."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q

from ..models import (
    Assessment,
    ComponentPoints,
    Correction,
    FoundationModel,
    GateResult,
    Phase,
    Score,
    ScoringComponent,
    Team,
    is_evaluator,
)


def phase_can_be_seen_in_full(*, phase: Phase, user, now=None) -> bool:
    """Whether the user may see all of a phase's results (published, or an evaluator)."""
    return phase.is_published(now) or is_evaluator(user)


def phase_list(*, include_demo: bool = False) -> list[Phase]:
    """The program's phases in order; the synthetic demo phase only when asked for."""
    phases = Phase.objects.all()
    return list(phases if include_demo else phases.filter(is_demo=False))


def demo_phases() -> list[Phase]:
    """The synthetic demonstration phases, kept apart from the program's."""
    return list(Phase.objects.filter(is_demo=True).order_by("order"))


def current_phase(phases: list[Phase] | None = None, now=None) -> Phase | None:
    """The phase the program is in: one under way, else the next one, else the latest.

    `phases` are the program's (non-demo) phases in order, when the caller has them already.
    """
    from ..program.selectors import program_position

    phases = phase_list() if phases is None else phases
    position = program_position(phases=phases, now=now)
    return position.current or position.next or position.latest


def assessments_visible(*, user, now=None):
    """Assessments with their points and gates, as the user may see them."""
    return (
        Assessment.objects.visible_to(user, now)
        .select_related("team", "phase", "model")
        .prefetch_related(
            Prefetch(
                "points",
                queryset=ComponentPoints.objects.select_related("component", "component__parent"),
            ),
            Prefetch("gates", queryset=GateResult.objects.select_related("component")),
        )
    )


def corrections_visible(*, now=None, **filters) -> list[Correction]:
    """Corrections of published results, newest first, filtered by phase, team or model."""
    return list(
        Correction.objects.visible_to(now=now)
        .filter(**filters)
        .select_related("phase", "team", "model")
        .order_by("-corrected_at", "-pk")
    )


def phase_components(*, phase: Phase) -> list[ScoringComponent]:
    return list(
        phase.components.select_related("parent").prefetch_related("children").order_by("order")
    )


def team_list() -> list[Team]:
    return list(Team.objects.prefetch_related("partners").order_by("name_en"))


def models_visible(*, user, now=None, include_demo: bool = True):
    """Models with at least one score or assessment the user may see (others answer 404)."""
    scores = Score.objects.visible_to(user, now).filter(model=OuterRef("pk"))
    if not include_demo:
        scores = scores.filter(is_demo=False)
    assessments = Assessment.objects.visible_to(user, now).filter(model=OuterRef("pk"))
    listed = Q(listed=True, is_demo=False)  # the program data lists it publicly
    return FoundationModel.objects.filter(Q(Exists(scores)) | Q(Exists(assessments)) | listed)


def baseline_choices(*, user, now=None) -> list[FoundationModel]:
    """Global baselines the user can pick as the reference of the relative chart."""
    return list(
        models_visible(user=user, now=now, include_demo=False)
        .filter(kind=FoundationModel.Kind.BASELINE)
        .order_by("name")
    )


def all_team_slugs() -> list[str]:
    """Every team's slug, sorted: the `team_order` of every chart, so colours stay put."""
    return sorted(Team.objects.values_list("slug", flat=True))
