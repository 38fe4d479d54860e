"""The competition's tables: phases, scoring schemes, teams, models, benchmarks, scores,
assessments, dated facts, corrections and the audit log; one module a concern. Imports Django only.
"""

from .assessments import (
    Assessment,
    AssessmentQuerySet,
    ComponentPoints,
    ConversionRule,
    GateResult,
    PhaseFigure,
)
from .audit import AuditEntry, AuditEntryImmutable, AuditEntryQuerySet
from .base import (
    EVALUATORS_GROUP,
    Bilingual,
    Reliability,
    is_evaluator,
    localized,
    reliability_check,
    reliability_field,
    team_ids_of,
)
from .corrections import Correction, CorrectionQuerySet
from .facts import (
    DatedFact,
    IndependenceRecord,
    IndependenceRecordQuerySet,
    PhaseEvent,
    PhaseEventQuerySet,
    known_by,
)
from .phases import Phase, PhaseQuerySet, ScoringComponent
from .scores import (
    Benchmark,
    Mode,
    Reporter,
    Score,
    ScoreMode,
    ScoreQuerySet,
    public_score_condition,
)
from .teams import (
    FoundationModel,
    FoundationModelQuerySet,
    PhaseParticipant,
    Team,
    TeamMembership,
    TeamPartner,
)

__all__ = [
    "is_evaluator",
    "team_ids_of",
    "Bilingual",
    "localized",
    "Reliability",
    "reliability_field",
    "reliability_check",
    "EVALUATORS_GROUP",
    "PhaseQuerySet",
    "Phase",
    "ScoringComponent",
    "Team",
    "TeamPartner",
    "TeamMembership",
    "PhaseParticipant",
    "FoundationModelQuerySet",
    "FoundationModel",
    "Benchmark",
    "Mode",
    "ScoreMode",
    "Reporter",
    "public_score_condition",
    "ScoreQuerySet",
    "Score",
    "AssessmentQuerySet",
    "Assessment",
    "ComponentPoints",
    "GateResult",
    "PhaseFigure",
    "ConversionRule",
    "known_by",
    "DatedFact",
    "PhaseEventQuerySet",
    "PhaseEvent",
    "IndependenceRecordQuerySet",
    "IndependenceRecord",
    "CorrectionQuerySet",
    "Correction",
    "AuditEntryImmutable",
    "AuditEntryQuerySet",
    "AuditEntry",
]
