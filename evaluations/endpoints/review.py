"""The evaluators' review of endpoint proposals: pending ones by model, approve or reject.

Approving and rejecting go through ``admission.endpoint_approve`` / ``endpoint_reject``
(evaluators only, audited). The page shows each proposal's settings, never its key. Anyone
else gets 404, as for every private page.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations.services import RunError
from leaderboard.models import PhaseParticipant, is_evaluator

from .admission import endpoint_approve, endpoint_reject
from .models import Endpoint

RECENT_DECISIONS = 30


def _evaluator(request) -> None:
    if not is_evaluator(request.user):
        raise Http404("No such page")


def pending_by_model() -> list[dict]:
    """Pending proposals grouped by model: ``[{model, phases, endpoints}]``, the phases being
    those the model's team takes part in (a proposal is for the model, used in any of them)."""
    pending = list(
        Endpoint.objects.filter(state=Endpoint.State.PROPOSED)
        .select_related("model", "model__team", "proposed_by")
        .defer("api_key_token")
        .order_by("model__name", "created_at")
    )
    team_ids = {e.model.team_id for e in pending if e.model.team_id}
    phases: dict[int, list] = {}
    for participant in (
        PhaseParticipant.objects.filter(team_id__in=team_ids)
        .select_related("phase")
        .order_by("phase__order")
    ):
        phases.setdefault(participant.team_id, []).append(participant.phase)
    return [
        {"model": model, "phases": phases.get(model.team_id, []), "endpoints": list(group)}
        for model, group in groupby(pending, key=lambda e: e.model)
    ]


@login_required
def endpoint_proposals(request):
    _evaluator(request)
    decided = (
        Endpoint.objects.filter(state__in=[Endpoint.State.APPROVED, Endpoint.State.REJECTED])
        .exclude(proposed_by__isnull=True)
        .select_related("model")
        .defer("api_key_token")
        .order_by("-created_at")[:RECENT_DECISIONS]
    )
    context = {"groups": pending_by_model(), "decided": decided}
    return render(request, "endpoints/proposals.html", context)


@require_POST
@login_required
def endpoint_review(request, pk, action):
    _evaluator(request)
    endpoint = get_object_or_404(Endpoint.objects.select_related("model"), pk=pk)
    if action == "approve":
        changed = endpoint_approve(endpoint=endpoint, user=request.user)
        done = _("The endpoint for %(model)s was approved.")
    else:
        try:
            changed = endpoint_reject(
                endpoint=endpoint, user=request.user, reason=request.POST.get("reason", "")
            )
        except RunError as error:  # no reason, or too long: nothing changed
            messages.error(request, error.message)
            return redirect("evaluations:endpoint_proposals")
        done = _("The endpoint for %(model)s was rejected; the team sees the reason.")
    if changed:
        messages.success(request, done % {"model": endpoint.model.name})
    else:
        messages.error(request, _("The endpoint is no longer a pending proposal; nothing changed."))
    return redirect("evaluations:endpoint_proposals")
