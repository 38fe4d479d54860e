"""Neither the API key nor a hidden prompt ever leaves the server: pages, API, exports, logs."""

from __future__ import annotations

import logging
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations.endpoints.models import Endpoint, HiddenItem
from evaluations.endpoints.services import endpoint_run_start

from .conftest import SENTINEL, run_everything

pytestmark = pytest.mark.django_db

HREF = re.compile(rb'(?:href|action|data-[a-z-]+-url)="([^"#]+)"')
SKIP = ("/static/", "/media/", "logout", "/i18n/", "/admin/logout")


def crawl(client: Client, starts: list[str], limit: int = 120) -> dict[str, bytes]:
    """Every page reachable from ``starts`` by links of this site (GET only)."""
    seen: dict[str, bytes] = {}
    todo = deque(starts)
    while todo and len(seen) < limit:
        url = todo.popleft()
        if url in seen or any(part in url for part in SKIP):
            continue
        response = client.get(url, follow=True)
        body = response.content
        for name, value in response.headers.items():
            body += f"\n{name}: {value}".encode()
        seen[url] = body
        for link in HREF.findall(response.content):
            target = urljoin(url, link.decode())
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver"):
                todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_the_key_and_the_hidden_prompts_appear_in_no_response_log_or_export(
    evaluator, superuser, member_a, endpoint, phase, benchmark, server, caplog
):
    caplog.set_level(logging.DEBUG)
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    scored = run.evaluation_run
    assert scored is not None and scored.status == "succeeded"
    key = server.api_key
    assert server.authorizations and all(a == f"Bearer {key}" for a in server.authorizations)
    assert HiddenItem.objects.filter(benchmark=benchmark, prompt__contains=SENTINEL).exists()
    assert key not in Endpoint.objects.get(pk=endpoint.pk).api_key_token

    # English addresses throughout: the crawl's last request would otherwise decide the language
    # reverse() answers in (each request activates its own), and with it which page is looked up.
    translation.activate("en")
    starts = [
        "/",
        reverse("evaluations:endpoint_runs"),
        reverse("evaluations:endpoint_run", args=[run.pk]),
        reverse("evaluations:endpoint_run_status", args=[run.pk]),
        reverse("evaluations:run", args=[scored.pk]),
        reverse("evaluations:run_status", args=[scored.pk]),
        reverse("portal:run_feedback", args=[scored.pk]),
        reverse("portal:run_csv", args=[scored.pk]),
        reverse("portal:run_json", args=[scored.pk]),
        reverse("portal:home"),
        reverse("api:runs"),
        reverse("api:run", args=[scored.pk]),
        reverse("api:run-feedback", args=[scored.pk]),
        reverse("admin:index"),
    ]
    pages: dict[str, bytes] = {}
    for user in (None, member_a, evaluator, superuser):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        pages.update({f"{user}:{url}": body for url, body in crawl(client, starts).items()})
    assert len(pages) > 40
    for url, body in pages.items():
        assert key.encode() not in body, url
        assert SENTINEL.encode() not in body, url
    # The evaluator's page shows the stored answers and the run card, never the key.
    translation.activate("en")
    evaluator_page = pages[f"{evaluator}:{reverse('evaluations:endpoint_run', args=[run.pk])}"]
    assert b"never shown" in evaluator_page and server.model.encode() in evaluator_page
    team_page = pages[f"{member_a}:{reverse('evaluations:endpoint_run', args=[run.pk])}"]
    assert b"hidden" in team_page and b"Stored answers" not in team_page
    logged = caplog.text
    assert key not in logged and SENTINEL not in logged
    translation.deactivate()


def test_another_team_and_the_public_get_404_for_an_endpoint_run(
    evaluator, member_b, endpoint, phase, benchmark
):
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    url = reverse("evaluations:endpoint_run", args=[run.pk])
    other = Client()
    other.force_login(member_b)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code in (302, 404)


def test_a_model_that_repeats_the_question_does_not_show_it_to_the_team(
    evaluator, member_a, endpoint, phase, benchmark, server
):
    from .conftest import answer_table

    # Small models often answer by repeating the question first, as Gemma 3 270M does.
    server.answers = {text: f"{text}\n정답은 Z" for text in answer_table(benchmark, correct=0)}
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    scored = run.evaluation_run
    assert scored.status == "succeeded" and scored.result.invalid > 0
    examples = [e for r in scored.result.feedback["reasons"] for e in r["examples"]]
    assert examples and all(SENTINEL not in e["prediction"] for e in examples)
    team = Client(HTTP_ACCEPT_LANGUAGE="en")
    team.force_login(member_a)
    starts = [
        reverse("evaluations:endpoint_run", args=[run.pk]),
        reverse("evaluations:run", args=[scored.pk]),
        reverse("portal:run_feedback", args=[scored.pk]),
        reverse("portal:run_csv", args=[scored.pk]),
        reverse("portal:run_json", args=[scored.pk]),
        reverse("api:run", args=[scored.pk]),
        reverse("api:run-feedback", args=[scored.pk]),
        reverse("api:endpoint-run", args=[run.pk]),
        reverse("api:endpoint-runs"),
    ]
    for url, body in crawl(team, starts, limit=40).items():
        assert SENTINEL.encode() not in body, url
    # The evaluators see every stored answer as written.
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(evaluator)
    page = staff.get(reverse("evaluations:endpoint_run", args=[run.pk])).content
    assert SENTINEL.encode() in page


def test_a_re_run_of_an_endpoint_runs_answers_does_not_show_the_question_either(
    evaluator, member_a, endpoint, phase, benchmark, server
):
    """The rule is on every reading of a run of a hidden benchmark, not on one stored copy:
    an evaluator's re-run scores the same answers anew, and the team still never reads them."""
    from leaderboard.decisions.assessments import run_rerun

    from .conftest import answer_table

    server.answers = {text: f"{text}\n정답은 Z" for text in answer_table(benchmark, correct=0)}
    with run_everything():
        run = endpoint_run_start(
            user=evaluator, endpoint=endpoint, phase=phase, benchmark=benchmark
        )
    run.refresh_from_db()
    with run_everything():
        again = run_rerun(user=evaluator, run=run.evaluation_run)
    again.refresh_from_db()
    assert again.status == "succeeded" and again.result.invalid > 0
    stored = [e for r in again.result.feedback["reasons"] for e in r["examples"]]
    assert any(SENTINEL in e["prediction"] for e in stored)  # stored as written, not shown
    team = Client(HTTP_ACCEPT_LANGUAGE="en")
    team.force_login(member_a)
    for url in (
        reverse("evaluations:run", args=[again.pk]),
        reverse("portal:run_feedback", args=[again.pk]),
        reverse("portal:run_csv", args=[again.pk]),
        reverse("portal:run_json", args=[again.pk]),
        reverse("api:run", args=[again.pk]),
        reverse("api:run-feedback", args=[again.pk]),
    ):
        response = team.get(url, follow=True)
        assert response.status_code == 200, url
        assert SENTINEL.encode() not in response.content, url
