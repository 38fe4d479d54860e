"""The run services by name; each step lives in evaluations/runs/, one module a step."""

from .runs.answer_keys import answer_key_import
from .runs.chunks import run_score_chunk
from .runs.results import result_feedback, result_figures
from .runs.rules import (
    MAX_ATTEMPTS,
    SCORABLE_METRICS,
    QuotaExceeded,
    RunError,
    RunNotFound,
    SubmissionRefused,
    scoring_options,
)
from .runs.score import run_score
from .runs.states import run_cancel, run_claim, run_fail_for_server, run_release
from .runs.submit import (
    can_submit_for,
    run_submit,
    run_submit_path,
    submission_refusal,
    submittable_models,
    submittable_phases,
    synthetic_mix_refusal,
)
from .runs.sweep import SweepReport, runs_sweep

__all__ = [
    "synthetic_mix_refusal",
    "SCORABLE_METRICS",
    "MAX_ATTEMPTS",
    "RunError",
    "RunNotFound",
    "QuotaExceeded",
    "SubmissionRefused",
    "scoring_options",
    "run_claim",
    "run_fail_for_server",
    "run_release",
    "run_cancel",
    "answer_key_import",
    "can_submit_for",
    "submittable_models",
    "submission_refusal",
    "submittable_phases",
    "run_submit",
    "run_submit_path",
    "result_figures",
    "result_feedback",
    "run_score_chunk",
    "run_score",
    "SweepReport",
    "runs_sweep",
]
