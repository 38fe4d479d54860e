from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import AnswerKey, EvaluationRun, RunCategoryResult, RunResult


@admin.register(AnswerKey)
class AnswerKeyAdmin(admin.ModelAdmin):
    """Where keys are stored and how big they are; the content is never displayed."""

    list_display = ("benchmark", "item_count", "category_count", "imported_at", "imported_by")
    search_fields = ("benchmark__name", "benchmark__code")
    readonly_fields = (
        "benchmark",
        "path",
        "item_count",
        "category_count",
        "sha256",
        "imported_by",
        "imported_at",
    )

    def has_add_permission(self, request):
        return False  # keys come in through `manage.py import_benchmark`, which validates them


class RunResultInline(admin.StackedInline):
    model = RunResult
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in RunResult._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False


class RunCategoryResultInline(admin.TabularInline):
    model = RunCategoryResult
    extra = 0
    can_delete = False
    readonly_fields = ("category", "items", "value", "interval_low", "interval_high")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "model",
        "benchmark",
        "phase",
        "team",
        "status",
        "progress",
        "attempts",
        "is_official",
        "is_demo",
    )
    list_filter = ("status", "failure_kind", "phase", "benchmark", "team", "is_official", "is_demo")
    search_fields = ("id", "model__name", "benchmark__name", "original_filename", "error_message")
    list_select_related = ("model", "benchmark", "phase", "team")
    date_hierarchy = "created_at"
    # Read-only, official flag included: a run becomes official on the evaluator pages, through
    # the service that audits it and, once the phase is published, records a correction.
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]
    inlines = [RunResultInline, RunCategoryResultInline]
    actions = ["cancel_runs"]

    def has_add_permission(self, request):
        return False  # runs are submitted through the run pages or `manage.py submit_run`

    def has_change_permission(self, request, obj=None):
        return False  # nothing here to change; the action below goes through the service

    @admin.action(description=_("Cancel the selected queued or running runs"))
    def cancel_runs(self, request, queryset):
        from leaderboard.decisions.assessments import run_cancel_by_evaluator

        cancelled = sum(run_cancel_by_evaluator(user=request.user, run=run) for run in queryset)
        self.message_user(request, _("%d runs cancelled.") % cancelled, messages.SUCCESS)


from .endpoints import admin as endpoint_admin  # noqa: E402,F401  (registers the Endpoint admin)
