"""Pure-Python scoring core of the K-AI Leaderboard (no Django): parse, validate and score."""

from .answer_key import AnswerKey, load_answer_key, parse_answer_key, write_answer_key
from .engine import CategoryResult, ScoreResult, score_file, score_file_reference
from .errors import AnswerKeyError, PredictionFileError
from .intervals import bootstrap_mean_interval, proportion_interval
from .metrics import accuracy, macro_average, micro_average, pass_at_k
from .normalize import normalize_choice, normalize_exact
from .predictions import METRICS, check_head, iter_predictions

__all__ = [
    "METRICS",
    "AnswerKey",
    "AnswerKeyError",
    "CategoryResult",
    "PredictionFileError",
    "ScoreResult",
    "accuracy",
    "bootstrap_mean_interval",
    "check_head",
    "iter_predictions",
    "load_answer_key",
    "macro_average",
    "micro_average",
    "normalize_choice",
    "normalize_exact",
    "parse_answer_key",
    "pass_at_k",
    "proportion_interval",
    "score_file",
    "score_file_reference",
    "write_answer_key",
]
