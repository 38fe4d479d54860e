"""Reads for the public pages; visibility always goes through the QuerySets' visible_to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    Correction,
    FoundationModel,
    GateResult,
    Mode,
    Phase,
    PhaseParticipant,
    Score,
    ScoringComponent,
    Team,
    TeamMembership,
    is_evaluator,
)
from .phase_reference import phase_references
from .ranking import RankRange, score_preference, tied_ranks  # noqa: F401 (views use it)
from .reference import (
    TARGET_PERCENT,
    BaselineScore,
    Reference,
    global_reference,
    percent_of_reference,
)
from .standings import Standings, assessment_total, phase_standings, top_level_codes


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
    from .program.selectors import program_position

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
    for correction in corrections_visible(
        now=now, phase=phase, object_type="leaderboard.assessment"
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


def phase_components(*, phase: Phase) -> list[ScoringComponent]:
    return list(
        phase.components.select_related("parent").prefetch_related("children").order_by("order")
    )


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


# ---------------------------------------------------------------- phase leaderboard

SORT_KEYS = ("total", "benchmark_points", "expert", "user", "avg", "model", "team")
POINT_CODES = ("benchmark", "expert", "user")
LANGUAGES = ("ko", "en", "ja", "code", "math")
DEFAULT_REFERENCE_MODEL = "deepseek-r1"


@dataclass(frozen=True)
class LeaderboardFilters:
    """The state of a leaderboard view: all of it lives in the query string."""

    language: str = ""
    group: str = ""
    mode: str = ""
    baselines: bool = True
    sort: str = ""
    order: str = ""
    ref: str = DEFAULT_REFERENCE_MODEL

    @classmethod
    def from_query(cls, query) -> LeaderboardFilters:
        """Parse a QueryDict (or mapping); unknown values fall back to the defaults."""
        language = query.get("language", "")
        group = query.get("group", "")
        mode = query.get("mode", "")
        sort = query.get("sort", "")
        order = query.get("order", "")
        ref = query.get("ref", "") or DEFAULT_REFERENCE_MODEL
        valid_sort = (
            sort in SORT_KEYS
            or (sort.startswith("lang-") and sort[5:] in Benchmark.Language.values)
            or (sort.startswith("b-") and len(sort) > 2)
        )
        return cls(
            language=language if language in Benchmark.Language.values else "",
            group=group if group in Benchmark.Group.values else "",
            mode=mode if mode in Mode.values else "",
            baselines=query.get("baselines", "1") != "0",
            sort=sort if valid_sort else "",
            order=order if order in ("asc", "desc") else "",
            ref=ref if len(ref) <= 60 else DEFAULT_REFERENCE_MODEL,
        )

    def as_query(self, **changes) -> str:
        """The query string of this view with `changes` applied (defaults left out)."""
        state = {**self.__dict__, **changes}
        params = {}
        for key in ("language", "group", "mode", "sort", "order"):
            if state[key]:
                params[key] = state[key]
        if not state["baselines"]:
            params["baselines"] = "0"
        if state["ref"] and state["ref"] != DEFAULT_REFERENCE_MODEL:
            params["ref"] = state["ref"]
        return urlencode(params)

    def cache_key(self) -> str:
        return self.as_query() or "-"


@dataclass
class Cell:
    """The score chosen for one model × benchmark, with its share of the global reference."""

    score: Score
    percent: float | None = None
    others: int = 0

    @property
    def below_target(self) -> bool:
        return self.percent is not None and self.percent < TARGET_PERCENT


@dataclass
class LeaderboardRow:
    model: FoundationModel
    assessment: Assessment | None = None
    cells: dict[int, Cell] = field(default_factory=dict)
    language_percent: dict[str, float | None] = field(default_factory=dict)
    average_percent: float | None = None
    points: dict[str, ComponentPoints] = field(default_factory=dict)
    gate: GateResult | None = None
    rank: RankRange | None = None
    is_participant: bool = False
    covered: frozenset = frozenset()
    top_codes: tuple = ()

    @property
    def team(self) -> Team | None:
        return self.model.team

    @property
    def is_baseline(self) -> bool:
        return self.model.is_baseline

    @property
    def total(self):
        return assessment_total(self.assessment, self.points, list(self.top_codes))[0]

    @property
    def coverage(self) -> int:
        return len(self.covered)

    def point(self, code: str):
        entry = self.points.get(code)
        return entry.points if entry else None

    @property
    def benchmark_points(self):
        return self.point("benchmark")

    @property
    def expert_points(self):
        return self.point("expert")

    @property
    def user_points(self):
        return self.point("user")


@dataclass
class Leaderboard:
    phase: Phase
    filters: LeaderboardFilters
    reference_date: date | None
    benchmarks: list[Benchmark]
    rows: list[LeaderboardRow]
    references: dict[int, Reference]
    languages: list[str]
    sort: str
    order: str
    has_points: bool
    full_view: bool
    standings: Standings | None = None

    @property
    def team_rows(self) -> list[LeaderboardRow]:
        return [r for r in self.rows if not r.is_baseline]

    @property
    def others(self) -> list[LeaderboardRow]:
        """Models that are not a participant's: earlier team models and baselines, apart."""
        return [r for r in self.rows if not r.is_participant]

    @property
    def has_ties(self) -> bool:
        return bool(self.standings and self.standings.has_ties)

    def cells(self):
        """(row, benchmark, cell) for every chosen score, in table order."""
        for row in self.rows:
            for benchmark in self.benchmarks:
                cell = row.cells.get(benchmark.pk)
                if cell:
                    yield row, benchmark, cell


