"""Writes for evaluation runs: answer keys, submission, scoring, cancellation and the sweeper."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from leaderboard.audit import audit_record, score_snapshot
from leaderboard.models import (
    Benchmark,
    FoundationModel,
    Phase,
    PhaseParticipant,
    Reporter,
    Score,
    Team,
    is_evaluator,
    team_ids_of,
)

from .models import AnswerKey, EvaluationRun, RunCategoryResult, RunChunk, RunResult
from .scoring.answer_key import parse_answer_key, write_answer_key
from .scoring.chunks import merge_chunks, plan_chunks, score_chunk
from .scoring.engine import ScoreResult, ScoringOptions, score_file
from .scoring.errors import AnswerKeyError, PredictionFileError
from .scoring.predictions import check_head, sniff_format

log = logging.getLogger("kai.runs")

SCORABLE_METRICS = {
    Benchmark.Metric.ACCURACY: "accuracy",
    Benchmark.Metric.EXACT_MATCH: "exact_match",
    Benchmark.Metric.PASS_AT_K: "pass_at_k",
}
MAX_ATTEMPTS = 3


# A failed run's message is stored in English and shown in the reader's language
# (EvaluationRun.error_message_display), so these are marked for translation, not translated.
ANSWER_KEY_MISSING = gettext_noop(
    "The benchmark's answer key is missing on the server; the evaluators have been told."
)
UPLOAD_MISSING = gettext_noop(
    "The uploaded file is missing on the server; please submit it again. "
    "This run does not count toward your quota."
)
GAVE_UP = gettext_noop(
    "The run could not be scored after several attempts; the evaluators have been told. "
    "This run does not count toward your quota."
)


class RunError(Exception):
    """A run cannot be submitted or changed as asked; `message` says why, `field` where."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class RunNotFound(RunError):
    """The run or the model does not exist for this user (answered as 404, never 403)."""


class QuotaExceeded(RunError):
    pass


class SubmissionRefused(RunError):
    """A team member may not submit to this phase now; the message says why, in the user's language."""


# ---------------------------------------------------------------- answer keys


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def answer_key_import(*, benchmark: Benchmark, path: Path, user=None) -> AnswerKey:
    """Validate a JSONL answer key and store it server-side; on any problem nothing is stored."""
    metric = SCORABLE_METRICS.get(benchmark.metric)
    if metric is None:
        raise AnswerKeyError(
            "unscorable_metric",
            f"Benchmark {benchmark.code} uses the metric '{benchmark.metric}', which the scoring "
            "engine does not compute; set it to accuracy, exact match or pass@k first.",
        )
    key = parse_answer_key(path, metric=metric)
    sha = _sha256(Path(path))
    relative = f"{benchmark.code}-{sha[:16]}.parquet"
    root = Path(settings.ANSWER_KEY_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    write_answer_key(key, root / relative)
    with transaction.atomic():
        stored, _ = AnswerKey.objects.update_or_create(
            benchmark=benchmark,
            defaults={
                "path": relative,
                "item_count": len(key),
                "category_count": len(key.categories),
                "sha256": sha,
                "imported_by": user,
                "imported_at": timezone.now(),
            },
        )
        if benchmark.item_count is None:
            Benchmark.objects.filter(pk=benchmark.pk).update(item_count=len(key))
    log.info("answer key imported benchmark=%s items=%d", benchmark.code, len(key))
    return stored


# ---------------------------------------------------------------- submission


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


def _enqueue(run_id) -> None:
    from .tasks import score_run_task

    try:
        score_run_task.delay(str(run_id))
    except Exception:  # the broker is down: the run stays queued and the sweeper re-queues it
        log.warning("could not queue run=%s; the sweeper will retry", run_id, exc_info=True)
        return
    EvaluationRun.objects.filter(pk=run_id).update(enqueued_count=F("enqueued_count") + 1)


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


def scoring_options(benchmark: Benchmark) -> ScoringOptions:
    """How a benchmark's predictions are read: its extraction mode and settings."""
    return ScoringOptions(
        extraction=benchmark.extraction,
        numbered_choices=benchmark.numbered_choices,
        fractions=benchmark.fraction_equals_decimal,
        max_samples=benchmark.max_samples
        if benchmark.metric == Benchmark.Metric.PASS_AT_K
        else None,
    )


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
                "The file is %(size)s bytes; the limit is %(limit)s bytes (%(mb)s MB). Nothing was saved."
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
            _("%(problem)s Nothing was saved.") % {"problem": exc.message},
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
        transaction.on_commit(lambda: _enqueue(run.id))
    return run


def run_submit_path(*, user, model, phase, benchmark, path: Path, **kwargs) -> EvaluationRun:
    """`run_submit` for a file on disk (management commands, the demo pack)."""
    with open(path, "rb") as fh:
        upload = File(fh, name=Path(path).name)
        upload.size = os.path.getsize(path)
        return run_submit(
            user=user, model=model, phase=phase, benchmark=benchmark, upload=upload, **kwargs
        )


# ---------------------------------------------------------------- scoring


@dataclass
class _Progress:
    """Saves progress at most about once a second, and only while the run is still running."""

    run_id: object
    interval: float = 1.0
    last: float = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        fraction = min(1.0, done / total) if total else 0.0
        EvaluationRun.objects.filter(pk=self.run_id, status=EvaluationRun.Status.RUNNING).update(
            progress=fraction, heartbeat_at=timezone.now()
        )


def _finish_failed(run_id, *, kind: str, code: str, message: str, log_line: str = "") -> None:
    updated = EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.RUNNING).update(
        status=EvaluationRun.Status.FAILED,
        failure_kind=kind,
        error_code=code,
        error_message=message,
        log=log_line,
        finished_at=timezone.now(),
    )
    if updated:
        log.info("run state=failed run=%s kind=%s code=%s", run_id, kind, code)


