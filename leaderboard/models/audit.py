"""Audit entries: the append-only, hash-chained log of every change to the public record."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .assessments import Assessment
from .phases import Phase
from .scores import Score, public_score_condition
from .teams import FoundationModel


class AuditEntryImmutable(Exception):
    """Audit entries are append-only: they can be neither changed nor deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")

    def about_published(self, now=None):
        """Entries the public may read: about published things, as the public sees them.

        An entry of a phase appears from the phase's announcement time on (never for the
        synthetic demo phase); an entry about a score only while the score itself is public (so
        a team's run that is not official stays off the record's public face), and one about a
        model only once the model is public.
        """
        from django.db.models import CharField
        from django.db.models.functions import Cast

        published = Phase.objects.published(now).filter(is_demo=False).values("pk")
        public_scores = Score.objects.filter(public_score_condition(now))
        public_models = FoundationModel.objects.filter(
            models.Exists(public_scores.filter(model=models.OuterRef("pk")))
            | models.Exists(
                Assessment.objects.filter(phase__in=published, model=models.OuterRef("pk"))
            )
        )

        def ids(queryset):
            return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")

        return (
            self.filter(Q(phase_id__isnull=True) | Q(phase_id__in=published))
            .exclude(action__in=AuditEntry.PRIVATE_ACTIONS)
            .exclude(object_type__in=AuditEntry.PRIVATE_OBJECTS)
            .exclude(Q(object_type="leaderboard.score") & ~Q(object_id__in=ids(public_scores)))
            .exclude(
                Q(object_type="leaderboard.foundationmodel") & ~Q(object_id__in=ids(public_models))
            )
        )


class AuditEntry(models.Model):
    """One append-only, hash-chained record of a decision, publication or score change."""

    PRIVATE_ACTIONS = ("run.cancel", "run.rerun")
    # Who belongs to which team is an account matter, never part of the public record.
    # Accounts, and the people of a rating panel: who rates, how, and their invitations. A
    # panel's results are public as aggregates; single ratings and raters never are.
    PRIVATE_OBJECTS = (
        "leaderboard.teammembership",
        "auth.user",
        "evaluations.invitation",
        "evaluations.signup",
        "evaluations.rater",
        "evaluations.raterlabel",
        "evaluations.rating",
        "evaluations.comparison",
        # A team's model endpoint: its address and settings are the team's and the organizers'.
        "evaluations.endpoint",
    )

    seq = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(editable=False)
    actor_id = models.IntegerField(null=True, blank=True, editable=False)
    actor_label = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=40, editable=False)
    object_type = models.CharField(max_length=60, editable=False)
    object_id = models.CharField(max_length=64, editable=False)
    object_label = models.CharField(max_length=300, blank=True, editable=False)
    phase_id = models.IntegerField(
        null=True, blank=True, editable=False, help_text=_("The phase the object belongs to.")
    )
    before = models.TextField(editable=False, help_text=_("Canonical JSON, or empty."))
    after = models.TextField(editable=False, help_text=_("Canonical JSON, or empty."))
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries cannot be deleted.")
