"""The evaluators' API: assessments (with private feedback) and publication; others get 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kai_site.api_errors import MEMBER_ERRORS, ApiError

from .. import serializers as s
from ..api import EVALUATOR_TAG, DecisionFilter, DecisionViewSet
from ..corrections import CorrectionReason
from ..models import (
    Phase,
    is_evaluator,
)
from . import assessments as assessment_services


def _evaluator_action(action):
    """Run an evaluator service; its errors in the API's shape (non-evaluators: 404)."""
    try:
        return action()
    except assessment_services.NotAnEvaluator as exc:
        raise Http404("Not found") from exc
    except assessment_services.EvaluatorActionError as exc:
        details = {key or "non_field_errors": [message] for key, message in exc.errors.items()}
        raise ApiError(
            message="; ".join(exc.errors.values()), code="invalid", details=details
        ) from exc


def _evaluators_only(request) -> None:
    if not is_evaluator(request.user):
        raise Http404("Not found")


@extend_schema_view(
    list=extend_schema(
        tags=[EVALUATOR_TAG],
        summary="List assessments (evaluators)",
        description="Every assessment, with the private feedback. Others get 404.",
        responses={200: s.EvaluatorAssessmentSerializer, **MEMBER_ERRORS},
    ),
    retrieve=extend_schema(
        tags=[EVALUATOR_TAG],
        summary="One assessment (evaluators)",
        responses={200: s.EvaluatorAssessmentSerializer, **MEMBER_ERRORS},
    ),
    partial_update=extend_schema(
        tags=[EVALUATOR_TAG],
        summary="Change the outcome, reasons or private feedback (evaluators)",
        description="Validated and audited like the evaluator form: an elimination needs "
        "reasons in both languages, a team that failed a gate cannot advance, and once the "
        "phase's announcement is set every team needs a decision. Points and gates are "
        "left as they are. Once the phase is published, a change to anything public is a "
        "correction: it needs correction_reason_ko and correction_reason_en, and the earlier "
        "value is kept and shown.",
        request=s.AssessmentChangeSerializer,
        responses={200: s.EvaluatorAssessmentSerializer, **MEMBER_ERRORS},
        examples=[
            OpenApiExample(
                "Eliminate with reasons",
                value={
                    "outcome": "eliminated",
                    "reasons_ko": "독자성 기준 미충족.",
                    "reasons_en": "Did not meet the independence gate.",
                },
                request_only=True,
            )
        ],
    ),
)
class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = s.EvaluatorAssessmentSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["decided_at", "updated_at", "id"]
    ordering = ["phase__order", "team__name_en", "id"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if not getattr(self, "swagger_fake_view", False):  # schema generation has no user
            _evaluators_only(self.request)
        return DecisionViewSet.get_queryset(self).select_related("decided_by")

    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        form = s.AssessmentChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = form.validated_data
        data = assessment_services.AssessmentInput(
            model=assessment.model,
            outcome=change.get("outcome", assessment.outcome),
            reasons_ko=change.get("reasons_ko", assessment.reasons_ko),
            reasons_en=change.get("reasons_en", assessment.reasons_en),
            private_feedback=change.get("private_feedback", assessment.private_feedback),
            # Existing gates go in so that the gate rules are checked; points stay untouched.
            gates={
                g.component.code: assessment_services.GateInput(
                    g.passed, g.evidence_ko, g.evidence_en
                )
                for g in assessment.gates.all()
            },
        )
        reason = CorrectionReason(
            change.get("correction_reason_ko", ""), change.get("correction_reason_en", "")
        )
        _evaluator_action(
            lambda: assessment_services.assessment_save(
                user=request.user,
                phase=assessment.phase,
                team=assessment.team,
                data=data,
                correction=reason,
            )
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)


class PhasePublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[EVALUATOR_TAG],
        summary="Publish a phase's results (evaluators)",
        description="Sets the announcement time (now when left out); the results are public "
        "from then on. Refused (400) for a phase without participants, while any participant "
        "has no decision, for a time already past, and once the announcement time has passed "
        "(publication is one way). Audited.",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=s.PublishSerializer,
        responses={200: s.PhaseSerializer, **MEMBER_ERRORS},
    )
    def post(self, request, slug):
        _evaluators_only(request)
        phase = get_object_or_404(Phase, slug=slug)
        form = s.PublishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        at = form.validated_data.get("at")
        published = _evaluator_action(
            lambda: assessment_services.phase_publish(user=request.user, phase=phase, at=at)
        )
        return Response(s.PhaseSerializer(published).data)
