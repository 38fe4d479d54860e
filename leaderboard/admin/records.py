"""Admin for assessments, corrections and audit entries: read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assessment,
    AuditEntry,
    ComponentPoints,
    Correction,
    GateResult,
)
from .audited import ReadOnlyInline, ReadOnlyModelAdmin


class ComponentPointsInline(ReadOnlyInline):
    model = ComponentPoints
    fields = ("component", "points", "is_published_figure", "source")
    readonly_fields = fields


class GateResultInline(ReadOnlyInline):
    model = GateResult
    fields = ("component", "passed", "evidence_ko", "evidence_en", "source")
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyModelAdmin):
    """Read-only: decisions are entered on the assessment form, with its rules and corrections."""

    list_display = ("team", "phase", "model", "outcome", "published_total", "decided_at")
    list_filter = ("phase", "outcome")
    search_fields = ("team__name_en", "team__name_ko", "reasons_en", "reasons_ko")
    list_select_related = ("team", "phase", "model")
    readonly_fields = ("evaluator_form", "decided_by", "updated_at")
    inlines = [ComponentPointsInline, GateResultInline]

    @admin.display(description=_("Change it on"))
    def evaluator_form(self, obj):
        url = reverse("evaluator:assess", args=[obj.phase.slug, obj.team.slug])
        return format_html('<a href="{}">{}</a>', url, _("the evaluator's assessment form"))

    def get_fields(self, request, obj=None):
        return ["evaluator_form", *[f.name for f in Assessment._meta.fields if f.name != "id"]]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyModelAdmin):
    """Read-only: corrections are written by the services that change public results."""

    list_display = ("corrected_at", "kind", "phase", "team", "model", "reason_en")
    list_filter = ("kind", "phase")
    search_fields = ("reason_en", "reason_ko", "earlier_en")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: audit entries can be neither added, changed nor deleted here."""

    list_display = ("seq", "created_at", "actor_label", "actor", "action", "object_label")
    list_filter = ("action", "object_type", "actor_label")
    search_fields = ("object_label", "entry_hash", "actor_label")

    @admin.display(description=_("account"))
    def actor(self, obj):
        # Evaluators may see which account acted; the public record names the role only.
        from django.contrib.auth import get_user_model

        if obj.actor_id is None:
            return "—"
        user = get_user_model().objects.filter(pk=obj.actor_id).first()
        return user.get_username() if user else f"#{obj.actor_id}"
