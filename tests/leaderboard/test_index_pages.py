"""The index pages list teams, models and phases with their key facts, public data only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from leaderboard.models import Assessment, PhaseParticipant
from tests.factories import (
    AssessmentFactory,
    BaselineFactory,
    ModelFactory,
    PhaseFactory,
    ScoreFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def page(client, name: str, lang: str = "en") -> str:
    with translation.override(lang):
        url = reverse(name)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_teams_index_lists_each_team_its_models_and_only_its_published_decision(client):
    team = TeamFactory(name_en="Haneul AI", lead_organization_en="Haneul Lab")
    ModelFactory(team=team, name="Haneul 32B", listed=True)
    published = PhaseFactory(name_en="First stage", order=1)
    hidden = PhaseFactory(
        name_en="Second stage", order=2, announcement_at=timezone.now() + timedelta(days=3)
    )
    AssessmentFactory(team=team, phase=published, outcome=Assessment.Outcome.ADVANCED)
    AssessmentFactory(
        team=team,
        phase=hidden,
        outcome=Assessment.Outcome.ELIMINATED,
        reasons_en="Below the bar.",
        reasons_ko="기준 미달.",
    )
    html = page(client, "leaderboard:teams")
    assert "Haneul AI" in html and "Haneul Lab" in html and "Haneul 32B" in html
    assert team.get_absolute_url() in html
    assert "Advanced" in html and "First stage" in html
    assert "Eliminated" not in html and "Second stage" not in html  # not announced yet


def test_the_models_index_shows_published_facts_and_leaves_out_unscored_and_demo_models(client):
    listed = ModelFactory(name="Haneul 32B", listed=True, total_params_b=Decimal("32"))
    baseline = BaselineFactory(name="Global 70B")
    ScoreFactory(model=baseline)
    ModelFactory(name="Secret 7B")  # no public score, not listed
    demo = ModelFactory(name="Demo 1B")
    ScoreFactory(model=demo, is_demo=True)
    html = page(client, "leaderboard:models")
    assert "Haneul 32B" in html and "32B" in html and listed.get_absolute_url() in html
    assert "Global 70B" in html
    assert "Secret 7B" not in html and "Demo 1B" not in html


def test_the_phases_index_keeps_the_synthetic_demo_apart_and_counts_participants(client):
    phase = PhaseFactory(name_en="First stage", order=1, period_en="Jan 2026")
    PhaseParticipant.objects.create(phase=phase, team=TeamFactory())
    PhaseFactory(name_en="[DEMO] Demonstration round", order=99, is_demo=True)
    html = page(client, "leaderboard:phases")
    assert "First stage" in html and "Jan 2026" in html
    program, demo = html.split('id="demo-phases-heading"')
    assert "First stage" in program and "[DEMO] Demonstration round" not in program
    assert "[DEMO] Demonstration round" in demo and "DEMO" in demo
    assert ">1</dd>" in program  # one team taking part


def test_the_index_pages_are_in_the_navigation(client):
    html = page(client, "leaderboard:home")
    for name in ("leaderboard:teams", "leaderboard:models", "leaderboard:phases"):
        with translation.override("en"):
            assert f'href="{reverse(name)}"' in html, name


def test_the_team_portal_does_not_mark_the_public_teams_link_as_current(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse("portal:home"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    with translation.override("en"):
        teams = reverse("leaderboard:teams")
    assert f'href="{teams}">' in html and f'href="{teams}" aria-current' not in html
