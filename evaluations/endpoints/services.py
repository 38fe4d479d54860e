"""Writes for endpoint runs: endpoints, starting, asking in batches, pausing, and scoring.

A run's life: ``endpoint_run_start`` (queued) → ``endpoint_run_dispatch`` (running; one task a
batch) → ``endpoint_run_batch`` asks the endpoint for the batch's unanswered items and stores
each response once → when every item has a response, ``endpoint_run_finish`` writes the stored
answers as a predictions file and submits it as an ordinary run, which the scoring engine
scores with the benchmark's extraction mode (private until an evaluator marks it official).
A 401/403/404 or a wrong model fails the run at once; a run of failures pauses it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import AnswerKey, RunResult
from evaluations.services import (
    RunError,
    RunNotFound,
    run_submit_path,
    synthetic_mix_refusal,
)
from leaderboard.models import Mode, is_evaluator

from .admission import (  # noqa: F401  (re-exported: callers use the services module)
    endpoint_add,
    endpoint_approve,
    endpoint_config,
    endpoint_generation,
    endpoint_settings,
    keybox,
)
from .chat import ChatItem, ItemOutcome, Stop
from .client import EndpointClient
from .limits import EndpointLimiter, LimitSpec, limit_store
from .models import Endpoint, EndpointResponse, EndpointRun, HiddenItem, PromptTemplate
from .prompts import render
from .retry import RETRYABLE, RetryPolicy

log = logging.getLogger("kai.endpoints")
#: A running run whose batches stored nothing for this long may be resumed (its messages lost).
STALE_RUNNING_SECONDS = 600


# ---------------------------------------------------------------- starting


def _enqueue(task_name: str, *args) -> None:
    """Queue an endpoint task (imported here: tasks import this module)."""
    from . import tasks

    try:
        getattr(tasks, task_name).delay(*args)
    except Exception:  # the broker is down: resume re-queues
        log.warning("could not queue %s%s", task_name, args, exc_info=True)


def endpoint_run_start(*, user, endpoint: Endpoint, phase, benchmark) -> EndpointRun:
    """Start asking ``endpoint`` every hidden item of ``benchmark`` (evaluators only)."""
    if not is_evaluator(user):
        raise RunNotFound("No such endpoint.", code="not_found")
    if endpoint.state != Endpoint.State.APPROVED:
        raise RunError(_("The endpoint is not approved."), code="not_approved", field="endpoint")
    mix = synthetic_mix_refusal(phase=phase, benchmark=benchmark)
    if mix is not None:
        raise mix
    if not AnswerKey.objects.filter(benchmark=benchmark).exists():
        raise RunError(
            _("%(benchmark)s has no answer key on this site.") % {"benchmark": benchmark.code},
            code="no_answer_key",
            field="benchmark",
        )
    template = PromptTemplate.objects.filter(benchmark=benchmark).order_by("-version").first()
    count = HiddenItem.objects.filter(benchmark=benchmark).count()
    if template is None or count == 0:
        raise RunError(
            _("%(benchmark)s has no hidden prompts: import its key with questions or prompts.")
            % {"benchmark": benchmark.code},
            code="no_prompts",
            field="benchmark",
        )
    with transaction.atomic():
        run = EndpointRun.objects.create(
            endpoint=endpoint,
            model=endpoint.model,
            phase=phase,
            benchmark=benchmark,
            team=endpoint.model.team,
            template=template,
            mode=Mode.REASONING if endpoint.reasoning else Mode.NON_REASONING,
            card=endpoint_settings(endpoint),
            batch_size=settings.ENDPOINT_BATCH_SIZE,
            item_count=count,
            started_by=user if getattr(user, "pk", None) else None,
        )
        run.seed = (
            int.from_bytes(hashlib.sha256(str(run.pk).encode()).digest()[:4], "big") & 0x7FFFFFFF
        )
        run.save(update_fields=["seed"])
        transaction.on_commit(lambda: _enqueue("dispatch_endpoint_run_task", str(run.pk)))
    log.info("endpoint run state=queued run=%s endpoint=%s", run.pk, endpoint.pk)
    return run


def _item_ids(run: EndpointRun) -> list[str]:
    return list(
        HiddenItem.objects.filter(benchmark_id=run.benchmark_id)
        .order_by("position")
        .values_list("item_id", flat=True)
    )


def endpoint_run_dispatch(*, run_id) -> int:
    """queued → running, and one task for each batch that still has unanswered items."""
    now = timezone.now()
    claimed = EndpointRun.objects.filter(pk=run_id, status=EndpointRun.Status.QUEUED).update(
        status=EndpointRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        reason="",
        reason_code="",
    )
    if not claimed:
        return 0
    run = EndpointRun.objects.get(pk=run_id)
    ids = _item_ids(run)
    done = set(EndpointResponse.objects.filter(run=run).values_list("item_id", flat=True))
    batches = [
        index
        for index in range(0, max(1, -(-len(ids) // run.batch_size)))
        if any(i not in done for i in ids[index * run.batch_size : (index + 1) * run.batch_size])
    ]
    if not batches:
        _enqueue("finish_endpoint_run_task", str(run.pk))
        return 0
    for index in batches:
        _enqueue("endpoint_batch_task", str(run.pk), index)
    log.info("endpoint run state=running run=%s batches=%d", run.pk, len(batches))
    return len(batches)


# ---------------------------------------------------------------- asking


def _store(run: EndpointRun, outcome: ItemOutcome) -> bool:
    """Keep one item's response; False if it was already stored (a redelivered batch).

    An item that failed only for passing reasons (429, 5xx, timeouts, after every retry) is not
    kept: a resumed run asks it again. One the endpoint refused as a bad request is kept, with
    no answer (it counts as invalid).
    """
    if outcome.error_kind in RETRYABLE:
        return False
    try:
        with transaction.atomic():
            EndpointResponse.objects.create(
                run=run,
                item_id=outcome.item_id,
                text=outcome.text or "",
                finish_reason=outcome.finish_reason or "",
                tokens_in=outcome.tokens_in,
                tokens_out=outcome.tokens_out,
                latency_ms=outcome.latency_ms,
                attempts=outcome.attempts,
                retried=[str(kind) for kind in outcome.retried],
                error_kind=str(outcome.error_kind or ""),
                error=outcome.error or "",
            )
    except IntegrityError:
        return False
    EndpointRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    return True


def _limiter(endpoint: Endpoint, store) -> EndpointLimiter:
    """The endpoint's limits, shared by every worker through ``store`` (Redis when configured)."""
    spec = LimitSpec(
        max_in_flight=endpoint.max_in_flight, requests_per_minute=endpoint.requests_per_minute
    )
    return EndpointLimiter(store, f"endpoint-{endpoint.pk}", spec)


