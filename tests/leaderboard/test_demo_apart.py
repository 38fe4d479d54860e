"""Synthetic demo data stands apart: never in a real view; wherever it is shown, it says DEMO."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.language import in_language

pytestmark = pytest.mark.django_db(transaction=True)
# Words that only the demo pack's benchmarks carry.
DEMO_WORDS = ("[DEMO]", "多肢選択", "(synthetic)", "(합성)", "demo-ko-mc", "demo-code")


@pytest.fixture
def demo(program):
    call_command("load_demo", verbosity=0)


def get(url: str) -> str:
    response = Client().get(in_language(url, "en"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response.content.decode()


def charts_of(html: str) -> list[dict]:
    scripts = re.findall(
        r'<script id="chart-[^"]+-data" type="application/json">(.*?)</script>', html, re.S
    )
    return [json.loads(s) for s in scripts]


def category_labels(figure: dict) -> list[str]:
    """Every axis category, trace name and point label a reader sees in a figure."""
    labels = []
    for trace in figure["data"]:
        for key in ("x", "y", "text"):
            labels += [v for v in trace.get(key) or [] if isinstance(v, str)]
        if trace.get("name"):
            labels.append(trace["name"])
    return labels


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/ko/phases/first-stage/",
        "/ko/phases/first-stage/export.csv",
        "/ko/phases/first-stage/export.json",
        "/ko/models/k-exaone-236b-a23b/",
        "/ko/models/deepseek-r1/",
        "/ko/teams/lg-ai-research/",
        "/ko/compare/?models=k-exaone-236b-a23b,solar-open-100b,deepseek-r1",
        "/api/v1/scores/?page_size=500",
        "/api/v1/benchmarks/?page_size=500",
        "/api/v1/phases/",
        "/api/v1/models/?page_size=500",
        "/api/v1/phases/first-stage/leaderboard/",
        "/feeds/decisions.en.atom",
        "/sitemap.xml",
    ],
)
def test_demo_data_never_enters_a_real_view(demo, url):
    text = get(url)
    found = [w for w in DEMO_WORDS if w in text]
    assert not found, found
    if url.startswith("/api/v1/") and "leaderboard" not in url:
        assert '"is_demo":true' not in text.replace(" ", "")
    if url == "/":
        for figure in charts_of(text):  # the headline: real languages only
            assert not [label for label in category_labels(figure) if "DEMO" in label]
            assert "Japanese" not in json.dumps(figure) and "Math" not in json.dumps(figure)


def test_the_api_lists_hold_the_demo_pack_only_when_asked_and_then_each_record_says_so(demo):
    for path in ("scores", "benchmarks", "phases"):
        plain = json.loads(get(f"/api/v1/{path}/?page_size=500"))["results"]
        records = json.loads(get(f"/api/v1/{path}/?include_demo=1&page_size=500"))["results"]
        demo_records = [r for r in records if r["is_demo"]]
        assert demo_records and len(records) == len(plain) + len(demo_records), path
        key = {"scores": "benchmark", "benchmarks": "code", "phases": "slug"}[path]
        synthetic = [r for r in records if r[key].startswith("demo")]
        assert synthetic and all(r["is_demo"] for r in synthetic), path


def test_where_the_demo_pack_is_shown_every_label_says_demo(demo):
    board = get("/ko/phases/demo/")
    rows = re.findall(r'<th scope="row">(.*?)</th>', board, re.S)
    assert rows and all("DEMO" in row for row in rows), [r for r in rows if "DEMO" not in r]
    figures = charts_of(board)
    assert figures
    for figure in figures:
        # every label of data (not the legend of the below-target marker) says DEMO
        # (a bar's own value, "▼ 83.9%", sits on a bar whose tick and legend say DEMO)
        labels = [
            x
            for x in category_labels(figure)
            if not x.startswith("Below the") and not re.fullmatch(r"(▼ )?[\d.]+%", x)
        ]
        assert labels and all("DEMO" in label for label in labels), [
            x for x in labels if "DEMO" not in x
        ]
    exported = json.loads(get("/ko/phases/demo/export.json"))
    assert exported["is_demo"] and all(r["is_demo"] for r in exported["rows"])
    api = json.loads(get("/api/v1/phases/demo/leaderboard/"))
    assert api["is_demo"] is True
    assert all(c["score"]["is_demo"] for r in api["rows"] for c in r["cells"])
    model = get("/ko/models/k-exaone-236b-a23b/?include_demo=1")
    demo_rows = [r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", model, re.S) if "[DEMO]" in r]
    assert len(demo_rows) == 5 and all("pill-demo" in r for r in demo_rows)
    for figure in charts_of(model):
        assert [label for label in category_labels(figure) if label.startswith("DEMO")]
    compared = get("/ko/compare/?models=k-exaone-236b-a23b,solar-open-100b&include_demo=1")
    assert "[DEMO]" in compared and "pill-demo" in compared
    assert "/en/benchmarks/demo-" not in get("/ko/benchmarks/")  # listed only when asked for
    listed = get("/ko/benchmarks/?include_demo=1")
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", listed, re.S) if "/en/benchmarks/demo-" in r]
    assert len(rows) == 5 and all("pill-demo" in r for r in rows)
