"""One rule a concept: every surface shows the same chosen score, rank, points and visibility.

The surfaces: the phase page, the API, the CSV and JSON exports, the team's feedback and the
evaluators' decision board. (The global reference has its own test across the same surfaces:
tests/evaluations/test_one_reference.py.)
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.services import run_submit
from leaderboard import points as points_formula
from leaderboard.cache import bump_generation
from leaderboard.corrections import CorrectionReason
from leaderboard.decisions import assessments as decide
from leaderboard.decisions.scores import score_is_public
from leaderboard.models import Phase, PhaseParticipant, Reporter, Score
from tests.access.conftest import add_scheme
from tests.evaluations.conftest import predictions, upload
from tests.factories import BaselineFactory, ModelFactory, PhaseFactory, ScoreFactory, TeamFactory

pytestmark = pytest.mark.django_db


def published_phase(*teams_and_models, slug="one-rule"):
    phase = PhaseFactory(
        slug=slug,
        evaluation_starts=date(2026, 3, 1),
        announcement_at=timezone.now() - timedelta(days=1),
    )
    add_scheme(phase)
    for team, model in teams_and_models:
        PhaseParticipant.objects.create(phase=phase, team=team, model=model)
    return phase


def api_cells(phase, model_slug):
    board = APIClient().get(f"/api/v1/phases/{phase.slug}/leaderboard/").json()
    return [c for r in board["rows"] if r["model"] == model_slug for c in r["cells"]]


def api_rows(phase):
    return APIClient().get(f"/api/v1/phases/{phase.slug}/leaderboard/").json()["rows"]


def csv_records(client, phase):
    response = client.get(reverse("leaderboard:phase_export_csv", args=[phase.slug]))
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def json_records(client, phase):
    return client.get(reverse("leaderboard:phase_export_json", args=[phase.slug])).json()["rows"]


def page_board(client, phase):
    response = client.get(reverse("leaderboard:phase", args=[phase.slug]))
    assert response.status_code == 200
    return response.context["board"]


def decision_board(client, evaluator, phase):
    client.force_login(evaluator)
    context = client.get(reverse("evaluator:board", args=[phase.slug])).context
    client.logout()
    return context


# ---------------------------------------------------------------- the chosen score


def test_every_surface_shows_the_same_chosen_published_score(
    client, evaluator, team_a, model_a, benchmark
):
    phase = published_phase((team_a, model_a))
    # A self-reported figure of this phase, newer, and an independent one without a phase:
    # the rule prefers the more authoritative source, on the board and the decision board alike.
    ScoreFactory(
        model=model_a, benchmark=benchmark, phase=phase, value=Decimal("71.0"), reporter="self"
    )
    older = ScoreFactory(
        model=model_a,
        benchmark=benchmark,
        phase=None,
        value=Decimal("64.0"),
        reporter="independent",
    )
    Score.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=30))

    (api_cell,) = api_cells(phase, model_a.slug)
    (csv_row,) = [r for r in csv_records(client, phase) if r["model"] == model_a.slug]
    (json_row,) = [r for r in json_records(client, phase) if r["model"] == model_a.slug]
    page = page_board(client, phase)
    (page_row,) = [r for r in page.rows if r.model.pk == model_a.pk]
    board = decision_board(client, evaluator, phase)
    (board_row,) = [r for r in board["rows"] if r.team.pk == team_a.pk]

    shown = {
        "api": float(api_cell["score"]["value"]),
        "csv": float(csv_row["value"]),
        "json": float(json_row["value"]),
        "page": float(page_row.cells[benchmark.pk].score.value),
        "decision board": board_row.values[benchmark.pk].value,
    }
    assert set(shown.values()) == {64.0}, shown


def test_every_surface_shows_the_official_run_once_it_is_marked(
    client, evaluator, member_a, team_a, model_a, benchmark, django_capture_on_commit_callbacks
):
    phase = published_phase((team_a, model_a))
    ScoreFactory(
        model=model_a,
        benchmark=benchmark,
        phase=None,
        value=Decimal("64.0"),
        reporter="independent",
    )
    Phase.objects.filter(pk=phase.pk).update(
        submission_opens=timezone.now() - timedelta(days=5),
        submission_closes=timezone.now() + timedelta(days=5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = run_submit(
            user=evaluator,
            model=model_a,
            phase=phase,
            benchmark=benchmark,
            upload=upload(predictions(60)),
        )
    decide.run_set_official(
        user=evaluator, run=run, correction=CorrectionReason("공식 결과", "The official result")
    )

    (api_cell,) = api_cells(phase, model_a.slug)
    (csv_row,) = [r for r in csv_records(client, phase) if r["model"] == model_a.slug]
    page = page_board(client, phase)
    (page_row,) = [r for r in page.rows if r.model.pk == model_a.pk]
    board = decision_board(client, evaluator, phase)
    (board_row,) = [r for r in board["rows"] if r.team.pk == team_a.pk]
    client.force_login(member_a)
    feedback = client.get(reverse("portal:phase_feedback", args=[team_a.slug, phase.slug]))
    (feedback_row,) = feedback.context["rows"]

    shown = {
        "api": float(api_cell["score"]["value"]),
        "csv": float(csv_row["value"]),
        "page": float(page_row.cells[benchmark.pk].score.value),
        "decision board": board_row.values[benchmark.pk].value,
        "team feedback": float(feedback_row["result"].value),
    }
    assert set(shown.values()) == {60.0}, shown
    assert csv_row["run_id"] == str(run.pk) and feedback_row["run"].pk == run.pk
    assert board_row.values[benchmark.pk].provenance == "official run"


# ---------------------------------------------------------------- rank ties


def decide_with_points(evaluator, phase, team, model, points):
    decide.assessment_save(
        user=evaluator,
        phase=phase,
        team=team,
        data=decide.AssessmentInput(
            model=model,
            outcome="advanced",
            reasons_ko="사유",
            reasons_en="Reasons",
            points={code: Decimal(value) for code, value in points.items()},
            gates={"independence": decide.GateInput(True, "근거", "Evidence")},
        ),
    )


def test_every_surface_shows_equal_totals_as_one_shared_rank(client, evaluator, benchmark):
    teams = [TeamFactory(slug=f"team-{name}") for name in ("x", "y", "z")]
    models = [ModelFactory(slug=f"model-{t.slug}", team=t) for t in teams]
    phase = published_phase(*zip(teams, models, strict=True))
    Phase.objects.filter(pk=phase.pk).update(announcement_at=None)
    phase.refresh_from_db()
    # x and y both total 60, z 50: x and y share first place, z is third.
    points = [
        {"benchmark": "10", "expert": "30", "user": "20"},
        {"benchmark": "12", "expert": "28", "user": "20"},
        {"benchmark": "10", "expert": "20", "user": "20"},
    ]
    for team, model, given in zip(teams, models, points, strict=True):
        ScoreFactory(model=model, benchmark=benchmark, phase=phase, value=Decimal("50.0"))
        decide_with_points(evaluator, phase, team, model, given)
    Phase.objects.filter(pk=phase.pk).update(announcement_at=timezone.now() - timedelta(days=1))

    api = {r["model"]: r["rank"]["label"] for r in api_rows(phase) if r["rank"]}
    # (the CSV writer puts a quote before a leading "=", so that no spreadsheet runs the cell)
    csv_ranks = {r["model"]: r["rank"].removeprefix("'") for r in csv_records(client, phase)}
    json_ranks = {r["model"]: r["rank"] for r in json_records(client, phase)}
    page = {r.model.slug: r.rank.label for r in page_board(client, phase).rows if r.rank}
    board = {
        r.model.slug: r.rank for r in decision_board(client, evaluator, phase)["rows"] if r.model
    }

    expected = {"model-team-x": "=1", "model-team-y": "=1", "model-team-z": "3"}
    assert api == csv_ranks == json_ranks == page == expected
    assert board == {"model-team-x": 1, "model-team-y": 1, "model-team-z": 3}


# ---------------------------------------------------------------- the points formula


def test_the_decision_boards_points_are_the_formula_over_the_public_value_and_reference(
    client, evaluator, team_a, model_a, benchmark
):
    phase = published_phase((team_a, model_a))
    baseline = BaselineFactory(slug="autumn", release_date=date(2025, 10, 1))
    ScoreFactory(
        model=baseline,
        benchmark=benchmark,
        phase=None,
        value=Decimal("80.0"),
        reporter="independent",
    )
    ScoreFactory(
        model=model_a, benchmark=benchmark, phase=phase, value=Decimal("60.0"), reporter="self"
    )

    (api_cell,) = api_cells(phase, model_a.slug)
    (csv_row,) = [r for r in csv_records(client, phase) if r["model"] == model_a.slug]
    board = decision_board(client, evaluator, phase)
    (board_row,) = [r for r in board["rows"] if r.team.pk == team_a.pk]
    component = next(c for c in board["bench_components"] if c.code == "global-common")
    by_formula = points_formula.benchmark_points(
        component.max_points,
        [
            points_formula.BenchmarkInput(
                benchmark.code, float(api_cell["score"]["value"]), float(csv_row["reference_value"])
            )
        ],
    )

    assert float(csv_row["reference_value"]) == board["references"][benchmark.pk].value == 80.0
    assert board_row.computed["global-common"].points == by_formula.points == Decimal("15.00")
    assert round(board_row.values[benchmark.pk].percent, 1) == round(
        api_cell["percent_of_reference"], 1
    )


# ---------------------------------------------------------------- visibility


def test_a_score_is_on_every_public_surface_exactly_when_the_visibility_rule_says_so(
    client, evaluator, team_a, model_a, benchmark
):
    phase = published_phase((team_a, model_a))
    Phase.objects.filter(pk=phase.pk).update(announcement_at=timezone.now() + timedelta(days=1))
    phase.refresh_from_db()
    score = ScoreFactory(
        model=model_a, benchmark=benchmark, phase=phase, value=Decimal("61.3"), reporter="self"
    )

    def on_public_surfaces():
        client.logout()
        surfaces = {
            "api": [c["score"]["value"] for c in api_cells(phase, model_a.slug)],
            "scores api": [
                s["value"]
                for s in APIClient().get(f"/api/v1/scores/?model={model_a.slug}").json()["results"]
            ],
            "csv": [r["value"] for r in csv_records(client, phase) if r["model"] == model_a.slug],
            "model page": "61.3"
            in client.get(reverse("leaderboard:model", args=[model_a.slug])).content.decode(),
        }
        return {name: bool(found) for name, found in surfaces.items()}, surfaces

    assert score_is_public(score) is False
    hidden, seen = on_public_surfaces()
    assert set(hidden.values()) == {False}, seen

    # the announcement time passes (a plain UPDATE does not bump the cache as services do)
    Phase.objects.filter(pk=phase.pk).update(announcement_at=timezone.now() - timedelta(days=1))
    bump_generation()
    assert score_is_public(score) is True
    shown, seen = on_public_surfaces()
    assert set(shown.values()) == {True}, seen
    # the decision board sees it all along, as evaluators do
    (board_row,) = [
        r for r in decision_board(client, evaluator, phase)["rows"] if r.team.pk == team_a.pk
    ]
    assert board_row.values[benchmark.pk].value == 61.3
    assert score.reporter == Reporter.SELF