def choose_scores(scores) -> dict[tuple[int, int], Cell]:
    """One Cell per (model, benchmark): the preferred score, counting the others beside it."""
    grouped: dict[tuple[int, int], list[Score]] = {}
    for score in scores:
        grouped.setdefault((score.model_id, score.benchmark_id), []).append(score)
    chosen = {}
    for key, options in grouped.items():
        options.sort(
            key=lambda s: score_preference(
                reporter=s.reporter,
                is_official=bool(s.run_id and s.run.is_official),
                created_ts=s.created_at.timestamp(),
            )
        )
        chosen[key] = Cell(options[0], others=len(options) - 1)
    return chosen


def references_for(
    *, cells: dict[tuple[int, int], Cell], benchmarks, as_of: date
) -> dict[int, Reference]:
    """The global reference of each benchmark from the baselines' chosen scores."""
    by_benchmark: dict[int, list[BaselineScore]] = {}
    for cell in cells.values():
        model = cell.score.model
        if not model.is_baseline:
            continue
        by_benchmark.setdefault(cell.score.benchmark_id, []).append(
            BaselineScore(
                model.slug,
                model.name,
                float(cell.score.value),
                model.release_date,
                model.release_month_only,
            )
        )
    result = {}
    for benchmark in benchmarks:
        reference = global_reference(
            by_benchmark.get(benchmark.pk, ()),
            as_of=as_of,
            higher_is_better=benchmark.higher_is_better,
        )
        if reference:
            result[benchmark.pk] = reference
    return result


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _visible_phase_scores(*, phase: Phase, user, now=None):
    return (
        Score.objects.visible_to(user, now)
        .for_phase(phase)
        .select_related("model", "model__team", "benchmark", "run")
    )


