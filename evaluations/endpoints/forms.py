"""The form of a team's endpoint proposal.

The form only reads the fields; what they must be is ``checks.endpoint_check`` (the rule the
services and ``add_endpoint`` use too), whose messages land on the fields they are about.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .checks import MAX_IN_FLIGHT, EndpointInvalid, endpoint_check, read_api_key

REASONING_CHOICES = [
    ("", _("Send nothing (the endpoint's default)")),
    ("on", _("On")),
    ("off", _("Off")),
]


class EndpointProposalForm(forms.Form):
    """An endpoint for one of the team's models; ``models`` are the ones the user may choose."""

    model = forms.ModelChoiceField(queryset=None, label=_("Model"))
    base_url = forms.CharField(
        label=_("Base URL"),
        max_length=500,
        help_text=_("OpenAI-compatible, e.g. https://api.example.com/v1 (http or https)."),
    )
    served_model = forms.CharField(
        label=_("Served model name"),
        max_length=200,
        help_text=_("The model name the endpoint expects in each request."),
    )
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Stored encrypted; never shown again, not even to you. Leave empty if the endpoint "
            "needs none."
        ),
    )
    temperature = forms.FloatField(
        label=_("Temperature"),
        required=False,
        initial=0.0,
        help_text=_("Empty: the endpoint's default."),
    )
    max_tokens = forms.IntegerField(
        label=_("Max tokens per answer"),
        required=False,
        initial=512,
        help_text=_("Empty: the endpoint's default."),
    )
    reasoning = forms.ChoiceField(label=_("Reasoning"), choices=REASONING_CHOICES, required=False)
    system_prompt = forms.CharField(
        label=_("System prompt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent first in every request where the benchmark's rules allow one; only your team "
            "and the evaluators see it."
        ),
    )
    max_in_flight = forms.IntegerField(
        label=_("Max requests in flight"),
        initial=4,
        help_text=lazy(lambda: gettext("At most %(limit)s.") % {"limit": MAX_IN_FLIGHT}, str)(),
    )
    requests_per_minute = forms.IntegerField(
        label=_("Requests per minute"),
        required=False,
        help_text=_("Empty: no limit per minute."),
    )
    timeout = forms.FloatField(label=_("Timeout (seconds per request)"), initial=60.0)

    def __init__(self, *args, models, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        self.api_key = None

    def clean(self):
        data = super().clean()
        problems: dict[str, str] = {}
        try:
            self.api_key = read_api_key(data.get("api_key") or "")
        except EndpointInvalid as invalid:
            problems.update(invalid.errors)
        try:
            data["base_url"] = endpoint_check(
                base_url=data.get("base_url") or "",
                served_model=data.get("served_model") or "",
                max_in_flight=data.get("max_in_flight"),
                requests_per_minute=data.get("requests_per_minute"),
                timeout=data.get("timeout"),
                temperature=data.get("temperature"),
                max_tokens=data.get("max_tokens"),
                system_prompt=data.get("system_prompt") or "",
            )
        except EndpointInvalid as invalid:
            problems.update(invalid.errors)
        for name, message in problems.items():
            if name not in self.errors:  # a field Django already refused keeps its own message
                self.add_error(name, message)
        data["reasoning"] = {"on": True, "off": False}.get(data.get("reasoning") or "")
        return data
