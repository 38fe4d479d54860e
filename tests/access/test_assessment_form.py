"""The assessment form: each rule rejects what it should, with its message on the field."""

import pytest
from django.urls import reverse

from leaderboard.models import Assessment, AuditEntry

pytestmark = pytest.mark.django_db


def post(client, world, **fields):
    data = {
        "model": world["model_b"].pk,
        "outcome": "advanced",
        "reasons_ko": "",
        "reasons_en": "",
        "private_feedback": "",
        "points_benchmark": "",
        "points_global-common": "",
        "points_expert": "30",
        "points_user": "20",
        "gate_independence": "pass",
        "evidence_ko_independence": "",
        "evidence_en_independence": "",
    } | fields
    client.force_login(world["evaluator"])
    url = reverse("evaluator:assess", args=[world["phase"].slug, "team-b"])
    return client.post(url, data)


def field_errors(response, name):
    return [str(e) for e in response.context["form"].errors.get(name, [])]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"points_expert": "35.01"}, "points_expert", "At most 35 points"),
        ({"points_user": "-1"}, "points_user", "cannot be negative"),
        ({"points_global-common": "25"}, "points_global-common", "At most 20 points"),
        (
            {
                "gate_independence": "fail",
                "outcome": "eliminated",
                "reasons_ko": "사유",
                "reasons_en": "Reason",
            },
            "evidence_ko_independence",
            "needs its evidence",
        ),
        ({"outcome": "eliminated", "reasons_en": "Reason"}, "reasons_ko", "in Korean"),
        ({"outcome": "eliminated", "reasons_ko": "사유"}, "reasons_en", "in English"),
        (
            {"gate_independence": "fail", "evidence_en_independence": "Uses a foreign base"},
            "outcome",
            "cannot advance",
        ),
    ],
)
def test_each_rule_rejects_with_a_message_on_its_field(client, world, fields, field, message):
    before = Assessment.objects.get(team=world["team_b"], phase=world["phase"])
    entries = AuditEntry.objects.count()
    response = post(client, world, **fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and message in errors[0], response.context["form"].errors
    html = response.content.decode()
    assert 'class="field has-error"' in html and message in html
    after = Assessment.objects.get(pk=before.pk)
    assert (after.outcome, after.reasons_ko) == (before.outcome, before.reasons_ko)
    assert AuditEntry.objects.count() == entries  # nothing saved, nothing recorded


def test_a_valid_assessment_is_saved_with_its_points_and_audited(client, world):
    response = post(client, world, private_feedback="Keep going", points_expert="31.5")
    assert response.status_code == 302
    assessment = Assessment.objects.get(team=world["team_b"], phase=world["phase"])
    assert assessment.outcome == "advanced" and assessment.decided_by == world["evaluator"]
    points = {p.component.code: p.points for p in assessment.points.select_related("component")}
    assert str(points["expert"]) == "31.50" and str(points["user"]) == "20.00"
    assert assessment.gates.get().passed is True
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "decision.record" and entry.actor_label == "evaluator"
    assert "Keep going" not in entry.after and "hmac-sha256:" in entry.after


def test_the_database_still_refuses_points_above_the_maximum(world):
    from django.db import IntegrityError, transaction

    from leaderboard.models import ComponentPoints

    assessment = Assessment.objects.get(team=world["team_b"], phase=world["phase"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ComponentPoints.objects.filter(assessment=assessment).update(points=99)
