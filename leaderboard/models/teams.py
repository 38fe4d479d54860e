"""Teams, their partners and members, phase participation, and foundation models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .base import Bilingual, localized, reliability_check, reliability_field
from .phases import Phase


class Team(Bilingual):
    """A consortium: its lead organization and partners."""

    slug = models.SlugField(unique=True)
    lead_organization_ko = models.CharField(max_length=200)
    lead_organization_en = models.CharField(max_length=200)
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en"]

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:team", args=[self.slug])

    @property
    def lead_organization(self) -> str:
        return localized(self, "lead_organization")

    @property
    def description(self) -> str:
        return localized(self, "description")


class TeamPartner(Bilingual):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="partners")
    role_ko = models.CharField(max_length=200, blank=True)
    role_en = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    joined_on = models.DateField(
        null=True, blank=True, help_text=_("When the partner joined, if it joined later.")
    )
    source = models.TextField(blank=True)
    reliability = reliability_field()

    class Meta:
        ordering = ["team", "order"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name_en"], name="partner_unique_in_team"),
            reliability_check("partner_reliability_valid"),
        ]

    @property
    def role(self) -> str:
        return localized(self, "role")


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Team lead")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class PhaseParticipant(models.Model):
    """A team entered in a phase (data from the program, editable by evaluators)."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="participations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="participations")
    model = models.ForeignKey(
        "FoundationModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("The model the team entered in this phase, where known."),
    )
    source = models.TextField(blank=True, help_text=_("Where the entry is published."))

    class Meta:
        ordering = ["phase__order", "team__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "team"], name="participant_once_per_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.team} in {self.phase}"


class FoundationModelQuerySet(models.QuerySet):
    def team_models(self):
        return self.filter(kind=FoundationModel.Kind.TEAM)

    def baselines(self):
        return self.filter(kind=FoundationModel.Kind.BASELINE)


class FoundationModel(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", _("Team model")
        BASELINE = "baseline", _("Global baseline")

    class Architecture(models.TextChoices):
        DENSE = "dense", _("Dense")
        MOE = "moe", _("Mixture of experts")
        UNDISCLOSED = "undisclosed", _("Not disclosed")

    class Lineage(models.TextChoices):
        NOT_DECLARED = "not_declared", _("Not declared in our sources")
        FROM_SCRATCH = "from_scratch", _("Trained from scratch")
        REUSED_COMPONENTS = "reused_components", _("Trained with components of another model")
        UPCYCLED = "upcycled", _("Upcycled from an earlier model")
        BUILT_ON = "built_on", _("Built on another model’s weights")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="models"
    )
    organization = models.CharField(
        max_length=200, blank=True, help_text=_("Empty when our sources do not name it.")
    )
    country = models.CharField(
        max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code; empty when not sourced")
    )
    total_params_b = models.DecimalField(
        _("total parameters (billions)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    active_params_b = models.DecimalField(
        _("active parameters (billions)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    architecture = models.CharField(
        max_length=20, choices=Architecture.choices, default=Architecture.UNDISCLOSED
    )
    pretraining_tokens_t = models.DecimalField(
        _("pretraining tokens (trillions)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    context_length = models.PositiveIntegerField(null=True, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_month_only = models.BooleanField(
        default=False, help_text=_("The source gives only the month of release.")
    )
    trained_from_scratch = models.BooleanField(
        null=True, blank=True, help_text=_("As declared by the developer; empty if not declared.")
    )
    base_model = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text=_("In English."))
    note_ko = models.TextField(blank=True, help_text=_("The note in Korean."))
    reliability = reliability_field(
        _("How the size, architecture, token and context facts are known.")
    )
    release_reliability = reliability_field(_("How the release date is known."))
    licence_reliability = reliability_field(_("How the licence is known."))
    lineage = models.CharField(max_length=20, choices=Lineage.choices, default=Lineage.NOT_DECLARED)
    lineage_parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="descendants",
        help_text=_("The model it was upcycled from or reuses components of, when listed here."),
    )
    lineage_note_ko = models.TextField(blank=True)
    lineage_note_en = models.TextField(blank=True)
    lineage_source = models.TextField(blank=True)
    lineage_reliability = reliability_field(_("How the lineage is known."))
    listed = models.BooleanField(
        default=False,
        help_text=_("Public from the program data even without a published score."),
    )
    is_demo = models.BooleanField(default=False)

    objects = FoundationModelQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_params_b__isnull=True)
                | Q(total_params_b__isnull=True)
                | Q(active_params_b__lte=F("total_params_b")),
                name="model_active_params_not_above_total",
            ),
            models.CheckConstraint(
                condition=Q(total_params_b__isnull=True) | Q(total_params_b__gt=0),
                name="model_total_params_positive",
            ),
            models.CheckConstraint(
                condition=(Q(kind="team") & Q(team__isnull=False))
                | (Q(kind="baseline") & Q(team__isnull=True)),
                name="model_team_models_have_a_team_baselines_none",
            ),
            models.CheckConstraint(
                condition=Q(
                    lineage__in=[
                        "not_declared",
                        "from_scratch",
                        "reused_components",
                        "upcycled",
                        "built_on",
                    ]
                ),
                name="model_lineage_valid",
            ),
            models.CheckConstraint(
                condition=~Q(lineage__in=["upcycled", "built_on", "reused_components"])
                | Q(lineage_parent__isnull=False)
                | ~Q(base_model=""),
                name="model_derived_lineage_names_its_parent",
            ),
            models.CheckConstraint(
                condition=Q(lineage="not_declared") | ~Q(lineage_source=""),
                name="model_declared_lineage_has_a_source",
            ),
            reliability_check("model_reliability_valid"),
            reliability_check("model_release_reliability_valid", "release_reliability"),
            reliability_check("model_licence_reliability_valid", "licence_reliability"),
            reliability_check("model_lineage_reliability_valid", "lineage_reliability"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leaderboard:model", args=[self.slug])

    @property
    def localized_note(self) -> str:
        if (get_language() or "ko").startswith("ko"):
            return self.note_ko or self.note
        return self.note or self.note_ko

    @property
    def lineage_note(self) -> str:
        return localized(self, "lineage_note")

    @property
    def is_baseline(self) -> bool:
        return self.kind == self.Kind.BASELINE
