"""Every page and API error read in Korean: no English sentence of the catalogue on it."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from evaluations.models import EvaluationRun
from evaluations.runs.rules import GAVE_UP
from leaderboard.models import Team
from tests.factories import MembershipFactory, UserFactory
from tests.test_translations import catalogue_entries

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/ko/[^"#]*)"')
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[\w.]*\}")
PAGE_LIMIT = 160


def english_sentences() -> list[str]:
    """Catalogue msgids of three words or more whose Korean differs: each literal stretch of
    three words or more between placeholders (a page shows those as they are)."""
    sentences = set()
    for msgid, msgstr in catalogue_entries():
        if not msgid or msgid == msgstr:
            continue
        for part in PLACEHOLDER.split(" ".join(msgid.split())):
            part = part.strip(" :;,.()")
            if len(part.split()) >= 3 and re.search(r"[a-z]{3}", part):
                sentences.add(part)
    return sorted(sentences, key=len, reverse=True)


class _Text(HTMLParser):
    """The text a reader sees, and the labels a screen reader reads out."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and name in ("aria-label", "title", "alt", "placeholder"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(body: str) -> str:
    parser = _Text()
    parser.feed(body)
    return " ".join(" ".join(parser.parts).split())


def english_on(text: str, sentences: list[str]) -> list[str]:
    return [s for s in sentences if s in text]


def crawl_korean(client: Client, starts: list[str], within: tuple = ("/ko/",)) -> dict[str, str]:
    """Every /ko/ HTML page reachable from `starts` (exports and downloads left out)."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < PAGE_LIMIT:
        url = html.unescape(queue.pop(0))
        path = urlsplit(url).path
        if url in seen or not path.startswith(within) or "/logout/" in path:
            continue
        if path.endswith((".csv", ".json", ".atom")):
            continue
        response = client.get(url)
        if "html" not in response.get("Content-Type", "") or response.status_code != 200:
            seen[url] = ""
            continue
        body = response.content.decode()
        seen[url] = body
        queue.extend(LINK.findall(body))
    return seen


@pytest.fixture
def world(program):
    """The program, the demo pack, a team member with a failed run, and an evaluator."""
    call_command("load_demo", verbosity=0)
    team = Team.objects.get(slug="lg-ai-research")
    member = MembershipFactory(team=team, user=UserFactory(username="lg-member")).user
    run = EvaluationRun.objects.filter(model__team=team).first()
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=EvaluationRun.Status.FAILED,
        failure_kind=EvaluationRun.FailureKind.SERVER,
        error_code="gave_up",
        error_message=GAVE_UP,
    )
    evaluator = UserFactory(username="board-evaluator", is_staff=True)
    from leaderboard.services import evaluator_group_ensure

    evaluator.groups.add(evaluator_group_ensure())
    return {"member": member, "evaluator": evaluator, "run": run}


def test_no_page_in_korean_shows_an_english_sentence_of_the_catalogue(world):
    """The public pages, the team portal with a failed run, and the decision board."""
    sentences = english_sentences()
    pages = crawl_korean(Client(), ["/ko/", "/ko/benchmarks/", "/ko/transparency/"])
    assert len(pages) > 40  # the crawl reached the phases, teams, models and benchmarks
    member = Client()
    member.force_login(world["member"])
    run = world["run"]
    portal = [f"/ko/team/runs/{run.pk}/", f"/ko/runs/{run.pk}/", "/ko/runs/new/", "/ko/team/"]
    pages |= {
        f"member {url}": body
        for url, body in crawl_korean(member, portal, ("/ko/team/", "/ko/runs/")).items()
    }
    assert "실패" in visible_text(pages[f"member /ko/runs/{run.pk}/"])
    evaluator = Client()
    evaluator.force_login(world["evaluator"])
    board = ["/ko/evaluate/phases/first-stage/", "/ko/evaluate/"]
    pages |= {
        f"evaluator {url}": body
        for url, body in crawl_korean(evaluator, board, ("/ko/evaluate/",)).items()
    }
    assert pages["evaluator /ko/evaluate/phases/first-stage/"]
    found = {url: english_on(visible_text(body), sentences) for url, body in pages.items()}
    assert {url: hits for url, hits in found.items() if hits} == {}


def api_errors(world) -> list[dict]:
    """One answer for each kind of API error a team meets, asked for in Korean."""
    korean = {"HTTP_ACCEPT_LANGUAGE": "ko"}
    anonymous = APIClient()
    member = APIClient()
    member.force_authenticate(world["member"])
    answers = [
        anonymous.get("/api/v1/nowhere/", **korean),
        anonymous.get("/api/v1/phases/no-such-phase/", **korean),
        anonymous.post("/api/v1/runs/", {}, **korean),
        member.post("/api/v1/runs/", {}, **korean),
        member.post(
            "/api/v1/runs/",
            {"model": "no-such-model", "phase": "demo", "benchmark": "demo-ko-mc"},
            **korean,
        ),
        member.post(f"/api/v1/runs/{world['run'].pk}/cancel/", **korean),
        member.get(f"/api/v1/runs/{world['run'].pk}/", **korean),
        anonymous.post(
            "/api/v1/runs/",
            b"",
            content_type="application/octet-stream",
            CONTENT_LENGTH=str(10**12),
            **korean,
        ),
    ]
    return [answer.json() for answer in answers]


def test_every_api_error_asked_for_in_korean_is_in_korean(world):
    sentences = english_sentences()
    answers = api_errors(world)
    messages = [a["error"]["message"] for a in answers if "error" in a]
    messages += [a["error_message"] for a in answers if a.get("error_message")]
    assert len(messages) >= 7
    assert all(re.search("[가-힣]", m) for m in messages), messages
    assert [m for m in messages if english_on(m, sentences)] == []
