"""Evaluator writes: assessments and decisions, publication, official runs; each one audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit.chain import assessment_snapshot, audit_record, run_official_snapshot
from ..cache import bump_generation
from ..corrections import (
    CorrectionReason,
    assessment_changes,
    assessment_correction_kind,
    correction_record,
    in_each_language,
    reason_errors,
)
from ..models import (
    Assessment,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Phase,
    ScoringComponent,
    Team,
    is_evaluator,
)
from .selectors import phase_undecided_teams


class EvaluatorActionError(Exception):
    """An evaluator action cannot be done as asked; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAnEvaluator(EvaluatorActionError):
    def __init__(self):
        super().__init__({None: "Only evaluators may do this."})


@dataclass
class GateInput:
    passed: bool | None
    evidence_ko: str = ""
    evidence_en: str = ""


@dataclass
class AssessmentInput:
    """What the assessment form sends; points and gates are keyed by component code."""

    model: FoundationModel | None
    outcome: str
    reasons_ko: str = ""
    reasons_en: str = ""
    private_feedback: str = ""
    points: dict[str, Decimal | None] = field(default_factory=dict)
    gates: dict[str, GateInput] = field(default_factory=dict)


def points_field(code: str) -> str:
    return f"points_{code}"


def gate_field(code: str) -> str:
    return f"gate_{code}"


def evidence_field(code: str, lang: str) -> str:
    return f"evidence_{lang}_{code}"


def assessment_errors(*, phase: Phase, team: Team, data: AssessmentInput) -> dict[str, str]:
    """Every rule the input breaks, keyed by the form field that is wrong."""
    errors: dict[str, str] = {}
    components = {c.code: c for c in phase.components.all()}
    for code, value in data.points.items():
        component = components.get(code)
        if component is None or component.max_points is None:
            errors[points_field(code)] = _("This component takes no points.")
        elif value is not None and value < 0:
            errors[points_field(code)] = _("Points cannot be negative.")
        elif value is not None and value > component.max_points:
            errors[points_field(code)] = _("At most %(max)s points in this component.") % {
                "max": f"{component.max_points.normalize():f}"
            }
    for code, gate in data.gates.items():
        if gate.passed is False and not (gate.evidence_ko.strip() or gate.evidence_en.strip()):
            errors[evidence_field(code, "ko")] = _(
                "A failed gate needs its evidence (in Korean or English)."
            )
    outcome = data.outcome
    if outcome == Assessment.Outcome.ELIMINATED:
        if not data.reasons_ko.strip():
            errors["reasons_ko"] = _("An elimination needs public reasons in Korean.")
        if not data.reasons_en.strip():
            errors["reasons_en"] = _("An elimination needs public reasons in English.")
    if outcome == Assessment.Outcome.ADVANCED and any(
        g.passed is False for g in data.gates.values()
    ):
        errors["outcome"] = _("A team that failed a gate cannot advance.")
    if outcome == Assessment.Outcome.PENDING and phase.announcement_at is not None:
        errors["outcome"] = _(
            "The phase's announcement is already set; every team needs a decision."
        )
    if data.model is not None and data.model.team_id != team.pk:
        errors["model"] = _("Choose one of this team's models.")
    return errors


