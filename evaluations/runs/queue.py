"""Queue the scoring tasks; each function imports its task where it is called (no import cycle)."""

from __future__ import annotations

from django.db.models import F

from ..models import EvaluationRun
from .rules import log


def score_run_later(run_id) -> None:
    """Queue a run for scoring; a broker that is down leaves it queued for the sweeper."""
    from ..tasks import score_run_task  # tasks import the services: import here, not above

    try:
        score_run_task.delay(str(run_id))
    except Exception:  # the broker is down: the run stays queued and the sweeper re-queues it
        log.warning("could not queue run=%s; the sweeper will retry", run_id, exc_info=True)
        return
    EvaluationRun.objects.filter(pk=run_id).update(enqueued_count=F("enqueued_count") + 1)


def score_chunk_later(run_id, index: int) -> None:
    """Queue one chunk of a large run for scoring."""
    from ..tasks import score_chunk_task  # tasks import the services: import here, not above

    score_chunk_task.delay(str(run_id), index)
