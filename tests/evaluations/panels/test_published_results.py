"""What panels publish: the phase's panel page, GET /api/v1/phases/<slug>/panels/ and the
anonymised dataset. Nothing before the announcement outside evaluators; the same numbers as the
evaluators' selectors; no account, e-mail or unconsented comment anywhere public."""

import csv
import io
from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.panels import selectors, services
from evaluations.panels.models import (
    Comparison,
    ComparisonPrompt,
    Panel,
    Rater,
    RaterLabel,
)
from leaderboard.models import Phase
from leaderboard.numbers import points_text
from tests.factories import UserFactory

from .conftest import make_panel, seat

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-UNCONSENTED-7f3a"
CONSENTED = "consented-comment-visible"


def _rate(rater, model, values, comment=""):
    label = RaterLabel.objects.get(rater=rater, model=model).label
    for criterion, value in values.items():
        services.rating_save(
            user=rater.user,
            panel_id=rater.panel_id,
            label=label,
            criterion=criterion,
            value=value,
            comment=comment,
        )


@pytest.fixture
def rated(evaluator, pro_panel, team_models):
    """Three raters with e-mail addresses; one agreed to publish comments, one wrote the
    sentinel without agreeing. The panel is closed afterwards."""
    raters = []
    for i in range(3):
        rater = seat(evaluator, pro_panel, f"rater-login-{i}")
        rater.user.email = f"rater{i}@example.org"
        rater.user.save()
        raters.append(rater)
    table = [[(5, 4), (4, 4), (3, 3)], [(2, 2), (3, 2), (2, 1)], [(4, 5), (5, 5), (4, 4)]]
    for m, rows in enumerate(table):
        for k, (u, f) in enumerate(rows):
            comment = {0: CONSENTED, 1: SENTINEL}.get(k, "")
            _rate(raters[k], team_models[m], {"usefulness": u, "fluency": f}, comment)
    services.comment_consent_set(user=raters[0].user, panel_id=pro_panel.pk, consent=True)
    now = timezone.now()
    Panel.objects.filter(pk=pro_panel.pk).update(closes_at=now - timedelta(minutes=1))
    pro_panel.refresh_from_db()
    return raters


@pytest.fixture
def public_panel(evaluator, phase, public_component, team_models):
    """A public panel with six counted votes (model 0 wins most) and one excluded."""
    panel = make_panel(evaluator, phase, public_component, kind="public", code="public")
    prompt = ComparisonPrompt.objects.create(panel=panel, text="Q")
    voters = [Rater.objects.create(panel=panel, user=UserFactory()) for _ in range(3)]
    a, b, c = team_models
    for voter, (left, right, vote) in zip(
        voters * 2,
        [(a, b, "a"), (a, c, "a"), (b, c, "b"), (a, b, "tie"), (c, a, "b"), (b, c, "a")],
        strict=True,
    ):
        Comparison.objects.create(
            rater=voter,
            prompt=prompt,
            model_a=left,
            model_b=right,
            vote=vote,
            voted_at=timezone.now(),
        )
    Comparison.objects.create(
        rater=voters[0],
        prompt=prompt,
        model_a=c,
        model_b=a,
        vote="a",
        voted_at=timezone.now(),
        excluded_reason="too_fast",
    )
    return panel


def publish(phase):
    Phase.objects.filter(pk=phase.pk).update(announcement_at=timezone.now() - timedelta(hours=1))
    phase.refresh_from_db()


def _urls(phase):
    return [
        reverse("panels:results", args=[phase.slug]),
        f"/api/v1/phases/{phase.slug}/panels/",
        reverse("panels:dataset", args=[phase.slug, "pro"]),
    ]


def test_nothing_is_visible_outside_evaluators_before_the_announcement(
    client, evaluator, member_a, phase, rated
):
    for url in _urls(phase):
        assert client.get(url).status_code == 404, url
    client.force_login(member_a)
    for url in _urls(phase):
        assert client.get(url).status_code == 404, url
    page = client.get(phase.get_absolute_url()).content.decode()
    assert reverse("panels:results", args=[phase.slug]) not in page
    client.force_login(evaluator)
    for url in _urls(phase):
        assert client.get(url).status_code == 200, url
    assert "Not published yet" in client.get(_urls(phase)[0]).content.decode()


