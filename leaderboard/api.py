"""Public read-only API (/api/v1/): phases, teams, models, benchmarks, scores, leaderboard,
decisions. Thin: parse, read through the visible_to QuerySets, serialize."""

from __future__ import annotations

import json

import django_filters
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from kai_site.api_errors import PUBLIC_ERRORS, PUBLIC_LIST_ERRORS
from kai_site.api_support import ConditionalGetMixin

from . import selectors
from . import serializers as s
from .cache import cached_value, current_state
from .models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Phase,
    Score,
    Team,
)

TAG = "public"
EVALUATOR_TAG = "evaluators"

# ---------------------------------------------------------------- leaderboard rows


def _rank(row) -> dict | None:
    if row.rank is None:
        return None
    return {"best": row.rank.best, "worst": row.rank.worst, "label": row.rank.label}


def leaderboard_rows_for_api(*, phase: Phase, user, filters: dict) -> dict:
    """The phase page's leaderboard (selectors.phase_leaderboard) as plain rows for the API.

    Same selector, same filters, same visibility and the same row order as the page; only the
    shape differs. `filters` holds the validated query (language, group, mode, baselines,
    sort, order).
    """
    board = selectors.phase_leaderboard(
        phase=phase,
        user=user,
        filters=selectors.LeaderboardFilters(
            language=filters.get("language", ""),
            group=filters.get("group", ""),
            mode=filters.get("mode", ""),
            baselines=filters.get("baselines", True),
            sort=filters.get("sort", ""),
            order=filters.get("order", ""),
        ),
    )
    rows = []
    for row in board.rows:
        cells = []
        for benchmark in board.benchmarks:
            cell = row.cells.get(benchmark.pk)
            if cell is not None:
                cells.append(
                    {
                        "benchmark": benchmark.code,
                        "percent_of_reference": cell.percent,
                        "other_scores": cell.others,
                        "score": cell.score,
                    }
                )
        rows.append(
            {
                "rank": _rank(row),
                "model": row.model.slug,
                "model_name": row.model.name,
                "kind": row.model.kind,
                "team": row.team.slug if row.team else None,
                "total": row.total,
                "average_percent": row.average_percent,
                "cells": cells,
            }
        )
    return {
        "is_demo": phase.is_demo,
        "benchmarks": [b.code for b in board.benchmarks],
        "sort": board.sort,
        "order": board.order,
        "rows": rows,
    }


# ---------------------------------------------------------------- filters


class ScoreFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", help_text="Model slug.")
    benchmark = django_filters.CharFilter(field_name="benchmark__code", help_text="Benchmark code.")
    phase = django_filters.CharFilter(field_name="phase__slug", help_text="Phase slug.")
    team = django_filters.CharFilter(field_name="model__team__slug", help_text="Team slug.")
    language = django_filters.ChoiceFilter(
        field_name="benchmark__language", choices=Benchmark.Language.choices
    )

    class Meta:
        model = Score
        fields = ["model", "benchmark", "phase", "team", "language", "mode", "reporter", "is_demo"]


class ModelFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug", help_text="Team slug.")

    class Meta:
        model = FoundationModel
        fields = ["kind", "team", "architecture", "country", "is_demo"]


class DecisionFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug", help_text="Team slug.")
    phase = django_filters.CharFilter(field_name="phase__slug", help_text="Phase slug.")

    class Meta:
        model = Assessment
        fields = ["team", "phase", "outcome"]


# ---------------------------------------------------------------- views


INCLUDE_DEMO = OpenApiParameter(
    "include_demo",
    OpenApiTypes.INT,
    enum=[0, 1],
    description="1: include the synthetic demo pack (every record says is_demo). Left out by "
    "default: lists hold the real record only.",
)


def _read_only(name: str, serializer, *, demo: bool = True):
    """Schema for a read-only viewset: descriptions and error responses on both actions."""
    return extend_schema_view(
        list=extend_schema(
            tags=[TAG],
            summary=f"List {name}",
            description=f"The {name} you may see, paginated (page, page_size up to 500), "
            "filtered and ordered by the query parameters. Sends an ETag; answers 304 to "
            "If-None-Match with the current one."
            + (" Synthetic demo data only with include_demo=1." if demo else ""),
            parameters=[INCLUDE_DEMO] if demo else [],
            responses={200: serializer, **PUBLIC_LIST_ERRORS},
        ),
        retrieve=extend_schema(
            tags=[TAG],
            summary=f"One of the {name}",
            description="404 when it does not exist or is not visible to you.",
            responses={200: serializer, **PUBLIC_ERRORS},
        ),
    )


class PublicViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, public; ETag and Cache-Control on every successful GET.

    Lists hold the real record only: the synthetic demo pack comes with include_demo=1 (or an
    explicit is_demo filter); a demo record fetched by its own address says is_demo.
    """

    demo_condition = None  # a Q matching the synthetic demo records of this list

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        asked = self.request.query_params.get("include_demo") == "1"
        explicit = asked or "is_demo" in self.request.query_params
        if self.action == "list" and self.demo_condition is not None and not explicit:
            queryset = queryset.exclude(self.demo_condition)
        return queryset


@_read_only("phases", s.PhaseSerializer)
class PhaseViewSet(PublicViewSet):
    serializer_class = s.PhaseSerializer
    queryset = Phase.objects.all()
    demo_condition = Q(is_demo=True)
    lookup_field = "slug"
    filterset_fields = ["kind", "status", "is_demo"]
    ordering_fields = ["order", "announcement_at", "slug"]
    ordering = ["order"]


@_read_only("teams", s.TeamSerializer, demo=False)
class TeamViewSet(PublicViewSet):
    serializer_class = s.TeamSerializer
    queryset = Team.objects.prefetch_related("partners")
    lookup_field = "slug"
    filterset_fields: list[str] = []
    ordering_fields = ["name_en", "name_ko", "slug"]
    ordering = ["name_en"]


@_read_only("models", s.FoundationModelSerializer)
class ModelViewSet(PublicViewSet):
    serializer_class = s.FoundationModelSerializer
    lookup_field = "slug"
    filterset_class = ModelFilter
    demo_condition = Q(is_demo=True)
    ordering_fields = ["name", "release_date", "total_params_b", "slug"]
    ordering = ["kind", "name"]

    def get_queryset(self):
        # As on the model pages: a model with nothing the user may see answers 404.
        return selectors.models_visible(user=self.request.user).select_related("team")


@_read_only("benchmarks", s.BenchmarkSerializer)
class BenchmarkViewSet(PublicViewSet):
    serializer_class = s.BenchmarkSerializer
    queryset = Benchmark.objects.all()
    demo_condition = Q(is_demo=True)
    lookup_field = "code"
    filterset_fields = ["language", "group", "metric", "is_demo"]
    ordering_fields = ["code", "name", "language"]
    ordering = ["language", "name"]


@_read_only("scores with their provenance", s.ScoreSerializer)
class ScoreViewSet(PublicViewSet):
    serializer_class = s.ScoreSerializer
    filterset_class = ScoreFilter
    demo_condition = Q(is_demo=True) | Q(phase__is_demo=True)
    ordering_fields = ["value", "created_at", "id"]
    ordering = ["benchmark__language", "benchmark__name", "-value", "id"]

    def get_queryset(self):
        return Score.objects.visible_to(self.request.user).select_related(
            "model", "benchmark", "phase", "run"
        )


@_read_only("decisions with their reasons", s.DecisionSerializer)
class DecisionViewSet(PublicViewSet):
    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    demo_condition = Q(phase__is_demo=True)
    ordering_fields = ["decided_at", "id"]
    ordering = ["phase__order", "team__name_en", "id"]

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .select_related("team", "phase", "model")
            .prefetch_related(
                Prefetch("points", queryset=ComponentPoints.objects.select_related("component")),
                Prefetch("gates", queryset=GateResult.objects.select_related("component")),
            )
        )


class PhaseLeaderboardView(ConditionalGetMixin, APIView):
    """The leaderboard of a phase, with the phase page's filters."""

    @extend_schema(
        tags=[TAG],
        summary="Leaderboard of a phase",
        description="The rows of the phase page's leaderboard, in its order: one row per model, "
        "one chosen score per benchmark (the official organizer run, else the latest organizer "
        "run, else the published score from the most authoritative reporter: independent > "
        "other lab > self > third-party summary), with its share of the global reference. "
        "Scores of unpublished phases appear only to their team and to evaluators.",
        parameters=[
            s.LeaderboardQuerySerializer,
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        responses={200: s.LeaderboardSerializer, **PUBLIC_LIST_ERRORS},
        examples=[
            OpenApiExample(
                "Korean benchmarks, reasoning mode",
                value={
                    "phase": "first-stage",
                    "filters": {"language": "ko", "mode": "reasoning", "baselines": True},
                    "benchmarks": ["kmmlu"],
                    "sort": "total",
                    "order": "desc",
                    "rows": [
                        {
                            "rank": {"best": 1, "worst": 1, "label": "1"},
                            "model": "k-exaone",
                            "model_name": "K-EXAONE",
                            "kind": "team",
                            "team": "lg-ai-research",
                            "total": 90.2,
                            "average_percent": 101.5,
                            "cells": [
                                {
                                    "benchmark": "kmmlu",
                                    "percent_of_reference": 101.5,
                                    "other_scores": 0,
                                    "score": {"value": 67.7, "reporter": "self"},
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug):
        gen, index = current_state()
        if slug not in index:  # answered from the cache, as the phase page does
            raise Http404("No such phase")
        query = s.LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        phase_pk = index[slug][0]

        def compute() -> bytes:
            phase = get_object_or_404(Phase, pk=phase_pk)
            data = leaderboard_rows_for_api(phase=phase, user=request.user, filters=filters)
            out = s.LeaderboardSerializer(
                {"phase": phase.slug, "filters": filters, **data}, context={"request": request}
            )
            return JSONRenderer().render(out.data)

        # The rendered JSON under the same cache and generation key as the page: any change to
        # a score, an assessment or a publication, and any announcement time passing, gives a
        # new key. Kept rendered, since encoding the rows cost more than everything else.
        body = cached_value(
            "api-leaderboard-json",
            user=request.user,
            parts=(phase_pk, repr(sorted(filters.items()))),
            compute=compute,
            gen=gen,
            index=index,
        )
        if isinstance(request.accepted_renderer, JSONRenderer):
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))  # the browsable API renders the same answer
