"""Team portal (/team/): a member's own team — runs, progress, feedback and downloads."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from kai_site.csv_export import csv_write
from leaderboard.audit.chain import canonical_json
from leaderboard.models import Phase

from ..models import EvaluationRun
from ..selectors import run_get
from . import selectors

EXPORT_FIELDS = [
    "run",
    "model",
    "benchmark",
    "official",
    "category",
    "items",
    "value",
    "interval_low",
    "interval_high",
    "missing",
    "invalid",
    "phase_average",
    "reference_value",
    "reference_model",
    "percent_of_reference",
    "extraction",
    "strict_value",
    "flexible_value",
    "reason",
    "count",
    "line",
    "prediction",
    "extracted",
]


@login_required
def home(request):
    teams = list(selectors.portal_teams(user=request.user))
    if len(teams) == 1:
        return redirect("portal:team", team=teams[0].slug)
    return render(request, "portal/home.html", {"teams": teams})


@login_required
def team(request, team):
    team = selectors.portal_team_get(user=request.user, slug=team)
    return render(request, "portal/team.html", selectors.team_dashboard(team=team))


def _phase_feedback(request, team, phase):
    team = selectors.portal_team_get(user=request.user, slug=team)
    phase = get_object_or_404(Phase, slug=phase)
    return selectors.team_phase_feedback(team=team, phase=phase, user=request.user)


@login_required
def phase_feedback(request, team, phase):
    return render(request, "portal/phase_feedback.html", _phase_feedback(request, team, phase))


def _run_feedback(request, run_id):
    run = run_get(run_id=run_id, user=request.user)
    return selectors.run_feedback_row(run=run, user=request.user)


@login_required
def run_feedback(request, run_id):
    row = _run_feedback(request, run_id)
    return render(
        request, "portal/run_feedback.html", {"row": row, "single_row": [row], "run": row["run"]}
    )


def _csv_response(rows, filename):
    buffer = io.StringIO()
    # A byte order mark, so that spreadsheet programs read the Korean categories as UTF-8.
    csv_write(buffer, fieldnames=EXPORT_FIELDS, rows=rows, bom=True)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _json_response(payload, filename):
    response = HttpResponse(canonical_json(payload), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


@login_required
def phase_feedback_export(request, team, phase, fmt):
    feedback = _phase_feedback(request, team, phase)
    rows = selectors.feedback_export_rows(feedback["rows"])
    filename = f"{feedback['team'].slug}-{feedback['phase'].slug}-feedback"
    if fmt == "csv":
        return _csv_response(rows, filename)
    assessment = feedback["assessment"]
    payload = {
        "team": feedback["team"].slug,
        "phase": feedback["phase"].slug,
        "results": rows,
        "decision": None
        if not feedback["decided"]
        else {
            "outcome": assessment.outcome,
            "points": {p.component.code: p.points for p in feedback["points"]},
            "gates": {g.component.code: g.passed for g in feedback["gates"]},
            "reasons_ko": assessment.reasons_ko,
            "reasons_en": assessment.reasons_en,
        },
        "private_feedback": assessment.private_feedback if assessment else "",
        "reading": [
            selectors.feedback_reading_payload(row) for row in feedback["rows"] if row["result"]
        ],
    }
    return _json_response(payload, filename)


@login_required
def run_feedback_export(request, run_id, fmt):
    row = _run_feedback(request, run_id)
    rows = selectors.feedback_export_rows([row])
    filename = f"run-{row['run'].pk}"
    if fmt == "csv":
        return _csv_response(rows, filename)
    run: EvaluationRun = row["run"]
    payload = {
        "run": str(run.pk),
        "status": run.status,
        "error_message": run.error_message_display,
        "results": rows,
        "reading": selectors.feedback_reading_payload(row) if row["result"] else None,
    }
    return _json_response(payload, filename)
