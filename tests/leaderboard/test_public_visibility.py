"""Nothing of a phase whose announcement time has not come reaches the public."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urldefrag

import pytest
import time_machine
from django.utils import timezone

from leaderboard.models import Assessment, Benchmark, Reporter
from tests.factories import AssessmentFactory, ModelFactory, PhaseFactory, ScoreFactory
from tests.language import in_language

pytestmark = pytest.mark.django_db

SENTINEL_VALUE = "12.345"
SENTINEL_MODEL = "Sentinel-Zq7 Secret Model"
SENTINEL_REASON = "sentinel-reason-9f2"
# Areas owned by other pages (sign-in, admin, evaluator tools, API) are not part of this crawl.
SKIP = ("/admin/", "/accounts/", "/i18n/", "/evaluate/", "/team/", "/runs/", "/api/")
HREF = re.compile(r'href="(/[^"]*)"')


@pytest.fixture
def sentinel(program, team_a):
    phase = PhaseFactory(
        slug="unannounced", announcement_at=timezone.now() + timedelta(days=30), order=90
    )
    model = ModelFactory(slug="sentinel-model", name=SENTINEL_MODEL, team=team_a)
    score = ScoreFactory(
        model=model,
        benchmark=Benchmark.objects.get(code="kmmlu"),
        phase=phase,
        value=Decimal(SENTINEL_VALUE),
        decimals=3,
        reporter=Reporter.ORGANIZER,
    )
    AssessmentFactory(
        team=team_a,
        phase=phase,
        model=model,
        outcome=Assessment.Outcome.ELIMINATED,
        reasons_en=SENTINEL_REASON,
        reasons_ko=SENTINEL_REASON,
    )
    return phase, model, score


def crawl(client, start_urls, limit=400):
    """Every public page reachable from the start URLs (plus the exports they link to)."""
    seen, queue, pages = set(), list(start_urls), {}
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0].replace("&amp;", "&")
        if url in seen or url.startswith(SKIP) or url.startswith("/static/"):
            continue
        seen.add(url)
        response = client.get(in_language(url, "en"), HTTP_ACCEPT_LANGUAGE="en")
        body = response.content.decode("utf-8", errors="replace")
        pages[url] = (response.status_code, body)
        if response.get("Content-Type", "").startswith("text/html"):
            queue += [h for h in HREF.findall(body) if h not in seen]
    return pages


def start_urls(phase, model):
    return [
        "/",
        f"/ko/phases/{phase.slug}/",
        f"/ko/phases/{phase.slug}/decisions/",
        f"/ko/phases/{phase.slug}/export.csv",
        f"/ko/phases/{phase.slug}/export.json",
        f"/ko/phases/{phase.slug}/?sort=b-kmmlu",
        f"/ko/models/{model.slug}/",
        f"/ko/compare/?models={model.slug},k-exaone-236b-a23b",
        "/ko/teams/team-a/",
        "/ko/benchmarks/kmmlu/",
    ]


def test_an_unannounced_phase_leaks_nowhere_to_the_public(client, sentinel):
    phase, model, _ = sentinel
    pages = crawl(client, start_urls(phase, model))
    assert len(pages) > 40  # the crawl really covered the site
    assert any(u.endswith("export.csv") for u in pages)
    for url, (status, body) in pages.items():
        assert status in (200, 404), (url, status)
        for secret in (SENTINEL_VALUE, SENTINEL_MODEL, SENTINEL_REASON):
            assert secret not in body, (url, secret)
        if model.slug not in url:  # a page may echo the address it was asked for
            assert model.slug not in body, url
    assert pages[f"/ko/models/{model.slug}/"][0] == 404


def test_an_evaluator_sees_the_unannounced_phase(client, sentinel, evaluator):
    phase, model, _ = sentinel
    client.force_login(evaluator)
    html = client.get(f"/en/phases/{phase.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SENTINEL_VALUE in html and SENTINEL_MODEL in html
    csv_body = client.get(f"/ko/phases/{phase.slug}/export.csv").content.decode()
    assert SENTINEL_VALUE in csv_body
    assert client.get(f"/ko/models/{model.slug}/").status_code == 200
    decisions = client.get(f"/en/phases/{phase.slug}/decisions/", HTTP_ACCEPT_LANGUAGE="en")
    assert SENTINEL_REASON in decisions.content.decode()


def test_the_public_view_cached_before_an_evaluator_visit_stays_public(client, sentinel, evaluator):
    phase, _, _ = sentinel
    url = f"/ko/phases/{phase.slug}/"
    client.force_login(evaluator)
    assert SENTINEL_VALUE in client.get(url).content.decode()
    client.logout()
    assert SENTINEL_VALUE not in client.get(url).content.decode()


def test_a_team_member_sees_its_own_unannounced_scores_and_others_do_not(
    client, sentinel, member_a, member_b
):
    phase, _, _ = sentinel
    url = f"/ko/phases/{phase.slug}/"
    client.force_login(member_b)
    assert SENTINEL_VALUE not in client.get(url).content.decode()
    client.force_login(member_a)
    assert SENTINEL_VALUE in client.get(url).content.decode()
    client.force_login(member_b)
    assert SENTINEL_VALUE not in client.get(url).content.decode()


def _sitemap_paths(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return set(re.findall(r"<loc>https?://[^/<]+(/[^<]*)</loc>", response.content.decode()))


def test_the_sitemap_lists_the_public_record_and_nothing_unannounced(client, sentinel, evaluator):
    phase, model, _ = sentinel
    paths = _sitemap_paths(client)
    assert {
        "/ko/",
        "/en/",
        "/ko/phases/first-stage/",
        "/ko/phases/first-stage/decisions/",
        "/ko/teams/team-a/",
    } <= paths
    assert "/ko/models/k-exaone-236b-a23b/" in paths and "/ko/benchmarks/kmmlu/" in paths
    # the unannounced phase's page exists (its schedule is public), its decisions do not yet
    assert f"/ko/phases/{phase.slug}/" in paths
    assert f"/ko/phases/{phase.slug}/decisions/" not in paths
    assert f"/ko/models/{model.slug}/" not in paths
    body = client.get("/sitemap.xml").content.decode()
    assert SENTINEL_MODEL not in body and model.slug not in body
    # every listed page answers the public
    for path in paths:
        assert client.get(path).status_code == 200, path
    # the sitemap is the public one whoever asks
    client.force_login(evaluator)
    assert _sitemap_paths(client) == paths
    client.logout()
    # from the announcement time on, the decisions and the model are listed, with no write
    with time_machine.travel(phase.announcement_at + timedelta(seconds=1)):
        later = _sitemap_paths(client)
    assert f"/ko/phases/{phase.slug}/decisions/" in later and f"/ko/models/{model.slug}/" in later


def test_the_sitemap_leaves_out_the_synthetic_demo_pack(client, program):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    paths = _sitemap_paths(client)
    assert not any("demo" in path for path in paths), sorted(paths)
    assert client.get("/ko/benchmarks/").content.decode().count("DEMO") > 0  # the pack is there


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for area in ("/ko/team/", "/ko/evaluate/", "/ko/runs/", "/ko/accounts/", "/admin/"):
        assert f"Disallow: {area}" in text


def test_the_decisions_feed_publishes_each_decision_at_its_announcement_time(client, sentinel):
    phase, _, _ = sentinel
    response = client.get("/feeds/decisions.en.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    published = Assessment.objects.filter(phase__announcement_at__lte=timezone.now()).count()
    assert published == 11  # the program's decisions: first stage 5, revival 2, second stage 4
    assert feed.count("<entry>") == published and "First stage · Naver Cloud: Eliminated" in feed
    assert "/en/phases/first-stage/decisions/#decision-naver-cloud" in feed
    assert SENTINEL_REASON not in feed and SENTINEL_MODEL not in feed
    with time_machine.travel(phase.announcement_at + timedelta(seconds=1)):
        later = client.get("/feeds/decisions.en.atom").content.decode()
    assert later.count("<entry>") == published + 1 and SENTINEL_REASON in later


def test_the_korean_feed_gives_the_korean_reasons_and_other_languages_answer_404(client, program):
    feed = client.get("/feeds/decisions.ko.atom").content.decode()
    assert 'xml:lang="ko"' in feed and "K-AI 리더보드: 결정" in feed and "탈락" in feed
    assert client.get("/feeds/decisions.fr.atom").status_code == 404


def test_the_decisions_page_links_its_feed_and_anchors_each_team(client, program):
    html = client.get("/ko/phases/first-stage/decisions/").content.decode()
    assert 'href="/feeds/decisions.en.atom"' in html and 'id="decision-upstage"' in html
