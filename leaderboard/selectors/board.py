"""The phase leaderboard: the score chosen per model and benchmark, references, points, rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from ..models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Mode,
    Phase,
    PhaseParticipant,
    Score,
    Team,
)
from ..phase_reference import phase_references
from ..ranking import RankRange, preferred_scores
from ..reference import (
    TARGET_PERCENT,
    Reference,
    percent_of_reference,
)
from ..standings import Standings, assessment_total, phase_standings, top_level_codes
from .ordering import LANGUAGE_ORDER, _sort_rows, _sort_standings, _unique_ordered
from .visible import assessments_visible, phase_can_be_seen_in_full, phase_components

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
    return {
        key: Cell(options[0], others=len(options) - 1)
        for key, options in preferred_scores(scores).items()
    }


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def visible_phase_scores(*, phase: Phase, user, now=None):
    """The scores of a phase's tables that `user` may see (`ScoreQuerySet.for_phase_tables`)."""
    return (
        Score.objects.visible_to(user, now)
        .for_phase_tables(phase)
        .select_related("model", "model__team", "benchmark", "run")
    )


def phase_leaderboard(*, phase: Phase, user, filters: LeaderboardFilters, now=None) -> Leaderboard:
    """One row per entered or scored team model (and baselines if shown), a fixed query count."""
    scores = visible_phase_scores(phase=phase, user=user, now=now)
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
