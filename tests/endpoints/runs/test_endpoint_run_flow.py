"""An endpoint run end to end (tasks eager): asked once per item, scored like a file run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from evaluations.endpoints import tasks
from evaluations.endpoints.models import EndpointResponse, EndpointRun
from evaluations.endpoints.services import endpoint_run_resume, endpoint_run_start
from evaluations.models import EvaluationRun
from tests.endpoints.fake_openai import Fault

from .conftest import ITEMS, answer_table, run_everything

pytestmark = pytest.mark.django_db


def start(evaluator, endpoint, phase, benchmark) -> EndpointRun:
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    return run


def test_every_item_is_asked_once_and_the_answers_are_scored_as_a_private_run(
    evaluator, endpoint, phase, benchmark, server
):
    server.answers = answer_table(benchmark, correct=6)
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.ANSWERED
    assert len(server.calls) == ITEMS
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS
    scored = run.evaluation_run
    assert scored.status == EvaluationRun.Status.SUCCEEDED
    assert scored.is_official is False
    assert scored.result.value == pytest.approx(50.0)
    assert scored.result.item_count == ITEMS
    response = EndpointResponse.objects.filter(run=run).first()
    assert response.tokens_in and response.tokens_out and response.latency_ms > 0
    assert response.finish_reason == "stop" and response.attempts == 1


def test_the_limit_of_requests_in_flight_is_never_passed(
    evaluator, endpoint, phase, benchmark, server
):
    server.latency = 0.05
    start(evaluator, endpoint, phase, benchmark)
    assert server.max_in_flight <= endpoint.max_in_flight
    assert len(server.calls) == ITEMS


def test_a_redelivered_batch_asks_nothing_again(evaluator, endpoint, phase, benchmark, server):
    run = start(evaluator, endpoint, phase, benchmark)
    before = len(server.calls)
    EndpointRun.objects.filter(pk=run.pk).update(status=EndpointRun.Status.RUNNING)
    with run_everything():
        for index in range(3):
            tasks.endpoint_batch_task.delay(str(run.pk), index)
    assert len(server.calls) == before
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS


def test_a_run_of_failures_pauses_the_run_and_resuming_asks_only_what_is_unanswered(
    evaluator, endpoint, phase, benchmark, server
):
    texts = list(answer_table(benchmark, correct=0))
    for text in texts[5:10]:  # every item of the second batch fails, again and again
        server.fail_next(Fault.status(500), times=100, prompt=text)
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.PAUSED
    assert run.reason_code == "server_error"
    assert "in a row failed" in run.reason
    answered = set(EndpointResponse.objects.filter(run=run).values_list("item_id", flat=True))
    assert len(answered) == 5
    server._queued_by_prompt.clear()
    server.reset_counts()
    with run_everything():
        assert endpoint_run_resume(run=run, user=evaluator)
    run.refresh_from_db()
    assert run.status == EndpointRun.Status.ANSWERED
    assert sorted(prompt for _, prompt in server.calls) == sorted(texts[5:])
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS
    assert run.evaluation_run.status == EvaluationRun.Status.SUCCEEDED


@pytest.mark.parametrize(
    ("fault", "kind"),
    [(Fault.status(401), "unauthorized"), (Fault.status(404), "not_found")],
)
def test_a_401_or_404_fails_the_run_at_once_with_the_reason(
    evaluator, endpoint, phase, benchmark, server, fault, kind
):
    server.always(fault)
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.FAILED
    assert run.reason_code == kind
    assert run.evaluation_run is None
    assert len(server.calls) <= endpoint.max_in_flight


def test_a_wrong_served_model_name_fails_the_run(evaluator, endpoint, phase, benchmark, server):
    endpoint.served_model = "not-served"
    endpoint.save()
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.FAILED
    assert run.reason_code == "wrong_model"
    assert "not-served" in run.reason


def test_retries_on_429_and_timeouts_end_with_every_item_answered(
    evaluator, endpoint, phase, benchmark, server
):
    server.fail_next(Fault.rate_limited(0), times=2)
    server.fail_next(Fault.truncated(), times=1)
    server.fail_next(Fault.invalid(), times=1)
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.ANSWERED
    responses = EndpointResponse.objects.filter(run=run)
    assert all(r.error_kind == "" for r in responses)
    retried = [kind for r in responses for kind in r.retried]
    assert sorted(retried) == sorted(["rate_limited", "rate_limited", "truncated", "invalid_body"])


@pytest.mark.django_db(transaction=True)
def test_the_commands_add_an_endpoint_and_run_it_to_the_final_line(
    model_a, phase, benchmark, server, monkeypatch, capsys
):
    """Committed transactions (as at the command line): queued tasks run as the commands go."""
    server.answers = answer_table(benchmark, correct=ITEMS)
    monkeypatch.setenv("TEAM_KEY", server.api_key)
    call_command(
        "add_endpoint",
        "--model", "model-a", "--url", server.url, "--served-model", server.model,
        "--api-key-env", "TEAM_KEY", "--max-in-flight", "2", "--requests-per-minute", "600",
    )  # fmt: skip
    endpoint_id = capsys.readouterr().out.strip()
    assert endpoint_id.isdigit()
    call_command(
        "start_endpoint_run",
        "--model", "model-a", "--phase", phase.slug, "--benchmark", benchmark.code,
        "--endpoint", endpoint_id, "--wait", "--timeout", "60",
    )  # fmt: skip
    run_id, final = capsys.readouterr().out.strip().splitlines()
    assert final == "succeeded 100.0 (95% interval 75.8–100.0)" or final.startswith(
        "succeeded 100.0 (95% interval "
    )
    run = EndpointRun.objects.get(pk=run_id)
    assert run.evaluation_run.result.value == pytest.approx(100.0)
    assert server.api_key not in run.endpoint.api_key_token


def test_rescoring_with_another_extraction_reads_the_stored_answers_not_the_endpoint(
    evaluator, endpoint, phase, benchmark, server
):
    from leaderboard.decisions.assessments import run_rerun

    server.answers = answer_table(benchmark, correct=6)  # items 6.. answer "정답은 X입니다"
    run = start(evaluator, endpoint, phase, benchmark)
    first = run.evaluation_run
    asked = len(server.calls)
    benchmark.extraction = "strict" if benchmark.extraction == "flexible" else "flexible"
    benchmark.save()
    with run_everything():
        again = run_rerun(user=evaluator, run=first)
    again.refresh_from_db()
    assert again.status == EvaluationRun.Status.SUCCEEDED
    assert again.result.extraction == benchmark.extraction
    assert len(server.calls) == asked
    assert {f["extraction"] for f in again.result.figures} == {"strict", "flexible"}


def test_a_key_line_with_a_question_but_no_choices_stores_nothing(benchmark, tmp_path):
    from django.core.management.base import CommandError

    from evaluations.endpoints.models import HiddenItem
    from evaluations.models import AnswerKey

    before = (AnswerKey.objects.get(benchmark=benchmark).sha256, HiddenItem.objects.count())
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "answer": "A", "category": "c", "question": "Q?"}\n', "utf-8")
    with pytest.raises(CommandError, match="question but no choices"):
        call_command("import_benchmark", str(path), "--benchmark", benchmark.code)
    after = (AnswerKey.objects.get(benchmark=benchmark).sha256, HiddenItem.objects.count())
    assert after == before


def test_the_requests_per_minute_are_never_passed_in_any_window(
    evaluator, endpoint, phase, benchmark, server
):
    endpoint.requests_per_minute = 300  # one request every 0.2 s, no burst
    endpoint.save()
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.ANSWERED
    # Counted by the server from its own arrival times: at most 1 + 5 per second.
    assert server.max_in_window(1.0) <= 6
    assert server.max_in_window(2.0) <= 11


def test_an_answer_later_than_the_timeout_is_retried_and_kept_once(
    evaluator, endpoint, phase, benchmark, server
):
    endpoint.timeout = 0.5
    endpoint.save()
    server.fail_next(Fault.slow(2.0), times=2)
    run = start(evaluator, endpoint, phase, benchmark)
    assert run.status == EndpointRun.Status.ANSWERED
    retried = [k for r in EndpointResponse.objects.filter(run=run) for k in r.retried]
    assert retried.count("timeout") == 2
    assert EndpointResponse.objects.filter(run=run).count() == ITEMS
