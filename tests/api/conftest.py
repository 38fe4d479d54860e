"""Fixtures of the API tests: clients (anonymous, session, token) and a small published world."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from leaderboard.models import PhaseParticipant
from tests.evaluations.conftest import (  # noqa: F401  (fixtures re-exported for these tests)
    _private_storage,
    benchmark,
    model_a,
    model_b,
    phase,
)
from tests.factories import (
    AssessmentFactory,
    BaselineFactory,
    BenchmarkFactory,
    PhaseFactory,
    ScoreFactory,
)


@pytest.fixture
def anon():
    # The API answers in the language asked for (Korean when none is): these tests read English.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def token_client(user) -> tuple[APIClient, str]:
    _, token = AuthToken.objects.create(user=user)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, token


@pytest.fixture
def client_a(member_a):
    return token_client(member_a)[0]


@pytest.fixture
def client_b(member_b):
    return token_client(member_b)[0]


@pytest.fixture
def evaluator_client(evaluator):
    return token_client(evaluator)[0]


@pytest.fixture
def world(db, team_a, team_b, model_a, model_b):  # noqa: F811
    """A published phase and an unpublished one, with scores and assessments in each."""
    published = PhaseFactory(slug="published", order=10)
    hidden = PhaseFactory(
        slug="hidden", order=11, announcement_at=timezone.now() + timedelta(days=30)
    )
    PhaseParticipant.objects.bulk_create(
        [
            PhaseParticipant(phase=published, team=team_a),
            PhaseParticipant(phase=published, team=team_b),
            PhaseParticipant(phase=hidden, team=team_a),
        ]
    )
    kmmlu = BenchmarkFactory(code="kmmlu", name="KMMLU", language="ko", group="nia")
    mmlu = BenchmarkFactory(code="mmlu", name="MMLU", language="en", group="global_common")
    baseline = BaselineFactory(slug="qwen3", name="Qwen3")
    scores = {
        "a_kmmlu": ScoreFactory(model=model_a, benchmark=kmmlu, phase=published, value=60),
        "b_mmlu": ScoreFactory(model=model_b, benchmark=mmlu, phase=published, value=70),
        "base_kmmlu": ScoreFactory(
            model=baseline, benchmark=kmmlu, value=Decimal("65.5"), reporter="independent"
        ),
        "a_hidden": ScoreFactory(model=model_a, benchmark=mmlu, phase=hidden, value=80),
    }
    assessments = {
        "a_published": AssessmentFactory(
            team=team_a,
            phase=published,
            outcome="advanced",
            reasons_en="Strong.",
            reasons_ko="강함.",
            private_feedback="Secret for A",
        ),
        "b_published": AssessmentFactory(
            team=team_b,
            phase=published,
            outcome="eliminated",
            reasons_en="Weak.",
            reasons_ko="약함.",
            private_feedback="Secret for B",
        ),
        "a_hidden": AssessmentFactory(team=team_a, phase=hidden, private_feedback="Hidden A"),
    }
    return {
        "published": published,
        "hidden": hidden,
        "kmmlu": kmmlu,
        "mmlu": mmlu,
        "baseline": baseline,
        "scores": scores,
        "assessments": assessments,
    }
