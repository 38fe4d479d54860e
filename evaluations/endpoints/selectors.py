"""Reads for endpoint runs: who may see a run, and its progress and speed figures."""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Sum
from django.http import Http404

from leaderboard.models import is_evaluator, team_ids_of

from .costs import EstimatedCost, estimated_cost
from .limits import limit_store
from .models import EndpointResponse, EndpointRun


def endpoint_run_get(*, run_id, user) -> EndpointRun:
    """The run for evaluators and the model's team; 404 for anyone else."""
    run = (
        EndpointRun.objects.select_related(
            "endpoint", "model", "phase", "benchmark", "template", "evaluation_run"
        )
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404("No such run")
    if is_evaluator(user) or (run.team_id and run.team_id in team_ids_of(user)):
        return run
    raise Http404("No such run")


def endpoint_runs_for(*, user):
    if not is_evaluator(user):
        return EndpointRun.objects.filter(team_id__in=team_ids_of(user)).select_related(
            "model", "benchmark", "phase"
        )
    return EndpointRun.objects.select_related("model", "benchmark", "phase")


@dataclass
class Progress:
    """What the run has done so far, from its stored responses (and the shared limiter)."""

    items: int
    done: int
    in_flight: int | None
    retries: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.items if self.items else 0.0

    @property
    def per_second(self) -> float | None:
        return self.done / self.seconds if self.seconds else None

    @property
    def tokens_out_per_item(self) -> float | None:
        return self.tokens_out / self.done if self.done else None


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def _in_flight(run: EndpointRun) -> int | None:
    async def count() -> int:
        store = limit_store(settings.REDIS_URL or None)
        try:
            return await store.in_flight(f"endpoint-{run.endpoint_id}")
        finally:
            await store.aclose()

    try:
        return asyncio.run(count())
    except Exception:  # the figure is a courtesy: the page shows "—" without Redis
        return None


def endpoint_run_progress(run: EndpointRun, *, live: bool = True) -> Progress:
    responses = EndpointResponse.objects.filter(run=run)
    rows = list(responses.values_list("latency_ms", "retried", "error_kind"))
    retries: Counter = Counter()
    errors: Counter = Counter()
    latencies = []
    for latency, retried, error_kind in rows:
        retries.update(retried or [])
        if error_kind:
            errors[error_kind] += 1
        if latency is not None:
            latencies.append(latency)
    if run.reason_code and run.status in (EndpointRun.Status.FAILED, EndpointRun.Status.PAUSED):
        errors[run.reason_code] += 1
    sums = responses.aggregate(tin=Sum("tokens_in"), tout=Sum("tokens_out"))
    end = run.finished_at or run.heartbeat_at
    seconds = (end - run.started_at).total_seconds() if run.started_at and end else None
    running = live and run.status == EndpointRun.Status.RUNNING
    return Progress(
        items=run.item_count,
        done=len(rows),
        in_flight=_in_flight(run) if running else 0,
        retries=dict(retries),
        errors=dict(errors),
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        tokens_in=sums["tin"] or 0,
        tokens_out=sums["tout"] or 0,
        seconds=seconds,
    )


def endpoint_run_cost(run: EndpointRun, progress: Progress) -> EstimatedCost | None:
    """The run's estimated cost so far by the prices its card copied at the start (the
    endpoint's current prices for a run started before cards carried them); None when no price
    is set. The one rule (``costs.estimated_cost``) behind the evaluator page and the API.
    """
    card = run.card or {}
    prices = run.endpoint
    if "price_in_per_million" in card:
        prices = SimpleNamespace(
            price_in_per_million=card.get("price_in_per_million"),
            price_out_per_million=card.get("price_out_per_million"),
            price_currency=card.get("price_currency") or "USD",
        )
    return estimated_cost(prices, tokens_in=progress.tokens_in, tokens_out=progress.tokens_out)


@dataclass
class Outcome:
    """What scoring made of the stored answers: the scored run, its result and categories."""

    scored: object | None  # the EvaluationRun, once the answers were submitted
    result: object | None  # its RunResult, once it succeeded
    categories: list


def endpoint_run_outcome(run: EndpointRun) -> Outcome:
    """The scored run of an endpoint run with its result and per-category results (pages and
    API alike). The result's feedback is read through ``RunResult.shown_feedback``, which never
    shows an answer as written on a benchmark with hidden questions."""
    scored = run.evaluation_run
    succeeded = scored is not None and scored.status == "succeeded"
    result = getattr(scored, "result", None) if succeeded else None
    categories = list(scored.categories.all()) if result is not None else []
    return Outcome(scored=scored, result=result, categories=categories)
