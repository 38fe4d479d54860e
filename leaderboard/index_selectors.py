"""Reads of the index pages (/teams/, /models/, /phases/): one plain row per item with its key
facts, public data only (what `models_visible` and `Assessment.objects.visible_to` allow), and
the synthetic demo phase kept apart."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from .models import Assessment, FoundationModel, Phase, Team
from .selectors import models_visible


@dataclass(frozen=True)
class TeamIndexRow:
    team: Team
    model_names: list[str]
    latest: Assessment | None  # the latest decision the user may see


def teams_index(*, user, now=None) -> list[TeamIndexRow]:
    """Every team, its visible models and its latest visible decision (real phases only)."""
    teams = list(Team.objects.order_by("name_en"))
    models: dict[int, list[str]] = {}
    visible = models_visible(user=user, now=now, include_demo=False).filter(team__isnull=False)
    for team_id, name in visible.order_by("-release_date", "name").values_list("team_id", "name"):
        models.setdefault(team_id, []).append(name)
    latest: dict[int, Assessment] = {}
    assessments = (
        Assessment.objects.visible_to(user, now)
        .filter(phase__is_demo=False)
        .select_related("phase")
        .order_by("phase__order")
    )
    for assessment in assessments:
        latest[assessment.team_id] = assessment  # ordered by phase: the last one wins
    return [TeamIndexRow(t, models.get(t.id, []), latest.get(t.id)) for t in teams]


def models_index(*, user, now=None) -> dict[str, list[FoundationModel]]:
    """The models the user may see with their published facts: team models, then baselines."""
    visible = (
        models_visible(user=user, now=now, include_demo=False)
        .select_related("team")
        .order_by("-release_date", "name")
    )
    return {
        "team": [m for m in visible if m.kind == FoundationModel.Kind.TEAM],
        "baseline": [m for m in visible if m.kind == FoundationModel.Kind.BASELINE],
    }


def phases_index() -> dict[str, list[Phase]]:
    """The programme's phases in order, and the synthetic demo phases apart."""
    # Participation is public from the start; outcomes are not counted here (they may be hidden).
    phases = Phase.objects.annotate(team_count=Count("participations")).order_by("order")
    listed = list(phases)
    return {
        "program": [p for p in listed if not p.is_demo],
        "demo": [p for p in listed if p.is_demo],
    }


def chart_model_order() -> tuple[str, ...]:
    """Every model's name, team models first, each kind by slug: the `model_order` of every
    chart, so a model keeps its colour and symbol whatever else is drawn beside it."""
    rows = FoundationModel.objects.order_by("slug").values_list("name", "kind")
    names = list(rows)
    team = [name for name, kind in names if kind == FoundationModel.Kind.TEAM]
    return tuple(team + [name for name, kind in names if kind != FoundationModel.Kind.TEAM])