def run_claim(*, run_id) -> bool:
    """queued → running in one conditional UPDATE; False if another delivery got there first."""
    now = timezone.now()
    claimed = EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.QUEUED).update(
        status=EvaluationRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0.0,
    )
    if claimed:
        log.info("run state=running run=%s", run_id)
    return bool(claimed)


def run_score(*, run_id) -> None:
    """Score one run, exactly once: claim it, score the file, write all results in one transaction."""
    if not run_claim(run_id=run_id):
        return
    run = EvaluationRun.objects.select_related("benchmark", "model", "phase").get(pk=run_id)
    benchmark = run.benchmark
    try:
        key = AnswerKey.objects.get(benchmark=benchmark)
    except AnswerKey.DoesNotExist:
        _finish_failed(
            run_id,
            kind=EvaluationRun.FailureKind.SERVER,
            code="no_answer_key",
            message=ANSWER_KEY_MISSING,
        )
        return
    source = Path(default_storage.path(run.input_file.name))
    metric = SCORABLE_METRICS[benchmark.metric]
    try:
        if _chunked(run):
            plan = plan_chunks(source, target_bytes=settings.RUN_CHUNK_BYTES, fmt=run.file_format)
            if len(plan) > 1:
                _start_chunks(run, plan)
                return
        result = score_file(
            predictions_path=source,
            key_path=key.full_path,
            metric=metric,
            k=benchmark.pass_k,
            options=scoring_options(benchmark),
            fmt=run.file_format,
            progress=_Progress(run_id),
        )
    except PredictionFileError as exc:
        _fail_for_file(run_id, exc)
        return
    except FileNotFoundError:
        _fail_missing_file(run_id)
        return
    _save_result(run, result)


def _fail_for_file(run_id, exc: PredictionFileError) -> None:
    _finish_failed(
        run_id,
        kind=EvaluationRun.FailureKind.FILE,
        code=exc.code,
        message=exc.message,
        log_line=f"line={exc.line} field={exc.field} code={exc.code}",
    )


def _fail_missing_file(run_id) -> None:
    _finish_failed(
        run_id,
        kind=EvaluationRun.FailureKind.SERVER,
        code="file_missing",
        message=UPLOAD_MISSING,
    )


# ---------------------------------------------------------------- chunked scoring


def _chunked(run: EvaluationRun) -> bool:
    """Large runs are split so that several workers score them in parallel."""
    return run.file_size > settings.RUN_CHUNK_BYTES


def _start_chunks(run: EvaluationRun, plan) -> None:
    """Record the chunks of this attempt and queue one task per chunk."""
    from .tasks import score_chunk_task

    with transaction.atomic():
        RunChunk.objects.filter(run=run).delete()  # a previous attempt's chunks, if any
        RunChunk.objects.bulk_create(
            [
                RunChunk(run=run, index=i, start=start, end=end, first_line_no=first)
                for i, (start, end, first) in enumerate(plan)
            ]
        )
        for index in range(len(plan)):
            transaction.on_commit(lambda index=index: score_chunk_task.delay(str(run.pk), index))
    log.info("run state=running run=%s chunks=%d", run.pk, len(plan))


