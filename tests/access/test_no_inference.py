"""Nothing unpublished can be inferred: not from a team's feedback, not from the public record."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.services import run_score, run_submit
from leaderboard.audit.chain import audit_chain_verify, head_hash
from leaderboard.corrections import CorrectionReason
from leaderboard.decisions import assessments as decide
from leaderboard.models import AuditEntry, PhaseParticipant
from tests.evaluations.conftest import predictions, upload
from tests.factories import ModelFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _entries():
    return Client().get(reverse("transparency:entries_json")).json()


def _decide_all_and_publish(world, at, *extra_teams):
    phase = world["phase"]
    for team in (world["team_a"], world["team_b"], *extra_teams):
        PhaseParticipant.objects.get_or_create(phase=phase, team=team)
        decide.assessment_save(
            user=world["evaluator"],
            phase=phase,
            team=team,
            data=decide.AssessmentInput(
                model=team.models.first(),
                outcome="advanced",
                gates={"independence": decide.GateInput(True)},
            ),
        )
    decide.phase_publish(user=world["evaluator"], phase=phase, at=at)


def test_the_public_record_counts_and_hashes_published_entries_only(world):
    before = _entries()
    full_before = AuditEntry.objects.count()
    # hidden work in the unpublished phase: an official run, a re-run, a decision
    decide.run_set_official(user=world["evaluator"], run=world["run_a"])
    decide.run_rerun(user=world["evaluator"], run=world["run_b"])
    at = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    _decide_all_and_publish(world, at)
    assert AuditEntry.objects.count() > full_before + 3 and audit_chain_verify().ok
    unchanged = _entries()
    assert (unchanged["count"], unchanged["head_hash"]) == (before["count"], before["head_hash"])
    page = Client().get("/en/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert before["head_hash"] in page and f"{before['count']} published entries" in page
    assert head_hash() not in page  # the full chain's head says that something happened
    evaluator = Client()
    evaluator.force_login(world["evaluator"])
    assert head_hash() in evaluator.get("/ko/transparency/").content.decode()

    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        after = _entries()
    # the phase's entries are appended: what the public saw before is a prefix of the chain now
    assert after["count"] > before["count"]
    assert after["entries"][: before["count"]] == before["entries"]
    appended = {e["action"] for e in after["entries"][before["count"] :]}
    assert {"decision.record", "phase.publish", "run.official"} <= appended
    assert "run.rerun" not in appended


def test_the_public_record_names_actors_by_role_never_by_username(world):
    run = world["run_published"]  # submitted by member-a, in a published phase
    decide.run_set_official(
        user=world["evaluator"], run=run, correction=CorrectionReason("공식 지정", "Official")
    )
    entries = _entries()["entries"]
    score_entry = next(
        e for e in entries if e["action"] == "score.import" and str(run.pk) in e["after"]
    )
    official = next(e for e in entries if e["action"] == "run.official")
    assert (score_entry["actor"], official["actor"]) == ("team", "evaluator")
    page = Client().get("/en/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    json_text = Client().get(reverse("transparency:entries_json")).content.decode()
    for text in (page, json_text):
        assert "member-a" not in text and '"evaluator"' not in page
    assert "Team" in page and "Evaluator" in page


def test_team_feedback_shows_no_phase_average_before_the_announcement(world, client):
    phase = world["phase"]
    team_c = TeamFactory(slug="team-c", name_en="Team C")
    model_c = ModelFactory(slug="model-c", team=team_c)
    run_submit(
        user=world["evaluator"],
        model=model_c,
        phase=phase,
        benchmark=world["benchmark"],
        upload=upload(predictions(50)),
    )
    run_c = model_c.runs.get()
    run_score(run_id=run_c.pk)
    url = reverse("portal:phase_feedback", args=["team-a", phase.slug])
    client.force_login(world["member_a"])
    # three teams have results (70, 60, 50), two of them official: before the announcement the
    # average of the others' unpublished runs is not shown, in the page or the downloads
    for run in (world["run_a"], run_c):
        decide.run_set_official(user=world["evaluator"], run=run)
    feedback = client.get(url)
    assert feedback.context["rows"][0]["phase_average"] is None
    csv_url = reverse("portal:phase_csv", args=["team-a", phase.slug])
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).content.decode())))
    assert rows and all(r["phase_average"] == "" for r in rows)
    at = (timezone.now() + timedelta(minutes=5)).replace(microsecond=0)
    _decide_all_and_publish(world, at, team_c)
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        row = client.get(url).context["rows"][0]
        assert row["phase_average"] is None  # two official results: fewer than three teams
        decide.run_set_official(
            user=world["evaluator"], run=world["run_b"], correction=CorrectionReason("가", "B")
        )
        row = client.get(url).context["rows"][0]
    assert round(row["phase_average"], 1) == 60.0 and row["average_teams"] == 3
