"""Forms of the evaluator pages; the rules themselves live in decisions/assessments.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..corrections import CorrectionReason
from ..models import Assessment, Phase, ScoringComponent, Team
from .assessments import (
    AssessmentInput,
    GateInput,
    assessment_errors,
    evidence_field,
    gate_field,
    points_field,
)

GATE_CHOICES = [("", _("Not yet decided")), ("pass", _("Passed")), ("fail", _("Failed"))]


class AssessmentForm(forms.Form):
    """Points per component, gates with evidence, outcome, public reasons, private feedback."""

    model = forms.ModelChoiceField(queryset=None, required=False, label=_("Model entered"))
    outcome = forms.ChoiceField(choices=Assessment.Outcome.choices, label=_("Outcome"))
    reasons_ko = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Public reasons (Korean)")
    )
    reasons_en = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Public reasons (English)"),
    )
    private_feedback = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Private feedback to the team"),
        help_text=_("Seen only by the team and the evaluators; never published."),
    )
    correction_reason_ko = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for the correction (Korean)"),
        help_text=_("Published results change only by a public correction, with its reason."),
    )
    correction_reason_en = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for the correction (English)"),
    )

    def __init__(self, *args, phase: Phase, team: Team, assessment: Assessment | None, **kwargs):
        self.phase, self.team = phase, team
        initial = kwargs.pop("initial", {}) or {}
        components = list(phase.components.select_related("parent").order_by("order"))
        self.point_components = [c for c in components if c.kind != ScoringComponent.Kind.GATE]
        self.gate_components = [c for c in components if c.kind == ScoringComponent.Kind.GATE]
        if assessment is not None:
            initial |= {
                "model": assessment.model_id,
                "outcome": assessment.outcome,
                "reasons_ko": assessment.reasons_ko,
                "reasons_en": assessment.reasons_en,
                "private_feedback": assessment.private_feedback,
            }
            for p in assessment.points.select_related("component"):
                initial[points_field(p.component.code)] = p.points
            for g in assessment.gates.select_related("component"):
                code = g.component.code
                initial[gate_field(code)] = {True: "pass", False: "fail"}.get(g.passed, "")
                initial[evidence_field(code, "ko")] = g.evidence_ko
                initial[evidence_field(code, "en")] = g.evidence_en
        models = team.models.order_by("name")
        if assessment is None and len(models) == 1:
            initial.setdefault("model", models[0].pk)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["model"].queryset = models
        for c in self.point_components:
            self.fields[points_field(c.code)] = forms.DecimalField(
                required=False,
                max_digits=6,
                decimal_places=2,
                label=c.name,
                help_text=_("0 to %(max)s; empty: no points entered")
                % {"max": f"{c.max_points.normalize():f}"},
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )
        for c in self.gate_components:
            self.fields[gate_field(c.code)] = forms.ChoiceField(
                choices=GATE_CHOICES, required=False, label=c.name
            )
            self.fields[evidence_field(c.code, "ko")] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=_("Evidence (Korean)"),
            )
            self.fields[evidence_field(c.code, "en")] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=_("Evidence (English)"),
            )

    def correction(self) -> CorrectionReason:
        data = self.cleaned_data
        return CorrectionReason(
            data.get("correction_reason_ko", ""), data.get("correction_reason_en", "")
        )

    def point_fields(self):
        return [self[points_field(c.code)] for c in self.point_components]

    def gate_fieldsets(self):
        return [
            {
                "component": c,
                "result": self[gate_field(c.code)],
                "evidence_ko": self[evidence_field(c.code, "ko")],
                "evidence_en": self[evidence_field(c.code, "en")],
            }
            for c in self.gate_components
        ]

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            model=data.get("model"),
            outcome=data.get("outcome") or Assessment.Outcome.PENDING,
            reasons_ko=data.get("reasons_ko", ""),
            reasons_en=data.get("reasons_en", ""),
            private_feedback=data.get("private_feedback", ""),
            points={c.code: data.get(points_field(c.code)) for c in self.point_components},
            gates={
                c.code: GateInput(
                    {"pass": True, "fail": False}.get(data.get(gate_field(c.code)) or ""),
                    data.get(evidence_field(c.code, "ko"), ""),
                    data.get(evidence_field(c.code, "en"), ""),
                )
                for c in self.gate_components
            },
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name, message in assessment_errors(
            phase=self.phase, team=self.team, data=self.to_input()
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class PublishForm(forms.Form):
    announcement_at = forms.DateTimeField(
        required=False,
        label=_("Announcement time (Asia/Seoul)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    publish_now = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("publish_now") and not cleaned.get("announcement_at"):
            self.add_error("announcement_at", _("Give the announcement time, or publish now."))
        return cleaned

    def moment(self):
        if self.cleaned_data.get("publish_now"):
            return timezone.now()
        return self.cleaned_data["announcement_at"]
