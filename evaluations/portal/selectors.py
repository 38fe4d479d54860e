"""Reads for the team portal: a team's dashboard and its feedback, per run and per phase."""

from django.http import Http404

from ..models import EvaluationRun
from ..selectors import result_reading

MIN_TEAMS_FOR_AVERAGE = 3


def portal_teams(*, user):
    """Teams whose portal the user may open: evaluators all, members their own."""
    from leaderboard.models import Team, is_evaluator, team_ids_of

    if is_evaluator(user):
        return Team.objects.order_by("name_en")
    return Team.objects.filter(pk__in=team_ids_of(user)).order_by("name_en")


def portal_team_get(*, user, slug):
    """The team if the user may open its portal; 404 otherwise (never 403)."""
    team = portal_teams(user=user).filter(slug=slug).first()
    if team is None:
        raise Http404("No such team")
    return team


def team_dashboard(*, team) -> dict:
    """A team's models, its runs with their status, and the phases it takes part in."""
    from leaderboard.models import Assessment, Phase

    runs = list(
        EvaluationRun.objects.filter(team=team)
        .select_related("model", "phase", "benchmark", "result")
        .order_by("-created_at")[:200]
    )
    phase_ids = {r.phase_id for r in runs} | set(
        Assessment.objects.filter(team=team).values_list("phase_id", flat=True)
    )
    return {
        "team": team,
        "models": list(team.models.order_by("-release_date", "name")),
        "runs": runs,
        "phases": list(Phase.objects.filter(pk__in=phase_ids).order_by("order")),
        "active_runs": sum(1 for r in runs if not r.is_final),
    }


def _chosen_runs(phase, team_id=None) -> dict:
    """Per (team, benchmark): the official run, else the newest succeeded one.

    The order `leaderboard.ranking.score_preference` gives organizer runs, done in the database.
    """
    runs = (
        EvaluationRun.objects.filter(phase=phase, status=EvaluationRun.Status.SUCCEEDED)
        .exclude(team__isnull=True)
        .select_related("result", "benchmark", "model")
        .order_by("-is_official", "-created_at")
    )
    if team_id is not None:
        runs = runs.filter(team_id=team_id)
    chosen = {}
    for run in runs:
        chosen.setdefault((run.team_id, run.benchmark_id), run)
    return chosen


def _phase_average(phase, benchmark_id, now=None) -> tuple[float | None, int]:
    """Mean of the teams' official results on one benchmark, from the announcement time on.

    Before the announcement a team sees only the global reference: an average over the other
    teams' runs would let it work out their unpublished scores. Afterwards the average covers
    official results only, and only where enough teams have one.
    """
    if not phase.is_published(now):
        return None, 0
    values = [
        run.result.value
        for (team_id, bench_id), run in _chosen_runs(phase).items()
        if bench_id == benchmark_id and run.is_official
    ]
    if len(values) < MIN_TEAMS_FOR_AVERAGE:
        return None, len(values)
    return sum(values) / len(values), len(values)


def _visible_reference(benchmark, phase, user):
    """The phase's global reference for this benchmark: the one rule every page uses."""
    from leaderboard.phase_reference import phase_reference

    return phase_reference(phase=phase, benchmark=benchmark, user=user)


def run_feedback_row(*, run, user) -> dict:
    """One run's result with its categories, the phase average and the global reference."""
    from leaderboard import reference as ref

    result = getattr(run, "result", None) if run.status == EvaluationRun.Status.SUCCEEDED else None
    row = {
        "run": run,
        "benchmark": run.benchmark,
        "model": run.model,
        "result": result,
        "categories": list(run.categories.all()) if result else [],
        "phase_average": None,
        "average_teams": 0,
        "reference": None,
        "percent": None,
        "meets": None,
        "reading": result_reading(result),
    }
    if result is None:
        return row
    row["phase_average"], row["average_teams"] = _phase_average(run.phase, run.benchmark_id)
    reference = _visible_reference(run.benchmark, run.phase, user)
    row["reference"] = reference
    if reference is not None:
        row["percent"] = ref.percent_of_reference(
            result.value, reference.value, run.benchmark.higher_is_better
        )
        row["meets"] = ref.meets_target(row["percent"])
    return row


