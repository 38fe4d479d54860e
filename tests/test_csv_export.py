"""Every CSV the site writes: no cell a spreadsheet would run as a formula; numbers stay numbers."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from evaluations.services import answer_key_import, run_submit
from kai_site.csv_export import csv_write, safe_cell
from leaderboard.models import Benchmark, PhaseParticipant
from tests.evaluations.conftest import upload
from tests.factories import BenchmarkFactory, ModelFactory, PhaseFactory, ScoreFactory

ROOT = Path(__file__).resolve().parent.parent
# A cell starting with each of these runs (or can hide) a formula in a spreadsheet.
DANGEROUS = {
    "equals": '=HYPERLINK("https://evil.example","x")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "carriage_return": "\r=1+2",
}


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", DANGEROUS.values(), ids=DANGEROUS.keys())
def test_a_text_cell_that_could_run_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-3.5, Decimal("-3.5"), 0, -7, 12.25, True, None, "-3.5", "+2", "-0.125", "1e-3"]
)
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", ["KMMLU", "DeepSeek-R1", "솔라 오픈 100B", "a=b", ""])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_the_writer_makes_every_cell_safe_and_can_start_with_a_bom():
    buffer = io.StringIO()
    csv_write(
        buffer,
        fieldnames=["name", "value"],
        rows=[{"name": "=1+2", "value": -3.5}, {"name": "ok", "value": Decimal("-0.5")}],
        bom=True,
    )
    text = buffer.getvalue()
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["name", "value"],
        ["'=1+2", "-3.5"],
        ["ok", "-0.5"],
    ]


def test_a_field_nobody_named_is_refused_as_by_dictwriter():
    with pytest.raises(ValueError, match="not in fieldnames"):
        csv_write(io.StringIO(), fieldnames=["a"], rows=[{"a": 1, "b": 2}])


def test_no_csv_is_written_except_through_the_one_function():
    """One function everywhere: a csv.writer or DictWriter elsewhere would bypass it."""
    offenders = []
    for folder in ("kai_site", "leaderboard", "evaluations"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "csv_export.py" or "migrations" in path.parts:
                continue
            if re.search(r"\bcsv\.(writer|DictWriter)\b|\bDictWriter\(", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# ---------------------------------------------------------------- the public export


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DANGEROUS.keys())
def test_the_public_export_neutralises_names_and_sources_and_keeps_numbers(client, kind):
    dangerous = DANGEROUS[kind]
    phase = PhaseFactory(slug="published")
    bench = BenchmarkFactory(code="kmmlu", language=Benchmark.Language.KO)
    model = ModelFactory(slug="m-" + kind.replace("_", "-"), name=dangerous)
    ScoreFactory(
        model=model,
        benchmark=bench,
        phase=phase,
        value=Decimal("-3.5"),
        interval_low=Decimal("-4.25"),
        interval_high=Decimal("-2.75"),
        source_title=dangerous,
    )
    response = client.get(reverse("leaderboard:phase_export_csv", args=[phase.slug]))
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    (row,) = rows_of(response)
    assert row["model_name"] == "'" + dangerous and row["source_title"] == "'" + dangerous
    assert (row["value"], row["interval_low"], row["interval_high"]) == ("-3.5", "-4.250", "-2.750")


# ---------------------------------------------------------------- team feedback and its downloads


@pytest.fixture
def dangerous_benchmark(db, tmp_path, settings):
    """A benchmark whose answer key names categories that start with each dangerous character."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANSWER_KEY_ROOT = tmp_path / "keys"
    bench = BenchmarkFactory(code="danger", name="Danger", metric="accuracy", item_count=None)
    categories = list(DANGEROUS.values())
    key = tmp_path / "key.jsonl"
    key.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "answer": "A", "category": categories[i % len(categories)]})
            + "\n"
            for i in range(60)
        ),
        encoding="utf-8",
    )
    answer_key_import(benchmark=bench, path=key)
    bench.refresh_from_db()
    return bench


@pytest.fixture
def dangerous_run(member_a, team_a, dangerous_benchmark):
    model = ModelFactory(slug="model-a", team=team_a, name="=cmd|' /C calc'!A0")
    phase = PhaseFactory(
        slug="feedback-phase",
        announcement_at=None,
        submission_opens=timezone.now() - timedelta(days=1),
        submission_closes=timezone.now() + timedelta(days=1),
    )
    PhaseParticipant.objects.create(phase=phase, team=team_a)
    lines = "".join(json.dumps({"id": f"q{i}", "prediction": "A"}) + "\n" for i in range(60))
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = run_submit(
            user=member_a,
            model=model,
            phase=phase,
            benchmark=dangerous_benchmark,
            upload=upload(lines.encode()),
        )
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    return run


def assert_feedback_csv_is_safe(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    categories = {row["category"] for row in rows if row["category"]}
    # Every category is there, each behind an apostrophe: none can run.
    assert categories == {"'" + text for text in DANGEROUS.values()}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), row
            assert not value.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", value), row
    overall = next(row for row in rows if not row["category"])
    assert overall["value"] == "100.0" and overall["items"] == "60"


@pytest.mark.django_db
def test_a_teams_run_feedback_csv_neutralises_every_category(client, member_a, dangerous_run):
    client.force_login(member_a)
    response = client.get(reverse("portal:run_csv", args=[dangerous_run.pk]))
    assert_feedback_csv_is_safe(response)


@pytest.mark.django_db
def test_a_teams_phase_feedback_csv_neutralises_every_category(client, member_a, dangerous_run):
    client.force_login(member_a)
    url = reverse("portal:phase_csv", args=["team-a", dangerous_run.phase.slug])
    assert_feedback_csv_is_safe(client.get(url))


@pytest.mark.django_db
def test_an_evaluators_download_of_team_feedback_is_neutralised_too(
    client, evaluator, dangerous_run
):
    client.force_login(evaluator)
    assert_feedback_csv_is_safe(client.get(reverse("portal:run_csv", args=[dangerous_run.pk])))
    url = reverse("portal:phase_csv", args=["team-a", dangerous_run.phase.slug])
    assert_feedback_csv_is_safe(client.get(url))
