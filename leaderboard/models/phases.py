"""Phases and the components of their scoring schemes."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Bilingual, localized, reliability_check, reliability_field


class PhaseQuerySet(models.QuerySet):
    def published(self, now=None):
        """Phases whose announcement time has come: their results are public."""
        now = now or timezone.now()
        return self.filter(announcement_at__isnull=False, announcement_at__lte=now)


class Phase(Bilingual):
    class Kind(models.TextChoices):
        FIRST_STAGE = "first_stage", _("First stage")
        REVIVAL = "revival", _("Revival round")
        SECOND_STAGE = "second_stage", _("Second stage")
        FINAL = "final", _("Final")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        EVALUATING = "evaluating", _("Evaluation under way")
        DECIDING = "deciding", _("Decisions being made")
        CONCLUDED = "concluded", _("Concluded")
        NOT_SCHEDULED = "not_scheduled", _("Not scheduled")
        NOT_PUBLISHED = "not_published", _("Status not published")

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPCOMING)
    period_ko = models.CharField(_("period as published (Korean)"), max_length=200, blank=True)
    period_en = models.CharField(_("period as published (English)"), max_length=200, blank=True)
    evaluation_starts = models.DateField(null=True, blank=True)
    evaluation_ends = models.DateField(null=True, blank=True)
    submission_opens = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Team members may submit runs from this moment on. Empty: not open."),
    )
    submission_closes = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Team members may submit runs until this moment. Empty: not open."),
    )
    participants = models.ManyToManyField(
        "Team",
        through="PhaseParticipant",
        related_name="phases_entered",
        blank=True,
        help_text=_("The teams entered in this phase."),
    )
    announcement_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Results become public from this moment on. Empty: not yet scheduled."),
    )
    summary_ko = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    results_summary_ko = models.TextField(
        blank=True, help_text=_("What the results were; shown from the announcement time on.")
    )
    results_summary_en = models.TextField(
        blank=True, help_text=_("What the results were; shown from the announcement time on.")
    )
    source = models.TextField(
        blank=True, help_text=_("Where the facts about this phase come from.")
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("A demonstration phase with synthetic data only.")
    )

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluation_starts__isnull=True)
                | Q(evaluation_ends__isnull=True)
                | Q(evaluation_ends__gte=F("evaluation_starts")),
                name="phase_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(submission_opens__isnull=True)
                | Q(submission_closes__isnull=True)
                | Q(submission_closes__gt=F("submission_opens")),
                name="phase_submission_closes_after_it_opens",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:phase", args=[self.slug])

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return self.announcement_at is not None and self.announcement_at <= now

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def results_summary(self) -> str:
        return localized(self, "results_summary")

    @property
    def period(self) -> str:
        return localized(self, "period")

    def status_on(self, now=None) -> str:
        """The status as it reads at `now`: a concluded phase is not concluded before its
        announcement (the data may be loaded ahead of a frozen or earlier clock)."""
        now = now or timezone.now()
        if self.status == self.Status.CONCLUDED and not self.is_published(now):
            starts = self.evaluation_starts
            if starts and starts <= timezone.localdate(now):
                return self.Status.EVALUATING
            return self.Status.UPCOMING
        return self.status

    def status_label_on(self, now=None) -> str:
        return str(self.Status(self.status_on(now)).label)


class ScoringComponent(Bilingual):
    """One part of a phase's scoring scheme; sub-components point at their parent."""

    class Kind(models.TextChoices):
        BENCHMARK = "benchmark", _("Computed from benchmarks")
        ENTERED = "entered", _("Entered by evaluators")
        GATE = "gate", _("Pass/fail gate")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="components")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    max_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    benchmark_group = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("For benchmark sub-components: the benchmark group they are computed from."),
    )
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(
        blank=True, help_text=_("Where this part of the scheme is published.")
    )
    reliability = reliability_field()

    class Meta:
        ordering = ["phase__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "code"], name="component_code_unique_in_phase"
            ),
            models.CheckConstraint(
                condition=(Q(kind="gate") & Q(max_points__isnull=True))
                | (~Q(kind="gate") & Q(max_points__gt=0)),
                name="component_gate_has_no_points_others_positive",
            ),
            reliability_check("component_reliability_valid"),
        ]

    @property
    def description(self) -> str:
        return localized(self, "description")
