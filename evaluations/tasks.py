"""Celery tasks: load by id, call a service. Expected failures are run states, not exceptions."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu.exceptions import OperationalError as BrokerError

from . import services

log = logging.getLogger("kai.runs")
TRANSIENT = (OperationalError, InterfaceError, BrokerError)
# Scoring tasks: acknowledged once done, so a killed worker's task is delivered again.
SCORING = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": services.MAX_ATTEMPTS,
    "queue": "scoring",
}


@shared_task(**SCORING)
def score_run_task(self, run_id: str) -> None:
    """Score one evaluation run (safe to deliver twice: the claim lets only one through)."""
    try:
        services.run_score(run_id=run_id)
    except SoftTimeLimitExceeded:
        services.run_fail_for_server(
            run_id=run_id,
            code="time_limit",
            message="Scoring took longer than the time limit; the evaluators have been told. "
            "This run does not count toward your quota.",
        )
    except TRANSIENT as exc:
        # The database or broker dropped: free the run for the retry, then back off and retry.
        close_old_connections()
        try:
            services.run_release(run_id=run_id)
        except TRANSIENT:
            log.warning("could not release run=%s; the sweeper will", run_id)
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    except Exception:
        log.exception("run=%s failed for the server's own reasons", run_id)
        services.run_fail_for_server(
            run_id=run_id,
            message="Scoring failed because of a problem on the server; the evaluators have been "
            "told. This run does not count toward your quota.",
        )


@shared_task(**SCORING)
def score_chunk_task(self, run_id: str, index: int) -> None:
    """Score one chunk of a large run; the last chunk to finish merges and saves the result."""
    try:
        services.run_score_chunk(run_id=run_id, index=index)
    except TRANSIENT as exc:
        close_old_connections()
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    except Exception:
        log.exception("run=%s chunk=%s failed for the server's own reasons", run_id, index)
        services.run_fail_for_server(
            run_id=run_id,
            message="Scoring failed because of a problem on the server; the evaluators have been "
            "told. This run does not count toward your quota.",
        )


@shared_task(queue="default")
def sweep_runs_task() -> dict:
    """Re-queue stuck runs; a cache lock keeps two sweeps from overlapping."""
    if not cache.add("kai:sweep-lock", "1", timeout=300):
        return {"skipped": True}
    try:
        report = services.runs_sweep()
    finally:
        cache.delete("kai:sweep-lock")
    return report.__dict__
