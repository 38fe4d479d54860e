"""A team sees why items did not count: both extraction figures, counts and examples per
reason, in the run page, the feedback pages, the CSV/JSON downloads and the API."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.test import TestCase
from django.urls import reverse

from evaluations.models import EvaluationRun
from evaluations.services import QuotaExceeded, answer_key_import, run_cancel, run_submit
from tests.api.conftest import token_client
from tests.evaluations.conftest import predictions, upload
from tests.evaluations.realistic import korean_multiple_choice, math_exact_answers
from tests.factories import BenchmarkFactory
from tests.language import in_language

pytestmark = pytest.mark.django_db


def realistic_benchmark(tmp_path, realistic, *, code, metric, **settings):
    bench = BenchmarkFactory(code=code, name=code, metric=metric, item_count=None, **settings)
    path = Path(tmp_path) / f"{code}-key.jsonl"
    path.write_text("\n".join(realistic.key_lines) + "\n", encoding="utf-8")
    answer_key_import(benchmark=bench, path=path)
    return bench


def submit(user, model, phase, benchmark, lines):
    content = ("\n".join(lines) + "\n").encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload(content)
        )
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.SUCCEEDED, run.error_message
    return run


@pytest.fixture
def korean(tmp_path):
    realistic = korean_multiple_choice()
    bench = realistic_benchmark(
        tmp_path,
        realistic,
        code="ko-mc",
        metric="accuracy",
        extraction="flexible",
        numbered_choices=True,
    )
    return bench, realistic


@pytest.mark.parametrize("chunk_bytes", [None, 9_000])
def test_a_realistic_run_scores_its_true_accuracy_whole_or_in_chunks(
    settings, member_a, model_a, phase, korean, chunk_bytes
):
    bench, realistic = korean
    if chunk_bytes:
        settings.RUN_CHUNK_BYTES = chunk_bytes
    run = submit(member_a, model_a, phase, bench, realistic.prediction_lines)
    if chunk_bytes:
        assert run.chunks.count() > 3
    result = run.result
    assert result.value == pytest.approx(realistic.true_accuracy)
    assert result.extraction == "flexible"
    figures = {figure["extraction"]: figure for figure in result.figures}
    assert figures["strict"]["correct"] == realistic.strict_correct
    reasons = {reason["reason"]: reason for reason in result.feedback["reasons"]}
    assert set(reasons) == {"no_answer", "two_answers", "not_a_choice", "wrong"}
    assert len(reasons["wrong"]["examples"]) == 20
    assert result.feedback["ignored_fields"][0]["name"] == "raw_output"


def test_the_same_file_gives_the_same_stored_feedback_whole_and_chunked(
    settings, member_a, model_a, phase, korean
):
    bench, realistic = korean
    whole = submit(member_a, model_a, phase, bench, realistic.prediction_lines)
    settings.RUN_CHUNK_BYTES = 5_000
    chunked = submit(member_a, model_a, phase, bench, realistic.prediction_lines)
    assert chunked.chunks.count() > 5
    assert chunked.result.feedback == whole.result.feedback
    assert chunked.result.figures == whole.result.figures


@pytest.fixture
def math_run(tmp_path, member_a, model_a, phase):
    realistic = math_exact_answers()
    bench = realistic_benchmark(tmp_path, realistic, code="math-em", metric="exact_match")
    return submit(member_a, model_a, phase, bench, realistic.prediction_lines), realistic


def test_a_strict_benchmark_shows_the_flexible_figure_beside_its_score(client, member_a, math_run):
    run, realistic = math_run
    assert run.result.extraction == "strict"
    assert run.result.value == pytest.approx(100 * realistic.strict_correct / realistic.items)
    client.force_login(member_a)
    page = client.get(reverse("portal:run_feedback", args=[run.pk])).content.decode()
    assert "How the answers were read" in page
    assert "Strict" in page and "Flexible" in page and "the score" in page
    assert f"{realistic.true_accuracy:.1f}" in page  # the flexible figure, beside the score
    assert "Items that did not count" in page and "Wrong" in page
    run_page = client.get(run.get_absolute_url()).content.decode()
    assert "How the answers were read" in run_page and "Prediction as written" in run_page


def test_the_downloads_hold_the_reasons_and_examples(client, member_a, math_run, team_a, phase):
    run, _ = math_run
    client.force_login(member_a)
    response = client.get(reverse("portal:run_csv", args=[run.pk]))
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the Korean as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["extraction"] == "strict" and rows[0]["flexible_value"]
    wrong = [row for row in rows if row["reason"] == "wrong"]
    assert wrong[0]["count"] and not wrong[0]["line"]
    assert len(wrong) == 21 and all(row["line"] and row["prediction"] for row in wrong[1:])
    phase_csv = client.get(reverse("portal:phase_csv", args=[team_a.slug, phase.slug]))
    assert phase_csv.content.startswith(b"\xef\xbb\xbf")
    data = json.loads(client.get(reverse("portal:run_json", args=[run.pk])).content)
    reasons = {reason["reason"]: reason for reason in data["reading"]["reasons"]}
    assert len(reasons["wrong"]["examples"]) == 20
    assert {"line", "prediction", "extracted"} == set(reasons["wrong"]["examples"][0])
    phase_json = json.loads(
        client.get(reverse("portal:phase_json", args=[team_a.slug, phase.slug])).content
    )
    assert phase_json["reading"][0]["extraction"] == "strict"


def test_the_api_gives_both_figures_and_the_examples(member_a, member_b, math_run):
    run, _ = math_run
    client, _ = token_client(member_a)
    for path in (f"/api/v1/runs/{run.pk}/", f"/api/v1/runs/{run.pk}/feedback/"):
        data = client.get(path).json()
        result = data["result"] if "result" in data else data["run"]["result"]
        assert [figure["extraction"] for figure in result["figures"]] == ["strict", "flexible"]
        reasons = {reason["reason"]: reason for reason in result["feedback"]["reasons"]}
        assert reasons["wrong"]["count"] > 0 and len(reasons["wrong"]["examples"]) == 20
    other, _ = token_client(member_b)
    assert other.get(f"/api/v1/runs/{run.pk}/feedback/").status_code == 404


def test_the_benchmark_page_documents_the_rules_with_examples_in_both_languages(client, korean):
    bench, _ = korean
    english = client.get(bench.get_absolute_url()).content.decode()
    assert 'id="extraction"' in english and "How predictions are read" in english
    assert "정답은 B입니다." in english and "Two different answers" in english
    korean_page = client.get(
        in_language(bench.get_absolute_url(), "ko"), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "예측을 읽는 방법" in korean_page
    assert "서로 다른 두 답" in korean_page


def test_a_run_cancelled_before_it_started_does_not_count_toward_the_quota(
    settings, member_a, model_a, phase, benchmark
):
    settings.RUN_DAILY_QUOTA = 2
    for _ in range(2):
        with TestCase.captureOnCommitCallbacks(execute=False):  # queued, not started
            run = run_submit(
                user=member_a,
                model=model_a,
                phase=phase,
                benchmark=benchmark,
                upload=upload(predictions(correct=10)),
            )
        assert run_cancel(run=run, user=member_a)
    lines = predictions(correct=10).decode().splitlines()
    for _ in range(2):
        assert submit(member_a, model_a, phase, benchmark, lines).status == "succeeded"
    with pytest.raises(QuotaExceeded) as refused:
        submit(member_a, model_a, phase, benchmark, lines)
    assert "cancelled before they started" in refused.value.message


def test_a_sample_count_over_the_benchmarks_limit_is_refused_at_submission(
    tmp_path, member_a, model_a, phase
):
    from evaluations.services import RunError

    bench = BenchmarkFactory(code="code-p", metric="pass_at_k", pass_k=1, max_samples=200)
    key = tmp_path / "code-key.jsonl"
    key.write_text('{"id": "p1", "category": "c"}\n', encoding="utf-8")
    answer_key_import(benchmark=bench, path=key)
    content = b'{"id": "p1", "n": 1000000001, "c": 1000000000}\n'
    with pytest.raises(RunError) as refused:
        run_submit(
            user=member_a, model=model_a, phase=phase, benchmark=bench, upload=upload(content)
        )
    assert refused.value.code == "too_many_samples"
    assert "at most 200 samples per problem" in refused.value.message
    assert "Line 1" in refused.value.message and EvaluationRun.objects.count() == 0
