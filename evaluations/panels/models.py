"""Panels as data: who rates which models on which criteria, blind, and what they said."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leaderboard.models import ConversionRule, FoundationModel, Phase, ScoringComponent, localized


class Panel(models.Model):
    """A panel that gives one component's (or sub-component's) points in a phase."""

    class RaterKind(models.TextChoices):
        EXPERT = "expert", _("Experts")
        PROFESSIONAL = "professional", _("Professional users")
        PUBLIC = "public", _("Members of the public")

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="panels")
    component = models.ForeignKey(ScoringComponent, on_delete=models.PROTECT, related_name="panels")
    code = models.SlugField(max_length=40)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    rater_kind = models.CharField(max_length=20, choices=RaterKind.choices)
    blind = models.BooleanField(default=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    conversion = models.ForeignKey(
        ConversionRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panels",
        help_text=_("The component's published conversion rule; empty when none is published."),
    )
    rated_models = models.ManyToManyField(FoundationModel, related_name="+")
    dataset_salt = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Server-side key of the anonymised dataset's rater ids; drawn on first use."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(
        default=False, help_text=_("Synthetic panel of the demo pack (simulated raters).")
    )

    class Meta:
        ordering = ["phase__order", "component__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="panel_code_unique_in_phase"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="panel_closes_after_it_opens"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase_id}:{self.code}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Criterion(models.Model):
    """One thing a rater rates each model on, on an integer scale."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=40)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ko = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["panel", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Invitation(models.Model):
    """A single-use invitation link; only a hash of its token is stored."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.panel_id})"


class SignUp(models.Model):
    """A public sign-up waiting for its e-mail to be verified; only the token's hash is stored."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-up {self.pk} ({self.panel_id})"


class Rater(models.Model):
    """A person on a panel. Ratings and labels hang off this row, never off the account."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="raters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="panel_seats",
        help_text=_("Empty for a rater whose ratings were imported from elsewhere."),
    )
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Imported raters: their id in the imported file (never published)."),
    )
    imported = models.BooleanField(default=False)
    comment_consent = models.BooleanField(
        default=False,
        help_text=_("The rater agreed that their comments appear in the published dataset."),
    )
    verified_email = models.EmailField(
        blank=True, help_text=_("Public panels: the verified e-mail address, one account each.")
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="rater_once_per_panel"),
            models.UniqueConstraint(
                fields=["panel", "verified_email"],
                condition=~Q(verified_email=""),
                name="rater_one_account_per_verified_email",
            ),
            models.UniqueConstraint(
                fields=["panel", "external_id"],
                condition=~Q(external_id=""),
                name="rater_external_id_unique_in_panel",
            ),
        ]

    def __str__(self) -> str:
        return f"rater {self.pk}"


class RaterLabel(models.Model):
    """The label ('Model C') and position under which one rater sees one model: drawn once."""

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="labels")
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=4)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rater", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rater", "model"], name="label_one_per_model"),
            models.UniqueConstraint(fields=["rater", "label"], name="label_unique_for_rater"),
            models.UniqueConstraint(fields=["rater", "position"], name="label_position_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Rating(models.Model):
    """One rater's rating of one model on one criterion (changeable until the panel closes)."""

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="ratings")
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rater", "model", "criterion"], name="rating_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"rating {self.pk}"


class ComparisonPrompt(models.Model):
    """A prompt of the side-by-side mode with its answers: fixed ones entered by an evaluator,
    or a rater's own prompt (``written_by``) answered live by two models' endpoints."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="prompts")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    written_by = models.ForeignKey(
        "Rater",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A rater's own prompt, answered live by the models' endpoints."),
    )

    class Meta:
        ordering = ["panel", "order", "pk"]

    def __str__(self) -> str:
        return f"prompt {self.pk}"


class ComparisonAnswer(models.Model):
    prompt = models.ForeignKey(ComparisonPrompt, on_delete=models.CASCADE, related_name="answers")
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt", "model"], name="answer_one_per_model"),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"


class Comparison(models.Model):
    """Two anonymous answers to one prompt, shown to one rater, and their vote."""

    class Vote(models.TextChoices):
        A = "a", _("A is better")
        B = "b", _("B is better")
        TIE = "tie", _("Tie")
        BOTH_BAD = "both_bad", _("Both are bad")

    class Excluded(models.TextChoices):
        REPEATED_PROMPT = "repeated_prompt", _("The same prompt was voted on before")
        TOO_FAST = "too_fast", _("Voted faster than the answers can be read")

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="comparisons")
    prompt = models.ForeignKey(ComparisonPrompt, on_delete=models.PROTECT, related_name="+")
    model_a = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    model_b = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    shown_at = models.DateTimeField(default=timezone.now)
    vote = models.CharField(max_length=10, choices=Vote.choices, blank=True)
    voted_at = models.DateTimeField(null=True, blank=True)
    excluded_reason = models.CharField(max_length=20, choices=Excluded.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(model_a=F("model_b")), name="comparison_two_different_models"
            ),
        ]

    def __str__(self) -> str:
        return f"comparison {self.pk}"


class TryMessage(models.Model):
    """One message of a rater's chat with a model under its label ("try it"); evaluators only.

    ``role``: ``user`` (the rater) or ``assistant`` (the model's answer, empty with
    ``error_kind`` when the endpoint failed). ``latency_ms``: request sent to the last delta."""

    class Role(models.TextChoices):
        USER = "user", _("Rater")
        ASSISTANT = "assistant", _("Model")

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="try_messages")
    model = models.ForeignKey(FoundationModel, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=4)
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField(blank=True)
    error_kind = models.CharField(max_length=40, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rater", "model", "created_at", "pk"]

    def __str__(self) -> str:
        return f"try message {self.pk}"