def phase_leaderboard(*, phase: Phase, user, filters: LeaderboardFilters, now=None) -> Leaderboard:
    """One row per entered or scored team model (and baselines if shown), a fixed query count."""
    scores = _visible_phase_scores(phase=phase, user=user, now=now)
    # A synthetic phase shows its own runs, never real published figures; a real phase never
    # shows synthetic data.
    scores = scores.filter(phase=phase) if phase.is_demo else scores.filter(is_demo=False)
    if filters.mode:
        scores = scores.filter(mode=filters.mode)
    cells = choose_scores(scores)
    benchmarks_all = {c.score.benchmark_id: c.score.benchmark for c in cells.values()}
    reference_date, references = phase_references(
        phase=phase, benchmarks=benchmarks_all.values(), user=user, now=now
    )
    for (_, benchmark_id), cell in cells.items():
        reference = references.get(benchmark_id)
        if reference:
            benchmark = benchmarks_all[benchmark_id]
            cell.percent = percent_of_reference(
                float(cell.score.value), reference.value, benchmark.higher_is_better
            )

    benchmarks = sorted(
        (
            b
            for b in benchmarks_all.values()
            if (not filters.language or b.language == filters.language)
            and (not filters.group or b.group == filters.group)
        ),
        key=lambda b: (b.is_demo, LANGUAGE_ORDER.get(b.language, 9), b.name.lower()),
    )
    shown_ids = {b.pk for b in benchmarks}

    decided = list(assessments_visible(user=user, now=now).filter(phase=phase))
    assessments = {a.model_id: a for a in decided if a.model_id}
    participants = list(
        PhaseParticipant.objects.filter(phase=phase).select_related("team", "model", "model__team")
    )
    full_view = phase_can_be_seen_in_full(phase=phase, user=user, now=now)
    if not full_view:  # an entry's model is public once the phase is, or if the program lists it
        for participant in participants:
            if participant.model is not None and not participant.model.listed:
                participant.model = None
    entered = {p.model_id for p in participants if p.model_id} | set(assessments)
    cutoff = reference_date  # the one reference rule's date; None: the phase has no fixed date
    models: dict[int, FoundationModel] = {}
    for cell in cells.values():
        model = cell.score.model
        if cell.score.benchmark_id not in shown_ids:
            continue
        later = (
            cutoff is not None and model.release_date is not None and model.release_date > cutoff
        )
        if not model.is_baseline and model.pk not in entered and later:
            continue  # a team's later model was no part of this phase
        models.setdefault(cell.score.model_id, model)
    for assessment in assessments.values():
        models.setdefault(assessment.model_id, assessment.model)
    # the assessment's model has no team loaded via select_related: use the assessment's team
    for assessment in assessments.values():
        model = models[assessment.model_id]
        if model.team_id == assessment.team_id:
            model.team = assessment.team

    components = phase_components(phase=phase)
    top_codes = tuple(top_level_codes(components))
    referenced = {b.pk for b in benchmarks if b.pk in references}
    rows = []
    for model in models.values():
        if model.is_baseline and not filters.baselines:
            continue
        row = LeaderboardRow(model=model, assessment=assessments.get(model.pk), top_codes=top_codes)
        if row.assessment:
            row.points = {p.component.code: p for p in row.assessment.points.all()}
            gates = list(row.assessment.gates.all())
            row.gate = gates[0] if gates else None
        for benchmark in benchmarks:
            cell = cells.get((model.pk, benchmark.pk))
            if cell:
                row.cells[benchmark.pk] = cell
        languages_here = _unique_ordered(b.language for b in benchmarks)
        for language in languages_here:
            row.language_percent[language] = _mean(
                row.cells[b.pk].percent
                for b in benchmarks
                if b.language == language and b.pk in row.cells
            )
        row.average_percent = _mean(c.percent for c in row.cells.values())
        row.covered = frozenset(
            pk for pk, c in row.cells.items() if c.percent is not None and pk in referenced
        )
        rows.append(row)

    standings = phase_standings(
        participants=participants,
        assessments=decided,
        board_rows=rows,
        components=components,
        referenced_benchmarks=len(referenced),
    )
    has_points = any(r.total is not None or r.points for r in standings.rows)
    default_sort = "total" if standings.ranked else ""  # no column: standings by outcome
    sort = filters.sort or default_sort
    benchmark_by_code = {b.code: b for b in benchmarks}
    if sort.startswith("b-") and sort[2:] not in benchmark_by_code:
        sort = default_sort
    order = filters.order or ("asc" if sort in ("model", "team") else "desc")
    _sort_rows(rows, sort=sort, order=order, benchmark_by_code=benchmark_by_code)
    if filters.sort:
        _sort_standings(standings.rows, sort=sort, order=order, benchmark_by_code=benchmark_by_code)
    return Leaderboard(
        phase=phase,
        filters=filters,
        reference_date=reference_date,
        benchmarks=benchmarks,
        rows=rows,
        references={pk: r for pk, r in references.items() if pk in shown_ids},
        languages=_unique_ordered(b.language for b in benchmarks),
        sort=sort,
        order=order,
        has_points=has_points,
        full_view=full_view,
        standings=standings,
    )


