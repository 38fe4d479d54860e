import csv

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from leaderboard import models as lb
from leaderboard.services import PROGRAM_DATA_DIR

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    lb.Phase,
    lb.ScoringComponent,
    lb.PhaseComponentAverage,
    lb.Team,
    lb.TeamPartner,
    lb.FoundationModel,
    lb.Benchmark,
    lb.Score,
    lb.Assessment,
    lb.ComponentPoints,
    lb.GateResult,
]


def snapshot():
    return {
        m.__name__: sorted((o.pk, repr(model_to_dict(o))) for o in m.objects.all())
        for m in ALL_MODELS
    }


def test_load_program_loads_exactly_the_published_scores_of_the_data_file():
    with (PROGRAM_DATA_DIR / "published_scores.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    call_command("load_program")
    assert lb.Score.objects.count() == len(rows) == 103
    assert not lb.Score.objects.filter(source_title="").exists()


def test_a_second_run_of_load_program_changes_no_row(capsys):
    call_command("load_program")
    before = snapshot()
    call_command("load_program")
    assert snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


def test_the_first_stage_outcomes_are_the_published_ones():
    call_command("load_program")
    outcomes = dict(
        lb.Assessment.objects.filter(phase__slug="first-stage").values_list("team__slug", "outcome")
    )
    assert outcomes == {
        "lg-ai-research": "advanced",
        "sk-telecom": "advanced",
        "upstage": "advanced",
        "naver-cloud": "eliminated",
        "nc-ai": "eliminated",
    }
    lg = lb.Assessment.objects.get(team__slug="lg-ai-research", phase__slug="first-stage")
    points = {p.component.code: str(p.points) for p in lg.points.all()}
    assert points == {
        "benchmark": "33.60",
        "expert": "31.60",
        "user": "25.00",
        "nia": "9.20",
        "global-common": "14.40",
    }
    assert str(lg.published_total) == "90.20"
    naver_gate = lb.GateResult.objects.get(assessment__team__slug="naver-cloud")
    assert naver_gate.passed is False and "Qwen" in naver_gate.evidence_en


def test_the_benchmark_scheme_of_the_first_stage_is_data():
    call_command("load_program")
    benchmark = lb.ScoringComponent.objects.get(phase__slug="first-stage", code="benchmark")
    children = {c.code: c.max_points for c in benchmark.children.all()}
    assert sum(children.values()) == benchmark.max_points == 40
    assert set(children) == {"nia", "global-common", "global-individual"}


def test_figures_that_are_not_public_stay_empty():
    call_command("load_program")
    gpt4o = lb.FoundationModel.objects.get(slug="gpt-4o-2024-05-13")
    assert gpt4o.total_params_b is None and gpt4o.architecture == "undisclosed"
    skt = lb.Assessment.objects.get(team__slug="sk-telecom", phase__slug="first-stage")
    assert skt.published_total is None
    assert not skt.points.filter(component__code="expert").exists()


def test_a_score_keeps_the_precision_and_provenance_of_its_source():
    call_command("load_program")
    kmmlu = lb.Score.objects.get(model__slug="gpt-4o-2024-05-13", benchmark__code="kmmlu")
    assert kmmlu.display_value == "64.26" and kmmlu.reporter == "independent"
    assert kmmlu.source_url == "https://github.com/hsr87/evaluate-llm-on-korean-dataset"
    ax = lb.Score.objects.get(model__slug="ax-k1-519b-a33b", benchmark__code="ifeval")
    assert ax.display_value == "80.4" and ax.mode == "reasoning"
    assert ax.setup == "thinking mode, prompt-strict"


def test_a_second_published_score_for_the_same_pair_is_kept_beside_the_first(tmp_path):
    import shutil

    from leaderboard.services import program_load

    for name in ("program.json", "models.csv", "published_scores.csv"):
        shutil.copy(PROGRAM_DATA_DIR / name, tmp_path / name)
    with (tmp_path / "published_scores.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "GPT-4o (2024-05-13),OpenAI,non-reasoning,KMMLU,72.5,other-lab,github:SKT-AI/A.X-4.0,README.en.md,SKT's table\n"
        )
    program_load(data_dir=tmp_path)
    values = sorted(
        str(s.value)
        for s in lb.Score.objects.filter(model__slug="gpt-4o-2024-05-13", benchmark__code="kmmlu")
    )
    assert values == ["64.260", "72.500"]
