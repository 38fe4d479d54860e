import pytest
from django.core.management import call_command

from evaluations.models import EvaluationRun
from tests.evaluations.conftest import predictions


@pytest.mark.django_db(transaction=True)
def test_submit_run_command_prints_the_id_and_with_wait_the_score(
    capsys, model_a, phase, benchmark, tmp_path
):
    path = tmp_path / "p.jsonl"
    path.write_bytes(predictions(correct=64))
    call_command(
        "submit_run",
        str(path),
        model=model_a.slug,
        phase=phase.slug,
        benchmark=benchmark.code,
        wait=True,
    )
    out = capsys.readouterr().out
    run = EvaluationRun.objects.get()
    assert str(run.pk) in out and "succeeded 64.0" in out
