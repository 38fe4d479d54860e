"""Publication is one way; every change to a published result is a public correction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from leaderboard.decisions import assessments as decide
from leaderboard.models import Assessment, AuditEntry, Correction, Phase
from tests.language import in_language

pytestmark = pytest.mark.django_db
REASON_KO = "심사 기록 재검토 결과 정정함"
REASON_EN = "Corrected after a review of the scoring records"


def form_post_data(form, **changes) -> dict:
    """What a browser would send back for an unbound form, with `changes` applied."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data | changes


def assess_url(phase="first-stage", team="upstage"):
    return reverse("evaluator:assess", args=[phase, team])


def test_a_published_announcement_time_cannot_move_to_the_future(client, evaluator, program):
    phase = Phase.objects.get(slug="first-stage")
    announced = phase.announcement_at
    with pytest.raises(decide.EvaluatorActionError, match="can no longer change"):
        decide.phase_publish(user=evaluator, phase=phase, at=timezone.now() + timedelta(days=30))
    client.force_login(evaluator)
    later = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("evaluator:publish", args=["first-stage"]),
        {"announcement_at": later},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "the announcement time can no longer change" in response.content.decode()
    assert Phase.objects.get(pk=phase.pk).announcement_at == announced
    assert not AuditEntry.objects.filter(action="phase.publish").exists()
    client.logout()
    decisions = client.get(reverse("leaderboard:phase_decisions", args=["first-stage"]))
    assert "Advanced" in decisions.content.decode()  # still public


def test_an_announcement_time_already_past_cannot_be_set(evaluator, program):
    phase = Phase.objects.get(slug="final")
    # The service speaks the active language; English here, whatever an earlier test left active.
    with translation.override("en"), pytest.raises(decide.EvaluatorActionError) as refused:
        decide.phase_publish(user=evaluator, phase=phase, at=timezone.now() - timedelta(days=1))
    assert "already passed" in str(refused.value) or "participants" in str(refused.value)
    assert Phase.objects.get(pk=phase.pk).announcement_at is None


def test_changing_a_published_decision_without_a_reason_is_refused_and_changes_nothing(
    client, evaluator, program
):
    client.force_login(evaluator)
    form = client.get(assess_url()).context["form"]
    entries = AuditEntry.objects.count()
    response = client.post(
        assess_url(),
        form_post_data(form, reasons_en="Rewritten after the fact", reasons_ko="사후 수정"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "give the reason for the correction in Korean" in html
    assessment = Assessment.objects.get(phase__slug="first-stage", team__slug="upstage")
    assert assessment.reasons_en != "Rewritten after the fact"
    assert AuditEntry.objects.count() == entries and not Correction.objects.exists()


def test_with_a_reason_the_correction_is_on_the_page_the_feed_and_the_transparency_page(
    client, evaluator, program
):
    earlier = Assessment.objects.get(phase__slug="first-stage", team__slug="naver-cloud")
    client.force_login(evaluator)
    form = client.get(assess_url(team="naver-cloud")).context["form"]
    response = client.post(
        assess_url(team="naver-cloud"),
        form_post_data(
            form,
            reasons_en="Corrected reasons in English",
            reasons_ko="정정된 사유",
            correction_reason_ko=REASON_KO,
            correction_reason_en=REASON_EN,
        ),
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.kind == "decision" and correction.reason_en == REASON_EN
    assert earlier.reasons_en in correction.earlier_en  # the earlier value is kept
    entry = AuditEntry.objects.get(seq=correction.audit_seq)
    assert entry.action == "correction.decision" and REASON_EN in entry.after
    client.logout()
    decisions = client.get(
        reverse("leaderboard:phase_decisions", args=["first-stage"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    day = timezone.localdate().isoformat()
    assert f"Corrected on {day}:</strong> {REASON_EN}" in decisions
    assert earlier.reasons_en[:40] in decisions and "Corrected reasons in English" in decisions
    korean = client.get(
        in_language(reverse("leaderboard:phase_decisions", args=["first-stage"]), "ko"),
        HTTP_ACCEPT_LANGUAGE="ko",
    ).content.decode()
    assert REASON_KO in korean
    for url in ("/ko/phases/first-stage/", "/ko/teams/naver-cloud/"):
        assert (
            REASON_EN
            in client.get(in_language(url, "en"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        ), url
    feed = client.get("/feeds/decisions.en.atom").content.decode()
    assert REASON_EN in feed and f"correction/{correction.pk}" in feed
    assert REASON_KO in client.get("/feeds/decisions.ko.atom").content.decode()
    transparency = client.get("/en/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    milestones = transparency.split('id="milestones-heading"')[1].split("</section>")[0]
    assert "Correction" in milestones and "Naver Cloud" in milestones


def test_points_and_gates_of_a_published_phase_change_only_by_a_correction(evaluator, program):
    phase = Phase.objects.get(slug="first-stage")
    lg = phase.assessments.get(team__slug="lg-ai-research")
    data = decide.AssessmentInput(
        model=lg.model,
        outcome=lg.outcome,
        reasons_ko=lg.reasons_ko,
        reasons_en=lg.reasons_en,
        private_feedback="only private feedback changes: no correction needed",
        points={"expert": Decimal("30.0")},
    )
    with pytest.raises(decide.EvaluatorActionError) as refused:
        decide.assessment_save(user=evaluator, phase=phase, team=lg.team, data=data)
    assert set(refused.value.errors) == {"correction_reason_ko", "correction_reason_en"}
    assert lg.points.get(component__code="expert").points == Decimal("31.6")
    decide.assessment_save(
        user=evaluator,
        phase=phase,
        team=lg.team,
        data=data,
        correction=decide.CorrectionReason(REASON_KO, REASON_EN),
    )
    correction = Correction.objects.get()
    assert correction.kind == "points" and "31.6" in correction.earlier_en
    assert "31.6 → 30.0" in correction.change_en  # points at their published precision
    # private feedback alone is not a public change
    data.points, data.private_feedback = {}, "changed again, privately"
    decide.assessment_save(user=evaluator, phase=phase, team=lg.team, data=data)
    assert Correction.objects.count() == 1
    nc = phase.assessments.get(team__slug="nc-ai")
    gate_change = decide.AssessmentInput(
        model=nc.model,
        outcome=nc.outcome,
        reasons_ko=nc.reasons_ko,
        reasons_en=nc.reasons_en,
        gates={"independence": decide.GateInput(False, "증거", "Evidence of a foreign base model")},
    )
    decide.assessment_save(
        user=evaluator,
        phase=phase,
        team=nc.team,
        data=gate_change,
        correction=decide.CorrectionReason(REASON_KO, REASON_EN),
    )
    assert Correction.objects.filter(kind="gate").exists()


def test_the_api_asks_for_the_reason_of_a_correction(evaluator, program):
    from tests.api.conftest import token_client

    api, _ = token_client(evaluator)
    assessment = Assessment.objects.get(phase__slug="first-stage", team__slug="upstage")
    url = f"/api/v1/assessments/{assessment.pk}/"
    refused = api.patch(url, {"reasons_en": "Changed quietly"}, format="json")
    assert refused.status_code == 400
    assert "correction_reason_ko" in refused.json()["error"]["details"]
    accepted = api.patch(
        url,
        {
            "reasons_en": "Changed in public",
            "correction_reason_ko": REASON_KO,
            "correction_reason_en": REASON_EN,
        },
        format="json",
    )
    assert accepted.status_code == 200 and accepted.json()["reasons_en"] == "Changed in public"
    assert Correction.objects.get().kind == "decision"
