from django.urls import path

from . import views
from .endpoints import review as endpoint_review
from .endpoints import views as endpoint_views

app_name = "evaluations"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_new, name="run_new"),
    path("<uuid:run_id>/", views.run_detail, name="run"),
    path("<uuid:run_id>/status.json", views.run_status, name="run_status"),
    path("<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("endpoint/", endpoint_views.endpoint_run_list, name="endpoint_runs"),
    path(
        "endpoint/proposals/",
        endpoint_review.endpoint_proposals,
        name="endpoint_proposals",
    ),
    path(
        "endpoint/proposals/<int:pk>/approve/",
        endpoint_review.endpoint_review,
        {"action": "approve"},
        name="endpoint_approve",
    ),
    path(
        "endpoint/proposals/<int:pk>/reject/",
        endpoint_review.endpoint_review,
        {"action": "reject"},
        name="endpoint_reject",
    ),
    path("endpoint/<uuid:run_id>/", endpoint_views.endpoint_run_detail, name="endpoint_run"),
    path(
        "endpoint/<uuid:run_id>/status.json",
        endpoint_views.endpoint_run_status,
        name="endpoint_run_status",
    ),
    path(
        "endpoint/<uuid:run_id>/pause/",
        endpoint_views.endpoint_run_control,
        {"action": "pause"},
        name="endpoint_run_pause",
    ),
    path(
        "endpoint/<uuid:run_id>/resume/",
        endpoint_views.endpoint_run_control,
        {"action": "resume"},
        name="endpoint_run_resume",
    ),
]
