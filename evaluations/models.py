"""Evaluation runs: answer keys, uploaded predictions, their status and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from leaderboard.models import (
    Benchmark,
    FoundationModel,
    Mode,
    Phase,
    Team,
    is_evaluator,
    team_ids_of,
)


class AnswerKey(models.Model):
    """Where a benchmark's answer key is stored (server-side, outside any URL); never its content."""

    benchmark = models.OneToOneField(Benchmark, on_delete=models.CASCADE, related_name="answer_key")
    path = models.CharField(max_length=300, help_text=_("Relative to ANSWER_KEY_ROOT."))
    item_count = models.PositiveIntegerField()
    category_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Answer key of {self.benchmark} ({self.item_count} items)"

    @property
    def full_path(self):
        return settings.ANSWER_KEY_ROOT / self.path


class RunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Runs a user may see: evaluators all, team members their own team's, others none."""
        if is_evaluator(user):
            return self
        team_ids = team_ids_of(user)
        if not team_ids:
            return self.none()
        return self.filter(team_id__in=team_ids)

    def counting_toward_quota(self):
        """Runs that use up the team's daily quota: all but those the server itself failed
        and those cancelled before they ever started (nothing was scored for them)."""
        return self.exclude(failure_kind=EvaluationRun.FailureKind.SERVER).exclude(
            status=EvaluationRun.Status.CANCELLED, started_at__isnull=True
        )


def run_upload_path(run: EvaluationRun, filename: str) -> str:
    return f"runs/{run.id}/{filename}"


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class FailureKind(models.TextChoices):
        NONE = "", _("None")
        FILE = "file", _("The predictions file")
        SERVER = "server", _("The server")

    class Format(models.TextChoices):
        JSONL = "jsonl", "JSONL"
        CSV = "csv", "CSV"

    class SubmittedAs(models.TextChoices):
        TEAM = "team", _("Submitted by the team")
        EVALUATOR = "evaluator", _("Submitted by an evaluator")

    FINAL_STATES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="runs")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="runs")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="runs")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="runs", editable=False
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.REASONING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_as = models.CharField(
        max_length=20,
        choices=SubmittedAs.choices,
        default=SubmittedAs.TEAM,
        editable=False,
        help_text=_(
            "Evaluators may submit at any time, outside the phase's window; such runs say so."
        ),
    )
    input_file = models.FileField(upload_to=run_upload_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    file_format = models.CharField(max_length=10, choices=Format.choices)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    failure_kind = models.CharField(
        max_length=10, choices=FailureKind.choices, default=FailureKind.NONE, blank=True
    )
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True, help_text=_("What went wrong, for the team."))
    error_params = models.JSONField(
        null=True,
        default=None,
        blank=True,
        help_text=_(
            "The catalogue template of the error message and its values "
            '({"template": ..., "params": {...}}), to show it in the reader\'s language.'
        ),
    )
    log = models.TextField(blank=True, help_text=_("Private: the team and evaluators only."))
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued_count = models.PositiveSmallIntegerField(default=0)
    seed = models.PositiveIntegerField(default=0)
    is_official = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["team", "phase", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "phase", "benchmark"],
                condition=Q(is_official=True),
                name="run_one_official_per_model_phase_benchmark",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="run_progress_is_a_fraction"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_kind=""),
                name="run_failure_has_a_kind",
            ),
        ]
        permissions = [("manage_runs", "Can review, re-run, cancel and mark official any run")]

    def __str__(self) -> str:
        return f"{self.model} · {self.benchmark} · {self.phase} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:run", args=[self.id])

    @property
    def error_message_display(self) -> str:
        """The stored message in the reader's language where the catalogue has it."""
        from django.utils.translation import gettext

        from .runs.rules import translated_file_problem

        if not self.error_message:
            return ""
        if self.error_params:
            return translated_file_problem(
                self.error_message,
                self.error_params.get("template"),
                self.error_params.get("params"),
            )
        return gettext(self.error_message)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class RunResult(models.Model):
    """The result of a succeeded run; one per run, so a second delivery cannot duplicate it."""

    run = models.OneToOneField(EvaluationRun, on_delete=models.CASCADE, related_name="result")
    value = models.FloatField()
    interval_low = models.FloatField()
    interval_high = models.FloatField()
    method = models.CharField(max_length=80)
    item_count = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()
    missing = models.PositiveIntegerField()
    invalid = models.PositiveIntegerField()
    micro = models.FloatField()
    macro = models.FloatField()
    extraction = models.CharField(
        max_length=10,
        blank=True,
        help_text=_("The benchmark's extraction mode when the run was scored (none for pass@k)."),
    )
    figures = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The score under each extraction mode: value, interval, correct, invalid."),
    )
    feedback = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Why items did not count (count and first examples per reason) and the ignored "
            "fields; computed once at scoring time. Never holds the answer key."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_low__lte=models.F("value"))
                & Q(interval_high__gte=models.F("value")),
                name="result_interval_contains_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.value:.1f}"

    #: What a team reads instead of an answer as written when the benchmark's questions are
    #: hidden: models often repeat the question before answering.
    HIDDEN_PREDICTION = gettext_noop("[hidden: the answer may repeat the hidden question]")

    @property
    def shown_feedback(self) -> dict:
        """The feedback as every reader of a run sees it (pages, downloads, the API).

        On a benchmark with hidden questions (organizer-run endpoint evaluations) no example
        shows the answer as written, on this run and on any re-run of its file; the counts, line
        numbers and what was read stay. Evaluators read the stored answers on the endpoint run.
        """
        from django.utils.translation import gettext

        feedback = self.feedback or {}
        if not self.run.benchmark.hidden_items.exists():
            return feedback
        hidden = gettext(self.HIDDEN_PREDICTION)
        return {
            **feedback,
            "reasons": [
                {
                    **reason,
                    "examples": [
                        {**example, "prediction": hidden} for example in reason.get("examples", [])
                    ],
                }
                for reason in feedback.get("reasons", [])
            ],
        }


class RunCategoryResult(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=200)
    items = models.PositiveIntegerField()
    value = models.FloatField()
    interval_low = models.FloatField()
    interval_high = models.FloatField()

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["run", "category"], name="category_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.value:.1f}"


class RunChunk(models.Model):
    """One byte range of a large run, scored on its own and merged when all are done."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    start = models.PositiveBigIntegerField()
    end = models.PositiveBigIntegerField()
    first_line_no = models.PositiveBigIntegerField()
    tally = models.JSONField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="chunk_unique_index_in_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} chunk {self.index}"


# The endpoint-run models live with the endpoint code; imported here so Django finds them.
from .endpoints.models import (  # noqa: E402, F401
    Endpoint,
    EndpointResponse,
    EndpointRun,
    HiddenItem,
    PromptTemplate,
)

# Panels of people who rate the models live in their own package; Django finds them here.
from .panels.models import (  # noqa: E402, F401
    Comparison,
    ComparisonAnswer,
    ComparisonPrompt,
    Criterion,
    Invitation,
    Panel,
    Rater,
    RaterLabel,
    Rating,
    SignUp,
    TryMessage,
)
