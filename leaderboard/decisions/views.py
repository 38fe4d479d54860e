"""Evaluator pages: decision board, assessment form, publication and run review actions."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..corrections import CorrectionReason
from ..models import Assessment, Correction, Phase, Team, is_evaluator
from . import assessments as services
from . import selectors
from .forms import AssessmentForm, PublishForm


def evaluator_required(view):
    """Sign-in first; then anyone but an evaluator gets 404, so the pages do not announce themselves."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_evaluator(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def _next(request, default: str) -> str:
    """The same-site page to return to after a POST, else the default."""
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return default


def _run(run_id):
    from evaluations.models import EvaluationRun

    return get_object_or_404(
        EvaluationRun.objects.select_related("model", "phase", "benchmark"), pk=run_id
    )


@evaluator_required
def index(request):
    phases = Phase.objects.order_by("order")
    rows = [{"phase": p, "undecided": selectors.phase_undecided_teams(p)} for p in phases]
    return render(request, "evaluator/index.html", {"rows": rows})


@evaluator_required
def board(request, slug):
    from evaluations.models import EvaluationRun

    phase = get_object_or_404(Phase, slug=slug)
    context = selectors.phase_board(phase=phase)
    context["runs"] = list(
        EvaluationRun.objects.filter(phase=phase)
        .select_related("model", "benchmark", "team", "result")
        .order_by("benchmark__name", "model__name", "-created_at")
    )
    context["publish_form"] = PublishForm(
        initial={"announcement_at": phase.announcement_at} if phase.announcement_at else None
    )
    context["is_published"] = phase.is_published()
    from evaluations.panels.points import board_panel_points

    context["panel_points"] = board_panel_points(phase=phase)
    return render(request, "evaluator/board.html", context)


@evaluator_required
def assess(request, slug, team):
    phase = get_object_or_404(Phase, slug=slug)
    team = get_object_or_404(Team, slug=team)
    if team.pk not in selectors.phase_team_ids(phase) and not team.models.exists():
        raise Http404("The team has no models")
    assessment = (
        Assessment.objects.filter(phase=phase, team=team).select_related("decided_by").first()
    )
    form = AssessmentForm(request.POST or None, phase=phase, team=team, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                user=request.user,
                phase=phase,
                team=team,
                data=form.to_input(),
                correction=form.correction(),
            )
        except services.EvaluatorActionError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(
                request, _("The assessment of %(team)s was saved.") % {"team": team.name}
            )
            return redirect("evaluator:board", slug=phase.slug)
    context = {
        "phase": phase,
        "team": team,
        "assessment": assessment,
        "form": form,
        "is_published": phase.is_published(),
        "corrections": Correction.objects.filter(phase=phase, team=team),
    }
    return render(request, "evaluator/assess.html", context)


@require_POST
@evaluator_required
def publish(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("evaluator:board", slug=phase.slug)
    try:
        phase = services.phase_publish(user=request.user, phase=phase, at=form.moment())
    except services.EvaluatorActionError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        if phase.is_published():
            messages.success(request, _("The phase's results are now public."))
        else:
            messages.success(request, _("The results become public at the announcement time."))
    return redirect("evaluator:board", slug=phase.slug)


@require_POST
@evaluator_required
def run_official(request, run_id):
    run = _run(run_id)
    official = request.POST.get("official", "1") == "1"
    reason = CorrectionReason(
        request.POST.get("correction_reason_ko", ""), request.POST.get("correction_reason_en", "")
    )
    try:
        services.run_set_official(user=request.user, run=run, official=official, correction=reason)
    except services.EvaluatorActionError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The run is now the official one.")
            if official
            else _("The run is no longer official."),
        )
    return redirect(_next(request, run.get_absolute_url()))


@require_POST
@evaluator_required
def run_rerun(request, run_id):
    from evaluations.services import RunError

    run = _run(run_id)
    try:
        new = services.run_rerun(user=request.user, run=run)
    except (RunError, FileNotFoundError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(run.get_absolute_url())
    messages.success(request, _("A new run from the same file is queued."))
    return redirect(new.get_absolute_url())


@require_POST
@evaluator_required
def run_cancel(request, run_id):
    run = _run(run_id)
    if services.run_cancel_by_evaluator(user=request.user, run=run):
        messages.success(request, _("The run was cancelled."))
    else:
        messages.error(request, _("The run had already finished; nothing was changed."))
    return redirect(_next(request, run.get_absolute_url()))