def test_from_the_announcement_everyone_sees_them_and_the_phase_page_links_them(
    client, phase, rated, team_models
):
    publish(phase)
    for url in _urls(phase):
        assert client.get(url).status_code == 200, url
    page = client.get(phase.get_absolute_url()).content.decode()
    assert reverse("panels:results", args=[phase.slug]) in page


def test_the_page_shows_the_selectors_numbers_the_chart_and_its_table(
    client, phase, pro_panel, rated, team_models
):
    publish(phase)
    html = client.get(reverse("panels:results", args=[phase.slug])).content.decode()
    results = selectors.panel_results(pro_panel)
    for row in results.models:
        assert row.model.name in html
        # points at the precision the standings publish them (numbers.points_text: one rule)
        assert f"{points_text(row.points_low)}–{points_text(row.points_high)}" in html
        assert f"<strong>{points_text(row.points)}</strong>" in html
    assert "vendor/plotly-cartesian.min.js" in html and "js/charts.js" in html
    assert 'data-chart-src="chart-p' in html and "Show the data as a table" in html
    for a in results.agreement:
        assert f"{a.alpha:.3f}" in html


def test_the_api_gives_the_same_numbers_as_the_selectors(
    client, evaluator, phase, pro_panel, rated, public_panel, team_models
):
    publish(phase)
    body = client.get(f"/api/v1/phases/{phase.slug}/panels/").json()
    panels = {p["code"]: p for p in body["panels"]}
    pro = panels["pro"]
    results = selectors.panel_results(pro_panel)
    assert pro["raters"] == 3 and pro["ratings"] == 18
    by_slug = {m["model"]: m for m in pro["models"]}
    for row in results.models:
        got = by_slug[row.model.slug]
        assert got["points"] == float(row.points)
        assert (got["points_low"], got["points_high"]) == (
            float(row.points_low),
            float(row.points_high),
        )
        assert got["mean_rating"] == pytest.approx(row.mean)
    for a, got in zip(results.agreement, pro["criteria"], strict=True):
        assert got["code"] == a.criterion.code and got["alpha"] == pytest.approx(a.alpha)
        # per criterion means: t interval over the three raters' ratings
        first = next(m for m in got["means"] if m["model"] == team_models[0].slug)
        values = {"usefulness": [5, 4, 3], "fluency": [4, 4, 3]}[a.criterion.code]
        assert first["mean"] == pytest.approx(np.mean(values)) and first["raters"] == 3
    assert pro["votes"] is None
    votes = panels["public"]["votes"]
    expected = selectors.vote_results(public_panel)
    assert (votes["cast"], votes["counted"], votes["excluded"]) == (7, 6, 1)
    assert [v["model"] for v in votes["ratings"]] == [r.model.slug for r in expected.ratings]
    assert votes["ratings"][0]["low"] == pytest.approx(expected.ratings[0].low)
    assert votes["ratings"][0]["model"] == team_models[0].slug


def test_the_dataset_has_stable_anonymous_ids_and_no_account_or_unconsented_comment(
    client, phase, pro_panel, rated
):
    publish(phase)
    url = reverse("panels:dataset", args=[phase.slug, "pro"])
    first = client.get(url).content.decode("utf-8-sig")
    second = client.get(url).content.decode("utf-8-sig")
    assert first == second  # the same ids at every download
    rows = list(csv.DictReader(io.StringIO(first)))
    assert len(rows) == 18
    ids = {r["rater"] for r in rows}
    assert len(ids) == 3 and all(i.startswith("r-") and len(i) == 18 for i in ids)
    assert all(str(r.pk) != i.removeprefix("r-") for r in rated for i in ids)
    for rater in rated:
        assert rater.user.username not in first and rater.user.email not in first
    assert SENTINEL not in first
    assert CONSENTED in first
    assert {r["comment"] for r in rows} == {"", CONSENTED}
    Panel.objects.filter(pk=pro_panel.pk).update(dataset_salt="")  # a new salt: new ids
    third = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert {r["rater"] for r in third}.isdisjoint(ids)