LANGUAGE_ORDER = {code: i for i, code in enumerate(("ko", "en", "ja", "code", "math", "multi"))}


def _unique_ordered(items):
    return list(dict.fromkeys(items))


def _sort_value(row: LeaderboardRow, sort: str, benchmark_by_code):
    """(value, low, high) of the sort column for one row, or None when the row has no value."""
    if sort == "total":
        value = row.total
    elif sort == "benchmark_points":
        value = row.benchmark_points
    elif sort in ("expert", "user"):
        value = row.point(sort)
    elif sort == "avg":
        value = row.average_percent
    elif sort.startswith("lang-"):
        value = row.language_percent.get(sort[5:])
    elif sort.startswith("b-"):
        cell = row.cells.get(benchmark_by_code[sort[2:]].pk)
        if cell is None:
            return None
        score = cell.score
        if score.has_interval:
            return (float(score.value), float(score.interval_low), float(score.interval_high))
        value = score.value
    else:
        return None
    if value is None:
        return None
    return (float(value), float(value), float(value))


def _sort_rows(rows, *, sort: str, order: str, benchmark_by_code) -> None:
    """Sort rows in place by the chosen column. Sorting never ranks: ranks come only from the
    program's published totals (leaderboard/standings.py)."""
    if sort in ("model", "team", ""):

        def name_key(row):
            if sort in ("team", ""):  # team models by team, then the baselines
                team = row.team.name if row.team else ""
                return (row.team is None, team, row.model.name.lower())
            return (row.model.name.lower(),)

        rows.sort(key=name_key, reverse=order == "desc")
        return
    higher_is_better = True
    if sort.startswith("b-"):
        higher_is_better = benchmark_by_code[sort[2:]].higher_is_better
    values = {id(r): _sort_value(r, sort, benchmark_by_code) for r in rows}
    descending = (order == "desc") == higher_is_better

    def key(row):
        item = values[id(row)]
        if item is None:  # rows without a value last, team models before baselines
            return (1, row.is_baseline, 0.0, row.model.name.lower())
        return (0, False, -item[0] if descending else item[0], row.model.name.lower())

    rows.sort(key=key)


def _sort_standings(rows, *, sort: str, order: str, benchmark_by_code) -> None:
    """Sort the standings by the chosen column (rows without a value last); never ranks."""
    if sort == "team":
        rows.sort(key=lambda r: r.team.name, reverse=order == "desc")
        return
    if sort == "model":
        rows.sort(key=lambda r: r.model.name.lower() if r.model else "~", reverse=order == "desc")
        return

    def value(row):
        if sort == "total":
            return row.total
        if sort == "benchmark_points" or sort in ("expert", "user"):
            entry = row.point("benchmark" if sort == "benchmark_points" else sort)
            return entry.points if entry else None
        if sort == "avg":
            return row.average_percent
        if sort.startswith("lang-") and row.board_row:
            return row.board_row.language_percent.get(sort[5:])
        if sort.startswith("b-") and row.board_row:
            cell = row.board_row.cells.get(benchmark_by_code[sort[2:]].pk)
            return cell.score.value if cell else None
        return None

    descending = order == "desc"
    if sort.startswith("b-") and not benchmark_by_code[sort[2:]].higher_is_better:
        descending = not descending
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: float(value(r)), reverse=descending)
    rows[:] = present + missing


