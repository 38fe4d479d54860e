"""Admin for phases, their scoring components and conversion rules (fixed once published)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ..models import (
    ConversionRule,
    Phase,
    PhaseEvent,
    PhaseFigure,
    PhaseParticipant,
    ScoringComponent,
)
from .audited import AuditedAdminMixin, FrozenOncePublishedInline


class ScoringComponentInline(FrozenOncePublishedInline):
    model = ScoringComponent
    fields = (
        "code",
        "name_ko",
        "name_en",
        "kind",
        "parent",
        "max_points",
        "benchmark_group",
        "order",
    )


class PhaseFigureInline(FrozenOncePublishedInline):
    model = PhaseFigure


class PhaseEventInline(admin.TabularInline):
    model = PhaseEvent
    extra = 0


class PhaseParticipantInline(FrozenOncePublishedInline):
    model = PhaseParticipant
    autocomplete_fields = ("team",)
    raw_id_fields = ("model",)


FIXED_ONCE_PUBLISHED = (
    "slug",
    "kind",
    "order",
    "is_demo",
    "evaluation_starts",
    "evaluation_ends",
    "submission_opens",
    "submission_closes",
)


@admin.register(Phase)
class PhaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "kind", "order", "status", "announcement_at")
    list_filter = ("kind", "status")
    search_fields = ("name_en", "name_ko", "slug")
    inlines = [
        PhaseParticipantInline,
        ScoringComponentInline,
        PhaseFigureInline,
        PhaseEventInline,
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_published() else {"slug": ("name_en",)}

    def get_readonly_fields(self, request, obj=None):
        # The announcement time is set on the decision board (publication is one way).
        if obj is not None and obj.is_published():
            return ("announcement_at", *FIXED_ONCE_PUBLISHED)
        return ("announcement_at",)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.is_published()) and super().has_delete_permission(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            messages.info(
                request,
                _(
                    "The announcement time is set on the decision board, where publication "
                    "checks every decision; once it has passed it can no longer change."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ScoringComponent)
class ScoringComponentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "phase", "code", "kind", "parent", "max_points")
    list_filter = ("phase", "kind")
    search_fields = ("name_en", "name_ko", "code")

    def has_change_permission(self, request, obj=None):
        published = obj is not None and obj.phase.is_published()
        return not published and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        published = obj is not None and obj.phase.is_published()
        return not published and super().has_delete_permission(request, obj)


@admin.register(ConversionRule)
class ConversionRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("component", "raw_name_en", "raw_max", "benchmark", "reliability")
    list_select_related = ("component", "component__phase")
