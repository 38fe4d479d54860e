"""Endpoint-run pages: evaluators follow and steer a run; the team sees its figures, no prompts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leaderboard.models import is_evaluator

from . import selectors, services


@login_required
def endpoint_run_list(request):
    runs = selectors.endpoint_runs_for(user=request.user)[:200]
    return render(request, "endpoints/run_list.html", {"runs": runs})


@login_required
def endpoint_run_detail(request, run_id):
    run = selectors.endpoint_run_get(run_id=run_id, user=request.user)
    evaluator = is_evaluator(request.user)
    outcome = selectors.endpoint_run_outcome(run)
    progress = selectors.endpoint_run_progress(run)
    context = {
        "run": run,
        "progress": progress,
        "cost": selectors.endpoint_run_cost(run, progress) if evaluator else None,
        "scored": outcome.scored,
        "result": outcome.result,
        "categories": outcome.categories,
        "is_evaluator": evaluator,
    }
    template = "endpoints/run_detail.html" if evaluator else "endpoints/run_team.html"
    return render(request, template, context)


@login_required
def endpoint_run_status(request, run_id):
    run = selectors.endpoint_run_get(run_id=run_id, user=request.user)
    progress = selectors.endpoint_run_progress(run)
    return JsonResponse(
        {
            "status": run.status,
            "items": progress.items,
            "done": progress.done,
            "in_flight": progress.in_flight,
            "retries": progress.retries,
            "errors": progress.errors,
            "latency_p50_ms": progress.latency_p50_ms,
            "latency_p95_ms": progress.latency_p95_ms,
            "tokens_in": progress.tokens_in,
            "tokens_out": progress.tokens_out,
        }
    )


@require_POST
@login_required
def endpoint_run_control(request, run_id, action):
    run = selectors.endpoint_run_get(run_id=run_id, user=request.user)
    if not is_evaluator(request.user):
        raise Http404("No such run")
    change = services.endpoint_run_resume if action == "resume" else services.endpoint_run_pause
    if change(run=run, user=request.user):
        messages.success(
            request, _("The run was resumed.") if action == "resume" else _("The run was paused.")
        )
    else:
        messages.error(request, _("The run could not be changed in its state; nothing changed."))
    return redirect(reverse("evaluations:endpoint_run", args=[run.pk]))
