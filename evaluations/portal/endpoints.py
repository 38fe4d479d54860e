"""Team portal: a member proposes an endpoint for one of the team's models and follows its review.

The proposal goes through ``endpoints.admission.endpoint_add`` (checked, key encrypted, audited)
and waits for an evaluator; the page lists the team's endpoints with their state and, for a
rejected one, the evaluator's reason. A saved key is never shown again: only whether one is set.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..endpoints.admission import endpoint_add
from ..endpoints.forms import EndpointProposalForm
from ..endpoints.models import Endpoint
from ..services import RunError
from . import selectors


def team_endpoints(team):
    """The team's endpoints, newest first, with their models (the key stays in the database)."""
    return (
        Endpoint.objects.filter(model__team=team)
        .select_related("model")
        .defer("api_key_token")
        .annotate(key_set=ExpressionWrapper(~Q(api_key_token=""), output_field=BooleanField()))
        .order_by("-created_at")
    )


@login_required
def endpoints(request, team):
    """GET: the team's endpoints and the proposal form; POST: propose (nothing saved on error)."""
    team = selectors.portal_team_get(user=request.user, slug=team)
    form = EndpointProposalForm(request.POST or None, models=team.models.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = endpoint_add(
                user=request.user,
                model=data["model"],
                base_url=data["base_url"],
                served_model=data["served_model"],
                api_key=form.api_key,
                max_in_flight=data["max_in_flight"],
                requests_per_minute=data["requests_per_minute"],
                timeout=data["timeout"],
                temperature=data["temperature"],
                max_tokens=data["max_tokens"],
                reasoning=data["reasoning"],
                system_prompt=data["system_prompt"],
            )
        except RunError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if endpoint.state == Endpoint.State.APPROVED:
                messages.success(request, _("The endpoint was saved and approved."))
            else:
                messages.success(
                    request,
                    _("The endpoint was proposed; an evaluator will approve or reject it."),
                )
            return redirect("portal:endpoints", team=team.slug)
    context = {"team": team, "form": form, "endpoints": team_endpoints(team)}
    return render(request, "portal/endpoints.html", context)
