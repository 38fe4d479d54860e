"""Each database constraint rejects the row it is there to reject."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from leaderboard.models import ComponentPoints, GateResult, Phase, ScoringComponent
from tests.factories import (
    AssessmentFactory,
    BaselineFactory,
    BenchmarkFactory,
    ComponentFactory,
    ModelFactory,
    PhaseFactory,
    ScoreFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_duplicate_team_slug_is_rejected():
    TeamFactory(slug="same")
    rejected(lambda: TeamFactory(slug="same"))


def test_a_duplicate_model_slug_is_rejected():
    ModelFactory(slug="same")
    rejected(lambda: ModelFactory(slug="same"))


def test_a_duplicate_benchmark_code_is_rejected():
    BenchmarkFactory(code="kmmlu")
    rejected(lambda: BenchmarkFactory(code="kmmlu"))


def test_a_duplicate_phase_slug_is_rejected():
    PhaseFactory(slug="final")
    rejected(lambda: PhaseFactory(slug="final"))


def test_a_duplicate_component_code_in_one_phase_is_rejected():
    phase = PhaseFactory()
    ComponentFactory(phase=phase, code="expert")
    rejected(lambda: ComponentFactory(phase=phase, code="expert"))


def test_points_above_the_component_maximum_are_rejected():
    component = ComponentFactory(max_points=Decimal("35"))
    assessment = AssessmentFactory(phase=component.phase)
    ComponentPoints.objects.create(assessment=assessment, component=component, points=Decimal("35"))
    other = AssessmentFactory(phase=component.phase)
    rejected(
        lambda: ComponentPoints.objects.create(
            assessment=other, component=component, points=Decimal("35.01")
        )
    )


def test_negative_points_are_rejected():
    component = ComponentFactory()
    assessment = AssessmentFactory(phase=component.phase)
    rejected(
        lambda: ComponentPoints.objects.create(
            assessment=assessment, component=component, points=Decimal("-1")
        )
    )


def test_active_parameters_above_total_are_rejected():
    ModelFactory(total_params_b=Decimal("100"), active_params_b=Decimal("100"))
    rejected(lambda: ModelFactory(total_params_b=Decimal("100"), active_params_b=Decimal("101")))


def test_a_team_model_without_a_team_is_rejected():
    rejected(lambda: ModelFactory(team=None))


def test_a_baseline_that_belongs_to_a_team_is_rejected():
    rejected(lambda: BaselineFactory(team=TeamFactory()))


@pytest.mark.parametrize(
    ("low", "value", "high"),
    [("71", "70", "75"), ("60", "70", "69.9"), ("60", "70", None), (None, "70", "75")],
)
def test_an_interval_that_does_not_contain_its_value_is_rejected(low, value, high):
    to_dec = lambda x: Decimal(x) if x is not None else None  # noqa: E731
    rejected(
        lambda: ScoreFactory(
            value=Decimal(value), interval_low=to_dec(low), interval_high=to_dec(high)
        )
    )


def test_an_interval_that_contains_its_value_is_accepted():
    score = ScoreFactory(
        value=Decimal("70"), interval_low=Decimal("65"), interval_high=Decimal("70")
    )
    assert score.pk


def test_an_organizer_score_without_a_phase_is_rejected():
    rejected(lambda: ScoreFactory(reporter="organizer", phase=None))


def test_a_failed_gate_without_evidence_is_rejected():
    gate = ComponentFactory(kind=ScoringComponent.Kind.GATE, max_points=None)
    assessment = AssessmentFactory(phase=gate.phase)
    rejected(lambda: GateResult.objects.create(assessment=assessment, component=gate, passed=False))
    assert GateResult.objects.create(
        assessment=assessment, component=gate, passed=False, evidence_en="Foreign weights."
    ).pk


def test_a_gate_with_points_is_rejected():
    rejected(lambda: ComponentFactory(kind=ScoringComponent.Kind.GATE, max_points=Decimal("5")))


def test_an_elimination_without_reasons_in_both_languages_is_rejected():
    rejected(lambda: AssessmentFactory(outcome="eliminated", reasons_ko="이유", reasons_en=""))
    assert AssessmentFactory(outcome="eliminated", reasons_ko="이유", reasons_en="Reason").pk


def test_two_assessments_of_one_team_in_one_phase_are_rejected():
    first = AssessmentFactory()
    rejected(lambda: AssessmentFactory(team=first.team, phase=first.phase))


def test_an_evaluation_window_that_ends_before_it_starts_is_rejected():
    import datetime

    rejected(
        lambda: PhaseFactory(
            evaluation_starts=datetime.date(2026, 12, 10),
            evaluation_ends=datetime.date(2026, 12, 1),
        )
    )
    assert Phase.objects.count() == 0