def run_score_chunk(*, run_id, index: int) -> None:
    """Score one chunk; the chunk that completes the set merges them and saves the result."""
    run = EvaluationRun.objects.select_related("benchmark").filter(pk=run_id).first()
    chunk = RunChunk.objects.filter(run_id=run_id, index=index).first()
    if run is None or chunk is None or chunk.tally is not None:
        return  # another delivery did it, or the attempt was replaced
    if run.status != EvaluationRun.Status.RUNNING:
        return
    source = Path(default_storage.path(run.input_file.name))
    key = AnswerKey.objects.get(benchmark=run.benchmark)
    metric = SCORABLE_METRICS[run.benchmark.metric]
    try:
        tally = score_chunk(
            predictions_path=source,
            key_path=key.full_path,
            metric=metric,
            k=run.benchmark.pass_k,
            start=chunk.start,
            end=chunk.end,
            first_line_no=chunk.first_line_no,
            fmt=run.file_format,
            record_errors=True,
            options=scoring_options(run.benchmark),
        )
    except FileNotFoundError:
        _fail_missing_file(run_id)
        return
    with transaction.atomic():
        locked = EvaluationRun.objects.select_for_update().get(pk=run_id)
        if locked.status != EvaluationRun.Status.RUNNING:
            return
        updated = RunChunk.objects.filter(pk=chunk.pk, tally__isnull=True).update(
            tally=tally.to_dict(), done_at=timezone.now()
        )
        if not updated:
            return
        chunks = list(RunChunk.objects.filter(run_id=run_id).order_by("index"))
        done = sum(c.tally is not None for c in chunks)
        EvaluationRun.objects.filter(pk=run_id).update(
            progress=min(0.99, done / len(chunks)), heartbeat_at=timezone.now()
        )
        if done < len(chunks):
            return
    _merge_chunks(run, key, [c.tally for c in chunks])


def _merge_chunks(run: EvaluationRun, key: AnswerKey, tallies: list[dict]) -> None:
    try:
        result = merge_chunks(
            tallies,
            predictions_path=Path(default_storage.path(run.input_file.name)),
            key_path=key.full_path,
            metric=SCORABLE_METRICS[run.benchmark.metric],
            k=run.benchmark.pass_k,
            options=scoring_options(run.benchmark),
        )
    except PredictionFileError as exc:
        _fail_for_file(run.pk, exc)
        return
    _save_result(run, result)


def result_figures(result: ScoreResult) -> list[dict]:
    """The score under each extraction mode, as stored with the run's result."""
    return [
        {
            "extraction": figure.extraction,
            "value": figure.value,
            "interval_low": figure.interval_low,
            "interval_high": figure.interval_high,
            "correct": figure.correct,
            "invalid": figure.invalid,
        }
        for figure in result.figures
    ]


def result_feedback(result: ScoreResult) -> dict:
    """Why items did not count (count and first examples per reason) and ignored fields."""
    return {
        "reasons": [
            {
                "reason": summary.reason,
                "count": summary.count,
                "examples": [
                    {"line": ex.line, "prediction": ex.prediction, "extracted": ex.extracted}
                    for ex in summary.examples
                ],
            }
            for summary in result.reasons
        ],
        "ignored_fields": [{"name": name, "count": count} for name, count in result.ignored_fields],
        "ignored_field_lines": result.ignored_field_lines,
    }


def _save_result(run: EvaluationRun, result: ScoreResult) -> None:
    with transaction.atomic():
        locked = EvaluationRun.objects.select_for_update().filter(pk=run.pk).first()
        if locked is None or locked.status != EvaluationRun.Status.RUNNING:
            return  # cancelled or finished meanwhile: write nothing
        try:
            with transaction.atomic():
                RunResult.objects.create(
                    run=run,
                    value=result.value,
                    interval_low=min(result.interval_low, result.value),
                    interval_high=max(result.interval_high, result.value),
                    method=result.method,
                    item_count=result.item_count,
                    answered=result.answered,
                    missing=result.missing,
                    invalid=result.invalid,
                    micro=result.micro,
                    macro=result.macro,
                    extraction=result.extraction or "",
                    figures=result_figures(result),
                    feedback=result_feedback(result),
                )
        except IntegrityError:
            return  # a second delivery: the first one's results stand
        RunCategoryResult.objects.bulk_create(
            [
                RunCategoryResult(
                    run=run,
                    category=c.category,
                    items=c.items,
                    value=c.value,
                    interval_low=min(c.interval_low, c.value),
                    interval_high=max(c.interval_high, c.value),
                )
                for c in result.categories
            ]
        )
        value = round(result.value, 3)
        score = Score.objects.create(
            model=run.model,
            benchmark=run.benchmark,
            phase=run.phase,
            value=value,
            decimals=1,
            interval_low=min(round(result.interval_low, 3), value),
            interval_high=max(round(result.interval_high, 3), value),
            item_count=result.item_count,
            mode=run.mode,
            setup=f"organizer run {run.pk}",
            reporter=Reporter.ORGANIZER,
            source_title="K-AI Leaderboard evaluation run",
            run=run,
            is_demo=run.is_demo,
        )
        audit_record(run.submitted_by, "score.import", score, None, score_snapshot(score))
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.SUCCEEDED,
            progress=1.0,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    log.info("run state=succeeded run=%s value=%.3f", run.pk, result.value)


