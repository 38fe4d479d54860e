"""In a real browser, at 390 and 1280 px: a rater opens an invitation link, tries a model in
the chat box (its answer streamed from our fake OpenAI server), rates every criterion and sees
them saved; a member of the public asks two anonymous models their own prompt, votes, and only
then sees the names. Nothing overflows sideways; no name leaves the server before the vote."""

import pytest

from tests.browser.conftest import ARTIFACTS

PASSWORD = "correct horse battery staple"
SENTINEL = "sentinel-served-model-b7e2"
ANSWER = "서울은 한국의 수도이고 인구가 많습니다."
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake():
    from tests.endpoints.fake_openai import FakeOpenAI

    with FakeOpenAI(model=SENTINEL, default_answer=ANSWER) as server:
        server.stream_delay = 0.05
        yield server


@pytest.fixture
def scene(live_server, settings, fake):
    from datetime import timedelta
    from decimal import Decimal

    from django.core import mail
    from django.utils import timezone

    from evaluations.endpoints.secrets import ApiKey
    from evaluations.endpoints.services import endpoint_add
    from evaluations.panels import services, signups
    from leaderboard.models import ConversionRule, PhaseParticipant
    from leaderboard.services import evaluator_group_ensure
    from tests.endpoints.fake_openai import API_KEY
    from tests.factories import (
        ComponentFactory,
        ModelFactory,
        PhaseFactory,
        TeamFactory,
        UserFactory,
    )

    settings.ENDPOINT_ALLOW_PRIVATE = True
    settings.PANEL_VOTE_MIN_SECONDS = 0
    phase = PhaseFactory(slug="panel-final", announcement_at=None)
    secrets = []
    models = []
    for slug, name, team_name in (
        ("zebra-lm", "ZebraLM 300B", "Zebracorp"),
        ("yak-omni", "YakOmni 70B", "Yakworks"),
        ("xeno-chat", "XenoChat 32B", "Xenofield"),
    ):
        team = TeamFactory(slug=f"{slug}-team", name_en=team_name, name_ko=team_name)
        model = ModelFactory(slug=slug, name=name, team=team)
        PhaseParticipant.objects.create(phase=phase, team=team, model=model)
        models.append(model)
        secrets += [slug, name, team_name]
    evaluator = UserFactory(username="judge", is_staff=True)
    evaluator.groups.add(evaluator_group_ensure())
    for model in models:
        endpoint_add(
            user=evaluator, model=model, base_url=fake.url, served_model=SENTINEL,
            api_key=ApiKey(API_KEY), timeout=10,
        )  # fmt: skip
    now = timezone.now()
    panels = {}
    for kind, code, points in (("expert", "experts", 10), ("public", "public", 10)):
        component = ComponentFactory(phase=phase, code=code, max_points=Decimal(points))
        ConversionRule.objects.create(
            component=component, raw_name_ko="평균 평점", raw_name_en="mean rating",
            raw_max=Decimal(5), source="test copy",
        )  # fmt: skip
        panels[kind] = services.panel_create(
            user=evaluator, phase=phase, component=component, code=code,
            name_ko="평가단", name_en="Panel", rater_kind=kind,
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=3),
            criteria=[
                services.CriterionInput("usefulness", "유용성", "Usefulness"),
                services.CriterionInput("fluency", "유창성", "Fluency"),
            ],
        )  # fmt: skip
    _invitation, token = services.invitation_create(user=evaluator, panel=panels["expert"])
    signups.signup_start(
        panel=panels["public"], email="citizen@example.org", username="citizen",
        password=PASSWORD, link_for=lambda t: t,
    )  # fmt: skip
    signups.signup_verify(token=mail.outbox[-1].body.split("\n\n")[1].strip())
    (ARTIFACTS / "panels").mkdir(parents=True, exist_ok=True)
    return {
        "url": live_server.url,
        "token": token,
        "panels": panels,
        "secrets": [*secrets, SENTINEL, fake.url, str(fake.port), API_KEY],
    }


def watch(page, secrets):
    """Every request the browser sends, with its body, checked for names afterwards."""
    sent = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url} {r.post_data or ''}"))

    def leaks():
        text = (page.content() + "\n".join(sent)).lower()
        return [s for s in secrets if s.lower() in text]

    return sent, leaks


def no_overflow(page, name):
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow <= 0, (name, overflow)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_rater_is_invited_tries_a_model_and_rates(browser, scene, fake, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    sent, leaks = watch(page, scene["secrets"])
    base = scene["url"]
    page.goto(f"{base}/en/panels/invite/{scene['token']}/")
    no_overflow(page, "invitation")
    page.fill("#id_username", f"rater-{viewport}")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/rate/")
    no_overflow(page, "rate")
    box = page.locator("[data-try-box]").first
    box.locator("[data-try-input]").fill("서울은 어떤 도시예요?")
    box.locator("[data-try-send]").click()
    page.wait_for_selector("[data-try-box][data-try-state=answered]", timeout=15000)
    assert box.locator(".try-assistant").last.inner_text() == ANSWER
    assert fake.bodies[-1]["stream"] is True
    tries = [s for s in sent if "/try/" in s]
    assert len(tries) == 1 and tries[0].split()[1].endswith("/try/A/")
    no_overflow(page, "rate after the chat")
    page.screenshot(path=str(ARTIFACTS / "panels" / f"rate-chat-{viewport}.png"), full_page=True)
    # rate every criterion of every model
    inputs = page.locator("input[type=number]")
    for i in range(inputs.count()):
        inputs.nth(i).fill(str(1 + i % 5))
    page.locator("form.form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    assert "Your ratings are saved." in page.content()
    inputs = page.locator("input[type=number]")
    assert [inputs.nth(i).input_value() for i in range(inputs.count())] == [
        str(1 + i % 5) for i in range(inputs.count())
    ]
    assert "서울은 어떤 도시예요?" in page.content() and ANSWER in page.content()
    no_overflow(page, "rate after saving")
    assert leaks() == []
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_member_of_the_public_compares_two_anonymous_answers_and_votes(
    browser, scene, fake, viewport
):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    sent, leaks = watch(page, scene["secrets"])
    base = scene["url"]
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", "citizen")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(f"{base}/en/panels/{scene['panels']['public'].pk}/compare/")
    no_overflow(page, "compare")
    page.fill("#id_text", "김치찌개 끓이는 법을 알려 주세요.")
    page.click("[data-compare-ask] button[type=submit]")
    page.wait_for_load_state("load")
    assert page.content().count(ANSWER) == 2
    assert leaks() == []  # before the vote: no name in the page or the requests
    no_overflow(page, "two answers")
    page.screenshot(path=str(ARTIFACTS / "panels" / f"compare-{viewport}.png"), full_page=True)
    page.select_option("#id_vote", "a")
    page.click("form[action*=vote] button[type=submit]")
    page.wait_for_load_state("load")
    revealed = page.content()
    assert "Model A was" in revealed
    assert sum(name in revealed for name in ("ZebraLM 300B", "YakOmni 70B", "XenoChat 32B")) == 2
    no_overflow(page, "revealed")
    context.close()
