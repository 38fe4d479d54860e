"""Results: mean ratings with t intervals, the published conversion, Krippendorff's alpha, and
points entering the assessments only through the audited assessment service."""

from decimal import Decimal

import krippendorff
import numpy as np
import pytest
from django.urls import reverse
from scipy import stats

from evaluations.panels import points, selectors, services
from evaluations.panels.models import RaterLabel
from evaluations.panels.statistics import agreement_alpha, mean_interval
from leaderboard.models import Assessment, AuditEntry, ComponentPoints

from .conftest import make_panel, seat

pytestmark = pytest.mark.django_db


def _rate(rater, model, values: dict[str, int]):
    label = RaterLabel.objects.get(rater=rater, model=model).label
    for criterion, value in values.items():
        services.rating_save(
            user=rater.user, panel_id=rater.panel_id, label=label, criterion=criterion, value=value
        )


@pytest.fixture
def rated(evaluator, pro_panel, team_models):
    """Three raters; model 0 gets (usefulness, fluency) = (5,4), (4,4), (3,3) → rater means
    4.5, 4, 3 → mean 23/6."""
    raters = [seat(evaluator, pro_panel, f"r{i}") for i in range(3)]
    table = {
        0: [(5, 4), (4, 4), (3, 3)],
        1: [(2, 2), (3, 2), (2, 1)],
        2: [(4, 5), (5, 5), (4, 4)],
    }
    for m, rows in table.items():
        for rater, (u, f) in zip(raters, rows, strict=True):
            _rate(rater, team_models[m], {"usefulness": u, "fluency": f})
    return raters, table


def test_points_are_the_mean_rating_times_the_maximum_over_five(pro_panel, team_models, rated):
    results = selectors.panel_results(pro_panel)
    by_model = {row.model.pk: row for row in results.models}
    row = by_model[team_models[0].pk]
    assert row.raters == 3
    assert row.mean == pytest.approx(23 / 6)
    # by hand: 23/6 × 15 / 5 = 11.5
    assert row.points == Decimal("11.50")
    # model 1: rater means 2, 2.5, 1.5 → 2 → 2 × 15/5 = 6
    assert by_model[team_models[1].pk].points == Decimal("6.00")
    assert results.published_rule
    assert "15/5" in results.formula


def test_the_interval_is_students_t_over_raters(pro_panel, team_models, rated):
    row = next(
        r for r in selectors.panel_results(pro_panel).models if r.model.pk == team_models[0].pk
    )
    values = [4.5, 4.0, 3.0]
    half = stats.t.ppf(0.975, 2) * np.std(values, ddof=1) / np.sqrt(3)
    assert row.low == pytest.approx(np.mean(values) - half)
    assert row.high == pytest.approx(min(5.0, np.mean(values) + half))
    assert row.points_low < row.points < row.points_high


def test_alpha_per_criterion_equals_the_packages_on_the_same_data(pro_panel, team_models, rated):
    raters, table = rated
    results = selectors.panel_results(pro_panel)
    models = sorted(team_models, key=lambda m: m.pk)
    index = {m.pk: i for i, m in enumerate(team_models)}
    for k, code in enumerate(["usefulness", "fluency"]):
        data = [[table[index[m.pk]][r][k] for m in models] for r in range(3)]
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
        got = next(a for a in results.agreement if a.criterion.code == code)
        assert got.raters == 3
        assert got.alpha == pytest.approx(expected)


def test_alpha_on_known_data_from_krippendorffs_paper():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
    # 12 units, missing values; interval alpha = 0.849.
    nan = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert agreement_alpha(data) == pytest.approx(0.849, abs=0.001)


def test_alpha_is_not_defined_for_a_single_rater_or_no_variation():
    assert agreement_alpha([[1, 2, 3]]) is None
    assert agreement_alpha([[3, 3, 3], [3, 3, 3]]) is None


def test_one_value_has_a_mean_but_no_interval():
    est = mean_interval([4.0])
    assert est.mean == 4.0 and est.low is None and est.high is None


