import pytest
from django.urls import reverse

from tests.language import in_language

pytestmark = pytest.mark.django_db

TEAMS = {
    "ko": ["LG AI연구원", "SK텔레콤", "업스테이지", "네이버클라우드", "NC AI"],
    "en": ["LG AI Research", "SK Telecom", "Upstage", "Naver Cloud", "NC AI"],
}
OUTCOMES = {"ko": ("진출", "탈락"), "en": ("Advanced", "Eliminated")}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_first_stage_decisions_show_the_five_teams_with_their_outcomes(client, program, lang):
    response = client.get(f"/{lang}/phases/first-stage/decisions/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for name in TEAMS[lang]:
        assert name in html
    advanced, eliminated = OUTCOMES[lang]
    assert html.count(f"✓ {advanced}") == 3
    assert html.count(f"✕ {eliminated}") == 2
    assert "90.2" in html


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_team_model_and_phase_pages_render_in_both_languages(client, program, lang):
    pages = [
        reverse("leaderboard:team", args=["naver-cloud"]),
        reverse("leaderboard:model", args=["k-exaone-236b-a23b"]),
        reverse("leaderboard:phase", args=["first-stage"]),
        reverse("leaderboard:benchmark", args=["kmmlu"]),
        reverse("leaderboard:benchmarks"),
    ]
    for url in pages:
        response = client.get(in_language(url, lang), HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.content.decode()


def test_the_language_switch_changes_the_page_language(client, program):
    response = client.get(
        reverse("language_switch"), {"language": "en", "next": "/ko/teams/upstage/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html and "Flitto" in html and "Multilingual data" in html
    response = client.get(
        reverse("language_switch"), {"language": "ko", "next": "/ko/teams/upstage/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="ko">' in html and "플리토" in html and "다국어 데이터" in html


def test_the_model_page_lists_its_published_scores_with_their_sources(client, program):
    html = client.get(
        reverse("leaderboard:model", args=["k-exaone-236b-a23b"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    for benchmark, value in [("MMLU-Pro", "83.8"), ("KMMLU-Pro", "67.3"), ("AIME 2025", "92.8")]:
        assert benchmark in html and value in html
    assert 'href="https://github.com/LG-AI-EXAONE/K-EXAONE"' in html
    assert "Self-reported" in html
    assert "236B" in html and "23B" in html


def test_a_figure_that_is_not_public_is_shown_as_not_published(client, program):
    html = client.get(
        reverse("leaderboard:model", args=["gpt-4o-2024-05-13"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.count("not published") >= 3


def test_the_language_switch_refuses_to_redirect_off_site(client):
    response = client.get(
        reverse("language_switch"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_team_answers_404(client, program):
    assert client.get("/ko/teams/no-such-team/").status_code == 404
