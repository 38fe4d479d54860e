"""Marking a run official once its phase is published changes a public score: a correction."""

import pytest
from django.urls import reverse

from leaderboard.models import Correction
from tests.language import in_language

pytestmark = pytest.mark.django_db
REASON_KO = "재채점 결과를 공식 결과로 지정함"
REASON_EN = "The rescored run is the official result"


def test_marking_a_run_official_after_publication_is_a_correction_shown_on_the_model_page(
    client, evaluator, team_a, model_a, benchmark, django_capture_on_commit_callbacks
):
    from evaluations.services import run_submit
    from tests.evaluations.conftest import predictions, upload
    from tests.factories import PhaseFactory

    published = PhaseFactory(slug="published-final")
    with django_capture_on_commit_callbacks(execute=True):
        run = run_submit(
            user=evaluator,
            model=model_a,
            phase=published,
            benchmark=benchmark,
            upload=upload(predictions(64)),
        )
    client.force_login(evaluator)
    refused = client.post(
        reverse("evaluator:run_official", args=[run.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "give the reason for the correction in English" in refused.content.decode()
    run.refresh_from_db()
    assert not run.is_official
    client.post(
        reverse("evaluator:run_official", args=[run.pk]),
        {"correction_reason_ko": REASON_KO, "correction_reason_en": REASON_EN},
    )
    run.refresh_from_db()
    correction = Correction.objects.get()
    assert run.is_official and correction.kind == "score" and correction.model == model_a
    assert "none → 64.0" in correction.change_en
    client.logout()
    page = client.get(
        in_language(model_a.get_absolute_url(), "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert REASON_EN in page and "64.0" in page
    assert REASON_EN in client.get("/feeds/decisions.en.atom").content.decode()
