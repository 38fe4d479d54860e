"""Corrections: the reasoned changes to a published record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import localized
from .phases import Phase
from .teams import Team


class CorrectionQuerySet(models.QuerySet):
    def visible_to(self, user=None, now=None):
        """Corrections of published things: a phase's from its announcement (which they follow)."""
        published = Phase.objects.published(now).values("pk")
        return self.filter(Q(phase__isnull=True) | Q(phase__in=published))


class Correction(models.Model):
    """A change to something already public, with its reason in Korean and English.

    The earlier value is kept here (as people read it, and as the snapshot the audit entry
    holds), so the affected page, the feeds and the transparency page can show what changed,
    when and why. One record serves every kind: a decision, points, a gate or a score.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        POINTS = "points", _("Points")
        GATE = "gate", _("Gate")
        SCORE = "score", _("Score")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    model = models.ForeignKey(
        "FoundationModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    earlier_ko = models.TextField(help_text=_("The earlier value, as shown to readers (Korean)."))
    earlier_en = models.TextField(help_text=_("The earlier value, as shown to readers (English)."))
    change_ko = models.TextField(help_text=_("What changed, earlier and now (Korean)."))
    change_en = models.TextField(help_text=_("What changed, earlier and now (English)."))
    reason_ko = models.TextField(_("reason (Korean)"))
    reason_en = models.TextField(_("reason (English)"))
    before = models.JSONField(help_text=_("The snapshot before the correction."))
    after = models.JSONField(help_text=_("The snapshot after the correction."))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    audit_seq = models.BigIntegerField(help_text=_("The audit entry that records it."))

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason_ko="") & ~Q(reason_en=""),
                name="correction_has_reasons_in_both_languages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} corrected {self.corrected_at:%Y-%m-%d}"

    @property
    def reason(self) -> str:
        return localized(self, "reason")

    @property
    def earlier(self) -> str:
        return localized(self, "earlier")

    @property
    def change(self) -> str:
        return localized(self, "change")
