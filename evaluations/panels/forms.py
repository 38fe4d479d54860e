"""Forms of the panel pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leaderboard.models import ScoringComponent

from .models import Comparison, Panel
from .services import CriterionInput


class PanelForm(forms.Form):
    component = forms.ModelChoiceField(
        queryset=ScoringComponent.objects.none(), label=_("Component")
    )
    code = forms.SlugField(max_length=40, label=_("Code"))
    name_ko = forms.CharField(max_length=200, label=_("Name (Korean)"))
    name_en = forms.CharField(max_length=200, label=_("Name (English)"))
    rater_kind = forms.ChoiceField(choices=Panel.RaterKind.choices, label=_("Who rates"))
    blind = forms.BooleanField(required=False, initial=True, label=_("Blind (models under labels)"))
    opens_at = forms.DateTimeField(label=_("Opens at"))
    closes_at = forms.DateTimeField(label=_("Closes at"))
    scale_min = forms.IntegerField(min_value=0, initial=1, label=_("Lowest rating"))
    scale_max = forms.IntegerField(min_value=1, initial=5, label=_("Highest rating"))
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Criteria"),
        help_text=_(
            "One a line: code | name (Korean) | name (English) | description (Korean) | "
            "description (English)"
        ),
    )

    def __init__(self, *args, phase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = ScoringComponent.objects.filter(
            phase=phase, max_points__isnull=False
        )
        # The component's name in the active language (its __str__ is the English name).
        self.fields["component"].label_from_instance = lambda component: component.name

    def clean_criteria(self) -> list[CriterionInput]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 3 or not all(parts[:3]):
                raise forms.ValidationError(
                    _("Line %(n)s: write at least a code, a Korean and an English name.")
                    % {"n": number}
                )
            parts += [""] * (5 - len(parts))
            parsed.append(CriterionInput(*parts[:5]))
        return parsed


class InvitationForm(forms.Form):
    email = forms.EmailField(required=False, label=_("E-mail (optional, for your records)"))


class AccountForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("User name"))
    password = forms.CharField(widget=forms.PasswordInput, min_length=10, label=_("Password"))


class SignUpForm(AccountForm):
    email = forms.EmailField(label=_("E-mail"))


class VoteForm(forms.Form):
    vote = forms.ChoiceField(choices=Comparison.Vote.choices, label=_("Your vote"))
