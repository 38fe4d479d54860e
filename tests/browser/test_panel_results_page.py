"""The public panel results page at 390 × 844 and 1280 × 800, Korean and English: nothing
overflows, no word breaks inside a table cell, the box chart is drawn (by the cartesian bundle)
and fits its card, axe finds nothing serious (the checks of test_every_page)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.test_every_page import LOCALES, VIEWPORTS, inspect, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from evaluations.panels import services
    from evaluations.panels.imports import ratings_import
    from leaderboard.models import ConversionRule, Phase, PhaseParticipant
    from leaderboard.services import evaluator_group_ensure
    from tests.factories import (
        ComponentFactory,
        ModelFactory,
        PhaseFactory,
        TeamFactory,
        UserFactory,
    )

    evaluator = UserFactory(username="judge", is_staff=True)
    evaluator.groups.add(evaluator_group_ensure())
    phase = PhaseFactory(slug="panel-page", announcement_at=None)
    models = []
    for i, (team_name, model_name) in enumerate(
        [
            ("초거대 컨소시엄 가나다라", "가나다 모델 236B-A23B"),
            ("Long Consortium Name", "LongModel 70B"),
        ]
    ):
        team = TeamFactory(slug=f"t{i}", name_ko=team_name, name_en=team_name)
        model = ModelFactory(slug=f"m{i}", name=model_name, team=team)
        PhaseParticipant.objects.create(phase=phase, team=team, model=model)
        models.append(model)
    component = ComponentFactory(phase=phase, code="users", max_points=Decimal("15"))
    ConversionRule.objects.create(
        component=component,
        raw_name_ko="평균 평점(1~5)",
        raw_name_en="mean rating (1–5)",
        raw_max=Decimal("5"),
        source="test copy",
    )
    now = timezone.now()
    services.panel_create(
        user=evaluator,
        phase=phase,
        component=component,
        code="pro",
        name_ko="전문 사용자 평가단",
        name_en="Professional user panel",
        rater_kind="professional",
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(days=1),
        criteria=[
            services.CriterionInput("useful", "업무 유용성", "Usefulness at work"),
            services.CriterionInput("korean", "한국어 자연스러움", "Natural Korean"),
        ],
        models=models,
    )
    lines = ["rater,model,criterion,rating"]
    for k in range(6):
        for j, m in enumerate(models):
            for c in ("useful", "korean"):
                lines.append(f"r{k},{m.slug},{c},{1 + (k + j * 2 + len(c)) % 5}")
    ratings_import(phase_slug=phase.slug, panel_code="pro", data="\n".join(lines).encode())
    Phase.objects.filter(pk=phase.pk).update(announcement_at=now - timedelta(hours=1))
    return {"url": live_server.url}


@pytest.mark.parametrize("lang", list(LOCALES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_panel_page_fits_and_draws_its_box_chart(browser, site, viewport, lang):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=LOCALES[lang], device_scale_factor=1
    )
    page = context.new_page()
    response = page.goto(url(site, lang, "panels:results", ("panel-page",)))
    assert response.status == 200
    problems: list = []
    inspect(page, f"panel-results-{lang}-{width}", problems)
    assert page.locator("div.chart[data-drawn='1']").count() == 1
    assert page.locator("div.chart .boxlayer path.box").count() == 4  # 2 models × 2 criteria
    context.close()
    assert not problems, problems
