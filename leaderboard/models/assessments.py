"""Assessments of a team in a phase: component points, gate results, official figures, conversion rules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import is_evaluator, localized, reliability_check, reliability_field, team_ids_of
from .phases import Phase, ScoringComponent
from .teams import FoundationModel, Team


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Assessments of published phases; unpublished ones only to evaluators and the team."""
        if is_evaluator(user):
            return self
        visible = Q(phase__in=Phase.objects.published(now).values("pk"))
        team_ids = team_ids_of(user)
        if team_ids:
            visible |= Q(team_id__in=team_ids)
        return self.filter(visible)


class Assessment(models.Model):
    """The decision on one team in one phase: points, gates, outcome and reasons."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ADVANCED = "advanced", _("Advanced")
        ELIMINATED = "eliminated", _("Eliminated")
        NOT_SELECTED = "not_selected", _("Applied, not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assessments")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="assessments")
    model = models.ForeignKey(
        FoundationModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("The model the team entered in this phase."),
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    published_total = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The total as published, where it was (see its reliability)."),
    )
    total_reliability = reliability_field(_("How the published total is known."))
    reasons_ko = models.TextField(_("public reasons (Korean)"), blank=True)
    reasons_en = models.TextField(_("public reasons (English)"), blank=True)
    private_feedback = models.TextField(
        blank=True, help_text=_("Seen only by the team and the evaluators.")
    )
    source = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["phase__order", "team__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["team", "phase"], name="assessment_one_per_team_phase"),
            models.CheckConstraint(
                condition=~Q(outcome__in=["eliminated", "not_selected"])
                | (~Q(reasons_ko="") & ~Q(reasons_en="")),
                name="assessment_elimination_has_reasons_in_both_languages",
            ),
            reliability_check("assessment_total_reliability_valid", "total_reliability"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.phase}: {self.outcome}"

    @property
    def reasons(self) -> str:
        return localized(self, "reasons")


class ComponentPoints(models.Model):
    """Points of one assessment in one scoring component (published or entered)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="points")
    component = models.ForeignKey(ScoringComponent, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    max_points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        editable=False,
        help_text=_("The component's maximum, copied so that the database can check the points."),
    )
    is_published_figure = models.BooleanField(
        default=False, help_text=_("A published figure rather than our own entry.")
    )
    source = models.TextField(blank=True)
    reliability = reliability_field()

    class Meta:
        ordering = ["component__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component"], name="points_one_per_component"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="points_within_component_maximum",
            ),
            reliability_check("points_reliability_valid"),
            models.CheckConstraint(
                condition=Q(is_published_figure=True) | Q(reliability="official"),
                name="points_entered_by_evaluators_are_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.points}/{self.max_points}"

    def save(self, *args, **kwargs):
        if self.component_id and self.component.max_points is not None:
            self.max_points = self.component.max_points
        super().save(*args, **kwargs)

    def clean(self):
        if self.component_id and self.component.max_points is None:
            raise ValidationError({"component": _("A pass/fail gate has no points.")})


class GateResult(models.Model):
    """The result of a pass/fail gate (independence) for one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="gates")
    component = models.ForeignKey(ScoringComponent, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(null=True, help_text=_("Empty: not yet decided."))
    evidence_ko = models.TextField(blank=True)
    evidence_en = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component"], name="gate_one_per_component"
            ),
            models.CheckConstraint(
                condition=~Q(passed=False) | (~Q(evidence_ko="") | ~Q(evidence_en="")),
                name="gate_failure_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.passed}"

    @property
    def evidence(self) -> str:
        return localized(self, "evidence")


class PhaseFigure(models.Model):
    """A figure published for a phase as a whole: a component's average, the gap between the
    first and the last team, or the leader with its points (where per-team points are not)."""

    class Kind(models.TextChoices):
        AVERAGE = "average", _("Average")
        GAP = "gap", _("Gap between first and last")
        LEADER = "leader", _("Highest")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="figures")
    code = models.SlugField(max_length=60, help_text=_("A key unique in the phase."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AVERAGE)
    component = models.ForeignKey(
        ScoringComponent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
        help_text=_("Empty: the total."),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The leading team (leader figures only)."),
    )
    label_ko = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=6, decimal_places=2)
    decimals = models.PositiveSmallIntegerField(
        default=1, help_text=_("Digits after the decimal point as published.")
    )
    published_on = models.DateField(null=True, blank=True)
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        ordering = ["phase__order", "component__order", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="figure_one_per_code"),
            models.CheckConstraint(
                condition=(Q(kind="leader") & Q(team__isnull=False))
                | (~Q(kind="leader") & Q(team__isnull=True)),
                name="figure_leaders_name_a_team_others_none",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
            models.CheckConstraint(condition=~Q(source=""), name="figure_has_a_source"),
            reliability_check("figure_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label_en}: {self.value}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def display_value(self) -> str:
        from ..numbers import score_text

        return score_text(self.value, self.decimals)


class ConversionRule(models.Model):
    """A published rule that turns a raw value into a component's points:
    points = raw value × the component's maximum ÷ the raw maximum."""

    component = models.OneToOneField(
        ScoringComponent, on_delete=models.CASCADE, related_name="conversion"
    )
    raw_name_ko = models.CharField(max_length=200)
    raw_name_en = models.CharField(max_length=200)
    raw_max = models.DecimalField(
        max_digits=8, decimal_places=3, help_text=_("The raw value that gives full points.")
    )
    benchmark = models.ForeignKey(
        "Benchmark",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where raw values are published as scores (e.g. an index)."),
    )
    published_on = models.DateField(null=True, blank=True)
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(raw_max__gt=0), name="conversion_raw_max_positive"),
            models.CheckConstraint(condition=~Q(source=""), name="conversion_has_a_source"),
            reliability_check("conversion_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: × {self.component.max_points}/{self.raw_max}"

    @property
    def raw_name(self) -> str:
        return localized(self, "raw_name")

    def points_for(self, raw):
        from ..conversion import converted_points

        return converted_points(raw, self.component.max_points, self.raw_max)
