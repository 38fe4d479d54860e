"""Reads for the evaluator pages: the decision board of a phase."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from .. import points as points_formula
from .. import reference as ref
from ..models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Phase,
    Score,
    ScoringComponent,
    Team,
)
from ..phase_reference import phase_references
from ..ranking import preferred_scores, ranks_by_totals


def phase_team_ids(phase: Phase) -> set[int]:
    """Teams of a phase: its participants, and any other team that has an assessment in it.

    A run does not make a team part of a phase: a team that was not entered (an eliminated team
    submitting to the final) does not hold up the phase's publication.
    """
    ids = set(phase.participations.values_list("team_id", flat=True))
    ids |= set(Assessment.objects.filter(phase=phase).values_list("team_id", flat=True))
    return ids


def phase_undecided_teams(phase: Phase) -> list[Team]:
    """Teams of the phase without a decision: no assessment, or its outcome still pending."""
    decided = set(
        Assessment.objects.filter(phase=phase)
        .exclude(outcome=Assessment.Outcome.PENDING)
        .values_list("team_id", flat=True)
    )
    return list(Team.objects.filter(pk__in=phase_team_ids(phase) - decided).order_by("name_en"))


def phase_benchmarks(phase: Phase, groups) -> list[Benchmark]:
    """The phase's benchmarks in the given groups: those with an official run or a phase score."""
    return list(
        Benchmark.objects.filter(group__in=groups)
        .filter(Q(runs__phase=phase, runs__is_official=True) | Q(scores__phase=phase))
        .distinct()
        .order_by("group", "name")
    )


@dataclass
class ValueCell:
    value: float | None
    provenance: str = ""
    percent: float | None = None
    meets: bool | None = None


@dataclass
class BoardRow:
    team: Team
    model: FoundationModel | None
    assessment: Assessment | None
    values: dict[int, ValueCell] = field(default_factory=dict)
    computed: dict[str, points_formula.PointsResult] = field(default_factory=dict)
    published: dict[str, ComponentPoints] = field(default_factory=dict)
    entered: dict[str, ComponentPoints] = field(default_factory=dict)
    gates: dict[str, GateResult] = field(default_factory=dict)
    total: Decimal | None = None
    rank: int | None = None

    @property
    def decided(self) -> bool:
        return self.assessment is not None and self.assessment.outcome != "pending"


def _team_model(team: Team, assessment: Assessment | None, phase: Phase):
    if assessment is not None and assessment.model_id:
        return assessment.model
    with_runs = team.models.filter(runs__phase=phase).distinct().order_by("name").first()
    return with_runs or team.models.order_by("-release_date", "name").first()


def _chosen_scores(phase: Phase, models, benchmarks) -> dict[tuple[int, int], Score]:
    """Per (model, benchmark): the score the public board will show once the phase is published.

    The same scores (`for_phase_tables`, official runs only) and the same rule
    (`ranking.preferred_scores`) as the public board, the export and the API.
    """
    scores = (
        Score.objects.filter(model__in=[m for m in models if m], benchmark__in=benchmarks)
        .filter(Q(run__isnull=True) | Q(run__is_official=True))
        .for_phase_tables(phase)
        .select_related("run", "model")
    )
    return {key: options[0] for key, options in preferred_scores(scores).items()}


def _model_value(model, benchmark, chosen: dict[tuple[int, int], Score]) -> ValueCell:
    """The chosen score: an official run's, else the preferred published figure."""
    score = chosen.get((model.pk, benchmark.pk)) if model is not None else None
    if score is None:
        return ValueCell(None)
    if score.run_id:
        return ValueCell(float(score.value), "official run")
    return ValueCell(float(score.value), score.get_reporter_display())


def phase_board(*, phase: Phase) -> dict:
    """Every team of the phase with computed, published and entered points, gates, total, rank."""
    components = list(phase.components.select_related("parent").order_by("order"))
    bench_components = [c for c in components if c.kind == "benchmark" and c.benchmark_group]
    top_level = [c for c in components if c.parent_id is None and c.kind != "gate"]
    gate_components = [c for c in components if c.kind == "gate"]
    benchmarks = phase_benchmarks(phase, {c.benchmark_group for c in bench_components})
    _date, found = phase_references(phase=phase, benchmarks=benchmarks)
    references = {b.pk: found.get(b.pk) for b in benchmarks}
    assessments = {
        a.team_id: a
        for a in Assessment.objects.filter(phase=phase)
        .select_related("model", "decided_by")
        .prefetch_related(
            Prefetch("points", queryset=ComponentPoints.objects.select_related("component")),
            Prefetch("gates", queryset=GateResult.objects.select_related("component")),
        )
    }
    rows = [
        BoardRow(team, _team_model(team, assessments.get(team.pk), phase), assessments.get(team.pk))
        for team in Team.objects.filter(pk__in=phase_team_ids(phase)).order_by("name_en")
    ]
    chosen = _chosen_scores(phase, [row.model for row in rows], benchmarks)
    for row in rows:
        assessment = row.assessment
        for benchmark in benchmarks:
            cell = _model_value(row.model, benchmark, chosen)
            reference = references[benchmark.pk]
            if cell.value is not None and reference is not None:
                cell.percent = ref.percent_of_reference(
                    cell.value, reference.value, benchmark.higher_is_better
                )
                cell.meets = ref.meets_target(cell.percent)
            row.values[benchmark.pk] = cell
        for component in bench_components:
            inputs = [
                points_formula.BenchmarkInput(
                    b.code,
                    row.values[b.pk].value,
                    references[b.pk].value if references[b.pk] else None,
                    b.higher_is_better,
                )
                for b in benchmarks
                if b.group == component.benchmark_group
            ]
            row.computed[component.code] = points_formula.benchmark_points(
                component.max_points, inputs
            )
        if assessment is not None:
            for p in assessment.points.all():
                target = row.published if p.is_published_figure else row.entered
                target[p.component.code] = p
            row.gates = {g.component.code: g for g in assessment.gates.all()}
        row.total = _row_total(row, top_level, components)
    _rank(rows)
    return {
        "phase": phase,
        "components": components,
        "bench_components": bench_components,
        "entered_components": [c for c in top_level if c.kind == "entered"],
        "top_level": top_level,
        "gate_components": gate_components,
        "benchmarks": benchmarks,
        "references": references,
        "rows": rows,
        "undecided": phase_undecided_teams(phase),
        "formula": points_formula.FORMULA_TEXT,
        "target_percent": ref.TARGET_PERCENT,
    }


def _component_points(row: BoardRow, component: ScoringComponent, components) -> Decimal | None:
    """Entered points first, then published ones, then (for benchmarks) the computed points."""
    chosen = row.entered.get(component.code) or row.published.get(component.code)
    if chosen is not None:
        return chosen.points
    if component.kind != "benchmark":
        return None
    if component.benchmark_group:
        return row.computed[component.code].points
    children = [c for c in components if c.parent_id == component.pk]
    values = [_component_points(row, c, components) for c in children]
    if not children or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def _row_total(row: BoardRow, top_level, components) -> Decimal | None:
    values = [_component_points(row, c, components) for c in top_level]
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def _rank(rows: list[BoardRow]) -> None:
    """Ranks by total (`ranking.ranks_by_totals`: equal totals share one); no total, no rank."""
    for row, rank in zip(rows, ranks_by_totals([r.total for r in rows]), strict=True):
        row.rank = rank.best if rank else None
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.team.name_en))
