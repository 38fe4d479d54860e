"""The program as it stands on 2026-11-30, on the public pages, in Korean and English; every
status, date and tense true on that day and on any other."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from leaderboard.models import FoundationModel, Phase, Team
from tests.language import in_language

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TIME = re.compile(r'<time datetime="([^"]+)"( class="is-future")?>')

TEXT = {
    "en": {
        "secondary": ">secondary<",
        "not_scheduled": "Not scheduled",
        "advanced": "✓ Advanced",
        "eliminated": "✕ Eliminated",
        "motif": "Motif Technologies",
        "trillion": "Trillion Labs",
        "not_selected": "Applied, not selected",
        "average": "Four-team average",
        "gap": "Gap between first and fourth",
        "highest": "Highest",
        "latest": "Latest results",
        "next": "Next",
        "concluded": "Concluded",
    },
    "ko": {
        "secondary": ">2차 출처<",
        "not_scheduled": "일정 미정",
        "advanced": "✓ 진출",
        "eliminated": "✕ 탈락",
        "motif": "모티프테크놀로지스",
        "trillion": "트릴리온랩스",
        "not_selected": "지원, 선정되지 않음",
        "average": "4개 팀 평균",
        "gap": "1위와 4위의 차이",
        "highest": "1위",
        "latest": "최근 결과",
        "next": "다음",
        "concluded": "종료",
    },
}


def get(client, url, lang):
    response = client.get(in_language(url, lang), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    return html


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_second_stage_page_shows_its_outcomes_figures_and_secondary_totals(
    client, program, lang
):
    text = TEXT[lang]
    html = get(client, reverse("leaderboard:phase", args=["second-stage"]), lang)
    figures = section(html, "figures-heading")
    for value in ("22.5", "4.0", "28.8", "2.4", "17.6", "5.0"):  # averages and gaps, 18 Aug
        assert f"{value} " in figures
    for value in ("9.48", "11.9", "13.05", "13.4", "28.75", "29.5", "10.53", "11.6", "7.03", "7.6"):
        assert f"{value} " in figures  # each component's average and leader, 20 Aug
    assert text["average"] in figures and text["gap"] in figures and text["highest"] in figures
    assert text["motif"] in figures  # the AAII leader
    standings = section(html, "standings-heading")
    # The phone summary under each team repeats outcome and total; count the table's own cells.
    standings = re.sub(r'<span class="phone-summary".*?</span></span>', "", standings, flags=re.S)
    assert standings.count(text["advanced"]) == 3 and standings.count(text["eliminated"]) == 1
    assert text["motif"] in standings
    for total in ("70.6", "69.9", "69.0", "65.8"):
        assert re.search(rf"{total} <span class=\"reliability reliability-secondary\"", standings)
    assert text["secondary"] in standings
    assert '<td class="num rank"><span title=' not in standings  # never ranked on them
    scheme = section(html, "scheme-heading")
    assert "× 25/100" in scheme and "× 15/100" in scheme and "× 15/5" in scheme
    assert "✓" in scheme  # Motif 3's published raw AAII gives the published 11.9


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_final_is_shown_as_not_scheduled_with_its_dated_statements(client, program, lang):
    text = TEXT[lang]
    html = get(client, reverse("leaderboard:phase", args=["final"]), lang)
    start = html.index('class="page-head"')
    head = html[start : html.index("</header>", start)]
    assert text["not_scheduled"] in head
    assert "December" not in html and "12월" not in html
    timeline = section(html, "timeline-heading")
    assert timeline.count('class="event event-statement"') == 6
    assert "2026-08-19" in timeline and "2027" in timeline
    assert text["secondary"] in timeline  # the EBN headline, read without its text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_home_page_shows_where_the_program_really_is(client, program, lang):
    text = TEXT[lang]
    html = get(client, "/", lang)
    position = html[html.index('class="program-position"') : html.index("</section>")]
    latest = position[position.index("latest-phase") : position.index("next-phase")]
    assert text["latest"] in latest and f"/{lang}/phases/second-stage/" in latest
    nxt = position[position.index("next-phase") :]
    assert text["next"] in nxt and f"/{lang}/phases/final/" in nxt and text["not_scheduled"] in nxt
    assert "Testing through June 2026" not in html and "Upcoming" not in html
    decisions = section(html, "decisions-heading")
    assert text["motif"] in decisions
    assert decisions.count(text["advanced"]) == 3 and decisions.count(text["eliminated"]) == 1
    assert text["secondary"] in decisions


def test_the_home_page_names_the_phase_under_way_while_one_is(client, program):
    with time_machine.travel(datetime(2026, 8, 10, 12, tzinfo=SEOUL), tick=False):
        html = get(client, "/", "en")
    position = html[html.index('class="program-position"') : html.index("</section>")]
    current = position[: position.index("latest-phase")]
    assert "Current phase" in current and "/en/phases/second-stage/" in current
    assert "Evaluation under way" in current
    latest = position[position.index("latest-phase") :]
    assert "/en/phases/revival-round/" in latest


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_revival_round_shows_motif_selected_and_trillion_labs_not_selected(
    client, program, lang
):
    text = TEXT[lang]
    html = get(client, reverse("leaderboard:phase", args=["revival-round"]), lang)
    standings = section(html, "standings-heading")
    assert text["motif"] in standings and text["advanced"] in standings
    assert text["trillion"] in standings and text["not_selected"] in standings
    team = get(client, reverse("leaderboard:team", args=["trillion-labs"]), lang)
    assert text["not_selected"] in team and "Tri-21B" in team


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_model_and_team_pages_show_lineage_and_the_dated_independence_record(client, program, lang):
    html = get(client, reverse("leaderboard:model", args=["k-exaone-2-0-750b-a37b"]), lang)
    lineage = section(html, "lineage-heading")
    assert f"/{lang}/models/k-exaone-236b-a23b/" in lineage and "reliability-secondary" in lineage
    assert "2026-07-31" in html and "Apache 2.0" in html
    solar = get(client, reverse("leaderboard:model", args=["solar-open-100b"]), lang)
    record = section(solar, "independence-heading")
    for day in ("2025-12-31", "2026-01-02", "2026-01-03", "2026-01-15"):
        assert f'<time datetime="{day}">' in record
    assert "GLM-4.5-Air" in record
    naver = get(client, reverse("leaderboard:team", args=["naver-cloud"]), lang)
    assert "HyperCLOVAX-SEED-Think-32B" in section(naver, "independence-heading")
    motif = get(client, reverse("leaderboard:team", args=["motif-technologies"]), lang)
    assert ("FADU" if lang == "en" else "파두") in motif and "Motif 3 314B" in motif
    lg = get(client, reverse("leaderboard:team", args=["lg-ai-research"]), lang)
    assert ("Elice" if lang == "en" else "엘리스") in lg and '<time datetime="2026-02-25">' in lg


CLOCKS = [
    datetime(2026, 1, 10, 9, tzinfo=SEOUL),  # before the first-stage results
    datetime(2026, 2, 1, 9, tzinfo=SEOUL),  # during the additional call
    datetime(2026, 8, 10, 9, tzinfo=SEOUL),  # during the second-stage evaluation
    datetime(2026, 11, 29, 23, 59, tzinfo=SEOUL),
    datetime(2026, 11, 30, 12, tzinfo=SEOUL),
    datetime(2027, 3, 1, 9, tzinfo=SEOUL),
    datetime(2031, 6, 1, 9, tzinfo=SEOUL),
]


def public_pages():
    pages = ["/"]
    for phase in Phase.objects.filter(is_demo=False):
        pages += [
            phase.get_absolute_url(),
            reverse("leaderboard:phase_decisions", args=[phase.slug]),
        ]
    pages += [t.get_absolute_url() for t in Team.objects.all()]
    pages += [m.get_absolute_url() for m in FoundationModel.objects.filter(kind="team")]
    return pages


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.strftime("%Y-%m-%d"))
def test_no_page_puts_a_future_date_in_the_past_tense(client, program, clock):
    with time_machine.travel(clock, tick=False):
        cache.clear()
        today = clock.date()
        for lang in ("en", "ko"):
            for url in public_pages():
                response = client.get(in_language(url, lang), HTTP_ACCEPT_LANGUAGE=lang)
                if response.status_code == 404:  # a model not public yet
                    continue
                html = response.content.decode()
                for value, future_class in TIME.findall(html):
                    day = date.fromisoformat(value[:10]) if len(value) >= 10 else None
                    if day is None:  # a month: in the future only after this month
                        year, month = map(int, value.split("-"))
                        is_future = (year, month) > (today.year, today.month)
                    else:
                        is_future = day > today
                    assert bool(future_class) == is_future, (url, lang, value)
                for match in re.finditer(r"(Results announced|결과 발표) <time[^>]*>", html):
                    assert "is-future" not in match.group(0), (url, match.group(0))
                assert not re.search(r"Announced .{0,80}Announced", html), url


def test_exports_and_the_api_say_how_reliable_each_score_is(client, program):
    rows = client.get("/ko/phases/second-stage/export.json").json()["rows"]
    aaii = {
        (r["model"], r["value"]): r["reliability"] for r in rows if r["benchmark"] == "aaii-v4-1-1"
    }
    assert aaii[("solar-open-2-250b-a15b", "37.4")] == "secondary"
    scores = client.get("/api/v1/scores/?model=exaone-4-0-32b&page_size=100").json()["results"]
    ifeval = sorted(
        (s["display_value"], s["reliability"]) for s in scores if s["benchmark"] == "ifeval"
    )
    assert ifeval == [("83.7", "official"), ("84.7", "official")]
