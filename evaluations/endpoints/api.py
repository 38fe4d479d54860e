"""Endpoint-run API (/api/v1/endpoint-runs/): evaluators list, start, follow, pause and resume
organizer-run evaluations; a team reads its own runs' figures. Thin: parse, call the selectors
and services the pages use, serialize. Anyone else gets 404, as in the rest of the API."""

from __future__ import annotations

from dataclasses import asdict

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations.services import RunError, RunNotFound
from kai_site.api_errors import MEMBER_ERRORS, ApiError, _error
from leaderboard.models import Benchmark, FoundationModel, Phase, is_evaluator

from . import selectors, services
from .api_serializers import (
    EndpointRunListSerializer,
    EndpointRunSerializer,
    EndpointRunStartSerializer,
)
from .models import Endpoint, EndpointRun

TAG = "endpoint runs"
RUN_ID = OpenApiParameter("run_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ERROR_STATE = _error(
    "The run is not in a state that allows this; nothing was changed.",
    "wrong_state",
    "The run could not be changed in its state; nothing changed.",
    {"status": "answered"},
)


def payload(run: EndpointRun, *, evaluator: bool) -> dict:
    """One run as the API shows it to an evaluator (everything) or to its team (no live
    counters, no card, no cost, no stop reason); built from the pages' selectors."""
    progress = selectors.endpoint_run_progress(run, live=evaluator)
    outcome = selectors.endpoint_run_outcome(run)
    cost = selectors.endpoint_run_cost(run, progress) if evaluator else None
    card = None
    if evaluator:
        card = {
            **run.card,
            "endpoint": run.endpoint_id,
            "template_version": run.template.version,
            "template_language": run.template.language,
            "seed": run.seed,
            "batch_size": run.batch_size,
        }
    return {
        "id": run.pk,
        "model": run.model.slug,
        "phase": run.phase.slug,
        "benchmark": run.benchmark.code,
        "team": run.team.slug if run.team_id else None,
        "mode": run.mode,
        "status": run.status,
        "is_final": run.is_final,
        "template_version": run.template.version,
        "reason_code": (run.reason_code or None) if evaluator else None,
        "reason": (run.reason or None) if evaluator else None,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "progress": {
            "items": progress.items,
            "done": progress.done,
            "fraction": progress.fraction,
            "in_flight": progress.in_flight if evaluator else None,
            "retries": progress.retries if evaluator else None,
            "errors": progress.errors if evaluator else None,
            "latency_p50_ms": progress.latency_p50_ms,
            "latency_p95_ms": progress.latency_p95_ms,
            "per_second": progress.per_second,
            "seconds": progress.seconds,
            "tokens_in": progress.tokens_in,
            "tokens_out": progress.tokens_out,
            "tokens_out_per_item": progress.tokens_out_per_item,
        },
        "estimated_cost": asdict(cost) if cost else None,
        "card": card,
        "scored_run": outcome.scored.pk if outcome.scored else None,
        "is_official": bool(outcome.scored and outcome.scored.is_official),
        "result": outcome.result,
        "categories": outcome.categories,
    }


def _run_for(request, run_id) -> EndpointRun:
    return selectors.endpoint_run_get(run_id=run_id, user=request.user)


def _answer(request, run_id) -> Response:
    run = _run_for(request, run_id)
    return Response(EndpointRunSerializer(payload(run, evaluator=is_evaluator(request.user))).data)


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(message=message, code="invalid", details={field: [message]})


class EndpointRunFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", help_text="Model slug.")
    phase = django_filters.CharFilter(field_name="phase__slug", help_text="Phase slug.")
    benchmark = django_filters.CharFilter(field_name="benchmark__code", help_text="Benchmark code.")

    class Meta:
        model = EndpointRun
        fields = ["model", "phase", "benchmark", "status"]


