"""Reads of the program record: dated events and statements, phase-level figures, conversion
rules with their checks, independence records, and where the program stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ..conversion import converted_points, formula_text, rounded
from ..models import (
    ConversionRule,
    IndependenceRecord,
    Phase,
    PhaseEvent,
    PhaseFigure,
    PhaseParticipant,
    Score,
    TeamPartner,
    is_evaluator,
)


def phase_events(*, phase: Phase, now=None) -> list[PhaseEvent]:
    """The phase's dated milestones and statements known by now, oldest first."""
    return list(phase.events.known_on(now).order_by("on", "code"))


def _figures_visible(*, user, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    figures = PhaseFigure.objects.filter(Q(published_on__isnull=True) | Q(published_on__lte=today))
    if is_evaluator(user):
        return figures
    return figures.filter(phase__in=Phase.objects.published(now).values("pk"))


@dataclass
class FigureGroup:
    """The published figures of one component (or of the total, component None)."""

    component: object | None
    figures: list[PhaseFigure] = field(default_factory=list)


def phase_figures(*, phase: Phase, user, now=None) -> list[FigureGroup]:
    """Phase-level published figures grouped by component in scheme order, the total last."""
    figures = (
        _figures_visible(user=user, now=now)
        .filter(phase=phase)
        .select_related("component", "team")
        .order_by("component__order", "kind", "code")
    )
    groups: dict[int | None, FigureGroup] = {}
    for figure in figures:
        groups.setdefault(figure.component_id, FigureGroup(figure.component)).figures.append(figure)
    total = groups.pop(None, None)
    ordered = sorted(groups.values(), key=lambda g: g.component.order)
    return ordered + ([total] if total else [])


def numbered_sources(groups: list[FigureGroup]) -> list[str]:
    """The figures' sources, each once, numbered in order; sets `source_no` on each figure."""
    sources: list[str] = []
    for group in groups:
        for figure in group.figures:
            if figure.source not in sources:
                sources.append(figure.source)
            figure.source_no = sources.index(figure.source) + 1
    return sources


@dataclass
class ConversionCheck:
    """A published leader's points recomputed from a published raw value by the rule."""

    figure: PhaseFigure
    score: Score
    exact: Decimal
    rounded: Decimal

    @property
    def matches(self) -> bool:
        return self.rounded == self.figure.value


@dataclass
class ConversionRow:
    rule: ConversionRule
    formula: str
    checks: list[ConversionCheck] = field(default_factory=list)


def conversion_rules(*, phase: Phase, user, now=None) -> list[ConversionRow]:
    """The phase's published conversion rules, each with its checks against published leaders."""
    rules = list(
        ConversionRule.objects.filter(component__phase=phase)
        .select_related("component", "benchmark")
        .order_by("component__order")
    )
    leaders = list(
        _figures_visible(user=user, now=now)
        .filter(phase=phase, kind=PhaseFigure.Kind.LEADER)
        .select_related("team", "component")
    )
    entries = {
        p.team_id: p.model_id
        for p in PhaseParticipant.objects.filter(phase=phase, model__isnull=False)
    }
    benchmark_ids = [r.benchmark_id for r in rules if r.benchmark_id]
    scores = list(
        Score.objects.visible_to(user, now)
        .filter(benchmark_id__in=benchmark_ids, model_id__in=entries.values())
        .filter(Q(phase=phase) | Q(phase__isnull=True))
        .select_related("model")
        .order_by("-decimals", "value")
    )
    rows = []
    for rule in rules:
        row = ConversionRow(
            rule, formula_text(rule.raw_name, rule.component.max_points, rule.raw_max)
        )
        for figure in leaders:
            if figure.component_id != rule.component_id or rule.benchmark_id is None:
                continue
            model_id = entries.get(figure.team_id)
            for score in scores:
                if score.benchmark_id == rule.benchmark_id and score.model_id == model_id:
                    exact = converted_points(score.value, rule.component.max_points, rule.raw_max)
                    row.checks.append(
                        ConversionCheck(figure, score, exact, rounded(exact, figure.decimals))
                    )
        rows.append(row)
    return rows


def independence_records(*, models, user, now=None) -> dict[int, list[IndependenceRecord]]:
    """The visible independence records of these models, oldest first, by model id."""
    records = (
        IndependenceRecord.objects.visible_to(user, now)
        .filter(model__in=models)
        .select_related("phase", "model")
        .order_by("on", "code")
    )
    grouped: dict[int, list[IndependenceRecord]] = {}
    for record in records:
        grouped.setdefault(record.model_id, []).append(record)
    return grouped


def partners_known(*, team, now=None) -> list[TeamPartner]:
    """The team's partners, leaving out one whose joining date is still to come."""
    today = timezone.localdate(now or timezone.now())
    return [p for p in team.partners.all() if p.joined_on is None or p.joined_on <= today]


@dataclass
class ProgramPosition:
    """Where the program stands: a phase under way, else the latest announced and the next."""

    current: Phase | None
    latest: Phase | None
    next: Phase | None
    next_statements: list[PhaseEvent]


def program_position(*, phases: list[Phase], now=None) -> ProgramPosition:
    """`phases`: the program's (non-demo) phases in order."""
    now = now or timezone.now()
    under_way = (Phase.Status.EVALUATING, Phase.Status.DECIDING)
    current = next((p for p in phases if p.status_on(now) in under_way), None)
    published = [p for p in phases if p.is_published(now)]
    latest = published[-1] if published else None
    after = phases[phases.index(latest) + 1 :] if latest else phases
    coming = next(
        (
            p
            for p in after
            if p != current
            and p.status_on(now) in (Phase.Status.UPCOMING, Phase.Status.NOT_SCHEDULED)
        ),
        None,
    )
    statements = []
    if coming is not None:
        statements = list(
            coming.events.known_on(now)
            .filter(kind=PhaseEvent.Kind.STATEMENT)
            .order_by("-on", "code")[:2]
        )
    return ProgramPosition(current, latest, coming, statements)
