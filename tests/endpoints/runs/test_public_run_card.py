"""A published score measured on an endpoint shows the run card's public part, and only then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from evaluations.endpoints.models import EndpointRun
from evaluations.endpoints.services import endpoint_run_start
from leaderboard.decisions.assessments import run_set_official
from leaderboard.models import Phase, Score
from leaderboard.run_card import public_run_card

from .conftest import answer_table, run_everything

pytestmark = pytest.mark.django_db

CARD_WORDS = "Measured by the organizer on"


@pytest.fixture
def measured(evaluator, endpoint, phase, benchmark, server):
    """An official score from an endpoint run, in a phase not announced yet."""
    server.answers = answer_table(benchmark, correct=6)
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    assert run.status == EndpointRun.Status.ANSWERED
    run_set_official(user=evaluator, run=run.evaluation_run)
    return run, Score.objects.get(run=run.evaluation_run)


def announce(phase, at):
    Phase.objects.filter(pk=phase.pk).update(announcement_at=at)
    cache.clear()  # the pages' cache is bumped by the publication service, not by this update


def public_views(score, server):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        page = anonymous.get(score.model.get_absolute_url())
    api = anonymous.get("/api/v1/scores/", {"model": score.model.slug})
    text = page.content.decode() + api.content.decode()
    assert server.url not in text and server.model not in text
    records = [r for r in api.json()["results"] if r["id"] == score.pk]
    return page.content.decode(), records


def test_nothing_of_the_card_is_public_before_the_announcement(measured, phase, server):
    run, score = measured
    announce(phase, timezone.now() + timedelta(hours=1))
    assert public_run_card(score) is None
    page, records = public_views(score, server)
    assert CARD_WORDS not in page and records == []


def test_after_the_announcement_the_page_and_the_api_show_the_same_card(measured, phase, server):
    run, score = measured
    before = timezone.now() + timedelta(minutes=5)
    announce(phase, before)
    assert public_run_card(score, now=before - timedelta(seconds=1)) is None
    card = public_run_card(score, now=before + timedelta(seconds=1))
    assert card.template_version == run.template.version and card.temperature == 0.0
    announce(phase, timezone.now() - timedelta(minutes=1))
    card = public_run_card(score)
    day = timezone.localdate(run.finished_at).isoformat()
    with translation.override("en"):
        text = card.text
    assert (
        text == f"Measured by the organizer on {day}, template v{run.template.version}, "
        "temperature 0"
    )
    page, records = public_views(score, server)
    assert text in page
    (record,) = records
    assert record["run_card"]["measured_on"] == day
    assert record["run_card"]["template_version"] == run.template.version
    assert record["run_card"]["temperature"] == 0.0
    assert record["run_card"]["text"] == text
    with translation.override("ko"):
        korean = card.text
    assert korean.startswith("주최 측이 ") and f"템플릿 v{run.template.version}" in korean


def test_a_score_not_marked_official_has_no_public_card(measured, evaluator, phase):
    run, score = measured
    announce(phase, timezone.now() - timedelta(minutes=1))
    run_set_official(user=evaluator, run=run.evaluation_run, official=False, correction=_reason())
    assert public_run_card(score) is None


def _reason():
    from leaderboard.corrections import CorrectionReason

    return CorrectionReason(reason_ko="테스트 정정", reason_en="A test correction")
