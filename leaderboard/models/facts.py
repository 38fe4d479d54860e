"""Dated, sourced facts: phase events and independence records."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import is_evaluator, localized, reliability_check, reliability_field
from .phases import Phase
from .teams import FoundationModel


def known_by(today):
    """Dated facts known on `today`: a month-only date counts once its month is over."""
    month_only_cutoff = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Q(month_only=False, on__lte=today) | Q(month_only=True, on__lte=month_only_cutoff)


class DatedFact(models.Model):
    """A dated, sourced fact written in Korean and English."""

    code = models.SlugField(max_length=60)
    on = models.DateField(_("date"))
    month_only = models.BooleanField(default=False, help_text=_("The source gives only the month."))
    text_ko = models.TextField()
    text_en = models.TextField()
    source = models.TextField()
    reliability = reliability_field()

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        return localized(self, "text")


class PhaseEventQuerySet(models.QuerySet):
    def known_on(self, now=None):
        return self.filter(known_by(timezone.localdate(now or timezone.now())))


class PhaseEvent(DatedFact):
    """Something that happened in a phase, or a statement about it (e.g. about its schedule)."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Milestone")
        STATEMENT = "statement", _("Statement")

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MILESTONE)

    objects = PhaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["phase__order", "on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="event_code_unique_in_phase"),
            models.CheckConstraint(
                condition=~Q(text_ko="") & ~Q(text_en="") & ~Q(source=""),
                name="event_has_texts_and_a_source",
            ),
            reliability_check("event_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.text_en[:60]}"


class IndependenceRecordQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Known by now; an outcome of a phase only from its announcement (evaluators: always)."""
        records = self.filter(known_by(timezone.localdate(now or timezone.now())))
        if is_evaluator(user):
            return records
        return records.filter(
            Q(phase__isnull=True) | Q(phase__in=Phase.objects.published(now).values("pk"))
        )


class IndependenceRecord(DatedFact):
    """One dated, sourced step in the public record of a team model's independence:
    a claim, a response, a public verification, a declaration or an outcome."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claim")
        RESPONSE = "response", _("Response")
        VERIFICATION = "verification", _("Public verification")
        DECLARATION = "declaration", _("Developer’s declaration")
        OUTCOME = "outcome", _("Outcome")

    model = models.ForeignKey(
        FoundationModel, on_delete=models.CASCADE, related_name="independence_records"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    phase = models.ForeignKey(
        Phase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an outcome: the phase that decided it (public from its announcement)."),
    )

    objects = IndependenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["model__name", "on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="independence_code_unique"),
            models.CheckConstraint(
                condition=~Q(text_ko="") & ~Q(text_en="") & ~Q(source=""),
                name="independence_has_texts_and_a_source",
            ),
            models.CheckConstraint(
                condition=~Q(kind="outcome") | Q(phase__isnull=False),
                name="independence_outcome_names_its_phase",
            ),
            reliability_check("independence_reliability_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.on} {self.kind}"
