"""Ranks only where the program ranks: participants by published total points, ties as ties,
no rank without official totals, "average vs reference" a column with its coverage."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from leaderboard import selectors
from leaderboard.models import PhaseParticipant, Reliability, Reporter
from leaderboard.ranking import ranks_by_published_totals
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


def board(phase, **query):
    filters = selectors.LeaderboardFilters.from_query(query)
    return selectors.phase_leaderboard(phase=phase, user=AnonymousUser(), filters=filters)


def test_ranks_come_only_from_official_totals_for_every_participant():
    labels = [r.label for r in ranks_by_published_totals([(90, "official"), (80, "official")])]
    assert labels == ["1", "2"]
    tied = ranks_by_published_totals([(70, "official"), (80, "official"), (70, "official")])
    assert [r.label for r in tied] == ["=2", "1", "=2"]
    assert ranks_by_published_totals([(90, "official"), (None, "official")]) is None
    assert ranks_by_published_totals([(90, "official"), (85, "secondary")]) is None
    assert ranks_by_published_totals([(90, "uncertain")]) is None
    assert ranks_by_published_totals([]) is None


@pytest.fixture
def world():
    """A published phase with three participants, an earlier team model and a baseline."""
    phase = PhaseFactory(slug="stage", evaluation_starts=date(2026, 1, 1))
    reference = BaselineFactory(slug="ref", name="Reference", release_date=date(2025, 11, 1))
    easy, hard = BenchmarkFactory(code="easy"), BenchmarkFactory(code="hard")
    for bench in (easy, hard):
        ScoreFactory(model=reference, benchmark=bench, value=80, reporter=Reporter.OTHER_LAB)
    teams = {}
    for slug, total, scores in [
        ("alpha", "70", {"easy": 80, "hard": 40}),
        ("beta", "80", {"easy": 76}),  # leaves out the hard benchmark
        ("gamma", "70", {"easy": 60, "hard": 60}),
    ]:
        team = TeamFactory(slug=slug, name_en=slug.title())
        model = ModelFactory(slug=f"{slug}-model", team=team, release_date=date(2025, 12, 1))
        PhaseParticipant.objects.create(phase=phase, team=team, model=model, source="test")
        AssessmentFactory(
            team=team, phase=phase, model=model, outcome="advanced", published_total=total
        )
        for code, value in scores.items():
            ScoreFactory(model=model, benchmark={"easy": easy, "hard": hard}[code], value=value)
        teams[slug] = team
    earlier = ModelFactory(slug="alpha-earlier", team=teams["alpha"], release_date=date(2025, 6, 1))
    ScoreFactory(model=earlier, benchmark=easy, value=79)
    later = ModelFactory(slug="alpha-later", team=teams["alpha"], release_date=date(2026, 7, 1))
    ScoreFactory(model=later, benchmark=easy, value=99)
    return phase, teams


def test_participants_are_ranked_by_published_totals_with_ties_shown_as_ties(world):
    phase, _ = world
    result = board(phase)
    standings = [(r.team.slug, r.rank.label) for r in result.standings.rows]
    assert standings == [("beta", "1"), ("alpha", "=2"), ("gamma", "=2")]
    # sorting by the average changes the order, never the ranks
    resorted = board(phase, sort="avg", order="desc")
    assert {r.team.slug: r.rank.label for r in resorted.standings.rows} == dict(standings)
    assert [r.team.slug for r in resorted.standings.rows][0] == "beta"


def test_average_vs_reference_is_a_column_with_its_coverage_never_a_rank(world):
    phase, _ = world
    result = board(phase)
    rows = {r.team.slug: r for r in result.standings.rows}
    assert result.standings.coverage_total == 2
    assert (rows["beta"].coverage, rows["alpha"].coverage) == (1, 2)
    assert round(rows["beta"].average_percent, 1) == 95.0
    assert not result.standings.comparable  # beta left out the hard benchmark


def test_models_that_are_not_participants_are_listed_apart_without_a_rank(world):
    phase, _ = world
    result = board(phase)
    others = {r.model.slug: r for r in result.others}
    assert set(others) == {"alpha-earlier", "ref"}  # the later model was no part of the phase
    assert all(r.rank is None for r in others.values())
    assert {r.model.slug for r in result.standings.rows} == {
        "alpha-model",
        "beta-model",
        "gamma-model",
    }


def test_no_rank_when_a_participant_has_no_official_total(world):
    phase, teams = world
    phase.assessments.filter(team=teams["gamma"]).update(published_total=None)
    assert not board(phase).standings.ranked
    phase.assessments.filter(team=teams["gamma"]).update(
        published_total=Decimal("75"), total_reliability=Reliability.SECONDARY
    )
    result = board(phase)
    assert not result.standings.ranked
    assert all(r.rank is None for r in result.standings.rows + result.rows)


def test_the_page_shows_ties_coverage_and_not_comparable(client, world):
    phase, _ = world
    html = client.get(reverse("leaderboard:phase", args=[phase.slug])).content.decode()
    standings = html.split('class="data-table leaderboard-table standings-table"', 1)[1]
    standings = standings.split("</table>", 1)[0]
    assert re.findall(r'<td class="num rank"><span title="[^"]*">([^<]+)</span>', standings) == [
        "1",
        "=2",
        "=2",
    ]
    assert "1 of 2" in standings and "2 of 2" in standings and "not comparable" in standings
    assert "alpha-earlier" not in standings and "/en/models/ref/" not in standings
    others = html.split('class="data-table others-table"', 1)[1].split("</table>", 1)[0]
    assert "alpha-earlier" in others and "/en/models/ref/" in others


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_first_stage_ranks_no_one_and_lists_exaone_4_apart(client, program, lang):
    """Only LG AI Research's total is published: the program ranked no one by total."""
    html = client.get(
        in_language(reverse("leaderboard:phase", args=["first-stage"]), lang),
        HTTP_ACCEPT_LANGUAGE=lang,
    ).content.decode()
    standings = html.split('class="data-table leaderboard-table standings-table"', 1)[1]
    standings = standings.split("</table>", 1)[0]
    assert re.findall(r'<td class="num rank"><span title="[^"]*">([^<]+)</span>', standings) == []
    assert standings.count('<td class="num rank"><span class="muted">—</span>') == 5
    for slug in ("k-exaone-236b-a23b", "ax-k1-519b-a33b", "solar-open-100b"):
        assert f"/{lang}/models/{slug}/" in standings
    assert "exaone-4-0-32b" not in standings and "k-exaone-2-0" not in html
    others = html.split('class="data-table others-table"', 1)[1].split("</table>", 1)[0]
    assert f"/{lang}/models/exaone-4-0-32b/" in others and f"/{lang}/models/deepseek-r1/" in others


def test_on_a_phone_the_standings_say_the_outcome_and_total_beside_the_team(client, program):
    """The phone summary under each team's name: outcome and total with its reliability, so the
    first screen of the table answers who advanced (the full row stays in the table)."""
    import re

    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        url = reverse("leaderboard:phase", args=["second-stage"])
    html = client.get(url).content.decode()
    summaries = re.findall(r'<span class="phone-summary"[^>]*>(.*?)</td>', html, re.S)
    assert len(summaries) == 4
    motif = next(s for s in summaries if "65.8" in s)
    assert "Eliminated" in motif
    assert "secondary" in motif.lower()  # the total's reliability goes with it
