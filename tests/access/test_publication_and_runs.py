"""Publication waits for every decision; official runs are one per model, phase and benchmark."""

import pytest
from django.urls import reverse

from evaluations.models import EvaluationRun
from leaderboard.decisions import assessments as decide
from leaderboard.decisions.selectors import phase_board
from leaderboard.models import AuditEntry, Phase
from tests.language import in_language

pytestmark = pytest.mark.django_db


def test_a_phase_with_an_undecided_team_cannot_be_published(client, world):
    client.force_login(world["evaluator"])
    url = reverse("evaluator:publish", args=[world["phase"].slug])
    response = client.post(
        in_language(url, "en"), {"publish_now": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "These teams have no decision yet" in html and "Team A" in html and "Team B" in html
    assert Phase.objects.get(pk=world["phase"].pk).announcement_at is None


def test_once_every_team_is_decided_the_phase_is_published_and_audited(client, world):
    for team, outcome in ((world["team_a"], "advanced"), (world["team_b"], "withdrawn")):
        decide.assessment_save(
            user=world["evaluator"],
            phase=world["phase"],
            team=team,
            data=decide.AssessmentInput(model=None, outcome=outcome),
        )
    client.force_login(world["evaluator"])
    client.post(reverse("evaluator:publish", args=[world["phase"].slug]), {"publish_now": "1"})
    phase = Phase.objects.get(pk=world["phase"].pk)
    assert phase.is_published()
    assert AuditEntry.objects.filter(action="phase.publish", object_id=str(phase.pk)).exists()


def test_marking_a_run_official_replaces_the_previous_official_run(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["evaluator"])
    run_a = world["run_a"]
    client.post(reverse("evaluator:run_official", args=[run_a.pk]))
    assert EvaluationRun.objects.get(pk=run_a.pk).is_official
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluator:run_rerun", args=[run_a.pk]))
    known = [run_a.pk, world["run_b"].pk, world["run_published"].pk]
    rerun = EvaluationRun.objects.exclude(pk__in=known).get()
    assert response.status_code == 302 and rerun.status == "succeeded"
    assert rerun.original_filename == run_a.original_filename
    client.post(reverse("evaluator:run_official", args=[rerun.pk]))
    official = EvaluationRun.objects.filter(
        model=run_a.model, phase=run_a.phase, benchmark=run_a.benchmark, is_official=True
    )
    assert list(official.values_list("pk", flat=True)) == [rerun.pk]
    actions = list(
        AuditEntry.objects.filter(action__startswith="run.").values_list("action", flat=True)
    )
    assert actions == ["run.official", "run.rerun", "run.unofficial", "run.official"]


def test_the_board_computes_benchmark_points_from_the_official_run(world):
    decide.run_set_official(user=world["evaluator"], run=world["run_a"])
    board = phase_board(phase=world["phase"])
    rows = {row.team.slug: row for row in board["rows"]}
    # team A: official run 70.0 against the reference 80.0 → 20 × 70/80 = 17.50
    assert str(rows["team-a"].computed["global-common"].points) == "17.50"
    # team B has only the planted phase score 987.654 → capped at the reference: 20.00
    assert str(rows["team-b"].computed["global-common"].points) == "20.00"
    cell = rows["team-a"].values[world["benchmark"].pk]
    assert round(cell.percent, 1) == 87.5 and cell.meets is False