def run_fail_for_server(*, run_id, message: str, code: str = "server_error") -> None:
    """End a running run as failed for the server's own reasons (does not count toward quota)."""
    _finish_failed(run_id, kind=EvaluationRun.FailureKind.SERVER, code=code, message=message)


def run_release(*, run_id) -> bool:
    """running → queued, so a retry can claim it again (after a transient error)."""
    return bool(
        EvaluationRun.objects.filter(pk=run_id, status=EvaluationRun.Status.RUNNING).update(
            status=EvaluationRun.Status.QUEUED, enqueued_at=timezone.now()
        )
    )


def run_cancel(*, run: EvaluationRun, user) -> bool:
    """Cancel a queued or running run (evaluators, or the submitting team); False if it was final."""
    if not (is_evaluator(user) or (run.team_id and run.team_id in team_ids_of(user))):
        raise RunNotFound(_("No such run."), code="not_found")
    cancelled = EvaluationRun.objects.filter(
        pk=run.pk, status__in=[EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING]
    ).update(status=EvaluationRun.Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        log.info("run state=cancelled run=%s by=%s", run.pk, user.pk)
    return bool(cancelled)


# ---------------------------------------------------------------- sweeper


@dataclass
class SweepReport:
    requeued: int = 0
    reset: int = 0
    failed: int = 0


def runs_sweep(*, now=None) -> SweepReport:
    """Re-queue runs stuck in the queue and reset runs whose worker stopped; give up after 3."""
    now = now or timezone.now()
    report = SweepReport()
    stale_running = now - timedelta(seconds=settings.RUN_STALE_SECONDS)
    for run in EvaluationRun.objects.filter(
        status=EvaluationRun.Status.RUNNING, heartbeat_at__lt=stale_running
    ).only("pk", "attempts"):
        if run.attempts >= MAX_ATTEMPTS:
            _finish_failed(
                run.pk,
                kind=EvaluationRun.FailureKind.SERVER,
                code="gave_up",
                message=GAVE_UP,
            )
            report.failed += 1
        elif EvaluationRun.objects.filter(
            pk=run.pk, status=EvaluationRun.Status.RUNNING, heartbeat_at__lt=stale_running
        ).update(status=EvaluationRun.Status.QUEUED, enqueued_at=now):
            log.info("run state=queued run=%s reason=stale-worker", run.pk)
            report.reset += 1
            _enqueue(run.pk)
    stale_queued = now - timedelta(seconds=settings.RUN_QUEUE_STALE_SECONDS)
    for run in EvaluationRun.objects.filter(
        status=EvaluationRun.Status.QUEUED, enqueued_at__lt=stale_queued
    ).only("pk", "attempts", "enqueued_count"):
        if run.attempts >= MAX_ATTEMPTS or run.enqueued_count >= MAX_ATTEMPTS + 3:
            EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.QUEUED).update(
                status=EvaluationRun.Status.FAILED,
                failure_kind=EvaluationRun.FailureKind.SERVER,
                error_code="gave_up",
                error_message=GAVE_UP,
                finished_at=now,
            )
            report.failed += 1
            continue
        EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.QUEUED).update(
            enqueued_at=now
        )
        report.requeued += 1
        _enqueue(run.pk)
    return report


def temp_copy(path: Path) -> Path:
    """A private temporary copy of a file (the caller deletes it)."""
    fd, name = tempfile.mkstemp(suffix=Path(path).suffix)
    with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
        shutil.copyfileobj(src, out)
    return Path(name)
