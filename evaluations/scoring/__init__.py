"""Pure-Python scoring core of the K-AI Leaderboard (no Django): parse, validate and score."""

from .answer_key import AnswerKey, load_answer_key, parse_answer_key, write_answer_key
from .engine import CategoryResult, ScoreResult, ScoringOptions, score_file, score_file_reference
from .errors import AnswerKeyError, PredictionFileError
from .extraction import extract_choice, extract_exact
from .intervals import bounded_mean_interval, proportion_interval
from .metrics import accuracy, macro_average, micro_average, pass_at_k
from .normalize import key_answer, normalize_choice, strict_reading
from .predictions import METRICS, check_head, iter_predictions

__all__ = [
    "METRICS",
    "AnswerKey",
    "AnswerKeyError",
    "CategoryResult",
    "PredictionFileError",
    "ScoreResult",
    "ScoringOptions",
    "accuracy",
    "bounded_mean_interval",
    "check_head",
    "extract_choice",
    "extract_exact",
    "iter_predictions",
    "key_answer",
    "load_answer_key",
    "macro_average",
    "micro_average",
    "normalize_choice",
    "parse_answer_key",
    "pass_at_k",
    "proportion_interval",
    "score_file",
    "score_file_reference",
    "strict_reading",
    "write_answer_key",
]
