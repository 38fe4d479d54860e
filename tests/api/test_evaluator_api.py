"""Evaluator endpoints: assessments with private feedback, decision changes and publication."""

import pytest

from leaderboard.models import Assessment, Phase

pytestmark = pytest.mark.django_db


def test_assessments_with_private_feedback_are_for_evaluators_only(
    anon, client_a, evaluator_client, world
):
    assert anon.get("/api/v1/assessments/").status_code == 401
    assert client_a.get("/api/v1/assessments/").status_code == 404
    rows = evaluator_client.get("/api/v1/assessments/").json()["results"]
    assert {r["private_feedback"] for r in rows} == {"Secret for A", "Secret for B", "Hidden A"}


def test_an_evaluator_changes_an_outcome_and_the_rules_of_the_form_apply(
    evaluator_client, client_a, world
):
    hidden = world["assessments"]["a_hidden"]
    url = f"/api/v1/assessments/{hidden.pk}/"
    refused = evaluator_client.patch(url, {"outcome": "eliminated"}, format="json")
    assert refused.status_code == 400
    assert {"reasons_ko", "reasons_en"} <= set(refused.json()["error"]["details"])
    assert client_a.patch(url, {"outcome": "advanced"}, format="json").status_code == 404
    changed = evaluator_client.patch(
        url, {"outcome": "advanced", "reasons_en": "Good.", "reasons_ko": "좋음."}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["outcome"] == "advanced"
    hidden.refresh_from_db()
    assert hidden.outcome == "advanced" and hidden.decided_at is not None
    assert hidden.private_feedback == "Hidden A"


def test_publication_is_refused_while_a_team_is_undecided_then_makes_results_public(
    anon, client_a, evaluator_client, world
):
    assert client_a.post("/api/v1/phases/hidden/publish/").status_code == 404
    refused = evaluator_client.post("/api/v1/phases/hidden/publish/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
    hidden_score = world["scores"]["a_hidden"]
    assert anon.get(f"/api/v1/scores/{hidden_score.pk}/").status_code == 404

    Assessment.objects.filter(phase=world["hidden"]).update(outcome="advanced")
    published = evaluator_client.post("/api/v1/phases/hidden/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert Phase.objects.get(slug="hidden").is_published()
    assert anon.get(f"/api/v1/scores/{hidden_score.pk}/").status_code == 200
