"""The admin is no side door: each change form, saved as an evaluator, is audited and goes
through the evaluator rules, or its fields are read-only; the public pages show a change at once.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import EvaluationRun
from leaderboard.models import (
    Assessment,
    AuditEntry,
    Benchmark,
    Correction,
    FoundationModel,
    Phase,
    PhaseParticipant,
    Score,
    Team,
)
from tests.language import in_language

from .admin_forms import change_form_data

pytestmark = pytest.mark.django_db
REASON = {"correction_reason_ko": "출처 값 오기 정정", "correction_reason_en": "Fixes a typo"}


@pytest.fixture
def staff(client, evaluator, program, django_capture_on_commit_callbacks):
    """An evaluator signed in to the admin; the public pages already cached."""
    client.force_login(evaluator)
    for url in ("/en/", "/en/phases/first-stage/", "/en/phases/first-stage/decisions/"):
        public(url)
    return client


def public(url: str) -> str:
    from django.test import Client

    return Client().get(in_language(url, "en"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def admin_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def save_change_form(client, obj, **changes):
    """GET the change form, send it back with `changes`, as a browser would."""
    url = admin_url(obj)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    data = change_form_data(page.content.decode(), obj._meta.model_name) | changes
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def entries(action: str, obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(obj.pk)))


@pytest.mark.parametrize(
    ("model", "lookup", "field", "new", "page"),
    [
        (Team, {"slug": "upstage"}, "name_en", "Upstage (renamed)", "/en/phases/first-stage/"),
        (
            FoundationModel,
            {"slug": "solar-open-100b"},
            "name",
            "Solar Open (renamed)",
            "/en/phases/first-stage/",
        ),
        (Benchmark, {"code": "kmmlu"}, "name", "KMMLU (renamed)", "/en/phases/first-stage/"),
        (Phase, {"slug": "first-stage"}, "name_en", "First stage (renamed)", "/"),
    ],
    ids=["team", "model", "benchmark", "phase"],
)
def test_a_change_is_audited_and_on_the_cached_public_page_at_once(
    staff, model, lookup, field, new, page
):
    obj = model.objects.get(**lookup)
    old = getattr(obj, field)
    assert new not in public(page)
    response = save_change_form(staff, obj, **{field: new})
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = entries(f"admin.{obj._meta.model_name}.change", obj)
    assert entry.actor_label == "evaluator"
    assert f'"{field}":"{old}"' in entry.before and f'"{field}":"{new}"' in entry.after
    assert new in public(page)


def test_an_assessment_cannot_be_changed_in_the_admin(staff):
    assessment = Assessment.objects.get(phase__slug="first-stage", team__slug="naver-cloud")
    page = staff.get(admin_url(assessment)).content.decode()
    assert "the evaluator&#x27;s assessment form" in page or "assessment form" in page
    before = AuditEntry.objects.count()
    response = staff.post(
        admin_url(assessment),
        {"outcome": "advanced", "reasons_en": "Advanced after all", "_save": "Save"},
    )
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.outcome == "eliminated" and AuditEntry.objects.count() == before
    assert "Advanced after all" not in public("/en/phases/first-stage/decisions/")


def test_the_announcement_time_is_read_only_and_a_published_phase_keeps_its_scheme(staff):
    phase = Phase.objects.get(slug="first-stage")
    announced = phase.announcement_at
    response = save_change_form(
        staff,
        phase,
        announcement_at_0="2030-01-01",
        announcement_at_1="00:00:00",
        evaluation_starts="2031-01-01",
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.announcement_at == announced and phase.evaluation_starts != "2031-01-01"
    assert not AuditEntry.objects.filter(action="admin.phase.change").exists()


def test_an_unpublished_phase_cannot_be_published_from_the_admin(staff):
    phase = Phase.objects.get(slug="final")
    response = save_change_form(
        staff, phase, announcement_at_0="2026-01-01", announcement_at_1="00:00:00"
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.announcement_at is None and not phase.is_published()


def test_participants_of_an_unpublished_phase_change_in_the_admin_with_an_audit_entry(staff):
    phase = Phase.objects.get(slug="final")
    team = Team.objects.get(slug="nc-ai")
    url = admin_url(phase)
    data = change_form_data(staff.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "phase")
    prefix = "participations"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-TOTAL_FORMS": str(total + 1),
        f"{prefix}-{total}-team": str(team.pk),
        f"{prefix}-{total}-phase": str(phase.pk),
    }
    assert staff.post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    participant = PhaseParticipant.objects.get(phase=phase, team=team)
    assert entries("admin.phaseparticipant.create", participant)
    published = Phase.objects.get(slug="first-stage")
    html = staff.get(admin_url(published)).content.decode()
    assert f'name="{prefix}-0-team"' not in html  # read-only once published


def test_a_public_score_changes_in_the_admin_only_as_a_correction(staff):
    score = Score.objects.filter(model__slug="k-exaone-236b-a23b", phase__isnull=True).first()
    model_page = f"/en/models/{score.model.slug}/"
    refused = save_change_form(staff, score, value="12.3")
    assert refused.status_code == 200 and "give the reason for the correction" in (
        refused.content.decode()
    )
    score.refresh_from_db()
    assert score.value != Decimal("12.3")
    saved = save_change_form(staff, score, value="12.3", **REASON)
    assert saved.status_code == 302
    score.refresh_from_db()
    correction = Correction.objects.get()
    assert score.value == Decimal("12.3") and correction.kind == "score"
    assert AuditEntry.objects.get(seq=correction.audit_seq).action == "correction.score"
    html = public(model_page)
    assert "12.3" in html and REASON["correction_reason_en"] in html


def test_an_official_run_cannot_be_set_in_the_admin(staff, client, superuser):
    phase = Phase.objects.get(slug="first-stage")
    model = FoundationModel.objects.get(slug="k-exaone-236b-a23b")
    run = EvaluationRun.objects.create(
        model=model,
        phase=phase,
        benchmark=Benchmark.objects.get(code="kmmlu"),
        team=model.team,
        input_file="runs/x.jsonl",
        original_filename="x.jsonl",
        file_size=1,
        file_format="jsonl",
        status="succeeded",
    )
    assert staff.get(admin_url(run)).status_code == 403  # evaluators: not in the admin at all
    client.force_login(superuser)
    assert client.get(admin_url(run)).status_code == 200  # shown, read-only
    response = client.post(admin_url(run), {"is_official": "on", "_save": "Save"})
    assert response.status_code == 403
    run.refresh_from_db()
    assert not run.is_official
