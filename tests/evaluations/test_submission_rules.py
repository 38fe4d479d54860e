"""Who may submit a run for which phase, and when: participants, windows, the announcement."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.models import EvaluationRun
from evaluations.services import RunError, run_submit
from leaderboard.decisions import assessments as decide
from leaderboard.models import Phase, PhaseParticipant
from tests.api.conftest import token_client
from tests.factories import PhaseFactory, TeamFactory
from tests.language import in_language

from .conftest import predictions, upload

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _phase(**changes):
    values = {
        "announcement_at": None,
        "submission_opens": NOW - timedelta(days=1),
        "submission_closes": NOW + timedelta(days=1),
    }
    return PhaseFactory(**(values | changes))


STATES = {
    # state: (phase values, whether team A takes part, the refusal's code, words of its message)
    "not a participant": ({}, False, "not_a_participant", "does not take part in"),
    "before the window": (
        {"submission_opens": NOW + timedelta(days=2), "submission_closes": NOW + timedelta(days=9)},
        True,
        "window_not_open",
        "open on",
    ),
    "after the window": (
        {
            "submission_opens": NOW - timedelta(days=9),
            "submission_closes": NOW - timedelta(hours=1),
        },
        True,
        "window_closed",
        "closed on",
    ),
    "no window set": (
        {"submission_opens": None, "submission_closes": None},
        True,
        "window_not_set",
        "window is not set",
    ),
    "after the announcement": (
        {"announcement_at": NOW - timedelta(minutes=5)},
        True,
        "announced",
        "were announced on",
    ),
    "concluded": ({"status": Phase.Status.CONCLUDED}, True, "concluded", "is concluded"),
    "demo": ({"is_demo": True}, True, "demo_phase", "demonstration"),
}


def _files_saved() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "runs"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("state", list(STATES))
def test_a_team_member_is_refused_with_its_own_message_and_nothing_is_saved(
    state, member_a, team_a, model_a, benchmark
):
    values, participates, code, words = STATES[state]
    phase = _phase(**values)
    if participates:
        PhaseParticipant.objects.create(phase=phase, team=team_a)
    with pytest.raises(RunError) as refused, translation.override("en"):
        run_submit(
            user=member_a,
            model=model_a,
            phase=phase,
            benchmark=benchmark,
            upload=upload(predictions(50)),
            now=NOW,
        )
    assert refused.value.code == code and words in refused.value.message
    assert phase.name_en in refused.value.message and refused.value.field == "phase"
    assert not EvaluationRun.objects.exists() and not _files_saved()


def test_each_refusal_has_a_message_of_its_own():
    assert len({words for *_, words in STATES.values()}) == len(STATES)


@pytest.mark.parametrize("state", list(STATES))
def test_an_evaluator_may_submit_in_every_state_and_the_run_says_so(
    state, evaluator, team_a, model_a, benchmark, django_capture_on_commit_callbacks
):
    values, participates, *_ = STATES[state]
    phase = _phase(**values)
    if participates:
        PhaseParticipant.objects.create(phase=phase, team=team_a)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_submit(
            user=evaluator,
            model=model_a,
            phase=phase,
            benchmark=benchmark,
            upload=upload(predictions(50)),
        )
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.submitted_as == EvaluationRun.SubmittedAs.EVALUATOR
    assert run.is_demo == phase.is_demo and run.score.is_demo == phase.is_demo


def test_inside_the_window_a_member_submits_and_the_run_is_the_team_s(
    member_a, model_a, phase, benchmark
):
    run = run_submit(
        user=member_a,
        model=model_a,
        phase=phase,
        benchmark=benchmark,
        upload=upload(predictions(5)),
    )
    assert run.submitted_as == EvaluationRun.SubmittedAs.TEAM and not run.is_demo


def test_the_run_form_offers_only_the_phases_the_user_may_submit_to(
    client, member_a, evaluator, team_a, phase, model_a, benchmark
):
    closed = _phase(slug="closed-phase", submission_closes=NOW - timedelta(hours=1))
    PhaseParticipant.objects.create(phase=closed, team=team_a)
    elsewhere = _phase(slug="not-entered")  # team A does not take part
    url = reverse("evaluations:run_new")
    client.force_login(member_a)
    offered = set(client.get(url).context["form"].fields["phase"].queryset)
    assert offered == {phase}
    response = client.post(
        url,
        {
            "model": model_a.pk,
            "phase": closed.pk,
            "benchmark": benchmark.pk,
            "mode": "reasoning",
            "upload": upload(predictions(5)),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Select a valid choice" in response.content.decode()
    assert not EvaluationRun.objects.exists()
    client.force_login(evaluator)
    assert {phase, closed, elsewhere} <= set(
        client.get(url).context["form"].fields["phase"].queryset
    )


def test_the_run_form_says_when_no_phase_is_open_to_the_team(client, member_b, team_b):
    PhaseParticipant.objects.filter(team=team_b).delete()
    client.force_login(member_b)
    html = client.get(
        in_language(reverse("evaluations:run_new"), "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No phase is open to your team for submissions right now" in html


@pytest.mark.parametrize("state", ["not a participant", "after the announcement", "demo"])
def test_the_api_refuses_a_phase_the_member_may_not_submit_to(
    state, member_a, team_a, model_a, benchmark
):
    values, participates, code, words = STATES[state]
    phase = _phase(slug="api-phase", **values)
    if participates:
        PhaseParticipant.objects.create(phase=phase, team=team_a)
    api, _ = token_client(member_a)
    response = api.post(
        "/api/v1/runs/",
        {
            "model": model_a.slug,
            "phase": phase.slug,
            "benchmark": benchmark.code,
            "mode": "reasoning",
            "file": upload(predictions(5)),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and words in error["message"]
    assert not EvaluationRun.objects.exists()


def test_a_run_of_a_team_that_is_not_in_the_phase_does_not_hold_up_its_publication(
    evaluator, team_a, phase, benchmark, django_capture_on_commit_callbacks
):
    from tests.factories import ModelFactory

    outsider = ModelFactory(slug="outsider", team=TeamFactory(slug="eliminated-team"))
    with django_capture_on_commit_callbacks(execute=True):
        run_submit(
            user=evaluator,
            model=outsider,
            phase=phase,
            benchmark=benchmark,
            upload=upload(predictions(5)),
        )
    for team in phase.participants.all():
        decide.assessment_save(
            user=evaluator,
            phase=phase,
            team=team,
            data=decide.AssessmentInput(model=None, outcome="advanced"),
        )
    decide.phase_publish(user=evaluator, phase=phase)
    assert Phase.objects.get(pk=phase.pk).is_published()


def test_a_phase_without_participants_cannot_be_published(client, evaluator):
    empty = _phase(slug="empty-phase")
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluator:publish", args=[empty.slug]),
        {"publish_now": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This phase has no participants" in response.content.decode()
    assert Phase.objects.get(pk=empty.pk).announcement_at is None