class EndpointRunListCreateView(generics.ListAPIView):
    """Endpoint runs of your team's models (all of them for evaluators); POST starts one."""

    permission_classes = [IsAuthenticated]
    serializer_class = EndpointRunListSerializer
    filterset_class = EndpointRunFilter
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return selectors.endpoint_runs_for(user=self.request.user)

    @extend_schema(
        tags=[TAG],
        summary="List endpoint runs",
        description="Organizer-run evaluations of your team's models (evaluators: all), "
        "paginated, filtered and ordered by the query parameters.",
        responses={200: EndpointRunListSerializer, **MEMBER_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG, "evaluators"],
        summary="Start an endpoint run (evaluators)",
        description="Ask an approved endpoint of the model every hidden item of the benchmark, "
        "then score the answers as a private run. Without endpoint, the model's newest approved "
        "endpoint. Bad input is answered 400 naming the field, in the language asked for; "
        "nothing is started. Others get 404.",
        request=EndpointRunStartSerializer,
        responses={201: EndpointRunSerializer, **MEMBER_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        if not is_evaluator(request.user):
            raise Http404("Not found")
        form = EndpointRunStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        model = FoundationModel.objects.filter(slug=data["model"]).first()
        if model is None:
            raise ApiError(message=_("No such model."), code="not_found", status_code=404)
        phase = Phase.objects.filter(slug=data["phase"]).first()
        if phase is None:
            raise _invalid("phase", _("No such phase."))
        benchmark = Benchmark.objects.filter(code=data["benchmark"]).first()
        if benchmark is None:
            raise _invalid("benchmark", _("No such benchmark."))
        approved = Endpoint.objects.filter(model=model, state=Endpoint.State.APPROVED)
        if "endpoint" in data:
            endpoint = Endpoint.objects.filter(model=model, pk=data["endpoint"]).first()
            if endpoint is None:
                raise _invalid("endpoint", _("The model has no endpoint with this id."))
        else:
            endpoint = approved.order_by("-created_at").first()
            if endpoint is None:
                raise _invalid("endpoint", _("The model has no approved endpoint."))
        try:
            run = services.endpoint_run_start(
                user=request.user, endpoint=endpoint, phase=phase, benchmark=benchmark
            )
        except RunNotFound as exc:
            raise Http404("Not found") from exc
        except RunError as exc:
            raise _invalid(exc.field or "non_field_errors", exc.message) from exc
        run = _run_for(request, run.pk)
        return Response(
            EndpointRunSerializer(payload(run, evaluator=True)).data,
            status=status.HTTP_201_CREATED,
        )


class EndpointRunDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="One endpoint run: progress, speed, tokens, result",
        description="Evaluators: live progress (in flight, retries and errors by kind), "
        "throughput, latency, tokens, estimated cost and the run card (never the key). The "
        "model's team: status, speed and token figures, the score with its interval, "
        "per-category results and the extraction feedback; never a hidden prompt or an "
        "answer as written. Anyone else gets 404.",
        parameters=[RUN_ID],
        responses={200: EndpointRunSerializer, **MEMBER_ERRORS},
    )
    def get(self, request, run_id):
        return _answer(request, run_id)


class _ControlView(APIView):
    permission_classes = [IsAuthenticated]
    change = None  # the service: (run=, user=) -> bool, True if the state changed

    def post(self, request, run_id):
        if not is_evaluator(request.user):
            raise Http404("Not found")
        run = _run_for(request, run_id)
        if not self.change(run=run, user=request.user):
            raise ApiError(
                message=_("The run could not be changed in its state; nothing changed."),
                code="wrong_state",
                status_code=status.HTTP_409_CONFLICT,
                details={"status": run.status},
            )
        return _answer(request, run_id)


class EndpointRunPauseView(_ControlView):
    change = staticmethod(services.endpoint_run_pause)

    @extend_schema(
        tags=[TAG, "evaluators"],
        summary="Pause an endpoint run (evaluators)",
        description="A queued or running run stops asking; answers stored so far are kept. "
        "409 in any other state. Others get 404.",
        parameters=[RUN_ID],
        request=None,
        responses={200: EndpointRunSerializer, 409: ERROR_STATE, **MEMBER_ERRORS},
    )
    def post(self, request, run_id):
        return super().post(request, run_id)


class EndpointRunResumeView(_ControlView):
    change = staticmethod(services.endpoint_run_resume)

    @extend_schema(
        tags=[TAG, "evaluators"],
        summary="Resume an endpoint run (evaluators)",
        description="A paused run (or a running one whose batches stopped reporting) is queued "
        "again; only items without a stored response are asked. 409 in any other state. "
        "Others get 404.",
        parameters=[RUN_ID],
        request=None,
        responses={200: EndpointRunSerializer, 409: ERROR_STATE, **MEMBER_ERRORS},
    )
    def post(self, request, run_id):
        return super().post(request, run_id)
