"""One reference rule: a run shows the same global reference and percentage on every page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.services import run_submit
from leaderboard.corrections import CorrectionReason
from leaderboard.decisions import assessments as decide
from leaderboard.models import PhaseParticipant, Reporter
from leaderboard.phase_reference import phase_reference_date
from tests.access.conftest import add_scheme
from tests.factories import BaselineFactory, PhaseFactory, ScoreFactory
from tests.language import in_language

from .conftest import predictions, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(evaluator, team_a, model_a, benchmark, django_capture_on_commit_callbacks):
    # The evaluation ran from March to mid-September; the old rules took one end or the other.
    phase = PhaseFactory(
        slug="second-stage",
        evaluation_starts=date(2026, 3, 1),
        evaluation_ends=date(2026, 9, 15),
        announcement_at=timezone.now() - timedelta(days=3),
    )
    PhaseParticipant.objects.create(phase=phase, team=team_a, model=model_a)
    add_scheme(phase)  # its benchmark points come from the global-common group
    other = PhaseFactory(slug="other-phase")
    baselines = {
        # eligible from the start of the evaluation: the reference
        "autumn": (date(2025, 10, 1), Decimal("80.0"), None),
        # released during the evaluation: eligible only if the window ended at its end
        "summer": (date(2026, 6, 1), Decimal("90.0"), None),
        # a better score, but in another phase
        "elsewhere": (date(2025, 12, 1), Decimal("95.0"), other),
    }
    for slug, (released, value, in_phase) in baselines.items():
        model = BaselineFactory(slug=slug, name=slug.title(), release_date=released)
        ScoreFactory(
            model=model,
            benchmark=benchmark,
            value=value,
            phase=in_phase,
            reporter=Reporter.INDEPENDENT,
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
    return phase, run


def test_the_reference_date_comes_from_the_phase_never_from_today():
    phase = PhaseFactory.build(announcement_at=None)
    assert phase_reference_date(phase) is None
    phase.announcement_at = timezone.now() - timedelta(days=400)
    assert phase_reference_date(phase) == timezone.localdate(phase.announcement_at)
    phase.submission_opens = timezone.now() - timedelta(days=500)
    assert phase_reference_date(phase) == timezone.localdate(phase.submission_opens)
    phase.evaluation_starts = date(2026, 3, 1)
    assert phase_reference_date(phase) == date(2026, 3, 1)


def test_one_run_shows_one_reference_and_percentage_on_the_board_the_feedback_and_the_decision_board(
    client, scene, member_a, evaluator, benchmark
):
    phase, run = scene
    # the public board (through the API, which the page shares)
    board = APIClient().get(f"/api/v1/phases/{phase.slug}/leaderboard/").json()
    (cell,) = [c for r in board["rows"] if r["model"] == "model-a" for c in r["cells"]]
    public = round(cell["percent_of_reference"], 1)
    page = client.get(
        in_language(reverse("leaderboard:phase", args=[phase.slug]), "en"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "75.0%" in page.content.decode()
    # the team's feedback
    client.force_login(member_a)
    feedback = client.get(reverse("portal:phase_feedback", args=["team-a", phase.slug]))
    (row,) = feedback.context["rows"]
    assert row["run"].pk == run.pk
    team = (row["reference"].model_slug, row["reference"].value, round(row["percent"], 1))
    # the evaluators' decision board
    client.force_login(evaluator)
    decision = client.get(reverse("evaluator:board", args=[phase.slug])).context
    reference = decision["references"][benchmark.pk]
    (board_row,) = [r for r in decision["rows"] if r.team.slug == "team-a"]
    evaluators = (
        reference.model_slug,
        reference.value,
        round(board_row.values[benchmark.pk].percent, 1),
    )
    assert team == evaluators == ("autumn", 80.0, public) and public == 75.0
