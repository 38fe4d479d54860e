"""The admin: no side door. Every change is audited and goes through the evaluator rules.

Decisions (assessments, their points and gates), announcement times and official runs change
only on the evaluator pages, through their services: here they are read-only. Scores change
through `score_change` (a correction, with its reason, once public). Everything else an admin
can change (teams, models, benchmarks, phases' descriptions, participants, components) is
appended to the audit record, and the public pages show it at the next request (the cache bumps
on commit). Once a phase is published, what fixes its results (dates, scheme, participants) is
read-only too.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .audit.chain import audit_record, canonical_json
from .corrections import REASON_FIELDS, CorrectionReason, reason_errors
from .models import (
    Assessment,
    AuditEntry,
    Benchmark,
    ComponentPoints,
    ConversionRule,
    Correction,
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

PROVENANCE_FIELDS = ("reporter", "source_title", "source_url", "import_key", "created_at", "run")


def admin_snapshot(obj) -> dict:
    """Every concrete field of a row, as the audit record keeps it."""
    values = {}
    for f in obj._meta.concrete_fields:
        value = f.value_from_object(obj)
        try:
            canonical_json(value)
        except TypeError:
            value = str(value)
        values[f.attname] = value
    return values


def _changed(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the fields that differ (everything for a new or deleted row)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_admin_change(user, action: str, obj, before: dict | None, after: dict | None) -> None:
    before, after = _changed(before, after)
    if before == after:
        return
    phase_id = obj.pk if isinstance(obj, Phase) else getattr(obj, "phase_id", None)
    audit_record(user, action, obj, before, after, phase_id=phase_id)


class AuditedAdminMixin:
    """Appends every save and delete made here, inlines included, to the audit record."""

    def _label(self, obj) -> str:
        return obj._meta.model_name

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            stored = type(obj).objects.filter(pk=obj.pk).first()
            before = admin_snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        action = "change" if change else "create"
        audit_admin_change(
            request.user, f"admin.{self._label(obj)}.{action}", obj, before, admin_snapshot(obj)
        )

    def delete_model(self, request, obj):
        before = admin_snapshot(obj)
        super().delete_model(request, obj)
        audit_admin_change(request.user, f"admin.{self._label(obj)}.delete", obj, before, None)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        before = {
            f.instance.pk: admin_snapshot(model.objects.get(pk=f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk is not None and model.objects.filter(pk=f.instance.pk).exists()
        }
        super().save_formset(request, form, formset, change)
        name = model._meta.model_name
        for obj in formset.new_objects:
            audit_admin_change(request.user, f"admin.{name}.create", obj, None, admin_snapshot(obj))
        for obj, _fields in formset.changed_objects:
            audit_admin_change(
                request.user,
                f"admin.{name}.change",
                obj,
                before.get(obj.pk),
                admin_snapshot(obj),
            )
        for obj in formset.deleted_objects:
            audit_admin_change(request.user, f"admin.{name}.delete", obj, before.get(obj.pk), None)


class ReadOnlyInline(admin.TabularInline):
    """Shown, never changed here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenOncePublishedInline(admin.TabularInline):
    """Editable (and audited) until the phase is published; read-only afterwards."""

    extra = 0

    def _open(self, obj) -> bool:
        return obj is None or not obj.is_published()

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


# ---------------------------------------------------------------- phases


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


# ---------------------------------------------------------------- teams and models


@admin.register(ConversionRule)
class ConversionRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
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


# ---------------------------------------------------------------- scores


class ScoreAdminForm(forms.ModelForm):
    correction_reason_ko = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for the correction (Korean)"),
        help_text=_("Needed once the score is public: the change is published as a correction."),
    )
    correction_reason_en = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for the correction (English)"),
    )

    class Meta:
        model = Score
        fields = (
            "model",
            "benchmark",
            "phase",
            "value",
            "decimals",
            "interval_low",
            "interval_high",
            "item_count",
            "mode",
            "setup",
            "reporter",
            "source_title",
            "source_url",
            "note",
            "run",
            "is_demo",
        )

    def clean(self):
        from .decisions.assessments import score_is_public

        cleaned = super().clean()
        changed = [name for name in self.changed_data if name not in REASON_FIELDS]
        if self.instance.pk and changed and score_is_public(self.instance):
            reason = CorrectionReason(
                cleaned.get("correction_reason_ko", ""), cleaned.get("correction_reason_en", "")
            )
            for name, message in reason_errors(reason).items():
                self.add_error(name, message)
        return cleaned


@admin.register(Score)
class ScoreAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ScoreAdminForm
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
        # Provenance is set when a score is created and never edited afterwards; a run's score
        # is the run's result, changed only by re-running or marking another run official.
        if obj is None:
            return ("import_key", "created_at", "run")
        if obj.run_id:
            return [f.name for f in Score._meta.fields if f.name != "id"]
        return PROVENANCE_FIELDS

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or obj.run_id:
            return [f for f in fields if f not in REASON_FIELDS]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        from .decisions.assessments import score_change

        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in REASON_FIELDS and name in form.cleaned_data
        }
        reason = CorrectionReason(
            form.cleaned_data.get("correction_reason_ko", ""),
            form.cleaned_data.get("correction_reason_en", ""),
        )
        score_change(user=request.user, score=obj, values=values, correction=reason)

    def has_delete_permission(self, request, obj=None):
        from .decisions.assessments import score_is_public

        # A public score is withdrawn only by a correction, never deleted here.
        public = obj is not None and score_is_public(obj)
        return not public and super().has_delete_permission(request, obj)


# ---------------------------------------------------------------- assessments (read-only)


class ComponentPointsInline(ReadOnlyInline):
    model = ComponentPoints
    fields = ("component", "points", "is_published_figure", "source")
    readonly_fields = fields


class GateResultInline(ReadOnlyInline):
    model = GateResult
    fields = ("component", "passed", "evidence_ko", "evidence_en", "source")
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Read-only: corrections are written by the services that change public results."""

    list_display = ("corrected_at", "kind", "phase", "team", "model", "reason_en")
    list_filter = ("kind", "phase")
    search_fields = ("reason_en", "reason_ko", "earlier_en")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
