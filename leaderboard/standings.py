"""A phase's standings: its participants, ranked only where the program ranks them.

Participants are the teams entered in the phase (PhaseParticipant, and any team with a
decision). Their totals are the published ones, or the sum of their published top-level points
when every top-level component has one. Ranks come only from `ranks_by_published_totals`;
"average vs reference" is a column with its coverage, never a rank. Models that are not a
participant's (earlier team models, global baselines) are listed apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .models import (
    Assessment,
    ComponentPoints,
    FoundationModel,
    GateResult,
    PhaseParticipant,
    Reliability,
    ScoringComponent,
    Team,
)
from .ranking import RankRange, ranks_by_published_totals

_RELIABILITY_ORDER = [Reliability.OFFICIAL, Reliability.SECONDARY, Reliability.UNCERTAIN]
_OUTCOME_ORDER = {"advanced": 0, "pending": 1, "withdrawn": 2, "not_selected": 3, "eliminated": 4}


def weakest(reliabilities) -> str:
    """The least reliable of several reliabilities (official when there are none)."""
    found = [r for r in reliabilities if r]
    return max(found, key=_RELIABILITY_ORDER.index, default=Reliability.OFFICIAL)


def assessment_total(
    assessment: Assessment | None, points: dict[str, ComponentPoints], top_codes: list[str]
) -> tuple[Decimal | None, str]:
    """(total, reliability): the published total, else the sum of every top-level component's
    points when all of them have points, else (None, official)."""
    if assessment is None:
        return None, Reliability.OFFICIAL
    if assessment.published_total is not None:
        return assessment.published_total, assessment.total_reliability
    if not top_codes or any(code not in points for code in top_codes):
        return None, Reliability.OFFICIAL
    total = sum((points[code].points for code in top_codes), Decimal(0))
    return total, weakest(points[code].reliability for code in top_codes)


def top_level_codes(components: list[ScoringComponent]) -> list[str]:
    return [c.code for c in components if c.parent_id is None and c.kind != c.Kind.GATE]


@dataclass
class StandingRow:
    team: Team
    model: FoundationModel | None
    assessment: Assessment | None
    board_row: object | None = None
    points: dict[str, ComponentPoints] = field(default_factory=dict)
    gate: GateResult | None = None
    total: Decimal | None = None
    total_reliability: str = Reliability.OFFICIAL
    rank: RankRange | None = None

    def point(self, code: str) -> ComponentPoints | None:
        return self.points.get(code)

    def sub_points(self, code: str) -> list[ComponentPoints]:
        """Published points of the sub-components of `code`, in scheme order."""
        found = [
            p
            for p in self.points.values()
            if p.component.parent_id and p.component.parent.code == code
        ]
        return sorted(found, key=lambda p: p.component.order)

    @property
    def average_percent(self):
        return self.board_row.average_percent if self.board_row else None

    @property
    def coverage(self) -> int:
        return len(self.board_row.covered) if self.board_row else 0

    @property
    def outcome_order(self) -> int:
        return _OUTCOME_ORDER.get(self.assessment.outcome, 9) if self.assessment else 9


@dataclass
class Standings:
    rows: list[StandingRow]
    ranked: bool
    participants_recorded: bool
    coverage_total: int
    comparable: bool

    @property
    def has_ties(self) -> bool:
        return any(r.rank and r.rank.is_tie for r in self.rows)


def phase_standings(
    *,
    participants: list[PhaseParticipant],
    assessments: list[Assessment],
    board_rows: list,
    components: list[ScoringComponent],
    referenced_benchmarks: int,
) -> Standings:
    """The standings of one phase from its participants, visible decisions and board rows."""
    by_team = {a.team_id: a for a in assessments}
    rows_by_model = {r.model.pk: r for r in board_rows}
    top_codes = top_level_codes(components)
    entries: dict[int, StandingRow] = {}
    for participant in participants:
        assessment = by_team.get(participant.team_id)
        model = participant.model or (assessment.model if assessment else None)
        entries[participant.team_id] = StandingRow(participant.team, model, assessment)
    for assessment in assessments:  # a decided team is a participant even if not listed
        if assessment.team_id not in entries:
            entries[assessment.team_id] = StandingRow(assessment.team, assessment.model, assessment)
    recorded = bool(entries)
    if not recorded:  # no participants recorded (e.g. the demo): its team models, unranked
        for row in board_rows:
            if not row.is_baseline and row.team is not None:
                entries.setdefault(row.team.pk, StandingRow(row.team, row.model, None))
    rows = list(entries.values())
    for row in rows:
        if row.assessment is not None:
            row.points = {p.component.code: p for p in row.assessment.points.all()}
            gates = list(row.assessment.gates.all())
            row.gate = gates[0] if gates else None
        row.total, row.total_reliability = assessment_total(row.assessment, row.points, top_codes)
        row.board_row = rows_by_model.get(row.model.pk) if row.model else None
        if row.board_row is not None:
            row.board_row.is_participant = True
    ranks = ranks_by_published_totals([(r.total, r.total_reliability) for r in rows])
    if ranks is not None:
        for row, rank in zip(rows, ranks, strict=True):
            row.rank = rank
            if row.board_row is not None:
                row.board_row.rank = rank
        rows.sort(key=lambda r: (r.rank.best, r.team.name_en))
    else:
        rows.sort(key=lambda r: (r.outcome_order, r.team.name_en))
    averaged = [r.board_row.covered for r in rows if r.board_row and r.average_percent is not None]
    return Standings(
        rows=rows,
        ranked=ranks is not None,
        participants_recorded=recorded,
        coverage_total=referenced_benchmarks,
        comparable=len(set(averaged)) <= 1,
    )
