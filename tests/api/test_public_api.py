"""The public read endpoints: visibility as on the pages, pagination, filters, conditional GET."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def slugs(response, key="slug"):
    return [item[key] for item in response.json()["results"]]


def test_the_public_lists_phases_teams_models_and_benchmarks(anon, world):
    assert slugs(anon.get("/api/v1/phases/")) == ["published", "hidden"]
    assert slugs(anon.get("/api/v1/teams/")) == ["team-a", "team-b"]
    assert set(slugs(anon.get("/api/v1/models/"))) == {"model-a", "model-b", "qwen3"}
    assert set(slugs(anon.get("/api/v1/benchmarks/"), "code")) == {"kmmlu", "mmlu"}


def test_scores_of_an_unpublished_phase_are_hidden_from_the_public_and_answer_404(anon, world):
    hidden = world["scores"]["a_hidden"]
    ids = {item["id"] for item in anon.get("/api/v1/scores/").json()["results"]}
    assert hidden.pk not in ids and world["scores"]["a_kmmlu"].pk in ids
    assert anon.get(f"/api/v1/scores/{hidden.pk}/").status_code == 404


def test_the_team_sees_its_own_unpublished_scores_and_other_teams_do_not(client_a, client_b, world):
    hidden = world["scores"]["a_hidden"]
    assert client_a.get(f"/api/v1/scores/{hidden.pk}/").status_code == 200
    assert client_b.get(f"/api/v1/scores/{hidden.pk}/").status_code == 404


def test_a_score_carries_its_provenance(anon, world):
    score = world["scores"]["base_kmmlu"]
    data = anon.get(f"/api/v1/scores/{score.pk}/").json()
    assert data["reporter"] == "independent" and data["source_title"] == "Example report"
    assert data["value"] == 65.5 and data["display_value"] == "65.5"
    assert data["phase"] is None and data["run"] is None and data["is_official"] is False


def test_scores_are_filtered_and_ordered_by_the_query(anon, world):
    response = anon.get("/api/v1/scores/?benchmark=kmmlu&ordering=-value")
    assert [(i["model"], i["value"]) for i in response.json()["results"]] == [
        ("qwen3", 65.5),
        ("model-a", 60.0),
    ]
    assert slugs(anon.get("/api/v1/models/?kind=baseline")) == ["qwen3"]


def test_lists_are_paginated_with_a_page_size_of_at_most_500(anon, world):
    first = anon.get("/api/v1/scores/?page_size=1").json()
    assert first["count"] == 3 and len(first["results"]) == 1 and first["next"]
    assert anon.get("/api/v1/scores/?page=99").status_code == 404
    big = anon.get("/api/v1/scores/?page_size=100000").json()
    assert len(big["results"]) == 3


def test_decisions_show_reasons_but_never_private_feedback(anon, client_b, world):
    for client in (anon, client_b):
        response = client.get("/api/v1/decisions/")
        assert "Secret for" not in response.content.decode()
        assert "Hidden A" not in response.content.decode()
    rows = anon.get("/api/v1/decisions/?phase=published").json()["results"]
    assert {(r["team"], r["outcome"], r["reasons_en"]) for r in rows} == {
        ("team-a", "advanced", "Strong."),
        ("team-b", "eliminated", "Weak."),
    }
    hidden = world["assessments"]["a_hidden"]
    assert anon.get(f"/api/v1/decisions/{hidden.pk}/").status_code == 404


def test_a_conditional_get_with_the_current_etag_answers_304(anon, world):
    first = anon.get("/api/v1/scores/")
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    again = anon.get("/api/v1/scores/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_after_a_score_changes_the_same_conditional_get_answers_200_with_a_new_etag(anon, world):
    etag = anon.get("/api/v1/phases/published/leaderboard/")["ETag"]
    score = world["scores"]["a_kmmlu"]
    score.value = Decimal("61.2")
    score.save()  # as every change of the site is made: the save makes cached answers stale
    response = anon.get("/api/v1/phases/published/leaderboard/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "61.2" in response.content.decode()


def test_answers_to_a_signed_in_client_are_private(client_a, world):
    response = client_a.get("/api/v1/scores/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response["Vary"]


def test_the_leaderboard_answer_is_cached_per_viewer_and_filter(anon, client_a, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v1/phases/hidden/leaderboard/"
    public = anon.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        assert anon.get(url).json() == public
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
    # team A's own unpublished scores: its answer is its own, not the cached public one
    own = client_a.get(url).json()
    assert own != public and "model-a" in {row["model"] for row in own["rows"]}
    assert anon.get(url).json() == public
    # another filter is another answer
    assert anon.get(url + "?baselines=false").json()["filters"]["baselines"] is False


def test_the_cached_leaderboard_answer_is_json_for_scripts_and_html_for_a_browser(anon, world):
    url = "/api/v1/phases/published/leaderboard/"
    scripted = anon.get(url)
    assert scripted["Content-Type"] == "application/json"
    browsed = anon.get(url, HTTP_ACCEPT="text/html")
    assert browsed["Content-Type"].startswith("text/html")
    assert "model-a" in browsed.content.decode()  # the same rows, in the browsable API
    assert anon.get(url).content == scripted.content
