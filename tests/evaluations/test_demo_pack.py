import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations.models import EvaluationRun
from leaderboard.models import Benchmark, Score
from tests.language import in_language

pytestmark = pytest.mark.django_db(transaction=True)


def test_load_demo_scores_every_demo_run_through_the_pipeline_once(client, program):
    call_command("load_demo")
    runs = EvaluationRun.objects.all()
    assert runs.count() == 35 and set(runs.values_list("status", flat=True)) == {"succeeded"}
    assert all(run.is_demo for run in runs)
    assert Score.objects.filter(run__isnull=False, is_demo=True).count() == 35
    assert set(
        Benchmark.objects.filter(code__startswith="demo-").values_list("is_demo", flat=True)
    ) == {True}
    call_command("load_demo")
    assert EvaluationRun.objects.count() == 35


def test_load_demo_imports_again_a_key_stored_in_the_old_format(program):
    import polars as pl

    from evaluations.models import AnswerKey
    from evaluations.scoring.answer_key import answer_key_is_current

    call_command("load_demo")
    key = AnswerKey.objects.get(benchmark__code="demo-math-exact")
    assert answer_key_is_current(key.full_path)
    pl.read_parquet(key.full_path, columns=["id", "answer", "category", "n_choices"]).write_parquet(
        key.full_path,
        metadata={"kai_leaderboard.metric": "exact_match", "kai_leaderboard.key_format": "1"},
    )
    assert not answer_key_is_current(key.full_path)
    call_command("load_demo")
    key.refresh_from_db()
    assert answer_key_is_current(key.full_path)


def test_demo_scores_are_marked_demo_on_the_pages_that_show_them(client, program):
    call_command("load_demo")
    html = client.get(
        reverse("leaderboard:benchmark", args=["demo-ko-mc"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "[DEMO]" in html and "DEMO: synthetic" in html
    url = reverse("leaderboard:model", args=["solar-open-100b"])
    html = client.get(in_language(url, "en"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pill-demo" not in html and "5 synthetic demo scores, left out here" in html
    html = client.get(
        in_language(url + "?include_demo=1", "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.count('<span class="pill pill-demo">DEMO</span>') == 6  # 5 scores and the note


def test_an_evaluator_cannot_run_a_synthetic_benchmark_into_a_program_phase(program, evaluator):
    """A demo benchmark's score in a real phase would read as a real one: refused, nothing
    saved (the same rule refuses endpoint runs)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations.services import RunError, run_submit
    from leaderboard.models import FoundationModel, Phase

    call_command("load_demo")
    demo = Benchmark.objects.filter(is_demo=True).first()
    real = Phase.objects.get(slug="first-stage")
    before = EvaluationRun.objects.count()
    with pytest.raises(RunError) as refused:
        run_submit(
            user=evaluator,
            model=FoundationModel.objects.filter(team__isnull=False).first(),
            phase=real,
            benchmark=demo,
            upload=SimpleUploadedFile("p.jsonl", b'{"id": "1", "prediction": "A"}\n'),
        )
    assert refused.value.code == "demo_benchmark"
    assert EvaluationRun.objects.count() == before
