from django.urls import path

from . import index_views, views

app_name = "leaderboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("phases/", index_views.phases, name="phases"),
    path("teams/", index_views.teams, name="teams"),
    path("models/", index_views.models, name="models"),
    path("phases/<slug:slug>/", views.phase_detail, name="phase"),
    path("phases/<slug:slug>/decisions/", views.phase_decisions, name="phase_decisions"),
    path("phases/<slug:slug>/export.csv", views.phase_export_csv, name="phase_export_csv"),
    path("phases/<slug:slug>/export.json", views.phase_export_json, name="phase_export_json"),
    path("teams/<slug:slug>/", views.team_detail, name="team"),
    path("models/<slug:slug>/", views.model_detail, name="model"),
    path("benchmarks/", views.benchmark_list, name="benchmarks"),
    path("benchmarks/<slug:code>/", views.benchmark_detail, name="benchmark"),
    path("compare/", views.compare, name="compare"),
]
