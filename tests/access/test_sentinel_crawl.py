"""Plant private strings in team B's things; crawl the site as the public and as team A: none."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leaderboard.corrections import CorrectionReason
from leaderboard.decisions import assessments as decide
from leaderboard.models import Assessment
from tests.language import in_language

from .conftest import (
    IMPOSSIBLE_STRINGS,
    SENTINEL_FEEDBACK,
    SENTINEL_LOG,
    SENTINEL_RATING_COMMENT,
    SENTINELS,
)
from .crawl import crawl, leaks
from .urls import fill, patterns, skip_reason

pytestmark = pytest.mark.django_db
PUBLIC_REASON = "PUBLIC-REASON-EN-2b7d"


def enumerated_urls(world):
    """Every URL pattern filled with each sample: both teams, both phases, both runs."""
    variants = [
        {
            "team": t,
            "phase": p,
            "slug": s,
            "run_id": str(r.pk),
            "code": world["benchmark"].code,
            "lang": lang,
        }
        for t in ("team-a", "team-b")
        for p in (world["phase"].slug, world["published"].slug)
        for s in (world["phase"].slug, world["published"].slug, "team-b", "model-b")
        for r in (world["run_a"], world["run_b"])
        for lang in ("ko", "en")
    ]
    urls = set()
    for route, _name in patterns():
        if skip_reason(route) and not route.startswith("api/"):
            continue
        for values in variants:
            try:
                urls.add(fill(route, values))
            except KeyError:
                break
    return sorted(urls)


def signed_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "member_a"])
def test_no_private_string_of_team_b_is_reachable(world, who):
    user = world.get(who)
    starts = [
        "/sitemap.xml",
        "/",
        "/ko/team/",
        "/ko/transparency/",
        "/ko/runs/",
        *enumerated_urls(world),
    ]
    pages = crawl(signed_in(user), starts)
    assert len(pages) > 40
    assert reverse("transparency:entries_json") in pages
    assert "/robots.txt" in pages and f"/ko/phases/{world['published'].slug}/decisions/" in pages
    assert "/feeds/decisions.en.atom" in pages and "/feeds/decisions.ko.atom" in pages
    panel_page = reverse("panels:results", args=[world["published"].slug])
    assert panel_page in pages  # linked from the phase page, and its dataset from it
    assert reverse("panels:dataset", args=[world["published"].slug, "experts"]) in pages
    assert not leaks(pages, SENTINELS)


def test_team_b_and_the_evaluators_do_see_the_planted_things(world):
    """The sentinels are really there: the crawl would find them if they leaked."""
    run_b = world["run_b"]
    pages = crawl(signed_in(world["member_b"]), ["/ko/team/", f"/ko/team/runs/{run_b.pk}/"])
    found = leaks(pages, SENTINELS)
    assert any(SENTINEL_FEEDBACK in f for f in found)
    assert any(SENTINEL_LOG in f for f in found)
    board = signed_in(world["evaluator"]).get(
        reverse("evaluator:assess", args=[world["phase"].slug, "team-b"])
    )
    assert SENTINEL_FEEDBACK in board.content.decode()
    # the rating comment is in the dataset once its rater agrees to publish it
    from evaluations.panels.models import Rater

    Rater.objects.filter(external_id="x0").update(comment_consent=True)
    dataset = Client().get(reverse("panels:dataset", args=[world["published"].slug, "experts"]))
    assert SENTINEL_RATING_COMMENT in dataset.content.decode("utf-8-sig")


def test_results_appear_at_the_announcement_time_and_nothing_private_does(world):
    phase, evaluator = world["phase"], world["evaluator"]
    for team, outcome, reasons in (
        (world["team_a"], "advanced", ("공개 사유 가", PUBLIC_REASON)),
        (world["team_b"], "eliminated", ("공개 사유 나", "Public reason for B")),
    ):
        existing = Assessment.objects.filter(team=team, phase=phase).first()
        decide.assessment_save(
            user=evaluator,
            phase=phase,
            team=team,
            data=decide.AssessmentInput(
                model=team.models.first(),
                outcome=outcome,
                reasons_ko=reasons[0],
                reasons_en=reasons[1],
                private_feedback=existing.private_feedback if existing else "",
                gates={"independence": decide.GateInput(True)},
            ),
        )
    moment = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    decide.phase_publish(user=evaluator, phase=phase, at=moment)
    phase_url = reverse("leaderboard:phase", args=[phase.slug])
    team_url = reverse("leaderboard:team", args=["team-a"])
    private = (SENTINEL_FEEDBACK, SENTINEL_LOG)

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        anonymous = Client()
        before = anonymous.get(
            in_language(phase_url, "en"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        before += anonymous.get(
            in_language(team_url, "en"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        before += anonymous.get(reverse("transparency:entries_json")).content.decode()
        assert PUBLIC_REASON not in before
        assert not leaks({"before": before.encode()}, (*private, *IMPOSSIBLE_STRINGS))

    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        anonymous = Client()
        after = anonymous.get(
            in_language(phase_url, "en"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        after += anonymous.get(
            in_language(team_url, "en"), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        transparency = anonymous.get(reverse("transparency:entries_json")).content.decode()
        assert PUBLIC_REASON in after
        assert PUBLIC_REASON in transparency  # the published decision is on the audit record
        pages = crawl(anonymous, ["/sitemap.xml", "/", phase_url, "/ko/transparency/"])
        assert not leaks(pages | {"after": after.encode()}, private)


def test_a_team_run_in_a_published_phase_is_public_only_once_an_evaluator_marks_it_official(
    world,
):
    """The run's id (in its score's setup, the exports, the API and the record) is the sentinel."""
    run, published = world["run_published"], world["published"].slug
    starts = [
        "/sitemap.xml",
        "/",
        "/ko/transparency/",
        reverse("transparency:entries_json"),
        f"/ko/phases/{published}/",
        f"/ko/phases/{published}/export.csv",
        f"/ko/phases/{published}/export.json",
        "/ko/models/model-a/",
        "/ko/compare/?models=model-a,model-b",
        f"/ko/benchmarks/{world['benchmark'].code}/",
        "/api/v1/scores/?page_size=500",
        "/api/v1/models/model-a/",
        f"/api/v1/phases/{published}/leaderboard/",
    ]
    before = crawl(Client(), starts)
    assert not leaks(before, (str(run.pk),))
    decide.run_set_official(
        user=world["evaluator"],
        run=run,
        correction=CorrectionReason("공식 결과 지정", "Marked as the official result"),
    )
    after = crawl(Client(), starts)
    found = leaks(after, (str(run.pk),))
    for url in (
        "/ko/models/model-a/",
        f"/ko/phases/{published}/export.csv",
        "/api/v1/scores/?page_size=500",
        reverse("transparency:entries_json"),
    ):
        assert any(f.endswith(f" at {url}") for f in found), url
