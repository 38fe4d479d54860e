"""An answer key never appears in a page, an error message or a log line."""

import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from evaluations.models import AnswerKey
from evaluations.services import answer_key_import, run_submit
from tests.evaluations.conftest import upload
from tests.factories import BenchmarkFactory, ModelFactory

pytestmark = pytest.mark.django_db

SENTINEL = "zq-sentinel-answer-7731"


@pytest.fixture
def secret_benchmark(tmp_path):
    bench = BenchmarkFactory(code="secret-em", name="Secret EM", metric="exact_match")
    path = tmp_path / "key.jsonl"
    lines = [
        json.dumps({"id": f"s{i}", "answer": f"{SENTINEL}-{i}", "category": "c"}) for i in range(30)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    answer_key_import(benchmark=bench, path=path)
    return bench


def test_the_answer_key_appears_in_no_page_error_or_log(
    client, superuser, secret_benchmark, phase, team_a, caplog
):
    caplog.set_level(logging.DEBUG)
    model = ModelFactory(team=team_a)
    content = "".join(json.dumps({"id": f"s{i}", "prediction": "wrong"}) + "\n" for i in range(30))
    content += json.dumps({"id": "s-unknown", "prediction": "x"}) + "\n"
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = run_submit(
            user=superuser,
            model=model,
            phase=phase,
            benchmark=secret_benchmark,
            upload=upload(content.encode()),
        )
    run.refresh_from_db()
    assert run.status == "failed"
    client.force_login(superuser)
    key = AnswerKey.objects.get()
    pages = [
        reverse("leaderboard:benchmark", args=[secret_benchmark.code]),
        reverse("evaluations:runs"),
        reverse("evaluations:run", args=[run.pk]),
        reverse("evaluations:run_status", args=[run.pk]),
        reverse("admin:evaluations_answerkey_changelist"),
        reverse("admin:evaluations_answerkey_change", args=[key.pk]),
        reverse("admin:evaluations_evaluationrun_change", args=[run.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SENTINEL not in response.content.decode(), url
    assert SENTINEL not in run.error_message + run.log
    assert SENTINEL not in caplog.text


def test_a_bad_answer_key_is_reported_with_its_line_and_nothing_is_stored(tmp_path):
    BenchmarkFactory(code="bad-key", metric="accuracy")
    path = tmp_path / "key.jsonl"
    path.write_text(
        json.dumps({"id": "a", "answer": "A", "category": "c"})
        + "\n"
        + json.dumps({"id": "a", "answer": SENTINEL, "category": "c"})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_benchmark", str(path), benchmark="bad-key")
    assert "line 2" in str(exc.value).lower() and SENTINEL not in str(exc.value)
    assert not AnswerKey.objects.exists()


def test_the_feedback_examples_never_show_the_key(
    client, member_a, secret_benchmark, phase, team_a
):
    from tests.api.conftest import token_client

    model = ModelFactory(team=team_a)
    lines = [json.dumps({"id": f"s{i}", "prediction": f"wrong answer {i}"}) for i in range(30)]
    lines[0] = json.dumps({"id": "s0", "prediction": f"{SENTINEL}-0"})  # one right answer
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = run_submit(
            user=member_a,
            model=model,
            phase=phase,
            benchmark=secret_benchmark,
            upload=upload(("\n".join(lines) + "\n").encode()),
        )
    run.refresh_from_db()
    assert run.status == "succeeded" and run.result.value > 0
    reasons = {r["reason"]: r for r in run.result.feedback["reasons"]}
    assert reasons["wrong"]["count"] == 29 and len(reasons["wrong"]["examples"]) == 20
    client.force_login(member_a)
    api, _ = token_client(member_a)
    responses = [
        client.get(reverse("evaluations:run", args=[run.pk])),
        client.get(reverse("portal:run_feedback", args=[run.pk])),
        client.get(reverse("portal:run_csv", args=[run.pk])),
        client.get(reverse("portal:run_json", args=[run.pk])),
        client.get(reverse("portal:phase_feedback", args=[team_a.slug, phase.slug])),
        client.get(reverse("portal:phase_csv", args=[team_a.slug, phase.slug])),
        api.get(f"/api/v1/runs/{run.pk}/"),
        api.get(f"/api/v1/runs/{run.pk}/feedback/"),
    ]
    for response in responses:
        body = response.content.decode("utf-8-sig")
        assert response.status_code == 200
        assert "wrong answer 1" in body  # the team's own prediction is shown
        assert SENTINEL not in body  # the key never is
