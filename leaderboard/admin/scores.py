"""Admin for scores: changed only through score_change (a correction once public)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..corrections import REASON_FIELDS, CorrectionReason, reason_errors
from ..models import (
    Score,
)
from .audited import PROVENANCE_FIELDS, AuditedAdminMixin


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
        from ..decisions.scores import score_is_public

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
        from ..decisions.scores import score_change

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
        from ..decisions.scores import score_is_public

        # A public score is withdrawn only by a correction, never deleted here.
        public = obj is not None and score_is_public(obj)
        return not public and super().has_delete_permission(request, obj)