def team_phase_feedback(*, team, phase, user) -> dict:
    """A team's results and feedback in one phase: per benchmark, plus the evaluators' decision."""
    from leaderboard.models import Assessment

    chosen = _chosen_runs(phase, team_id=team.pk)
    rows = [
        run_feedback_row(run=run, user=user)
        for run in sorted(chosen.values(), key=lambda r: r.benchmark.name)
    ]
    assessment = (
        Assessment.objects.visible_to(user)
        .filter(team=team, phase=phase)
        .prefetch_related("points__component", "gates__component")
        .first()
    )
    decided = assessment is not None and assessment.outcome != Assessment.Outcome.PENDING
    return {
        "team": team,
        "phase": phase,
        "rows": rows,
        "assessment": assessment,
        "decided": decided,
        "points": list(assessment.points.all()) if decided else [],
        "gates": list(assessment.gates.all()) if decided else [],
        "min_teams": MIN_TEAMS_FOR_AVERAGE,
    }


def feedback_export_rows(rows) -> list[dict]:
    """Flat rows for CSV and JSON: one per benchmark result and one per category."""
    out = []
    for row in rows:
        result = row["result"]
        if result is None:
            continue
        reference = row["reference"]
        base = {
            "run": str(row["run"].pk),
            "model": row["model"].slug,
            "benchmark": row["benchmark"].code,
            "official": row["run"].is_official,
        }
        out.append(
            base
            | {
                "category": "",
                "items": result.item_count,
                "value": round(result.value, 3),
                "interval_low": round(result.interval_low, 3),
                "interval_high": round(result.interval_high, 3),
                "missing": result.missing,
                "invalid": result.invalid,
                "phase_average": None
                if row["phase_average"] is None
                else round(row["phase_average"], 3),
                "reference_value": reference.value if reference else None,
                "reference_model": reference.model_name if reference else "",
                "percent_of_reference": None
                if row["percent"] is None
                else round(row["percent"], 2),
            }
            | _extraction_columns(result)
        )
        for c in row["categories"]:
            out.append(
                base
                | {
                    "category": c.category,
                    "items": c.items,
                    "value": round(c.value, 3),
                    "interval_low": round(c.interval_low, 3),
                    "interval_high": round(c.interval_high, 3),
                    "missing": None,
                    "invalid": None,
                    "phase_average": None,
                    "reference_value": None,
                    "reference_model": "",
                    "percent_of_reference": None,
                }
            )
        out.extend(base | reason_row for reason_row in feedback_reason_rows(row))
    return out


def _extraction_columns(result) -> dict:
    figures = {figure["extraction"]: figure for figure in result.figures or []}
    return {
        "extraction": result.extraction,
        "strict_value": round(figures["strict"]["value"], 3) if "strict" in figures else None,
        "flexible_value": round(figures["flexible"]["value"], 3) if "flexible" in figures else None,
    }


def feedback_reason_rows(row) -> list[dict]:
    """Rows for the downloads: one per reason an item did not count (with its count), then
    one per example (line, the prediction as written, shortened, and what was read)."""
    out = []
    for reason in row["reading"]["reasons"]:
        out.append({"reason": reason["reason"], "count": reason["count"]})
        for example in reason["examples"]:
            out.append(
                {
                    "reason": reason["reason"],
                    "line": example["line"],
                    "prediction": example["prediction"],
                    "extracted": example["extracted"],
                }
            )
    return out


def feedback_reading_payload(row) -> dict:
    """The reading of one run for the JSON downloads and the API."""
    reading = row["reading"]
    return {
        "run": str(row["run"].pk),
        "benchmark": row["benchmark"].code,
        "extraction": reading["extraction"],
        "figures": [
            {key: figure[key] for key in figure if key not in ("chosen", "label")}
            for figure in reading["figures"]
        ],
        "reasons": [
            {key: reason[key] for key in ("reason", "count", "examples")}
            for reason in reading["reasons"]
        ],
        "ignored_fields": reading["ignored_fields"],
        "ignored_field_lines": reading["ignored_field_lines"],
    }