@transaction.atomic
def assessment_save(
    *,
    user,
    phase: Phase,
    team: Team,
    data: AssessmentInput,
    correction: CorrectionReason | None = None,
    now=None,
) -> Assessment:
    """Create or change the assessment of a team in a phase; validated, then audited.

    Once the phase is published, a change to anything public (outcome, reasons, model, total,
    points, gates) is a correction: it needs `correction` (a reason in Korean and English) and is
    recorded with the earlier value. Private feedback may change without one.
    """
    if not is_evaluator(user):
        raise NotAnEvaluator()
    errors = assessment_errors(phase=phase, team=team, data=data)
    if errors:
        raise EvaluatorActionError(errors)
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    published = phase.is_published(now)
    assessment = Assessment.objects.select_for_update().filter(
        phase=phase, team=team
    ).first() or Assessment(phase=phase, team=team)
    before = assessment_snapshot(assessment)
    assessment.model = data.model
    assessment.outcome = data.outcome
    assessment.reasons_ko = data.reasons_ko.strip()
    assessment.reasons_en = data.reasons_en.strip()
    assessment.private_feedback = data.private_feedback.strip()
    if data.outcome != Assessment.Outcome.PENDING and not (published and assessment.pk):
        # a correction keeps the time of the published decision; the correction has its own
        assessment.decided_by = user
        assessment.decided_at = timezone.now()
    assessment.save()

    components = {c.code: c for c in ScoringComponent.objects.filter(phase=phase)}
    for code, value in data.points.items():
        component = components[code]
        existing = ComponentPoints.objects.filter(
            assessment=assessment, component=component
        ).first()
        if value is None:
            if existing is not None and not existing.is_published_figure:
                existing.delete()
            continue
        if existing is not None and existing.points == value:
            continue
        if existing is None:
            existing = ComponentPoints(assessment=assessment, component=component)
        existing.points = value
        existing.is_published_figure = False
        existing.source = f"Entered by {user.get_username()}"
        existing.save()
    for code, gate in data.gates.items():
        GateResult.objects.update_or_create(
            assessment=assessment,
            component=components[code],
            defaults={
                "passed": gate.passed,
                "evidence_ko": gate.evidence_ko.strip(),
                "evidence_en": gate.evidence_en.strip(),
            },
        )
    after = assessment_snapshot(assessment)
    changes = assessment_changes(before or {}, after, phase=phase) if published else []
    if changes:
        errors = reason_errors(correction)
        if errors:
            raise EvaluatorActionError(errors)  # rolls the whole change back
        correction_record(
            user=user,
            kind=assessment_correction_kind(changes),
            obj=assessment,
            phase=phase,
            team=team,
            model=assessment.model,
            changes=changes,
            before=before or {},
            after=after,
            reason=correction,
        )
    elif after != before:
        outcome_changed = (before or {}).get("outcome") != data.outcome
        decided = data.outcome != Assessment.Outcome.PENDING
        action = "decision.record" if decided and outcome_changed else "assessment.change"
        audit_record(user, action, assessment, before, after)
    return assessment


PUBLISH_PAST_TOLERANCE = timedelta(minutes=1)


@transaction.atomic
def phase_publish(*, user, phase: Phase, at: datetime | None = None, now=None) -> Phase:
    """Set the phase's announcement time (now if not given).

    Refused for a phase without participants, and while any team of the phase has no decision.
    Publication is one way: once the announcement time has passed it cannot move (moving it to
    the future would withdraw the results silently), and a time already past cannot be set (that
    would backdate the publication; publish now instead).
    """
    if not is_evaluator(user):
        raise NotAnEvaluator()
    now = now or timezone.now()
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    if phase.is_published(now):
        raise EvaluatorActionError(
            {
                None: _(
                    "The results of %(phase)s were announced on %(date)s (Asia/Seoul); the "
                    "announcement time can no longer change. Correct a result instead."
                )
                % {
                    "phase": phase.name,
                    "date": timezone.localtime(phase.announcement_at).strftime("%Y-%m-%d %H:%M"),
                }
            }
        )
    if at is not None and at < now - PUBLISH_PAST_TOLERANCE:
        raise EvaluatorActionError(
            {
                "announcement_at": _(
                    "This time has already passed: choose a time to come, or publish now."
                )
            }
        )
    if not phase.participations.exists():
        raise EvaluatorActionError(
            {
                None: _(
                    "This phase has no participants: enter the teams that take part in it "
                    "before publishing."
                )
            }
        )
    undecided = phase_undecided_teams(phase)
    if undecided:
        names = ", ".join(t.name for t in undecided)
        raise EvaluatorActionError(
            {None: _("These teams have no decision yet: %(teams)s.") % {"teams": names}}
        )
    at = at or now
    before = {"announcement_at": phase.announcement_at}
    phase.announcement_at = at
    phase.save(update_fields=["announcement_at"])
    audit_record(user, "phase.publish", phase, before, {"announcement_at": at})
    return phase


