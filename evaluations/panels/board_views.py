"""The decision board's panel action: adopt a panel's computed points into the assessments."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leaderboard.corrections import CorrectionReason
from leaderboard.models import Team

from . import points, services
from .models import Panel
from .views import evaluator_required


@require_POST
@evaluator_required
def adopt(request, pk):
    """One action: the panel's computed points (one team's, or every team's) into the
    assessments through the audited assessment service; back to the decision board."""
    panel = get_object_or_404(Panel.objects.select_related("phase", "component"), pk=pk)
    team = None
    if request.POST.get("team"):
        team = get_object_or_404(Team, slug=request.POST["team"])
    reason = CorrectionReason(
        request.POST.get("correction_reason_ko", ""), request.POST.get("correction_reason_en", "")
    )
    try:
        applied = points.panel_points_apply(
            user=request.user, panel=panel, correction=reason, team=team
        )
    except services.PanelError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The panel's points are entered in %(n)s assessments.") % {"n": len(applied)},
        )
    return redirect("evaluator:board", slug=panel.phase.slug)
