from django.urls import path

from . import views

app_name = "leaderboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("phases/<slug:slug>/", views.phase_detail, name="phase"),
    path("teams/<slug:slug>/", views.team_detail, name="team"),
    path("models/<slug:slug>/", views.model_detail, name="model"),
    path("benchmarks/", views.benchmark_list, name="benchmarks"),
    path("benchmarks/<slug:code>/", views.benchmark_detail, name="benchmark"),
]
