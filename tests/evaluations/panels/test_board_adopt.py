"""The decision board shows each panel's computed points beside the assessment's, with the
difference; one action adopts them through the audited assessment service."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.panels import selectors
from evaluations.panels.imports import ratings_import
from evaluations.panels.models import Panel
from leaderboard.models import AuditEntry, ComponentPoints, Phase
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_panel(pro_panel, team_models):
    rows = "".join(
        f"r{k},{m.slug},{c},{v}\n"
        for k, vals in enumerate([(5, 4, 2), (4, 3, 2)])
        for m, v in zip(team_models, vals, strict=True)
        for c in ("usefulness", "fluency")
    )
    ratings_import(
        phase_slug=pro_panel.phase.slug,
        panel_code=pro_panel.code,
        data=("rater,model,criterion,rating\n" + rows).encode(),
    )
    Panel.objects.filter(pk=pro_panel.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    pro_panel.refresh_from_db()
    return pro_panel


def test_the_board_shows_computed_entered_and_the_difference(
    client, evaluator, closed_panel, team_models, user_component
):
    zebra = team_models[0]
    assessment = AssessmentFactory(team=zebra.team, phase=closed_panel.phase, model=zebra)
    ComponentPoints.objects.create(
        assessment=assessment, component=user_component, points=Decimal("12.00")
    )
    computed = next(
        r for r in selectors.panel_results(closed_panel).models if r.model.pk == zebra.pk
    ).points
    assert computed == Decimal("13.50")  # mean 4.5 × 15/5
    client.force_login(evaluator)
    html = client.get(reverse("evaluator:board", args=[closed_panel.phase.slug])).content.decode()
    assert "Points from the rating panels" in html
    assert "13.50" in html and "12.00" in html and "+1.50" in html
    assert reverse("panels:adopt", args=[closed_panel.pk]) in html


def test_adopting_enters_one_teams_points_audited(client, evaluator, closed_panel, team_models):
    zebra, yak = team_models[0], team_models[1]
    client.force_login(evaluator)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("panels:adopt", args=[closed_panel.pk]), {"team": zebra.team.slug}
    )
    assert response.status_code == 302
    points = ComponentPoints.objects.get(assessment__team=zebra.team)
    assert points.points == Decimal("13.50") and points.component.code == "professional-users"
    assert not ComponentPoints.objects.filter(assessment__team=yak.team).exists()
    assert AuditEntry.objects.count() > before
    assert AuditEntry.objects.filter(object_type="leaderboard.assessment").exists()
    html = client.get(reverse("evaluator:board", args=[closed_panel.phase.slug])).content.decode()
    assert "adopted" in html


def test_after_the_announcement_adopting_needs_a_reason_and_changes_nothing_without(
    client, evaluator, closed_panel, team_models
):
    zebra = team_models[0]
    AssessmentFactory(team=zebra.team, phase=closed_panel.phase, model=zebra, outcome="advanced")
    Phase.objects.filter(pk=closed_panel.phase_id).update(
        announcement_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(evaluator)
    url = reverse("panels:adopt", args=[closed_panel.pk])
    client.post(url, {"team": zebra.team.slug})
    assert not ComponentPoints.objects.filter(assessment__team=zebra.team).exists()
    client.post(
        url,
        {
            "team": zebra.team.slug,
            "correction_reason_ko": "패널 점수 반영",
            "correction_reason_en": "Panel points adopted",
        },
    )
    assert ComponentPoints.objects.get(assessment__team=zebra.team).points == Decimal("13.50")


def test_nobody_but_an_evaluator_can_adopt(client, member_a, closed_panel, team_models):
    client.force_login(member_a)
    response = client.post(
        reverse("panels:adopt", args=[closed_panel.pk]), {"team": team_models[0].team.slug}
    )
    assert response.status_code == 404
    assert not ComponentPoints.objects.exists()