def test_a_panel_without_a_published_rule_converts_by_the_top_of_its_scale(
    evaluator, phase, expert_component, team_models
):
    panel = make_panel(evaluator, phase, expert_component, kind="expert", code="experts")
    rater = seat(evaluator, panel, "expert-1")
    _rate(rater, team_models[0], {"usefulness": 4, "fluency": 4})
    results = selectors.panel_results(panel)
    assert not results.published_rule
    row = next(r for r in results.models if r.model.pk == team_models[0].pk)
    assert row.points == Decimal("8.00")  # 4 × 10 / 5


def test_points_are_applied_only_after_the_close_and_through_the_audited_service(
    evaluator, pro_panel, team_models, rated, user_component
):
    with pytest.raises(services.PanelError, match="closed"):
        points.panel_points_apply(user=evaluator, panel=pro_panel)
    assert not ComponentPoints.objects.exists()
    points.panel_points_apply(user=evaluator, panel=pro_panel, now=pro_panel.closes_at)
    entered = ComponentPoints.objects.get(
        assessment__team=team_models[0].team, component=user_component
    )
    assert entered.points == Decimal("11.50")
    assessment = Assessment.objects.get(team=team_models[0].team, phase=pro_panel.phase)
    assert AuditEntry.objects.filter(
        action="assessment.change", object_id=str(assessment.pk)
    ).exists()


def test_a_rater_cannot_apply_points(evaluator, pro_panel, rated):
    raters, _ = rated
    with pytest.raises(services.PanelError):
        points.panel_points_apply(user=raters[0].user, panel=pro_panel, now=pro_panel.closes_at)


def test_the_evaluators_page_shows_results_and_agreement(client, evaluator, pro_panel, rated):
    client.force_login(evaluator)
    response = client.get(reverse("panels:manage_detail", args=[pro_panel.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "11.50" in body
    assert "Krippendorff" in body


def test_a_rater_far_from_the_rest_is_flagged_but_still_counted(
    evaluator, pro_panel, team_models, rated
):
    contrarian = seat(evaluator, pro_panel, "contrarian")
    for m, value in ((0, 1), (1, 5), (2, 1)):
        _rate(contrarian, team_models[m], {"usefulness": value, "fluency": value})
    results = selectors.panel_results(pro_panel)
    assert [rater_id for rater_id, _ in results.far_raters] == [contrarian.pk]
    row = next(r for r in results.models if r.model.pk == team_models[0].pk)
    assert row.raters == 4
    assert row.mean == pytest.approx((4.5 + 4 + 3 + 1) / 4)


def test_in_a_published_phase_the_page_applies_points_only_as_a_public_correction(
    evaluator, pro_panel, team_models, rated, user_component
):
    """After the announcement, entering a panel's points changes the public record: the page
    asks for the reason in both languages, refuses without it and records a correction with it."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from evaluations.panels.models import Panel
    from leaderboard.models import Correction, Phase

    past = timezone.now() - timedelta(minutes=5)
    for model in team_models:  # the published decisions the points join
        Assessment.objects.get_or_create(
            team=model.team,
            phase=pro_panel.phase,
            defaults={"model": model, "outcome": "advanced", "reasons_en": "x", "reasons_ko": "x"},
        )
    Panel.objects.filter(pk=pro_panel.pk).update(closes_at=past)
    Phase.objects.filter(pk=pro_panel.phase_id).update(announcement_at=past)
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(evaluator)
    url = reverse("panels:manage_detail", args=[pro_panel.pk])
    assert 'name="correction_reason_ko"' in staff.get(url).content.decode()

    refused = staff.post(url, {"action": "apply"}, follow=True).content.decode()
    assert "give the reason for the correction" in refused
    assert not ComponentPoints.objects.filter(component=user_component).exists()

    applied = staff.post(
        url,
        {
            "action": "apply",
            "correction_reason_ko": "전문가 평가단 결과 반영",
            "correction_reason_en": "The professional users' panel results entered",
        },
        follow=True,
    )
    assert "entered in the assessments" in applied.content.decode()
    entered = ComponentPoints.objects.get(
        assessment__team=team_models[0].team, component=user_component
    )
    assert entered.points == Decimal("11.50")
    assert Correction.objects.filter(
        reason_en="The professional users' panel results entered"
    ).exists()