def test_the_sentinel_comment_appears_in_no_public_response(
    client, evaluator, phase, rated, public_panel
):
    publish(phase)
    client.force_login(UserFactory())
    for url in [*_urls(phase), phase.get_absolute_url(), "/api/v1/phases/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert SENTINEL not in body, url
        for rater in rated:
            assert rater.user.email not in body and rater.user.username not in body, url


def test_a_rater_gives_and_withdraws_consent_audited(client, evaluator, pro_panel, team_models):
    rater = seat(evaluator, pro_panel, "consenting")
    client.force_login(rater.user)
    page = client.get(reverse("panels:rate", args=[pro_panel.pk])).content.decode()
    assert "Your comments are not published." in page
    client.post(reverse("panels:consent", args=[pro_panel.pk]), {"consent": "1"})
    rater.refresh_from_db()
    assert rater.comment_consent
    client.post(reverse("panels:consent", args=[pro_panel.pk]), {"consent": "0"})
    rater.refresh_from_db()
    assert not rater.comment_consent
    from leaderboard.models import AuditEntry

    assert AuditEntry.objects.filter(action="panel.rater.consent").count() == 2
    other = UserFactory()
    client.force_login(other)
    assert client.post(reverse("panels:consent", args=[pro_panel.pk])).status_code == 404


def test_the_api_answer_conforms_to_the_published_schema(
    settings, evaluator, phase, rated, public_panel
):
    """A real 200 answer (the fuzz test's world has no panel) checked against /api/schema/."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from kai_site.wsgi import application

    publish(phase)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
        operation = schema["/api/v1/phases/{slug}/panels/"]["GET"]
        case = operation.Case(path_parameters={"slug": phase.slug})
        response = case.call_and_validate(
            checks=[status_code_conformance, content_type_conformance, response_schema_conformance]
        )
        assert response.status_code == 200
        assert {p["code"] for p in response.json()["panels"]} == {"pro", "public"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_new_panel_shows_its_link_on_the_cached_phase_page(
    client, evaluator, phase, public_component, team_models
):
    publish(phase)
    link = reverse("panels:results", args=[phase.slug])
    assert link not in client.get(phase.get_absolute_url()).content.decode()  # now cached
    make_panel(evaluator, phase, public_component, kind="public", code="public")
    assert link in client.get(phase.get_absolute_url()).content.decode()


def test_the_vote_fit_is_computed_once_for_the_same_votes(monkeypatch, public_panel):
    from evaluations.panels import statistics

    calls = []
    real = statistics.bradley_terry

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(statistics, "bradley_terry", counting)
    first = selectors.vote_results(public_panel).ratings
    second = selectors.vote_results(public_panel).ratings
    assert len(calls) == 1
    assert [(r.model.pk, r.rating, r.low, r.high) for r in first] == [
        (r.model.pk, r.rating, r.low, r.high) for r in second
    ]
    Comparison.objects.filter(rater__panel=public_panel).first().delete()  # other votes
    selectors.vote_results(public_panel)
    assert len(calls) == 2


def test_each_panel_record_of_the_api_says_whether_it_is_demo(client, phase, pro_panel):
    """A panel record taken out of the envelope still carries its DEMO mark: a synthetic
    panel (its own or its phase's is_demo) says is_demo true, a real one false."""
    publish(phase)
    body = client.get(f"/api/v1/phases/{phase.slug}/panels/").json()
    assert [p["is_demo"] for p in body["panels"]] == [False]
    Phase.objects.filter(pk=phase.pk).update(is_demo=True)
    body = client.get(f"/api/v1/phases/{phase.slug}/panels/").json()
    assert body["is_demo"] is True and body["panels"]
    assert all(panel["is_demo"] is True for panel in body["panels"])