def _official_result(run) -> str | None:
    result = getattr(run, "result", None) if run is not None else None
    if result is None:
        return None
    return f"{result.value:.1f} (run {run.pk})"


@transaction.atomic
def run_set_official(
    *, user, run, official: bool = True, correction: CorrectionReason | None = None, now=None
):
    """Mark a succeeded run as the official one for its model, phase and benchmark (or unmark).

    In a published phase this changes a public score: it is a correction, with its reason.
    """
    from evaluations.models import EvaluationRun

    if not is_evaluator(user):
        raise NotAnEvaluator()
    run = EvaluationRun.objects.select_for_update().select_related("phase").get(pk=run.pk)
    if official and run.status != EvaluationRun.Status.SUCCEEDED:
        raise EvaluatorActionError({None: _("Only a succeeded run can be the official one.")})
    if run.is_official == official:
        return run
    published = run.phase.is_published(now)
    if published:
        errors = reason_errors(correction)
        if errors:
            raise EvaluatorActionError(errors)
    earlier = (
        EvaluationRun.objects.filter(
            model=run.model_id, phase=run.phase_id, benchmark=run.benchmark_id, is_official=True
        )
        .select_related("result")
        .first()
    )
    earlier_shown = _official_result(earlier)
    if official:
        for previous in EvaluationRun.objects.select_for_update().filter(
            model=run.model_id, phase=run.phase_id, benchmark=run.benchmark_id, is_official=True
        ):
            before = run_official_snapshot(previous)
            EvaluationRun.objects.filter(pk=previous.pk).update(is_official=False)
            previous.is_official = False
            audit_record(user, "run.unofficial", previous, before, run_official_snapshot(previous))
    before = run_official_snapshot(run)
    EvaluationRun.objects.filter(pk=run.pk).update(is_official=official)
    run.is_official = official
    bump_generation()  # public fragments that show official runs are stale now
    audit_record(
        user,
        "run.official" if official else "run.unofficial",
        run,
        before,
        run_official_snapshot(run),
    )
    if published:
        _record_official_correction(user, run, earlier_shown, correction)
    return run


def _record_official_correction(user, run, earlier_shown, correction) -> None:
    from ..corrections import Change

    now_shown = _official_result(run) if run.is_official else None
    none = in_each_language(lambda: _("none"))
    change = Change(
        "official",
        in_each_language(
            lambda: _("Official result on %(benchmark)s") % {"benchmark": run.benchmark.name}
        ),
        {k: earlier_shown or none[k] for k in none},
        {k: now_shown or none[k] for k in none},
    )
    correction_record(
        user=user,
        kind="score",
        obj=run,
        phase=run.phase,
        team=run.team,
        model=run.model,
        changes=[change],
        before={"official": earlier_shown, "benchmark": run.benchmark.code},
        after={"official": now_shown, "benchmark": run.benchmark.code},
        reason=correction,
    )


def run_rerun(*, user, run):
    """A new run from the same input file (the original stays as it was)."""
    from django.core.files.storage import default_storage

    from evaluations.services import run_submit_path

    if not is_evaluator(user):
        raise NotAnEvaluator()
    new = run_submit_path(
        user=user,
        model=run.model,
        phase=run.phase,
        benchmark=run.benchmark,
        path=default_storage.path(run.input_file.name),
        mode=run.mode,
    )
    audit_record(user, "run.rerun", new, {"rerun_of": str(run.pk)}, {"run": str(new.pk)})
    return new


def run_cancel_by_evaluator(*, user, run) -> bool:
    from evaluations.services import run_cancel

    if not is_evaluator(user):
        raise NotAnEvaluator()
    cancelled = run_cancel(run=run, user=user)
    if cancelled:
        audit_record(user, "run.cancel", run, {"status": run.status}, {"status": "cancelled"})
    return cancelled