def export_rows(board: Leaderboard) -> list[dict]:
    """The long form of a leaderboard view: one record per chosen score, with its provenance."""
    records = []
    for row, benchmark, cell in board.cells():
        score = cell.score
        reference = board.references.get(benchmark.pk)
        records.append(
            {
                "phase": board.phase.slug,
                "rank": row.rank.label if row.rank else "",
                "team": row.team.slug if row.team else "",
                "model": row.model.slug,
                "model_name": row.model.name,
                "is_baseline": row.is_baseline,
                "benchmark": benchmark.code,
                "language": benchmark.language,
                "group": benchmark.group,
                "value": f"{score.value:.{score.decimals}f}",
                "interval_low": "" if score.interval_low is None else str(score.interval_low),
                "interval_high": "" if score.interval_high is None else str(score.interval_high),
                "reference_model": reference.model_slug if reference else "",
                "reference_value": "" if reference is None else f"{reference.value:g}",
                "percent_of_reference": "" if cell.percent is None else f"{cell.percent:.1f}",
                "below_target": cell.below_target,
                "mode": score.mode,
                "reporter": score.reporter,
                "reliability": score.reliability,
                "source_title": score.source_title,
                "source_url": score.source_url,
                "run_id": str(score.run_id or ""),
                "is_demo": score.is_demo,
            }
        )
    return records


EXPORT_FIELDS = (
    "phase",
    "rank",
    "team",
    "model",
    "model_name",
    "is_baseline",
    "benchmark",
    "language",
    "group",
    "value",
    "interval_low",
    "interval_high",
    "reference_model",
    "reference_value",
    "percent_of_reference",
    "below_target",
    "mode",
    "reporter",
    "reliability",
    "source_title",
    "source_url",
    "run_id",
    "is_demo",
)


# ---------------------------------------------------------------- models, compare, headline


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


@dataclass
class RelativePair:
    model: FoundationModel
    language: str
    value: float
    reference_value: float
    count: int
    is_demo: bool


def relative_pairs(*, phase: Phase, user, reference_slug: str, now=None) -> list[RelativePair]:
    """Per team model and language: its mean and the reference model's mean on shared benchmarks."""
    scores = _visible_phase_scores(phase=phase, user=user, now=now)
    scores = scores.filter(phase=phase) if phase.is_demo else scores.filter(is_demo=False)
    cells = choose_scores(scores)
    reference_cells = {
        benchmark_id: cell
        for (_, benchmark_id), cell in cells.items()
        if cell.score.model.slug == reference_slug
    }
    grouped: dict[tuple[int, str], list[tuple[Cell, Cell]]] = {}
    models = {}
    for (model_id, benchmark_id), cell in cells.items():
        model = cell.score.model
        if model.is_baseline or benchmark_id not in reference_cells:
            continue
        if not cell.score.benchmark.higher_is_better:
            continue
        models[model_id] = model
        grouped.setdefault((model_id, cell.score.benchmark.language), []).append(
            (cell, reference_cells[benchmark_id])
        )
    pairs = []
    for (model_id, language), items in grouped.items():
        pairs.append(
            RelativePair(
                model=models[model_id],
                language=language,
                value=sum(float(c.score.value) for c, _ in items) / len(items),
                reference_value=sum(float(r.score.value) for _, r in items) / len(items),
                count=len(items),
                is_demo=any(c.score.is_demo or r.score.is_demo for c, r in items),
            )
        )
    return pairs


def headline_pairs(*, user, reference_slug: str, now=None) -> list[RelativePair]:
    """Relative pairs of the latest published real phase: never synthetic demo data."""
    real = [p for p in phase_list() if p.is_published(now)]
    pairs: list[RelativePair] = []
    for phase in real[-1:]:
        pairs += relative_pairs(phase=phase, user=user, reference_slug=reference_slug, now=now)
    order = {code: i for i, code in enumerate(LANGUAGES)}
    pairs.sort(key=lambda p: (order.get(p.language, 9), p.model.name))
    return [p for p in pairs if p.language in LANGUAGES]


def scores_chosen_for_model(
    *, model: FoundationModel, user, now=None, include_demo: bool = False
) -> list[Cell]:
    """The preferred score of this model on each benchmark (over all phases it may see)."""
    scores = (
        Score.objects.visible_to(user, now)
        .filter(model=model)
        .select_related("model", "model__team", "benchmark", "run")
    )
    if not include_demo:
        scores = scores.filter(is_demo=False)
    cells = choose_scores(scores)
    return sorted(
        cells.values(),
        key=lambda c: (
            c.score.benchmark.is_demo,
            LANGUAGE_ORDER.get(c.score.benchmark.language, 9),
            c.score.benchmark.name.lower(),
        ),
    )


