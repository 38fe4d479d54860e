"""Reads for the public pages, by concern; visibility always goes through the QuerySets' visible_to.
May import leaderboard's models and pure rules (ranking, reference, points); not services or views.
"""

from ..ranking import RankRange, score_preference, tied_ranks
from .board import (
    DEFAULT_REFERENCE_MODEL,
    LANGUAGES,
    POINT_CODES,
    SORT_KEYS,
    Cell,
    Leaderboard,
    LeaderboardFilters,
    LeaderboardRow,
    choose_scores,
    phase_leaderboard,
)
from .catalog import benchmark_detail, benchmark_list, model_detail, team_detail
from .compare import (
    MAX_COMPARED,
    Comparison,
    RelativePair,
    benchmark_chosen,
    compare_models,
    headline_pairs,
    model_reference_cells,
    parse_model_slugs,
    relative_pairs,
    scores_chosen_for_model,
)
from .decisions import DecisionRow, decision_rows, latest_decisions, team_progression
from .export import EXPORT_FIELDS, export_rows
from .ordering import LANGUAGE_ORDER
from .visible import (
    all_team_slugs,
    assessments_visible,
    baseline_choices,
    corrections_visible,
    current_phase,
    demo_phases,
    models_visible,
    phase_can_be_seen_in_full,
    phase_components,
    phase_list,
    team_list,
)

__all__ = [
    "phase_can_be_seen_in_full",
    "phase_list",
    "demo_phases",
    "current_phase",
    "assessments_visible",
    "corrections_visible",
    "phase_components",
    "team_list",
    "models_visible",
    "baseline_choices",
    "all_team_slugs",
    "LANGUAGE_ORDER",
    "SORT_KEYS",
    "POINT_CODES",
    "LANGUAGES",
    "DEFAULT_REFERENCE_MODEL",
    "LeaderboardFilters",
    "Cell",
    "LeaderboardRow",
    "Leaderboard",
    "choose_scores",
    "phase_leaderboard",
    "export_rows",
    "EXPORT_FIELDS",
    "DecisionRow",
    "decision_rows",
    "latest_decisions",
    "team_progression",
    "team_detail",
    "model_detail",
    "benchmark_list",
    "benchmark_detail",
    "RelativePair",
    "relative_pairs",
    "headline_pairs",
    "scores_chosen_for_model",
    "model_reference_cells",
    "Comparison",
    "parse_model_slugs",
    "compare_models",
    "MAX_COMPARED",
    "benchmark_chosen",
    "RankRange",
    "score_preference",
    "tied_ranks",
]
