"""The charts as the pages send them: one JSON per chart, which plotly reads back unchanged (so
every property it holds exists in plotly.js), in the language of the page; the demo pack's
charts say DEMO in Korean too."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.core.management import call_command

from tests.language import in_language

PAGES = [
    "/",
    "/ko/phases/first-stage/",
    "/ko/models/k-exaone-236b-a23b/",
    "/ko/teams/lg-ai-research/",
    "/ko/benchmarks/kmmlu/",
    "/ko/compare/?models=k-exaone-236b-a23b,solar-open-100b,deepseek-r1",
]


def charts_of(client, url: str, lang: str) -> dict[str, dict]:
    """The page's figures by chart id, as charts.js reads them."""
    response = client.get(in_language(url, lang), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    html = response.content.decode()
    scripts = re.findall(
        r'<script id="(chart-[^"]+)-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert scripts, url
    assert len(scripts) == html.count('<div class="chart" '), url  # one figure per chart div
    return {chart_id: json.loads(text) for chart_id, text in scripts}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.django_db
def test_every_chart_on_the_public_pages_is_a_valid_plotly_figure(client, program, lang):
    for url in PAGES:
        for chart_id, figure in charts_of(client, url, lang).items():
            assert set(figure) == {"data", "layout"}, (url, chart_id)
            assert "template" not in figure["layout"], (url, chart_id)
            read_back = json.loads(go.Figure(figure).to_json())  # raises on an unknown property
            read_back["layout"].pop("template")
            assert read_back == figure, (url, chart_id)


@pytest.mark.django_db
def test_the_phase_charts_speak_the_language_of_the_page(client, program):
    korean = charts_of(client, "/ko/phases/first-stage/", "ko")
    english = charts_of(client, "/en/phases/first-stage/", "en")
    assert set(korean) == set(english) == {"chart-percent", "chart-efficiency", "chart-intervals"}
    percent_ko, percent_en = korean["chart-percent"], english["chart-percent"]
    assert percent_ko["layout"]["xaxis"]["title"]["text"] == "벤치마크"
    assert percent_en["layout"]["xaxis"]["title"]["text"] == "Benchmark"
    assert percent_ko["layout"]["yaxis"]["title"]["text"] == "글로벌 기준 대비 비율 (%)"
    assert percent_en["layout"]["yaxis"]["title"]["text"] == "Share of the global reference (%)"
    assert [a["text"] for a in percent_ko["layout"]["annotations"]] == ["목표 95%"]
    assert [a["text"] for a in percent_en["layout"]["annotations"]] == ["95% target"]
    assert percent_ko["layout"]["shapes"][0]["y0"] == 95.0
    assert percent_ko["data"][-1]["name"] == "목표 95% 미달"
    assert percent_en["data"][-1]["name"] == "Below the 95% target"

    # the same bars in both languages: only the words change
    def bars(figure):
        return sorted((t["name"], t["y"]) for t in figure["data"] if t["y"] != [None])

    assert bars(percent_ko) == bars(percent_en) and len(bars(percent_ko)) >= 3
    assert korean["chart-intervals"]["layout"]["yaxis"]["title"]["text"] == "점수"
    assert english["chart-intervals"]["layout"]["yaxis"]["title"]["text"] == "Score"


@pytest.mark.django_db(transaction=True)
def test_the_demo_charts_say_demo_in_korean_too(client, program):
    call_command("load_demo", verbosity=0)
    figures = charts_of(client, "/ko/phases/demo/", "ko")
    for chart_id, figure in figures.items():
        for trace in figure["data"]:
            if trace["name"].startswith("목표"):  # the legend entry that explains the hatching
                continue
            assert trace["name"].endswith("(데모)"), (chart_id, trace["name"])
            categories = [x for x in trace.get("x") or [] if isinstance(x, str)]
            assert all(x.startswith("데모 · ") for x in categories), (chart_id, categories)
    assert "(데모)" in figures["chart-efficiency"]["data"][0]["text"][0]
