"""Celery tasks of endpoint runs: load by id, call a service; safe to deliver twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from . import services
from .models import EndpointRun

log = logging.getLogger("kai.endpoints")
TRANSIENT = (OperationalError, InterfaceError, BrokerError)


def _fail_for_server(run_id: str) -> None:
    EndpointRun.objects.filter(
        pk=run_id, status__in=[EndpointRun.Status.QUEUED, EndpointRun.Status.RUNNING]
    ).update(
        status=EndpointRun.Status.PAUSED,
        reason_code="server_error",
        reason=_("A problem on our server stopped the run; it can be resumed."),
        heartbeat_at=timezone.now(),
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, queue="default")
def dispatch_endpoint_run_task(self, run_id: str) -> None:
    """Start a queued endpoint run: one batch task for each batch with unanswered items."""
    try:
        services.endpoint_run_dispatch(run_id=run_id)
    except TRANSIENT as exc:
        close_old_connections()
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, queue="scoring")
def endpoint_batch_task(self, run_id: str, index: int) -> None:
    """Ask one batch; a redelivered batch asks only what has no stored response yet."""
    try:
        services.endpoint_run_batch(run_id=run_id, index=index)
    except TRANSIENT as exc:
        close_old_connections()
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    except Exception:
        log.exception("endpoint run=%s batch=%s failed for the server's own reasons", run_id, index)
        _fail_for_server(run_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, queue="scoring")
def finish_endpoint_run_task(self, run_id: str) -> None:
    """Submit the stored answers of a fully answered run for scoring (once)."""
    try:
        services.endpoint_run_finish(run_id=run_id)
    except TRANSIENT as exc:
        close_old_connections()
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc


@shared_task(bind=True, acks_late=True, max_retries=400, queue="default")
def scrub_feedback_task(self, run_id: str) -> None:
    """Once the stored answers are scored, take the answers as written out of the feedback."""
    if not services.endpoint_run_scrub_feedback(run_id=run_id):
        raise self.retry(countdown=3)
