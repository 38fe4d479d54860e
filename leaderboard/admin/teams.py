"""Admin for teams, members, foundation models and benchmarks."""

from django.contrib import admin

from ..models import (
    Benchmark,
    FoundationModel,
    IndependenceRecord,
    Score,
    Team,
    TeamMembership,
    TeamPartner,
)
from .audited import AuditedAdminMixin, ReadOnlyInline


class TeamPartnerInline(admin.TabularInline):
    model = TeamPartner
    extra = 0


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "lead_organization_en", "slug")
    search_fields = ("name_en", "name_ko", "lead_organization_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [TeamPartnerInline, TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "team", "role", "joined_at")
    list_filter = ("team", "role")
    search_fields = ("user__username", "user__email", "team__name_en")
    autocomplete_fields = ("user",)


class ScoreInline(ReadOnlyInline):
    """The model's scores, read-only: a score changes on its own page, through the service."""

    model = Score
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
    readonly_fields = fields
    show_change_link = True


class IndependenceRecordInline(admin.StackedInline):
    model = IndependenceRecord
    fk_name = "model"
    extra = 0


@admin.register(FoundationModel)
class FoundationModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
class BenchmarkAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
