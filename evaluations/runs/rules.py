"""What every run step shares: the scorable metrics, the attempt limit, scoring options, errors."""

from __future__ import annotations

import logging

from django.utils.translation import gettext, gettext_noop

from leaderboard.models import (
    Benchmark,
)

from ..scoring.engine import ScoringOptions
from ..scoring.errors import PredictionFileError

log = logging.getLogger("kai.runs")


SCORABLE_METRICS = {
    Benchmark.Metric.ACCURACY: "accuracy",
    Benchmark.Metric.EXACT_MATCH: "exact_match",
    Benchmark.Metric.PASS_AT_K: "pass_at_k",
}


MAX_ATTEMPTS = 3

# A failed run's message is stored in English and shown in the reader's language
# (EvaluationRun.error_message_display), so these are marked for translation, not translated.
ANSWER_KEY_MISSING = gettext_noop(
    "The benchmark's answer key is missing on the server; the evaluators have been told."
)
UPLOAD_MISSING = gettext_noop(
    "The uploaded file is missing on the server; please submit it again. "
    "This run does not count toward your quota."
)
GAVE_UP = gettext_noop(
    "The run could not be scored after several attempts; the evaluators have been told. "
    "This run does not count toward your quota."
)


# Parameters whose values are themselves catalogue messages (a JSON value's kind).
TRANSLATED_PARAMS = frozenset({"kind"})


def file_problem_text(exc: PredictionFileError) -> str:
    """A predictions file's problem in the active language (its English message otherwise)."""
    return translated_file_problem(exc.message, exc.template, exc.params)


def translated_file_problem(message: str, template: str | None, params: dict | None) -> str:
    """``template % params`` in the active language; ``message`` when there is no template."""
    if not template:
        return message
    if not params:
        return gettext(template)
    values = {
        name: gettext(value) if name in TRANSLATED_PARAMS else value
        for name, value in params.items()
    }
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return message  # a translation that does not fit its parameters: show the English


class RunError(Exception):
    """A run cannot be submitted or changed as asked; `message` says why, `field` where."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class RunNotFound(RunError):
    """The run or the model does not exist for this user (answered as 404, never 403)."""


class QuotaExceeded(RunError):
    pass


class SubmissionRefused(RunError):
    """A team member may not submit to this phase now; the message says why, in the user's language."""


def scoring_options(benchmark: Benchmark) -> ScoringOptions:
    """How a benchmark's predictions are read: its extraction mode and settings."""
    return ScoringOptions(
        extraction=benchmark.extraction,
        numbered_choices=benchmark.numbered_choices,
        fractions=benchmark.fraction_equals_decimal,
        max_samples=benchmark.max_samples
        if benchmark.metric == Benchmark.Metric.PASS_AT_K
        else None,
    )