def _ask(run: EndpointRun, items: list[ChatItem], store) -> object:
    """Run the async batch in a thread of its own; store outcomes here, in the calling thread.

    The database is written from the caller's thread (its connection and transaction), as
    each outcome arrives, so a killed worker loses at most the answers in flight.
    """
    endpoint = run.endpoint
    config = endpoint_config(endpoint)
    generation = endpoint_generation(endpoint, seed=run.seed)
    policy = RetryPolicy(
        base_delay=settings.ENDPOINT_RETRY_BASE_DELAY, pause_after=settings.ENDPOINT_PAUSE_AFTER
    )
    inbox: queue.Queue = queue.Queue()

    async def go():
        store = limit_store(settings.REDIS_URL or None)
        limiter = _limiter(endpoint, store)
        try:
            async with (
                limiter,
                EndpointClient(
                    config, limiter=limiter, settings=generation, retry=policy
                ) as client,
            ):
                return await client.run_batch(items, on_outcome=lambda o: inbox.put(("outcome", o)))
        finally:
            await store.aclose()

    def runner():
        try:
            inbox.put(("done", asyncio.run(go())))
        except BaseException as exc:
            inbox.put(("error", exc))

    thread = threading.Thread(target=runner, name=f"endpoint-run-{run.pk}", daemon=True)
    thread.start()
    while True:
        kind, value = inbox.get()
        if kind == "outcome":
            store(value)
        elif kind == "error":
            thread.join()
            raise value
        else:
            thread.join()
            return value


def endpoint_run_batch(*, run_id, index: int) -> None:
    """Ask the endpoint the batch's unanswered items; fail, pause or finish the run as due."""
    run = EndpointRun.objects.select_related("endpoint", "template").filter(pk=run_id).first()
    if run is None or run.status != EndpointRun.Status.RUNNING:
        return
    ids = _item_ids(run)[index * run.batch_size : (index + 1) * run.batch_size]
    done = set(
        EndpointResponse.objects.filter(run=run, item_id__in=ids).values_list("item_id", flat=True)
    )
    hidden = {
        h.item_id: h
        for h in HiddenItem.objects.filter(benchmark_id=run.benchmark_id, item_id__in=ids)
    }
    items = [
        ChatItem(item_id, messages=tuple(render(hidden[item_id], run.template)))
        for item_id in ids
        if item_id not in done
    ]
    if items:
        result = _ask(run, items, lambda outcome: _store(run, outcome))
        if result.stopped is not None:
            _stop(run, result.stopped)
            return
        answered = EndpointResponse.objects.filter(run=run, item_id__in=ids).count()
        if answered < len(ids):
            _stop(
                run,
                Stop(
                    "paused",
                    "unanswered",
                    _("%(count)d items got no answer after every retry")
                    % {"count": len(ids) - answered},
                ),
            )
            return
    if EndpointResponse.objects.filter(run=run).count() >= run.item_count:
        _enqueue("finish_endpoint_run_task", str(run.pk))


