"""Team portal (/team/): dashboard, feedback and downloads for a member's own team."""

from django.urls import path

from . import endpoints, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("runs/<uuid:run_id>/", views.run_feedback, name="run_feedback"),
    path("runs/<uuid:run_id>/feedback.csv", views.run_feedback_export, {"fmt": "csv"}, "run_csv"),
    path(
        "runs/<uuid:run_id>/feedback.json", views.run_feedback_export, {"fmt": "json"}, "run_json"
    ),
    path("<slug:team>/", views.team, name="team"),
    path("<slug:team>/endpoints/", endpoints.endpoints, name="endpoints"),
    path("<slug:team>/phases/<slug:phase>/", views.phase_feedback, name="phase_feedback"),
    path(
        "<slug:team>/phases/<slug:phase>/feedback.csv",
        views.phase_feedback_export,
        {"fmt": "csv"},
        "phase_csv",
    ),
    path(
        "<slug:team>/phases/<slug:phase>/feedback.json",
        views.phase_feedback_export,
        {"fmt": "json"},
        "phase_json",
    ),
]