def model_reference_cells(
    *, cells: list[Cell], as_of: date, user, now=None
) -> dict[int, Reference]:
    """Global references (as of `as_of`) of the benchmarks of `cells`."""
    benchmark_ids = [c.score.benchmark_id for c in cells]
    baseline_scores = (
        Score.objects.visible_to(user, now)
        .filter(benchmark_id__in=benchmark_ids, model__kind=FoundationModel.Kind.BASELINE)
        .select_related("model", "benchmark", "run")
    )
    baseline_cells = choose_scores(baseline_scores)
    return references_for(
        cells=baseline_cells, benchmarks=[c.score.benchmark for c in cells], as_of=as_of
    )


@dataclass
class Comparison:
    models: list[FoundationModel]
    benchmarks: list[Benchmark]
    cells: dict[tuple[int, int], Cell]
    problem: str = ""
    unknown: list[str] = field(default_factory=list)

    def table(self):
        """(benchmark, [cell or None per model], best model ids) per benchmark."""
        for benchmark in self.benchmarks:
            row = [self.cells.get((m.pk, benchmark.pk)) for m in self.models]
            present = [float(c.score.value) for c in row if c]
            # a best only where at least two models can be compared
            pick = max if benchmark.higher_is_better else min
            top = pick(present) if len(present) >= 2 else None
            yield benchmark, [(c, c is not None and float(c.score.value) == top) for c in row]


def parse_model_slugs(values: list[str]) -> list[str]:
    """Slugs from ?models=a,b&models=c, in order, without duplicates or blanks."""
    slugs = []
    for value in values:
        slugs += [s.strip() for s in value.split(",") if s.strip()]
    return list(dict.fromkeys(slugs))


def compare_models(*, slugs: list[str], user, now=None, include_demo: bool = False) -> Comparison:
    """2 to 4 visible models side by side on the benchmarks they share any score on.

    Synthetic demo scores take part only when asked for (and are then marked DEMO).
    """
    found = {
        m.slug: m
        for m in models_visible(user=user, now=now)
        .filter(slug__in=slugs[:20])
        .select_related("team")
    }
    unknown = [s for s in slugs if s not in found]
    models = [found[s] for s in slugs if s in found]
    if unknown:
        return Comparison(models, [], {}, problem="unknown", unknown=unknown)
    if len(models) < 2:
        return Comparison(models, [], {}, problem="too_few")
    if len(models) > MAX_COMPARED:
        return Comparison(models, [], {}, problem="too_many")
    scores = (
        Score.objects.visible_to(user, now)
        .filter(model__in=models)
        .select_related("model", "model__team", "benchmark", "run")
    )
    if not include_demo:
        scores = scores.filter(is_demo=False)
    cells = choose_scores(scores)
    benchmarks = sorted(
        {c.score.benchmark_id: c.score.benchmark for c in cells.values()}.values(),
        key=lambda b: (b.is_demo, LANGUAGE_ORDER.get(b.language, 9), b.name.lower()),
    )
    return Comparison(models, benchmarks, cells)


MAX_COMPARED = 4


def team_progression(*, team: Team, user, now=None) -> list[Assessment]:
    """The team's visible assessments in phase order, with their totals."""
    return list(assessments_visible(user=user, now=now).filter(team=team).order_by("phase__order"))


def benchmark_chosen(*, benchmark: Benchmark, user, now=None) -> list[Cell]:
    """One preferred score per model on this benchmark, best first."""
    scores = (
        Score.objects.visible_to(user, now)
        .filter(benchmark=benchmark)
        .select_related("model", "model__team", "benchmark", "run")
    )
    cells = list(choose_scores(scores).values())
    cells.sort(
        key=lambda c: -float(c.score.value) if benchmark.higher_is_better else float(c.score.value)
    )
    return cells
