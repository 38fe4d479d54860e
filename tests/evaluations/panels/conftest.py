"""A phase with three entered team models whose names and slugs are easy to spot in a page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from evaluations.panels import services
from leaderboard.models import ConversionRule, PhaseParticipant
from tests.factories import ComponentFactory, ModelFactory, PhaseFactory, TeamFactory, UserFactory

# Names a rater must never see: the teams' and models' names and slugs.
SECRET_NAMES = [
    ("zebracorp", "Zebracorp Consortium", "제브라컨소시엄", "zebra-lm-300b", "ZebraLM 300B"),
    ("yakworks", "Yakworks Labs", "야크웍스", "yak-omni-70b", "YakOmni 70B"),
    ("xenofield", "Xenofield AI", "제노필드", "xeno-chat-32b", "XenoChat 32B"),
]


def secret_strings() -> list[str]:
    return [s for row in SECRET_NAMES for s in row]


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def phase(db):
    return PhaseFactory(slug="panel-phase", announcement_at=None)


@pytest.fixture
def team_models(phase):
    models = []
    for team_slug, en, ko, model_slug, model_name in SECRET_NAMES:
        team = TeamFactory(slug=team_slug, name_en=en, name_ko=ko)
        model = ModelFactory(slug=model_slug, name=model_name, team=team)
        PhaseParticipant.objects.create(phase=phase, team=team, model=model)
        models.append(model)
    return models


@pytest.fixture
def expert_component(phase):
    return ComponentFactory(phase=phase, code="expert-strategy", max_points=Decimal("10"))


@pytest.fixture
def user_component(phase):
    component = ComponentFactory(phase=phase, code="professional-users", max_points=Decimal("15"))
    ConversionRule.objects.create(
        component=component,
        raw_name_ko="평균 평점(1~5)",
        raw_name_en="mean rating (1–5)",
        raw_max=Decimal("5"),
        source="MSIT explanatory release (test copy)",
    )
    return component


@pytest.fixture
def public_component(phase):
    component = ComponentFactory(phase=phase, code="public", max_points=Decimal("10"))
    ConversionRule.objects.create(
        component=component,
        raw_name_ko="평균 평점(1~5)",
        raw_name_en="mean rating (1–5)",
        raw_max=Decimal("5"),
        source="MSIT explanatory release (test copy)",
    )
    return component


CRITERIA = [
    services.CriterionInput(
        "usefulness", "유용성", "Usefulness", "답이 쓸모 있는가", "Is it useful"
    ),
    services.CriterionInput(
        "fluency", "유창성", "Fluency", "한국어가 자연스러운가", "Natural Korean"
    ),
]


def make_panel(evaluator, phase, component, *, kind="professional", code="pro", **kwargs):
    now = timezone.now()
    return services.panel_create(
        user=evaluator,
        phase=phase,
        component=component,
        code=code,
        name_ko="전문 사용자 평가단",
        name_en="Professional user panel",
        rater_kind=kind,
        opens_at=kwargs.pop("opens_at", now - timedelta(hours=1)),
        closes_at=kwargs.pop("closes_at", now + timedelta(days=7)),
        criteria=kwargs.pop("criteria", CRITERIA),
        **kwargs,
    )


@pytest.fixture
def pro_panel(evaluator, phase, user_component, team_models):
    return make_panel(evaluator, phase, user_component)


def seat(evaluator, panel, username):
    """A rater invited and seated on the panel."""
    user = UserFactory(username=username)
    _invitation, token = services.invitation_create(user=evaluator, panel=panel)
    return services.invitation_accept(user=user, token=token)
