"""A small world with two teams, private things planted in team B, and every role signed in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations.models import EvaluationRun
from evaluations.services import run_submit
from leaderboard.decisions import assessments as decide
from leaderboard.models import (
    Assessment,
    Phase,
    PhaseParticipant,
    Reporter,
    Score,
    ScoringComponent,
)
from tests.evaluations.conftest import (  # noqa: F401  (fixtures)
    _private_storage,
    benchmark,
    model_a,
    model_b,
    phase,
    predictions,
    upload,
)
from tests.factories import AssessmentFactory, BaselineFactory, PhaseFactory, ScoreFactory

SENTINEL_FEEDBACK = "SENTINEL-FEEDBACK-7f3a9c"
SENTINEL_FEEDBACK_PUBLISHED = "SENTINEL-FEEDBACK-PUBLISHED-51be02"
SENTINEL_LOG = "SENTINEL-RUNLOG-c41d88"
IMPOSSIBLE_VALUE = Decimal("987.654")
IMPOSSIBLE_STRINGS = ("987.654", "987.65", "987.7", "987.6")
# A rater's comment, without their consent to publish it: never on any public page or file.
SENTINEL_RATING_COMMENT = "SENTINEL-RATING-COMMENT-e93b17"
SENTINELS = (
    SENTINEL_FEEDBACK,
    SENTINEL_FEEDBACK_PUBLISHED,
    SENTINEL_LOG,
    SENTINEL_RATING_COMMENT,
    *IMPOSSIBLE_STRINGS,
)


def plant_panel(target, evaluator, models):
    """A closed expert panel of the phase with imported ratings, one comment the sentinel."""
    from evaluations.panels import services as panels
    from evaluations.panels.imports import ratings_import
    from tests.factories import ComponentFactory

    component = ComponentFactory(phase=target, code="expert-panel", max_points=Decimal("10"))
    now = timezone.now()
    panel = panels.panel_create(
        user=evaluator,
        phase=target,
        component=component,
        code="experts",
        name_ko="전문가 평가단",
        name_en="Expert panel",
        rater_kind="expert",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
        criteria=[panels.CriterionInput("quality", "품질", "Quality")],
        models=list(models),
    )
    lines = ["rater,model,criterion,rating,comment"]
    for k, (a, b) in enumerate([(4, 2), (5, 3), (4, 3)]):
        comment = SENTINEL_RATING_COMMENT if k == 0 else ""
        lines += [
            f"x{k},{models[0].slug},quality,{a},{comment}",
            f"x{k},{models[1].slug},quality,{b},",
        ]
    ratings_import(phase_slug=target.slug, panel_code="experts", data="\n".join(lines).encode())
    return panel


def add_scheme(target):
    """A small scheme: benchmark 20 (one global-common sub-component), expert 35, user 25, gate."""
    parent = ScoringComponent.objects.create(
        phase=target,
        code="benchmark",
        kind="benchmark",
        max_points=Decimal("20"),
        order=1,
        name_ko="벤치마크",
        name_en="Benchmark",
    )
    ScoringComponent.objects.create(
        phase=target,
        code="global-common",
        kind="benchmark",
        max_points=Decimal("20"),
        order=2,
        parent=parent,
        benchmark_group="global_common",
        name_ko="글로벌 공통",
        name_en="Global common",
    )
    ScoringComponent.objects.create(
        phase=target,
        code="expert",
        kind="entered",
        max_points=Decimal("35"),
        order=3,
        name_ko="전문가",
        name_en="Expert",
    )
    ScoringComponent.objects.create(
        phase=target,
        code="user",
        kind="entered",
        max_points=Decimal("25"),
        order=4,
        name_ko="사용자",
        name_en="User",
    )
    ScoringComponent.objects.create(
        phase=target,
        code="independence",
        kind="gate",
        max_points=None,
        order=5,
        name_ko="독자성",
        name_en="Independence",
    )


@pytest.fixture
def world(
    request,
    member_a,
    member_b,
    evaluator,
    superuser,
    team_a,
    team_b,
    django_capture_on_commit_callbacks,
):
    """Unpublished phase with runs of both teams; B's feedback, log and a score hold sentinels."""
    request.getfixturevalue("_private_storage")
    fx = {n: request.getfixturevalue(n) for n in ("phase", "benchmark", "model_a", "model_b")}
    the_phase, bench = fx["phase"], fx["benchmark"]
    add_scheme(the_phase)
    baseline = BaselineFactory(slug="global-baseline", name="Global Baseline")
    baseline.release_date = timezone.localdate() - timedelta(days=30)
    baseline.save()
    ScoreFactory(model=baseline, benchmark=bench, value=Decimal("80.0"), phase=None)
    runs = []
    for user, model, correct in ((member_a, fx["model_a"], 70), (member_b, fx["model_b"], 60)):
        with django_capture_on_commit_callbacks(execute=True):
            run = run_submit(
                user=user,
                model=model,
                phase=the_phase,
                benchmark=bench,
                upload=upload(predictions(correct)),
            )
        run.refresh_from_db()
        assert run.status == EvaluationRun.Status.SUCCEEDED
        runs.append(run)
    EvaluationRun.objects.filter(pk=runs[1].pk).update(log=SENTINEL_LOG)
    # Team B's endpoint run, under the same id as its file run, so one sample fills both.
    from evaluations.endpoints.models import Endpoint, EndpointRun, PromptTemplate

    EndpointRun.objects.create(
        id=runs[1].pk,
        endpoint=Endpoint.objects.create(
            model=fx["model_b"], base_url="https://team-b.example/v1", served_model="b"
        ),
        model=fx["model_b"],
        phase=the_phase,
        benchmark=bench,
        team=fx["model_b"].team,
        template=PromptTemplate.objects.create(benchmark=bench, version=1),
    )
    Score.objects.create(
        model=fx["model_b"],
        benchmark=bench,
        phase=the_phase,
        value=IMPOSSIBLE_VALUE,
        decimals=3,
        mode="reasoning",
        reporter=Reporter.SELF,
        source_title="planted",
    )
    decide.assessment_save(
        user=evaluator,
        phase=the_phase,
        team=team_b,
        data=decide.AssessmentInput(
            model=fx["model_b"],
            outcome="pending",
            private_feedback=SENTINEL_FEEDBACK,
            points={"expert": Decimal("20")},
        ),
    )
    # A published phase in which team B's private feedback must still stay private, and team
    # A's run (submitted inside the window, before the announcement) stays private until an
    # evaluator marks it official.
    published = PhaseFactory(
        slug="published-phase",
        announcement_at=timezone.now() + timedelta(days=2),
        submission_opens=timezone.now() - timedelta(days=5),
        submission_closes=timezone.now() + timedelta(days=1),
    )
    for team in (team_a, team_b):
        PhaseParticipant.objects.create(phase=published, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        run_published = run_submit(
            user=member_a,
            model=fx["model_a"],
            phase=published,
            benchmark=bench,
            upload=upload(predictions(43)),
        )
    run_published.refresh_from_db()
    assert run_published.status == EvaluationRun.Status.SUCCEEDED
    # Ratings come in before the announcement: an import into a published phase is refused.
    plant_panel(published, evaluator, [fx["model_a"], fx["model_b"]])
    Phase.objects.filter(pk=published.pk).update(
        announcement_at=timezone.now() - timedelta(days=2),
        submission_closes=timezone.now() - timedelta(days=3),
    )
    published.refresh_from_db()
    AssessmentFactory(
        team=team_b,
        phase=published,
        outcome=Assessment.Outcome.ADVANCED,
        reasons_ko="공개 사유",
        reasons_en="Public reasons",
        private_feedback=SENTINEL_FEEDBACK_PUBLISHED,
    )
    return {
        "phase": the_phase,
        "published": published,
        "benchmark": bench,
        "run_a": runs[0],
        "run_b": runs[1],
        "run_published": run_published,
        "model_a": fx["model_a"],
        "model_b": fx["model_b"],
        "team_a": team_a,
        "team_b": team_b,
        "member_a": member_a,
        "member_b": member_b,
        "evaluator": evaluator,
        "superuser": superuser,
    }
