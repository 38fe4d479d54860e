"""One way to write each kind of figure; charts that say only what is true; the transparency
page in pages; the run page's sentence following the run."""

import pytest
from django.urls import reverse
from django.utils import translation

from leaderboard.charts.text import shorten
from leaderboard.numbers import interval_text, percent_text, score_text
from leaderboard.templatetags.kai import interval, score
from tests.factories import ModelFactory, ScoreFactory


def test_scores_keep_their_published_precision_and_intervals_follow_their_score():
    assert score_text(80.456, 2) == "80.46" and score_text(72, 1) == "72.0"
    assert score_text(None) == "—"
    assert interval_text(65.12, 79.4, 2) == "65.12–79.40"
    assert interval_text(None, 3) == "—"
    assert percent_text(96.44) == "96.4%"


@pytest.mark.django_db
def test_the_template_filters_write_a_score_and_its_interval_alike():
    two = ScoreFactory(value="80.46", decimals=2, interval_low="78.1", interval_high="82.9")
    assert score(two) == two.display_value == "80.46"
    assert interval(two) == "78.10–82.90"  # the interval at its score's precision
    assert score(71.26) == "71.3"  # a run's result: one decimal


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Math word problems, elementary school", 22, "Math word problems…"),
        ("KMMLU", 22, "KMMLU"),
        ("초등 수학 문장제 문제 모음 데이터", 12, "초등 수학 문장제…"),
        ("Supercalifragilisticexpialidocious words", 10, "Supercalifragilisticexpialidocious…"),
    ],
)
def test_chart_labels_are_cut_between_words_never_inside_one(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= max(limit, len(text.split()[0]) + 1)


@pytest.mark.django_db
def test_a_model_without_any_interval_gets_no_intervals_title_and_no_empty_chart(client):
    model = ModelFactory(name="Haneul 32B", listed=True)
    ScoreFactory(model=model, value="70.0")
    with translation.override("en"):
        url = reverse("leaderboard:model", args=[model.slug])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "with their 95% intervals" not in html
    assert "Scores (none has a 95% interval)" in html
    assert 'data-chart-src="chart-model-intervals-data"' in html  # it has a score to draw


@pytest.mark.django_db
def test_a_chart_without_data_is_not_drawn_and_says_why(client):
    from django.template.loader import render_to_string

    from leaderboard.charts import interval_chart

    html = render_to_string(
        "leaderboard/includes/_chart.html",
        {"chart": interval_chart([]), "cid": "x", "title": "Scores"},
    )
    assert 'class="chart"' not in html and "application/json" not in html
    assert "No data to show." in html


@pytest.mark.django_db(transaction=True)
def test_the_transparency_page_shows_25_entries_a_page_with_page_links(client, program):
    from leaderboard.audit.chain import public_chain

    chain = public_chain()
    assert chain.count > 50
    with translation.override("en"):
        url = reverse("transparency:index")
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.count('<th scope="row" class="num">#') == 25
    newest = chain.entries[-1]
    assert newest.public_hash in first and chain.head_hash in first
    assert 'rel="next"' in first and 'href="?page=2"' in first
    last_page = (chain.count + 24) // 25
    last = client.get(url, {"page": last_page}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert chain.entries[0].public_hash in last and 'rel="prev"' in last
    assert 'rel="next"' not in last
