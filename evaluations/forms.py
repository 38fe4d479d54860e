from django import forms
from django.utils.translation import gettext_lazy as _

from leaderboard.models import Benchmark, Mode, Phase

from .services import submittable_models, submittable_phases


class RunSubmitForm(forms.Form):
    model = forms.ModelChoiceField(queryset=None, label=_("Model"))
    phase = forms.ModelChoiceField(
        queryset=Phase.objects.none(),
        label=_("Phase"),
        help_text=_("Only the phases you may submit to now are listed."),
    )
    benchmark = forms.ModelChoiceField(
        queryset=Benchmark.objects.filter(answer_key__isnull=False).order_by("name"),
        label=_("Benchmark"),
    )
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.REASONING, label=_("Mode"))
    upload = forms.FileField(
        label=_("Predictions file"),
        help_text=_(
            'JSONL, one {"id": …, "prediction": …} a line (for code benchmarks {"id": …, "n": …, '
            '"c": …}), or CSV with a header row (id,prediction or id,n,c). UTF-8.'
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = submittable_models(user=user).order_by("name")
        self.fields["phase"].queryset = submittable_phases(user=user).order_by("order")
        # A phase's str() is its English name; the options follow the page's language.
        self.fields["phase"].label_from_instance = lambda phase: phase.name
