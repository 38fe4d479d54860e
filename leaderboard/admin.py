from django.contrib import admin

from .models import (
    Assessment,
    AuditEntry,
    Benchmark,
    ComponentPoints,
    ConversionRule,
    FoundationModel,
    GateResult,
    IndependenceRecord,
    Phase,
    PhaseEvent,
    PhaseFigure,
    PhaseParticipant,
    Score,
    ScoringComponent,
    Team,
    TeamMembership,
    TeamPartner,
)

PROVENANCE_FIELDS = ("reporter", "source_title", "source_url", "import_key", "created_at")


class ScoringComponentInline(admin.TabularInline):
    model = ScoringComponent
    extra = 0
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


class PhaseFigureInline(admin.TabularInline):
    model = PhaseFigure
    extra = 0


class PhaseEventInline(admin.TabularInline):
    model = PhaseEvent
    extra = 0


class PhaseParticipantInline(admin.TabularInline):
    model = PhaseParticipant
    extra = 0
    autocomplete_fields = ("team",)
    raw_id_fields = ("model",)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "kind", "order", "status", "announcement_at")
    list_filter = ("kind", "status")
    search_fields = ("name_en", "name_ko", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [
        PhaseParticipantInline,
        ScoringComponentInline,
        PhaseFigureInline,
        PhaseEventInline,
    ]


@admin.register(ScoringComponent)
class ScoringComponentAdmin(admin.ModelAdmin):
    list_display = ("name_en", "phase", "code", "kind", "parent", "max_points")
    list_filter = ("phase", "kind")
    search_fields = ("name_en", "name_ko", "code")


@admin.register(ConversionRule)
class ConversionRuleAdmin(admin.ModelAdmin):
    list_display = ("component", "raw_name_en", "raw_max", "benchmark", "reliability")
    list_select_related = ("component", "component__phase")


class TeamPartnerInline(admin.TabularInline):
    model = TeamPartner
    extra = 0


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "lead_organization_en", "slug")
    search_fields = ("name_en", "name_ko", "lead_organization_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [TeamPartnerInline, TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "role", "joined_at")
    list_filter = ("team", "role")
    search_fields = ("user__username", "user__email", "team__name_en")
    autocomplete_fields = ("user",)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = (
        "benchmark",
        "phase",
        "value",
        "interval_low",
        "interval_high",
        "mode",
        "reporter",
        "source_title",
        "is_demo",
    )
    readonly_fields = ("reporter", "source_title")
    show_change_link = True
    autocomplete_fields = ("benchmark",)


class IndependenceRecordInline(admin.StackedInline):
    model = IndependenceRecord
    fk_name = "model"
    extra = 0


@admin.register(FoundationModel)
class FoundationModelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "team",
        "organization",
        "country",
        "total_params_b",
        "active_params_b",
        "architecture",
        "release_date",
        "trained_from_scratch",
    )
    list_filter = ("kind", "architecture", "country", "trained_from_scratch", "is_demo")
    search_fields = ("name", "slug", "organization")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ScoreInline, IndependenceRecordInline]


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "language",
        "group",
        "metric",
        "extraction",
        "item_count",
        "chance_level",
        "is_demo",
    )
    list_filter = ("language", "group", "metric", "extraction", "is_demo")
    search_fields = ("name", "code")


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = (
        "model",
        "benchmark",
        "display_value",
        "phase",
        "mode",
        "reporter",
        "source_title",
        "is_demo",
    )
    list_filter = ("reporter", "mode", "phase", "is_demo", "benchmark__language")
    search_fields = ("model__name", "benchmark__name", "source_title", "note")
    list_select_related = ("model", "benchmark", "phase")
    autocomplete_fields = ("model", "benchmark")
    readonly_fields = PROVENANCE_FIELDS

    def get_readonly_fields(self, request, obj=None):
        # Provenance is set when a score is created and never edited afterwards.
        if obj is None:
            return ("import_key", "created_at")
        return PROVENANCE_FIELDS


class ComponentPointsInline(admin.TabularInline):
    model = ComponentPoints
    extra = 0
    fields = ("component", "points", "is_published_figure", "source")


class GateResultInline(admin.TabularInline):
    model = GateResult
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("team", "phase", "model", "outcome", "published_total", "decided_at")
    list_filter = ("phase", "outcome")
    search_fields = ("team__name_en", "team__name_ko", "reasons_en", "reasons_ko")
    list_select_related = ("team", "phase", "model")
    readonly_fields = ("decided_by", "updated_at")
    inlines = [ComponentPointsInline, GateResultInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit entries can be neither added, changed nor deleted here."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_label", "entry_hash")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "entry_hash", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
