"""Language in the URL: /ko/ and /en/ pages, their alternates, old URLs and the switch."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    "/{lang}/",
    "/{lang}/phases/first-stage/",
    "/{lang}/phases/first-stage/decisions/",
    "/{lang}/teams/lg-ai-research/",
    "/{lang}/models/k-exaone-236b-a23b/",
    "/{lang}/benchmarks/",
    "/{lang}/benchmarks/kmmlu/",
    "/{lang}/compare/?models=k-exaone-236b-a23b,solar-open-100b",
    "/{lang}/transparency/",
    "/{lang}/accounts/login/",
]


def links(html: str, rel: str) -> dict[str, str]:
    """hreflang → href of each <link rel=…> (canonical: "" → href)."""
    found = {}
    for tag in re.findall(r"<link [^>]*>", html):
        if f'rel="{rel}"' in tag and "application/atom+xml" not in tag:
            lang = re.search(r'hreflang="([^"]+)"', tag)
            found[lang.group(1) if lang else ""] = re.search(r'href="([^"]+)"', tag).group(1)
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_each_language_of_a_page_answers_with_its_lang_alternates_and_canonical(
    program, page, lang
):
    url = page.format(lang=lang)
    response = Client().get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    base = "http://testserver"
    path = url.replace(f"/{lang}/", "/", 1)
    assert links(html, "canonical") == {"": base + url.split("?")[0]}  # filters are one page
    assert links(html, "alternate") == {
        "ko": base + f"/ko{path}".replace("&", "&amp;"),
        "en": base + f"/en{path}".replace("&", "&amp;"),
        "x-default": base + path.replace("&", "&amp;"),  # as in the sitemap: reader's language
    }


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("ko", "/ko/phases/first-stage/?lang=x"), ("en", "/en/phases/first-stage/?lang=x")],
)
def test_an_old_unprefixed_url_redirects_to_its_language_keeping_the_query(
    program, accept, expected
):
    response = Client().get("/phases/first-stage/?lang=x", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code in (301, 302)
    assert response["Location"] == expected


def test_the_home_page_without_a_prefix_redirects_to_korean_by_default(program):
    response = Client().get("/")
    assert response.status_code in (301, 302) and response["Location"] == "/ko/"


def test_the_language_switch_opens_the_same_page_and_query_in_the_other_language(program):
    page = "/ko/phases/first-stage/?language=en&sort=total"
    response = Client().get(reverse("language_switch"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == "/en/phases/first-stage/?language=en&sort=total"
    html = Client().get("/ko/phases/first-stage/?sort=total").content.decode()
    switch = re.search(r'href="([^"]*)"[^>]*data-lang="en"', html).group(1)
    assert "next=/ko/phases/first-stage/%3Fsort%3Dtotal" in switch


def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(program):
    xml = Client().get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml)
    assert "/ko/phases/first-stage/" in locations and "/en/phases/first-stage/" in locations
    korean = {loc[3:] for loc in locations if loc.startswith("/ko/")}
    english = {loc[3:] for loc in locations if loc.startswith("/en/")}
    assert korean == english and len(korean) > 20
    assert 'hreflang="x-default"' in xml and 'rel="alternate"' in xml


def test_the_api_stays_unprefixed_and_answers_in_the_language_asked_for(program):
    korean = Client().get("/api/v1/phases/nope/", HTTP_ACCEPT_LANGUAGE="ko").json()
    english = Client().get("/api/v1/phases/nope/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert korean["error"]["message"] == "찾을 수 없습니다."
    assert english["error"]["message"] == "Not found."
    assert Client().get("/ko/api/v1/phases/").status_code == 404


def test_feeds_health_and_robots_stay_unprefixed(program):
    assert Client().get(reverse("feed_decisions", args=["ko"])).status_code == 200
    assert reverse("feed_decisions", args=["ko"]) == "/feeds/decisions.ko.atom"
    assert Client().get("/healthz").status_code == 200
    robots = Client().get("/robots.txt").content.decode()
    assert "Disallow: /ko/team/" in robots and "Disallow: /en/evaluate/" in robots
