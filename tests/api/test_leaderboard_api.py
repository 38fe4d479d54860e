"""The leaderboard endpoint: the preference rule, the page's filters and visibility."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from evaluations.models import EvaluationRun
from tests.factories import ScoreFactory

pytestmark = pytest.mark.django_db


def cells(response) -> dict[tuple[str, str], float]:
    return {
        (row["model"], cell["benchmark"]): cell["score"]["value"]
        for row in response.json()["rows"]
        for cell in row["cells"]
    }


def organizer_run(model, phase, benchmark, *, official=False, **kwargs):
    return EvaluationRun.objects.create(
        model=model,
        phase=phase,
        benchmark=benchmark,
        team=model.team,
        input_file="runs/x.jsonl",
        original_filename="x.jsonl",
        file_size=1,
        file_format="jsonl",
        status="succeeded",
        is_official=official,
        **kwargs,
    )


def test_the_official_run_wins_over_a_later_run_and_over_reported_scores(anon, world, model_a):
    phase, kmmlu = world["published"], world["kmmlu"]
    now = timezone.now()
    official = organizer_run(model_a, phase, kmmlu, official=True)
    later = organizer_run(model_a, phase, kmmlu)
    ScoreFactory(
        model=model_a,
        benchmark=kmmlu,
        phase=phase,
        value=71,
        reporter="organizer",
        run=official,
        created_at=now - timedelta(days=2),
    )
    ScoreFactory(
        model=model_a,
        benchmark=kmmlu,
        phase=phase,
        value=75,
        reporter="organizer",
        run=later,
        created_at=now,
    )
    ScoreFactory(model=model_a, benchmark=kmmlu, value=90, reporter="independent")
    response = anon.get("/api/v1/phases/published/leaderboard/")
    assert cells(response)[("model-a", "kmmlu")] == 71.0


def test_without_an_official_run_the_latest_organizer_run_wins_for_those_who_may_see_it(
    anon, evaluator_client, world, model_a
):
    phase, kmmlu = world["published"], world["kmmlu"]
    now = timezone.now()
    for value, age in ((72, 3), (74, 1)):
        ScoreFactory(
            model=model_a,
            benchmark=kmmlu,
            phase=phase,
            value=value,
            reporter="organizer",
            run=organizer_run(model_a, phase, kmmlu),
            created_at=now - timedelta(days=age),
        )
    url = "/api/v1/phases/published/leaderboard/"
    assert cells(evaluator_client.get(url))[("model-a", "kmmlu")] == 74.0
    # neither run is official: the public sees neither of them
    assert cells(anon.get(url)).get(("model-a", "kmmlu")) not in (72.0, 74.0)


def test_among_published_scores_the_most_authoritative_reporter_wins(anon, world, model_b):
    mmlu = world["mmlu"]
    # model-b already has a self-reported 70 on MMLU in the published phase.
    ScoreFactory(model=model_b, benchmark=mmlu, value=50, reporter="third_party_summary")
    ScoreFactory(model=model_b, benchmark=mmlu, value=66, reporter="other_lab")
    assert cells(anon.get("/api/v1/phases/published/leaderboard/"))[("model-b", "mmlu")] == 66.0
    ScoreFactory(model=model_b, benchmark=mmlu, value=64, reporter="independent")
    assert cells(anon.get("/api/v1/phases/published/leaderboard/"))[("model-b", "mmlu")] == 64.0


def test_the_filters_select_language_group_mode_and_baselines(anon, world, model_a):
    ScoreFactory(
        model=model_a,
        benchmark=world["mmlu"],
        phase=world["published"],
        value=55,
        mode="non_reasoning",
    )
    url = "/api/v1/phases/published/leaderboard/"
    assert set(cells(anon.get(url + "?language=ko"))) == {("model-a", "kmmlu"), ("qwen3", "kmmlu")}
    assert set(cells(anon.get(url + "?group=global_common"))) == {
        ("model-a", "mmlu"),
        ("model-b", "mmlu"),
    }
    assert cells(anon.get(url + "?mode=non_reasoning")) == {("model-a", "mmlu"): 55.0}
    no_baselines = anon.get(url + "?baselines=false").json()
    assert {row["model"] for row in no_baselines["rows"]} == {"model-a", "model-b"}
    assert no_baselines["filters"] == {"baselines": False}


def test_an_unpublished_phase_shows_the_public_only_phase_less_figures(anon, client_a, world):
    assert cells(anon.get("/api/v1/phases/hidden/leaderboard/")) == {("qwen3", "kmmlu"): 65.5}
    assert ("model-a", "mmlu") in cells(client_a.get("/api/v1/phases/hidden/leaderboard/"))
    assert anon.get("/api/v1/phases/no-such-phase/leaderboard/").status_code == 404


def page_model_slugs(client, query: str) -> list[str]:
    """The models of the phase page's score table (every row of the board), top to bottom."""
    html = client.get(f"/ko/phases/published/{query}").content.decode()
    matrix = html.split('class="data-table score-matrix"', 1)[1]
    body = matrix.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]*/models/([^/"]+)/"', body)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?language=ko",
        "?group=global_common",
        "?mode=reasoning",
        "?baselines=0",
        "?sort=model&order=desc",
    ],
)
def test_the_endpoint_and_the_page_give_the_same_rows_in_the_same_order(
    query, anon, client, world, model_a
):
    ScoreFactory(model=model_a, benchmark=world["mmlu"], phase=world["published"], value=77)
    api_rows = anon.get("/api/v1/phases/published/leaderboard/" + query).json()["rows"]
    assert api_rows, "the comparison needs rows"
    assert [r["model"] for r in api_rows] == page_model_slugs(client, query)


def test_baselines_have_no_rank(anon, world):
    rows = anon.get("/api/v1/phases/published/leaderboard/").json()["rows"]
    assert [r["rank"] for r in rows if r["kind"] == "baseline"] == [None]
