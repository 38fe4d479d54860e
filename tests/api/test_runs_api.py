"""Runs through the API: submit with a token, follow, cancel, feedback; only the own team's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from evaluations.models import EvaluationRun
from tests.evaluations.conftest import predictions
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def submit(client, content: bytes, *, model="model-a", phase="final-test", benchmark="mc-test"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/api/v1/runs/",
            {
                "model": model,
                "phase": phase,
                "benchmark": benchmark,
                "mode": "reasoning",
                "file": SimpleUploadedFile("predictions.jsonl", content),
            },
            format="multipart",
        )


@pytest.fixture
def run_a(client_a, model_a, phase, benchmark):
    response = submit(client_a, predictions(correct=73))
    assert response.status_code == 201, response.content
    return response.json()


def test_a_team_token_submits_a_run_and_follows_it_to_its_score(client_a, run_a):
    assert run_a["status"] == "queued" and run_a["model"] == "model-a"
    data = client_a.get(f"/api/v1/runs/{run_a['id']}/").json()
    assert data["status"] == "succeeded" and data["is_final"] and data["progress"] == 1.0
    assert data["result"]["value"] == pytest.approx(73.0)
    assert [r["id"] for r in client_a.get("/api/v1/runs/").json()["results"]] == [run_a["id"]]


def test_a_token_sees_only_its_own_teams_runs_and_feedback(client_a, client_b, run_a):
    assert client_b.get("/api/v1/runs/").json()["results"] == []
    for path in ("", "feedback/"):
        response = client_b.get(f"/api/v1/runs/{run_a['id']}/{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert client_b.post(f"/api/v1/runs/{run_a['id']}/cancel/").status_code == 404


def test_feedback_holds_the_categories_and_the_teams_private_feedback(
    client_a, run_a, team_a, team_b, phase
):
    AssessmentFactory(team=team_a, phase=phase, private_feedback="Only for A")
    AssessmentFactory(team=team_b, phase=phase, private_feedback="Only for B")
    data = client_a.get(f"/api/v1/runs/{run_a['id']}/feedback/").json()
    assert data["run"]["id"] == run_a["id"]
    assert {c["category"] for c in data["categories"]} == {"algebra", "history", "law", "biology"}
    assert data["assessment"]["private_feedback"] == "Only for A"
    assert "Only for B" not in str(data)


def test_a_member_cannot_submit_for_another_teams_model(client_b, model_a, phase, benchmark):
    response = submit(client_b, predictions(correct=10))
    assert response.status_code == 404
    assert EvaluationRun.objects.count() == 0


def test_a_malformed_upload_answers_400_with_the_message_naming_the_line(
    client_a, model_a, phase, benchmark
):
    content = b'{"id": "q0", "prediction": "A"}\n{"id": "q1", "prediction": \n'
    response = submit(client_a, content)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "line 2" in error["message"].lower() and "Nothing was saved" in error["message"]
    assert error["details"] == {"field": "upload"}
    assert EvaluationRun.objects.count() == 0


def test_missing_fields_answer_400_with_field_errors(client_a, model_a):
    response = client_a.post("/api/v1/runs/", {"model": "model-a"}, format="multipart")
    assert response.status_code == 400
    assert {"phase", "benchmark", "file"} <= set(response.json()["error"]["details"])


def test_the_daily_quota_answers_429_with_retry_after(
    settings, client_a, model_a, phase, benchmark
):
    settings.RUN_DAILY_QUOTA = 1
    assert submit(client_a, predictions(correct=5)).status_code == 201
    response = submit(client_a, predictions(correct=5))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "quota_exceeded"


def test_a_queued_run_is_cancelled_once(client_a, model_a, phase, benchmark):
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = client_a.post(
            "/api/v1/runs/",
            {
                "model": "model-a",
                "phase": "final-test",
                "benchmark": "mc-test",
                "file": SimpleUploadedFile("p.jsonl", predictions(correct=5)),
            },
            format="multipart",
        ).json()
    response = client_a.post(f"/api/v1/runs/{run['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = client_a.post(f"/api/v1/runs/{run['id']}/cancel/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_final"


def test_an_evaluator_marks_a_run_official_and_a_team_member_cannot(
    client_a, evaluator_client, run_a
):
    assert client_a.post(f"/api/v1/runs/{run_a['id']}/official/").status_code == 404
    response = evaluator_client.post(f"/api/v1/runs/{run_a['id']}/official/")
    assert response.status_code == 200 and response.json()["is_official"] is True
    assert EvaluationRun.objects.get(pk=run_a["id"]).is_official
