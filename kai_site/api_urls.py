"""URLs of the REST API (/api/v1/), its schema and documentation, and the token page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from evaluations import api as runs_api
from evaluations.endpoints import api as endpoint_runs_api
from evaluations.panels import api as panels_api
from leaderboard import api as public_api
from leaderboard.decisions import api as evaluator_api

from . import api_tokens
from .api_errors import api_not_found
from .api_schema import SchemaView

app_name = "api"

router = SimpleRouter()
router.register("phases", public_api.PhaseViewSet, basename="phase")
router.register("teams", public_api.TeamViewSet, basename="team")
router.register("models", public_api.ModelViewSet, basename="model")
router.register("benchmarks", public_api.BenchmarkViewSet, basename="benchmark")
router.register("scores", public_api.ScoreViewSet, basename="score")
router.register("decisions", public_api.DecisionViewSet, basename="decision")
router.register("assessments", evaluator_api.AssessmentViewSet, basename="assessment")

v1 = [
    path(
        "phases/<slug:slug>/leaderboard/",
        public_api.PhaseLeaderboardView.as_view(),
        name="phase-leaderboard",
    ),
    path(
        "phases/<slug:slug>/panels/",
        panels_api.PhasePanelsView.as_view(),
        name="phase-panels",
    ),
    path(
        "phases/<slug:slug>/publish/",
        evaluator_api.PhasePublishView.as_view(),
        name="phase-publish",
    ),
    *router.urls,
    path("runs/", runs_api.RunListCreateView.as_view(), name="runs"),
    path("runs/<uuid:run_id>/", runs_api.RunDetailView.as_view(), name="run"),
    path("runs/<uuid:run_id>/cancel/", runs_api.RunCancelView.as_view(), name="run-cancel"),
    path("runs/<uuid:run_id>/feedback/", runs_api.RunFeedbackView.as_view(), name="run-feedback"),
    path("runs/<uuid:run_id>/official/", runs_api.RunOfficialView.as_view(), name="run-official"),
    path(
        "endpoint-runs/",
        endpoint_runs_api.EndpointRunListCreateView.as_view(),
        name="endpoint-runs",
    ),
    path(
        "endpoint-runs/<uuid:run_id>/",
        endpoint_runs_api.EndpointRunDetailView.as_view(),
        name="endpoint-run",
    ),
    path(
        "endpoint-runs/<uuid:run_id>/pause/",
        endpoint_runs_api.EndpointRunPauseView.as_view(),
        name="endpoint-run-pause",
    ),
    path(
        "endpoint-runs/<uuid:run_id>/resume/",
        endpoint_runs_api.EndpointRunResumeView.as_view(),
        name="endpoint-run-resume",
    ),
    path("auth/token/", api_tokens.TokenLoginView.as_view(), name="token-login"),
    path("auth/tokens/", api_tokens.TokenListCreateView.as_view(), name="tokens-api"),
    path("auth/tokens/<str:token_key>/", api_tokens.TokenRevokeView.as_view(), name="token-revoke"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves its script as a file, so no inline script is needed (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("tokens/", api_tokens.tokens_page, name="tokens"),
    path("tokens/accounts/", api_tokens.token_holders_page, name="token-holders"),
    path(
        "tokens/accounts/<int:user_id>/revoke/",
        api_tokens.token_holder_revoke_page,
        name="token-holder-revoke",
    ),
    path("tokens/<str:token_key>/revoke/", api_tokens.token_revoke_page, name="token-revoke-page"),
    # [\s\S], not ".": a path with an encoded newline (%0A) is under /api/ too: JSON 404.
    re_path(r"^[\s\S]*$", api_not_found),
]