def _stop(run: EndpointRun, stop) -> None:
    """Fail the run (fix the endpoint) or pause it (resume later), once."""
    if stop.kind == "fatal":
        status = EndpointRun.Status.FAILED
        reason = _("The endpoint refused the run (%(kind)s): %(message)s") % {
            "kind": stop.error_kind,
            "message": stop.message,
        }
    else:
        status = EndpointRun.Status.PAUSED
        reason = _("Paused: %(message)s. Resume when the endpoint works again.") % {
            "message": stop.message
        }
    changed = EndpointRun.objects.filter(pk=run.pk, status=EndpointRun.Status.RUNNING).update(
        status=status,
        reason_code=str(stop.error_kind),
        reason=reason,
        finished_at=timezone.now() if status == EndpointRun.Status.FAILED else None,
    )
    if changed:
        log.info("endpoint run state=%s run=%s kind=%s", status, run.pk, stop.error_kind)


def endpoint_run_pause(*, run: EndpointRun, user) -> bool:
    if not is_evaluator(user):
        raise RunNotFound("No such run.", code="not_found")
    return bool(
        EndpointRun.objects.filter(
            pk=run.pk, status__in=[EndpointRun.Status.QUEUED, EndpointRun.Status.RUNNING]
        ).update(
            status=EndpointRun.Status.PAUSED,
            reason_code="by_evaluator",
            reason=_("Paused by an evaluator."),
        )
    )


def endpoint_run_resume(*, run: EndpointRun, user) -> bool:
    """paused → queued, and dispatch again: only the unanswered items are asked."""
    if not is_evaluator(user):
        raise RunNotFound("No such run.", code="not_found")
    stale = timezone.now() - timedelta(seconds=STALE_RUNNING_SECONDS)
    with transaction.atomic():
        # A paused run, or a running one whose batches stopped reporting (a lost message).
        resumed = (
            EndpointRun.objects.filter(pk=run.pk)
            .filter(
                Q(status=EndpointRun.Status.PAUSED)
                | Q(status=EndpointRun.Status.RUNNING, heartbeat_at__lt=stale)
            )
            .update(status=EndpointRun.Status.QUEUED)
        )
        if resumed:
            transaction.on_commit(lambda: _enqueue("dispatch_endpoint_run_task", str(run.pk)))
    return bool(resumed)


# ---------------------------------------------------------------- scoring


class _OperatorUser:
    """The organizer acting through a task when the starting evaluator is unknown."""

    is_authenticated = True
    is_superuser = True
    pk = id = None


def answers_jsonl(run: EndpointRun) -> bytes:
    """The stored answers as a predictions file (a failed item has no prediction)."""
    lines = [
        orjson.dumps({"id": item_id, "prediction": text or None})
        for item_id, text in EndpointResponse.objects.filter(run=run)
        .order_by("item_id")
        .values_list("item_id", "text")
    ]
    return b"\n".join(lines) + b"\n"


def endpoint_run_finish(*, run_id) -> None:
    """Once every item has a response: submit the stored answers as a run to be scored, once."""
    with transaction.atomic():
        run = (
            EndpointRun.objects.select_for_update(of=("self",))
            .select_related("model", "phase", "benchmark", "started_by")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != EndpointRun.Status.RUNNING or run.evaluation_run_id:
            return
        if EndpointResponse.objects.filter(run=run).count() < run.item_count:
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"endpoint-run-{run.pk}.jsonl"
            path.write_bytes(answers_jsonl(run))
            try:
                scored = run_submit_path(
                    user=run.started_by or _OperatorUser(),
                    model=run.model,
                    phase=run.phase,
                    benchmark=run.benchmark,
                    path=path,
                    mode=run.mode,
                )
            except RunError as exc:
                EndpointRun.objects.filter(pk=run.pk).update(
                    status=EndpointRun.Status.FAILED,
                    reason_code=exc.code[:40],
                    reason=exc.message,
                    finished_at=timezone.now(),
                )
                log.warning("endpoint run state=failed run=%s code=%s", run.pk, exc.code)
                return
        # Queued after the scoring (on_commit runs callbacks in order); it waits for the result.
        transaction.on_commit(lambda: _enqueue("scrub_feedback_task", str(run.pk)))
        run.evaluation_run = scored
        run.status = EndpointRun.Status.ANSWERED
        run.finished_at = timezone.now()
        run.save(update_fields=["evaluation_run", "status", "finished_at"])
    log.info("endpoint run state=answered run=%s scored_as=%s", run.pk, scored.pk)


#: What a team's feedback shows instead of an endpoint run's answer as written: models often
#: repeat the question before answering, and the questions are hidden.
HIDDEN_PREDICTION = RunResult.HIDDEN_PREDICTION


def endpoint_run_scrub_feedback(*, run_id) -> bool:
    """Remove the answers as written from the scored run's feedback; False until it is scored.

    The feedback keeps, per reason, the count, line numbers and what was read; the evaluators
    see every stored answer on the endpoint run's own page.
    """
    run = EndpointRun.objects.select_related("evaluation_run").filter(pk=run_id).first()
    scored = run.evaluation_run if run else None
    if scored is None:
        return True
    if not scored.is_final:
        return False
    result = RunResult.objects.filter(run=scored).first()
    if result is None:
        return True
    feedback = dict(result.feedback or {})
    for reason in feedback.get("reasons", []):
        for example in reason.get("examples", []):
            example["prediction"] = HIDDEN_PREDICTION
    RunResult.objects.filter(pk=result.pk).update(feedback=feedback)
    return True
