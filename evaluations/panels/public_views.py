"""Public panel pages: a phase's panel results and each panel's anonymised dataset (from the
phase's announcement time; evaluators always; everyone else 404), and a rater's consent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kai_site.csv_export import csv_write
from leaderboard import charts
from leaderboard.charts.ratings import RatingDistributionRow, rating_distribution_chart
from leaderboard.models import Phase
from leaderboard.views import chart_labels

from . import dataset, published, services
from .models import Panel


def rating_chart_labels() -> dict[str, str]:
    """The distribution chart's words (charts.ratings.RATING_LABELS keys) in the active language."""
    return {
        **chart_labels(),
        "criterion": _("Criterion"),
        "rating": _("Rating"),
        "raters": _("Raters"),
        "minimum": _("Minimum"),
        "quartile_1": _("1st quartile"),
        "median": _("Median"),
        "quartile_3": _("3rd quartile"),
        "maximum": _("Maximum"),
        "mean": _("Mean"),
        "summary_ratings": _("{ratings} ratings of {models} models on {criteria} criteria."),
        "summary_ratings_top": _("Highest median: {model} on {criterion}, {median}."),
    }


def _visible_phase(request, slug) -> Phase:
    phase = get_object_or_404(Phase, slug=slug)
    if not published.panels_visible(phase=phase, user=request.user):
        raise Http404("No such page")
    return phase


def distribution_chart(summary: published.PanelSummary) -> charts.Chart:
    """The panel's ratings per model and criterion, as the chart and its table."""
    rows = [
        RatingDistributionRow(
            model.name, criterion.name, tuple(values), criterion.scale_min, criterion.scale_max
        )
        for model, criterion, values in summary.distribution
    ]
    return rating_distribution_chart(rows, labels=rating_chart_labels())


@require_GET
def results(request, slug):
    phase = _visible_phase(request, slug)
    summaries = published.phase_panel_summaries(phase=phase)
    panels = [{"s": s, "chart": distribution_chart(s), "cid": f"p{s.panel.pk}"} for s in summaries]
    return render(
        request,
        "panels/public_results.html",
        {"phase": phase, "panels": panels, "is_published": phase.is_published()},
    )


@require_GET
def dataset_csv(request, slug, code):
    phase = _visible_phase(request, slug)
    panel = get_object_or_404(Panel.objects.select_related("phase"), phase=phase, code=code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="kai-{phase.slug}-{panel.code}-ratings.csv"'
    )
    csv_write(response, fieldnames=dataset.FIELDS, rows=dataset.dataset_rows(panel), bom=True)
    return response


@login_required
@require_POST
def consent(request, pk):
    try:
        services.comment_consent_set(
            user=request.user, panel_id=pk, consent=request.POST.get("consent") == "1"
        )
    except services.NotFound as exc:
        raise Http404("No such page") from exc
    messages.success(request, _("Your choice about publishing your comments is saved."))
    return redirect("panels:rate", pk=pk)
