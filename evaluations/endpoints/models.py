"""Endpoints, hidden prompts, endpoint runs and their stored responses (issue 16)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leaderboard.models import Benchmark, FoundationModel, Mode, Phase, Team


class Endpoint(models.Model):
    """An OpenAI-compatible endpoint serving a model; its API key is stored encrypted only."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the team")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETIRED = "retired", _("Retired")

    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="endpoints")
    base_url = models.CharField(max_length=500)
    served_model = models.CharField(max_length=200)
    api_key_token = models.TextField(
        blank=True, editable=False, help_text=_("The API key, encrypted; never shown again.")
    )
    temperature = models.FloatField(null=True, blank=True, default=0.0)
    max_tokens = models.PositiveIntegerField(null=True, blank=True, default=512)
    reasoning = models.BooleanField(null=True, blank=True, default=None)
    system_prompt = models.TextField(blank=True)
    max_in_flight = models.PositiveIntegerField(default=4)
    requests_per_minute = models.PositiveIntegerField(null=True, blank=True)
    timeout = models.FloatField(default=60.0)
    price_in_per_million = models.DecimalField(
        _("price per 1M input tokens"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Optional; with the output price it gives a run's estimated cost."),
    )
    price_out_per_million = models.DecimalField(
        _("price per 1M output tokens"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    price_currency = models.CharField(
        _("price currency"), max_length=3, default="USD", help_text=_("ISO 4217, e.g. USD, KRW.")
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(
        blank=True, help_text=_("Why an evaluator rejected the proposal; the team reads it.")
    )

    class Meta:
        ordering = ["model", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_in_flight__gte=1), name="endpoint_max_in_flight_positive"
            ),
            models.CheckConstraint(condition=Q(timeout__gt=0), name="endpoint_timeout_positive"),
            models.CheckConstraint(
                condition=(
                    Q(price_in_per_million__isnull=True, price_out_per_million__isnull=True)
                    | Q(
                        price_in_per_million__isnull=False,
                        price_out_per_million__isnull=False,
                        price_in_per_million__gte=0,
                        price_out_per_million__gte=0,
                    )
                ),
                name="endpoint_prices_both_or_none",
                violation_error_message=_(
                    "Give both prices, per million input and per million output tokens, or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} @ {self.base_url} ({self.served_model})"


class PromptTemplate(models.Model):
    """How a benchmark's hidden items are put to a model; a new version for every change."""

    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.CASCADE, related_name="prompt_templates"
    )
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=10, default="ko")
    instruction = models.TextField(
        blank=True, help_text=_("Sent as the system message (how to answer).")
    )
    answer_cue = models.CharField(max_length=100, blank=True, default="정답:")
    few_shot = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Worked examples: [{prompt, answer}]; empty: zero-shot."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["benchmark", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "version"], name="prompt_template_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark.code} template v{self.version}"


class HiddenItem(models.Model):
    """What one item asks: a question with choices, or a prompt. Server-side only, never shown."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="hidden_items")
    item_id = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    question = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    prompt = models.TextField(blank=True)

    class Meta:
        ordering = ["benchmark", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "item_id"], name="hidden_item_unique_in_benchmark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benchmark_id}:{self.item_id}"  # never the text


class EndpointRun(models.Model):
    """Asking one endpoint every hidden item of a benchmark; scored as a file run at the end."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Asking the endpoint")
        PAUSED = "paused", _("Paused")
        ANSWERED = "answered", _("Answered; scored as a run")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINAL_STATES = (Status.ANSWERED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="runs")
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(PromptTemplate, on_delete=models.PROTECT, related_name="runs")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.NON_REASONING)
    card = models.JSONField(
        default=dict, help_text=_("The endpoint's generation settings and limits at the start.")
    )
    seed = models.PositiveIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=50)
    item_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True, help_text=_("Why the run paused or failed."))
    fatal_errors = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluation_run = models.OneToOneField(
        "evaluations.EvaluationRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="endpoint_run",
        help_text=_("The scored run made from the stored answers."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model} · {self.benchmark} · {self.phase} via endpoint ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATES


class EndpointResponse(models.Model):
    """The one stored response of an item in a run (exactly once: unique per run and item)."""

    run = models.ForeignKey(EndpointRun, on_delete=models.CASCADE, related_name="responses")
    item_id = models.CharField(max_length=200)
    text = models.TextField(blank=True, help_text=_("Empty when the item got no answer."))
    finish_reason = models.CharField(max_length=40, blank=True)
    tokens_in = models.PositiveIntegerField(null=True, blank=True)
    tokens_out = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    retried = models.JSONField(default=list, blank=True)
    error_kind = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "item_id"], name="endpoint_response_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.item_id}"
