"""Evaluation-run API (/api/v1/runs/): submit, list, follow, cancel, read feedback, and mark a
run official (evaluators). Thin: parse, call one selector or service, serialize."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kai_site.api_errors import ERROR_400, MEMBER_ERRORS, ApiError, _error
from leaderboard.corrections import CorrectionReason
from leaderboard.decisions import assessments as assessment_services
from leaderboard.models import Assessment, Benchmark, Phase, is_evaluator
from leaderboard.serializers import CorrectionReasonSerializer

from . import selectors, services
from .models import EvaluationRun
from .serializers import RunFeedbackSerializer, RunSerializer, RunSubmitSerializer

TAG = "runs"
RUN_ID = OpenApiParameter("run_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ERROR_UPLOAD = _error(
    "The file or the request cannot be used; the message names the line and field.",
    "invalid_json",
    "Line 3 is not valid JSON (Expecting value: line 1 column 1 (char 0)). Nothing was saved.",
    {"field": "upload"},
)
ERROR_QUOTA = _error(
    "The team's daily quota of runs is used up; Retry-After says when it renews.",
    "quota_exceeded",
    "Your team has used its 10 runs for Final today (Asia/Seoul). Runs that failed because of "
    "the server, and runs cancelled before they started, do not count. Try again tomorrow.",
    {"field": None},
)


def _seconds_to_seoul_midnight(now=None) -> int:
    local = timezone.localtime(now or timezone.now())
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - local).total_seconds()))


def _api_error(exc: services.RunError) -> ApiError:
    """A domain error of the run service as an API error; its message passes through unchanged."""
    if isinstance(exc, services.RunNotFound):
        return ApiError(message=exc.message, code="not_found", status_code=404)
    if isinstance(exc, services.QuotaExceeded):
        error = ApiError(message=exc.message, code=exc.code, status_code=429)
        error.wait = _seconds_to_seoul_midnight()
        return error
    return ApiError(message=exc.message, code=exc.code, details={"field": exc.field})


class RunFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", help_text="Model slug.")
    phase = django_filters.CharFilter(field_name="phase__slug", help_text="Phase slug.")
    benchmark = django_filters.CharFilter(field_name="benchmark__code", help_text="Benchmark code.")

    class Meta:
        model = EvaluationRun
        fields = ["model", "phase", "benchmark", "status", "mode", "is_official"]


class RunListCreateView(generics.ListAPIView):
    """Your team's runs (all runs for evaluators), newest first; POST submits a new one."""

    permission_classes = [IsAuthenticated]
    serializer_class = RunSerializer
    filterset_class = RunFilter
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return EvaluationRun.objects.visible_to(self.request.user).select_related(
            "model", "phase", "benchmark", "team", "result"
        )

    @extend_schema(
        tags=[TAG],
        summary="List your runs",
        description="Runs of your team's models (evaluators: all runs), paginated, filtered "
        "and ordered by the query parameters.",
        responses={200: RunSerializer, **MEMBER_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Submit a run",
        description="Upload a predictions file for one of your team's models (multipart form). "
        "The file is checked before anything is saved; a problem is answered 400 with a "
        "message naming the line. The run is queued and scored in the background: poll "
        "GET /api/v1/runs/{id}/ until is_final is true.",
        request={"multipart/form-data": RunSubmitSerializer},
        responses={
            201: RunSerializer,
            400: ERROR_UPLOAD,
            401: MEMBER_ERRORS[401],
            403: MEMBER_ERRORS[403],
            404: MEMBER_ERRORS[404],
            429: ERROR_QUOTA,
        },
        examples=[
            OpenApiExample(
                "Queued",
                value={"id": "4f0c…", "status": "queued", "progress": 0.0, "is_final": False},
                response_only=True,
                status_codes=["201"],
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        form = RunSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        model = services.submittable_models(user=request.user).filter(slug=data["model"]).first()
        if model is None:
            raise ApiError(message=_("No such model."), code="not_found", status_code=404)
        phase = Phase.objects.filter(slug=data["phase"]).first()
        if phase is None:
            raise ApiError(
                message=_("No such phase."),
                code="invalid",
                details={"phase": [_("No such phase.")]},
            )
        benchmark = Benchmark.objects.filter(code=data["benchmark"]).first()
        if benchmark is None:
            raise ApiError(
                message=_("No such benchmark."),
                code="invalid",
                details={"benchmark": [_("No such benchmark.")]},
            )
        try:
            run = services.run_submit(
                user=request.user,
                model=model,
                phase=phase,
                benchmark=benchmark,
                upload=data["file"],
                mode=data["mode"],
            )
        except services.RunError as exc:
            raise _api_error(exc) from exc
        run = selectors.run_get(run_id=run.pk, user=request.user)
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="One run: status, progress, result",
        parameters=[RUN_ID],
        responses={200: RunSerializer, **MEMBER_ERRORS},
    )
    def get(self, request, run_id):
        run = selectors.run_get(run_id=run_id, user=request.user)
        return Response(RunSerializer(run).data)


class RunCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Cancel a queued or running run",
        description="409 when the run had already finished (nothing is changed).",
        parameters=[RUN_ID],
        request=None,
        responses={
            200: RunSerializer,
            409: _error(
                "The run had already finished.",
                "already_final",
                "The run had already finished; nothing was changed.",
            ),
            **MEMBER_ERRORS,
        },
    )
    def post(self, request, run_id):
        run = selectors.run_get(run_id=run_id, user=request.user)
        try:
            cancelled = services.run_cancel(run=run, user=request.user)
        except services.RunError as exc:
            raise _api_error(exc) from exc
        if not cancelled:
            raise ApiError(
                message=_("The run had already finished; nothing was changed."),
                code="already_final",
                status_code=409,
            )
        return Response(RunSerializer(selectors.run_get(run_id=run_id, user=request.user)).data)


class RunFeedbackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Feedback on a run",
        description="The run, its scoring log, its per-category results and your team's "
        "assessment in the run's phase with its private feedback. Only your team and the "
        "evaluators see this; anyone else gets 404.",
        parameters=[RUN_ID],
        responses={200: RunFeedbackSerializer, **MEMBER_ERRORS},
    )
    def get(self, request, run_id):
        run = selectors.run_get(run_id=run_id, user=request.user)
        succeeded = run.status == EvaluationRun.Status.SUCCEEDED
        assessment = (
            Assessment.objects.filter(team_id=run.team_id, phase_id=run.phase_id).first()
            if run.team_id
            else None
        )
        payload = {
            "run": run,
            "log": run.log,
            "categories": list(run.categories.all()) if succeeded else [],
            "assessment": assessment,
        }
        return Response(RunFeedbackSerializer(payload).data)


class RunOfficialView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["evaluators"],
        summary="Mark a run official (evaluators)",
        description="Makes a succeeded run the official one for its model, benchmark and "
        "phase; the run that was official before stops being so. Audited. In a published "
        "phase this changes a public score: it needs correction_reason_ko and "
        "correction_reason_en and is published as a correction. Others get 404.",
        parameters=[RUN_ID],
        request=CorrectionReasonSerializer,
        responses={200: RunSerializer, 400: ERROR_400, **MEMBER_ERRORS},
    )
    def post(self, request, run_id):
        if not is_evaluator(request.user):
            raise Http404("No such run")
        run = selectors.run_get(run_id=run_id, user=request.user)
        form = CorrectionReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reason = CorrectionReason(
            form.validated_data.get("correction_reason_ko", ""),
            form.validated_data.get("correction_reason_en", ""),
        )
        try:
            assessment_services.run_set_official(user=request.user, run=run, correction=reason)
        except assessment_services.NotAnEvaluator as exc:
            raise Http404("No such run") from exc
        except assessment_services.EvaluatorActionError as exc:
            raise ApiError(
                message="; ".join(exc.errors.values()),
                code="invalid",
                details={"status": run.status, **{k: [v] for k, v in exc.errors.items() if k}},
            ) from exc
        return Response(RunSerializer(selectors.run_get(run_id=run_id, user=request.user)).data)
