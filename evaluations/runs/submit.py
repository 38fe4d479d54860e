"""Submit a run: who may submit what and when, the quota, the upload, then queue it."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.models import (
    Benchmark,
    FoundationModel,
    Phase,
    PhaseParticipant,
    Team,
    is_evaluator,
    team_ids_of,
)

from ..models import AnswerKey, EvaluationRun
from ..scoring.errors import PredictionFileError
from ..scoring.predictions import check_head, sniff_format
from .queue import score_run_later
from .rules import (
    SCORABLE_METRICS,
    QuotaExceeded,
    RunError,
    RunNotFound,
    SubmissionRefused,
    file_problem_text,
    log,
    scoring_options,
)


def can_submit_for(*, user, model: FoundationModel) -> bool:
    if is_evaluator(user):
        return True
    return model.team_id is not None and model.team_id in team_ids_of(user)


def submittable_models(*, user):
    if is_evaluator(user):
        return FoundationModel.objects.all()
    return FoundationModel.objects.filter(team_id__in=team_ids_of(user))


def _seoul(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def submission_refusal(*, user, model: FoundationModel, phase: Phase, now=None):
    """Why this user may not submit a run of this model to this phase now (None: they may).

    Evaluators may submit at any time. A team member may submit only for a phase their team takes
    part in, inside its submission window, before its announcement and while it is not concluded;
    the demonstration phase takes no team runs. Each case has its own message.
    """
    if is_evaluator(user):
        return None
    now = now or timezone.now()
    names = {"phase": phase.name}
    if phase.is_demo:
        return SubmissionRefused(
            _("%(phase)s is a demonstration with synthetic data: it takes no team runs.") % names,
            code="demo_phase",
            field="phase",
        )
    if not PhaseParticipant.objects.filter(phase=phase, team_id=model.team_id).exists():
        team = model.team.name if model.team_id else model.name
        return SubmissionRefused(
            _("%(team)s does not take part in %(phase)s, so it cannot submit runs for it.")
            % (names | {"team": team}),
            code="not_a_participant",
            field="phase",
        )
    if phase.is_published(now):
        return SubmissionRefused(
            _(
                "The results of %(phase)s were announced on %(date)s (Asia/Seoul); "
                "no more runs can be submitted for it."
            )
            % (names | {"date": _seoul(phase.announcement_at)}),
            code="announced",
            field="phase",
        )
    if phase.status == Phase.Status.CONCLUDED:
        return SubmissionRefused(
            _("%(phase)s is concluded; no more runs can be submitted for it.") % names,
            code="concluded",
            field="phase",
        )
    if phase.submission_opens is None or phase.submission_closes is None:
        return SubmissionRefused(
            _("Submissions for %(phase)s are not open: its submission window is not set yet.")
            % names,
            code="window_not_set",
            field="phase",
        )
    if now < phase.submission_opens:
        return SubmissionRefused(
            _("Submissions for %(phase)s open on %(date)s (Asia/Seoul).")
            % (names | {"date": _seoul(phase.submission_opens)}),
            code="window_not_open",
            field="phase",
        )
    if now >= phase.submission_closes:
        return SubmissionRefused(
            _("Submissions for %(phase)s closed on %(date)s (Asia/Seoul).")
            % (names | {"date": _seoul(phase.submission_closes)}),
            code="window_closed",
            field="phase",
        )
    return None


def synthetic_mix_refusal(*, phase: Phase, benchmark: Benchmark) -> RunError | None:
    """A synthetic (DEMO) benchmark runs only in the demonstration phase: its score in a
    program phase would read as a real one. The one rule for file and endpoint runs."""
    if benchmark.is_demo and not phase.is_demo:
        return RunError(
            _(
                "%(benchmark)s is a synthetic demo benchmark: it can be run only in the "
                "demonstration phase, never in %(phase)s. Nothing was started."
            )
            % {"benchmark": benchmark.name, "phase": phase.name},
            code="demo_benchmark",
            field="benchmark",
        )
    return None


def submittable_phases(*, user, now=None):
    """The phases this user may submit runs to now: all for evaluators; for a team member, the
    phases their team takes part in whose submission window is open (never the demo phase)."""
    if is_evaluator(user):
        return Phase.objects.all()
    now = now or timezone.now()
    return (
        Phase.objects.filter(
            participations__team_id__in=team_ids_of(user),
            is_demo=False,
            submission_opens__lte=now,
            submission_closes__gt=now,
        )
        .exclude(status=Phase.Status.CONCLUDED)
        .exclude(announcement_at__lte=now)
        .distinct()
    )


def _quota_window_start(now):
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _save_upload(upload, run_id) -> tuple[str, Path]:
    """Store the uploaded file under MEDIA_ROOT/runs/<id>/; returns (storage name, local path)."""
    filename = os.path.basename(getattr(upload, "name", "") or "predictions.jsonl")[:200]
    if hasattr(upload, "seek"):
        upload.seek(0)
    name = default_storage.save(f"runs/{run_id}/{filename}", File(upload))
    return name, Path(default_storage.path(name))


def _retry_when_locked(write, attempts: int = 6):
    """Run ``write`` (a whole transaction) again when the embedded SQLite database was busy.

    With WAL, IMMEDIATE transactions and a busy timeout (settings) a second writer waits for
    the first; this is the belt to those braces: a few retries with backoff, SQLite only,
    never inside an outer transaction (which the retry could not repeat).
    """
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as exc:
            retry = (
                connection.vendor == "sqlite"
                and "locked" in str(exc)
                and not connection.in_atomic_block
                and attempt < attempts - 1
            )
            if not retry:
                raise
            log.warning("database busy; retrying the submission (attempt %d)", attempt + 2)
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def run_submit(
    *,
    user,
    model: FoundationModel,
    phase: Phase,
    benchmark: Benchmark,
    upload,
    mode: str = "reasoning",
    now=None,
) -> EvaluationRun:
    """Check and save a predictions file as a queued run; queue its scoring once committed.

    A run in the demonstration phase is a demo run; a run submitted by an evaluator says so.
    """
    now = now or timezone.now()
    if not can_submit_for(user=user, model=model):
        raise RunNotFound(_("No such model."), code="not_found", field="model")
    refusal = submission_refusal(user=user, model=model, phase=phase, now=now)
    if refusal is not None:
        raise refusal
    mix = synthetic_mix_refusal(phase=phase, benchmark=benchmark)
    if mix is not None:
        raise mix
    metric = SCORABLE_METRICS.get(benchmark.metric)
    if metric is None or not AnswerKey.objects.filter(benchmark=benchmark).exists():
        raise RunError(
            _("%(benchmark)s has no answer key on this site, so runs cannot be scored for it.")
            % {"benchmark": benchmark.name},
            code="no_answer_key",
            field="benchmark",
        )
    size = getattr(upload, "size", None)
    limit = settings.RUN_UPLOAD_MAX_BYTES
    if size is None or size > limit:
        raise RunError(
            _(
                "The file is %(size)s bytes; the limit is %(limit)s bytes (%(mb)s MB). "
                "Nothing was saved."
            )
            % {"size": f"{size or 0:,}", "limit": f"{limit:,}", "mb": limit // (1024 * 1024)},
            code="file_too_large",
            field="upload",
        )
    if size == 0:
        raise RunError(
            _("The file is empty. Nothing was saved."), code="empty_file", field="upload"
        )

    run_id = EvaluationRun._meta.get_field("id").default()
    name, local_path = _save_upload(upload, run_id)
    try:
        fmt = sniff_format(local_path)
        check_head(
            local_path,
            metric=metric,
            k=benchmark.pass_k,
            fmt=fmt,
            max_samples=scoring_options(benchmark).max_samples,
        )
        run = _retry_when_locked(
            lambda: _queue_run(
                user=user,
                model=model,
                phase=phase,
                benchmark=benchmark,
                run_id=run_id,
                name=name,
                size=size,
                fmt=fmt,
                mode=mode,
                now=now,
            )
        )
    except PredictionFileError as exc:
        default_storage.delete(name)
        raise RunError(
            _("%(problem)s Nothing was saved.") % {"problem": file_problem_text(exc)},
            code=exc.code,
            field="upload",
        ) from exc
    except BaseException:
        default_storage.delete(name)
        raise
    log.info(
        "run state=queued run=%s model=%s benchmark=%s phase=%s size=%d",
        run.id,
        model.slug,
        benchmark.code,
        phase.slug,
        size,
    )
    return run


def _queue_run(
    *, user, model, phase, benchmark, run_id, name, size, fmt, mode, now
) -> EvaluationRun:
    """The quota check and the new queued run, in one transaction."""
    with transaction.atomic():
        team = model.team
        counted = team is not None and not is_evaluator(user)
        if counted:
            # Lock the team row so that parallel submissions count one after another.
            Team.objects.select_for_update().get(pk=team.pk)
            used = (
                EvaluationRun.objects.filter(
                    team=team, phase=phase, created_at__gte=_quota_window_start(now)
                )
                .counting_toward_quota()
                .count()
            )
            quota = settings.RUN_DAILY_QUOTA
            if used >= quota:
                raise QuotaExceeded(
                    _(
                        "Your team has used its %(quota)s runs for %(phase)s today "
                        "(Asia/Seoul). Runs that failed because of the server, and runs cancelled "
                        "before they started, do not count. Try again tomorrow."
                    )
                    % {"quota": quota, "phase": phase.name},
                    code="quota_exceeded",
                )
        run = EvaluationRun.objects.create(
            id=run_id,
            model=model,
            phase=phase,
            benchmark=benchmark,
            team=team,
            mode=mode,
            submitted_by=user if getattr(user, "pk", None) else None,
            input_file=name,
            original_filename=os.path.basename(name),
            file_size=size,
            file_format=fmt,
            seed=int.from_bytes(hashlib.sha256(str(run_id).encode()).digest()[:4], "big")
            & 0x7FFFFFFF,
            created_at=now,
            enqueued_at=now,
            is_demo=phase.is_demo,
            submitted_as=EvaluationRun.SubmittedAs.EVALUATOR
            if is_evaluator(user)
            else EvaluationRun.SubmittedAs.TEAM,
        )
        transaction.on_commit(lambda: score_run_later(run.id))
    return run


def run_submit_path(*, user, model, phase, benchmark, path: Path, **kwargs) -> EvaluationRun:
    """`run_submit` for a file on disk (management commands, the demo pack)."""
    with open(path, "rb") as fh:
        upload = File(fh, name=Path(path).name)
        upload.size = os.path.getsize(path)
        return run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload, **kwargs
        )
