"""The phase leaderboard: rows, the one-score rule, references, filters, exports, caching."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leaderboard import cache as lb_cache
from leaderboard import selectors
from leaderboard.models import Benchmark, Phase, Reporter
from tests.factories import (
    AssessmentFactory,
    BaselineFactory,
    BenchmarkFactory,
    ModelFactory,
    PhaseFactory,
    ScoreFactory,
    TeamFactory,
)
from tests.language import in_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase():
    return PhaseFactory(
        slug="stage", evaluation_starts=date(2026, 1, 1), name_en="Stage", name_ko="단계"
    )


@pytest.fixture
def baseline():
    return BaselineFactory(slug="deepseek-r1", name="DeepSeek-R1", release_date=date(2025, 10, 1))


def board(phase, user=None, **query):
    from django.contrib.auth.models import AnonymousUser

    filters = selectors.LeaderboardFilters.from_query(query)
    return selectors.phase_leaderboard(phase=phase, user=user or AnonymousUser(), filters=filters)


def test_one_score_per_cell_follows_the_documented_preference(phase):
    model = ModelFactory(slug="m")
    bench = BenchmarkFactory(code="b")
    ScoreFactory(model=model, benchmark=bench, value=Decimal("50"), reporter=Reporter.SELF)
    ScoreFactory(model=model, benchmark=bench, value=Decimal("55"), reporter=Reporter.INDEPENDENT)
    ScoreFactory(
        model=model, benchmark=bench, value=Decimal("60"), reporter=Reporter.THIRD_PARTY_SUMMARY
    )
    (row,) = board(phase).rows
    cell = row.cells[bench.pk]
    assert cell.score.value == Decimal("55") and cell.others == 2

    ScoreFactory(
        model=model, benchmark=bench, value=Decimal("40"), reporter=Reporter.ORGANIZER, phase=phase
    )
    (row,) = board(phase).rows
    assert row.cells[bench.pk].score.value == Decimal("40")


def test_percent_of_reference_uses_the_best_eligible_baseline_and_marks_cells_under_95(
    phase, baseline
):
    old = BaselineFactory(slug="old", release_date=date(2024, 1, 1))
    bench = BenchmarkFactory(code="b")
    ScoreFactory(model=baseline, benchmark=bench, value=Decimal("80"), reporter=Reporter.OTHER_LAB)
    ScoreFactory(model=old, benchmark=bench, value=Decimal("99"), reporter=Reporter.OTHER_LAB)
    strong = ModelFactory(slug="strong")
    weak = ModelFactory(slug="weak")
    ScoreFactory(model=strong, benchmark=bench, value=Decimal("78"))
    ScoreFactory(model=weak, benchmark=bench, value=Decimal("70"))
    result = board(phase)
    assert result.references[bench.pk].model_slug == "deepseek-r1"  # "old" is out of the window
    cells = {r.model.slug: r.cells[bench.pk] for r in result.rows}
    assert round(cells["strong"].percent, 1) == 97.5 and not cells["strong"].below_target
    assert round(cells["weak"].percent, 1) == 87.5 and cells["weak"].below_target


def test_filters_select_benchmarks_and_hide_baselines(phase, baseline):
    ko = BenchmarkFactory(code="ko-b", language=Benchmark.Language.KO)
    en = BenchmarkFactory(code="en-b", language=Benchmark.Language.EN)
    team_model = ModelFactory(slug="team-model")
    for bench in (ko, en):
        ScoreFactory(model=team_model, benchmark=bench)
        ScoreFactory(model=baseline, benchmark=bench, reporter=Reporter.OTHER_LAB)
    result = board(phase, language="ko", baselines="0")
    assert [b.code for b in result.benchmarks] == ["ko-b"]
    assert [r.model.slug for r in result.rows] == ["team-model"]
    assert result.filters.as_query() == "language=ko&baselines=0"


def test_entered_models_appear_even_without_scores_with_points_and_outcome(phase):
    team = TeamFactory(slug="t")
    model = ModelFactory(slug="entered", team=team)
    AssessmentFactory(team=team, phase=phase, model=model, published_total=Decimal("80.5"))
    (row,) = board(phase).rows
    assert row.model == model and row.total == Decimal("80.5")


def test_sorting_by_a_benchmark_orders_the_rows_but_never_ranks_them(phase):
    bench = BenchmarkFactory(code="b")
    for slug, value, low, high in [("a", 80, 78, 82), ("b", 79, 77, 81), ("c", 60, 58, 62)]:
        ScoreFactory(
            model=ModelFactory(slug=slug),
            benchmark=bench,
            value=Decimal(value),
            interval_low=Decimal(low),
            interval_high=Decimal(high),
        )
    result = board(phase, sort="b-b")
    assert [r.model.slug for r in result.rows] == ["a", "b", "c"]
    assert [r.rank for r in result.rows] == [None, None, None]
    assert not result.standings.ranked and not result.has_ties


def test_the_page_is_sortable_and_filterable_by_query_string_alone(client, phase):
    bench = BenchmarkFactory(code="kb", name="KBench", language=Benchmark.Language.KO)
    ScoreFactory(model=ModelFactory(slug="low", name="Low Model"), benchmark=bench, value=10)
    ScoreFactory(model=ModelFactory(slug="high", name="High Model"), benchmark=bench, value=90)
    url = reverse("leaderboard:phase", args=[phase.slug])
    html = client.get(
        in_language(url + "?sort=b-kb&order=desc", "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.index("High Model") < html.index("Low Model")
    html = client.get(
        in_language(url + "?sort=b-kb&order=asc", "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.index("Low Model") < html.index("High Model")
    assert 'aria-sort="ascending"' in html
    assert "export.csv?sort=b-kb&amp;order=asc" in html


def test_exports_carry_the_same_filters_and_provenance(client, phase, baseline):
    ko = BenchmarkFactory(code="ko-b", language=Benchmark.Language.KO)
    en = BenchmarkFactory(code="en-b", language=Benchmark.Language.EN)
    model = ModelFactory(slug="exported")
    ScoreFactory(
        model=model,
        benchmark=ko,
        value=Decimal("71.5"),
        source_title="Tech report",
        source_url="https://example.org/r",
    )
    ScoreFactory(model=model, benchmark=en)
    base = reverse("leaderboard:phase_export_csv", args=[phase.slug])
    response = client.get(base + "?language=ko")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["model"], r["benchmark"], r["value"]) for r in rows] == [
        ("exported", "ko-b", "71.5")
    ]
    assert rows[0]["reporter"] == "self" and rows[0]["source_url"] == "https://example.org/r"
    assert rows[0]["is_demo"] == "False" and "run_id" in rows[0]
    data = json.loads(
        client.get(
            reverse("leaderboard:phase_export_json", args=[phase.slug]) + "?language=en"
        ).content
    )
    assert [r["benchmark"] for r in data["rows"]] == ["en-b"]


def test_the_cached_fragment_is_refreshed_when_a_score_changes(client, phase):
    bench = BenchmarkFactory(code="b")
    score = ScoreFactory(model=ModelFactory(slug="m", name="Cached"), benchmark=bench, value=11)
    url = reverse("leaderboard:phase", args=[phase.slug])
    before = lb_cache.generation()
    assert "11.0" in client.get(url).content.decode()
    score.value = Decimal("22.2")
    score.save()
    assert lb_cache.generation() == before + 1
    html = client.get(url).content.decode()
    assert "22.2" in html and ">11.0<" not in html


def test_a_phase_whose_announcement_passes_shows_without_any_write(client, evaluator):
    phase = PhaseFactory(slug="later", announcement_at=timezone.now() + timedelta(days=1))
    bench = BenchmarkFactory(code="b")
    ScoreFactory(
        model=ModelFactory(name="Hidden Until Announced"),
        benchmark=bench,
        phase=phase,
        reporter=Reporter.ORGANIZER,
    )
    url = reverse("leaderboard:phase", args=[phase.slug])
    assert "Hidden Until Announced" not in client.get(url).content.decode()
    client.force_login(evaluator)
    assert "Hidden Until Announced" in client.get(url).content.decode()
    client.logout()
    # the announcement time passes, with no write at all: the set of published phases in the
    # cache key changes, so the public page shows the results
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert "Hidden Until Announced" in client.get(url).content.decode()


def _populate(phase, *, teams: int, benchmarks: int):
    benches = [BenchmarkFactory() for _ in range(benchmarks)]
    baseline = BaselineFactory(release_date=date(2025, 10, 1))
    for bench in benches:
        ScoreFactory(model=baseline, benchmark=bench, reporter=Reporter.OTHER_LAB, value=80)
    for _ in range(teams):
        team = TeamFactory()
        model = ModelFactory(team=team)
        AssessmentFactory(team=team, phase=phase, model=model, published_total=Decimal("70"))
        for bench in benches:
            ScoreFactory(
                model=model,
                benchmark=bench,
                value=Decimal("75"),
                interval_low=Decimal("70"),
                interval_high=Decimal("79"),
            )


@pytest.mark.parametrize("path", ["phase", "home", "compare"])
def test_the_number_of_queries_does_not_grow_with_teams_or_benchmarks(client, path):
    counts = []
    for teams, benchmarks in [(5, 10), (50, 40)]:
        phase = PhaseFactory(evaluation_starts=date(2026, 1, 1))
        _populate(phase, teams=teams, benchmarks=benchmarks)
        models = list(phase.assessments.values_list("model__slug", flat=True))[:2]
        url = {
            "phase": reverse("leaderboard:phase", args=[phase.slug]),
            "home": reverse("leaderboard:home"),
            "compare": reverse("leaderboard:compare") + "?models=" + ",".join(models),
        }[path]
        lb_cache.bump_generation()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_compare_explains_too_few_too_many_and_unknown_models(client):
    models = [ModelFactory(slug=f"c{i}") for i in range(5)]
    for m in models:
        ScoreFactory(model=m)
    url = reverse("leaderboard:compare")
    html = client.get(
        in_language(url + "?models=c0", "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Pick at least 2 models" in html
    html = client.get(
        in_language(url + "?models=c0,c1,c2,c3,c4", "en"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "at most 4" in html
    response = client.get(in_language(url + "?models=c0,nope", "en"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "nope" in response.content.decode()
    response = client.get(
        in_language(url + "?models=c0&models=c1", "en"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and 'data-chart-src="chart-comparison-data"' in (
        response.content.decode()
    )


def test_the_decisions_page_lists_every_outcome_with_reason_and_time(client, program):
    html = client.get(
        reverse("leaderboard:phase_decisions", args=["first-stage"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.count("✕ Eliminated") == 2 and html.count("✓ Advanced") == 3
    assert "2026-01-15" in html


def test_every_page_draws_its_charts_from_json_script(client, program):
    pages = {
        "/": ["chart-headline"],
        "/ko/phases/first-stage/": ["chart-percent", "chart-efficiency", "chart-intervals"],
        "/ko/models/k-exaone-236b-a23b/": ["chart-model-intervals", "chart-model-percent"],
        "/ko/teams/lg-ai-research/": ["chart-progression"],
        "/ko/benchmarks/kmmlu/": ["chart-benchmark-intervals"],
    }
    for url, ids in pages.items():
        html = client.get(in_language(url, "ko"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert "vendor/plotly-basic.min.js" in html and "js/charts.js" in html, url
        for chart_id in ids:
            assert f'data-chart-src="{chart_id}-data"' in html, (url, chart_id)
            assert f'id="{chart_id}-data"' in html, (url, chart_id)
        assert "<script>" not in html  # CSP script-src 'self': no inline script


def test_the_ping_view_answers_ok(client):
    response = client.get(reverse("ping"))
    assert response.content == b"ok" and response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("path", ["/en/", "/en/phases/first-stage/"])
def test_anonymous_visitors_share_a_cached_page_that_a_change_refreshes(client, program, path):
    first = client.get(path).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path).content.decode()
    assert again == first
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
    # a Korean reader gets the Korean page, not the English one from the cache
    assert (
        '<html lang="ko">'
        in client.get(in_language(path, "ko"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    )
    # any write to what the page shows makes the cached page stale at once
    phase = Phase.objects.get(slug="first-stage")
    phase.name_en = "First stage (renamed for the test)"
    phase.save()
    assert "renamed for the test" in client.get(path).content.decode()


def test_a_visitor_with_a_message_waiting_gets_it_and_does_not_share_it(client, program):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import Client, RequestFactory

    client.get("/ko/")  # the shared page is in the cache now
    storage = CookieStorage(RequestFactory().get("/ko/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "note-for-you-4e1")])
    assert "note-for-you-4e1" in client.get("/ko/").content.decode()
    assert "note-for-you-4e1" not in Client().get("/ko/").content.decode()


def test_the_phase_index_read_with_the_generation_is_rebuilt_after_a_change(db):
    gen, index = lb_cache.current_state()
    assert lb_cache.current_state() == (gen, index)  # served from the cache
    PhaseFactory(slug="added-later")  # the save bumps the generation
    new_gen, new_index = lb_cache.current_state()
    assert new_gen == gen + 1 and "added-later" in new_index and "added-later" not in index


def test_a_cached_page_is_served_from_the_process_tier_until_the_shared_generation_moves(
    client, program
):
    """The page comes from this process's tier without reading the ~140 KB entry again, and a
    change made elsewhere (another process bumps the shared generation) is seen at once."""
    path = "/en/phases/first-stage/"
    first = client.get(path).content.decode()
    gen, index = lb_cache.current_state()
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    with translation.override("en"):
        key = lb_cache.fragment_key(
            "phase-page",
            user=AnonymousUser(),
            parts=(
                index["first-stage"][0],
                selectors.LeaderboardFilters.from_query({}).cache_key(),
                timezone.localdate().isoformat(),
                path,
            ),
            gen=gen,
            index=index,
        )
    from django.core.cache import cache

    assert cache.get(key) == first.encode()  # the key this test computed is the page's
    cache.delete(key)  # the shared entry is gone: only the process tier can still answer
    # A plain UPDATE sends no signal and bumps nothing: a re-render would show the new name,
    # the process tier still answers with the page of this generation.
    Phase.objects.filter(slug="first-stage").update(name_en="Renamed elsewhere 7c2")
    assert client.get(path).content.decode() == first
    # Another process's commit bumps the shared generation: this tier must not answer any more.
    cache.incr(lb_cache.GENERATION_KEY)
    assert "Renamed elsewhere 7c2" in client.get(path).content.decode()


def test_the_process_tier_keeps_text_only_and_stays_within_its_byte_bound():
    from cachetools import LRUCache

    tier = lb_cache._local_tier
    assert isinstance(tier, LRUCache) and tier.maxsize == lb_cache.LOCAL_TIER_BYTES
    for i in range(300):  # 300 pages of 140 KB would be 42 MB: the oldest are dropped
        lb_cache.cached_value(
            "bound-test", user=None, parts=(i,), compute=lambda: "x" * 140_000, gen=1, index={}
        )
    assert tier.currsize <= lb_cache.LOCAL_TIER_BYTES
    calls = []
    value = lb_cache.cached_value(
        "mutable", user=None, parts=(), compute=lambda: calls.append(1) or {"a": 1}, gen=1, index={}
    )
    value["a"] = 2  # a caller changing its dict must not change what the next request gets
    again = lb_cache.cached_value(
        "mutable", user=None, parts=(), compute=lambda: {"a": 1}, gen=1, index={}
    )
    assert again == {"a": 1}
