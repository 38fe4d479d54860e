"""Run pages: submit, list, follow and cancel evaluation runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leaderboard.models import is_evaluator, team_ids_of

from . import selectors, services
from .forms import RunSubmitForm


def _require_submitter(user):
    if not (is_evaluator(user) or team_ids_of(user)):
        raise Http404("Not a team member or evaluator")


@login_required
def run_list(request):
    _require_submitter(request.user)
    return render(
        request, "evaluations/run_list.html", {"runs": selectors.run_list(user=request.user)}
    )


@login_required
def run_new(request):
    _require_submitter(request.user)
    form = RunSubmitForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_submit(user=request.user, **form.cleaned_data)
        except services.RunError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # The run page says whether it is still queued (and follows it): with eager tasks
            # it has finished by now, so a "queued" message here would be wrong.
            messages.success(request, _("Your run was submitted."))
            return redirect(run.get_absolute_url())
    context = {"form": form, "open_phases": form.fields["phase"].queryset.exists()}
    return render(request, "evaluations/run_new.html", context)


@login_required
def run_detail(request, run_id):
    run = selectors.run_get(run_id=run_id, user=request.user)
    categories = list(run.categories.all()) if run.status == run.Status.SUCCEEDED else []
    result = getattr(run, "result", None) if run.status == run.Status.SUCCEEDED else None
    context = {
        "run": run,
        "result": result,
        "categories": categories,
        "reading": selectors.result_reading(result),
        "can_cancel": not run.is_final,
        "phase_published": run.phase.is_published(),
    }
    return render(request, "evaluations/run_detail.html", context)


def run_status(request, run_id):
    run = selectors.run_get(run_id=run_id, user=request.user)
    return JsonResponse(selectors.run_status_payload(run))


@require_POST
@login_required
def run_cancel(request, run_id):
    run = selectors.run_get(run_id=run_id, user=request.user)
    if services.run_cancel(run=run, user=request.user):
        messages.success(request, _("The run was cancelled."))
    else:
        messages.error(request, _("The run had already finished; nothing was changed."))
    return redirect(run.get_absolute_url())
