"""Evaluator pages (/evaluate/): decision board, assessment form, publication."""

from django.urls import path

from . import views

app_name = "evaluator"
urlpatterns = [
    path("", views.index, name="index"),
    path("phases/<slug:slug>/", views.board, name="board"),
    path("phases/<slug:slug>/publish/", views.publish, name="publish"),
    path("phases/<slug:slug>/teams/<slug:team>/", views.assess, name="assess"),
    path("runs/<uuid:run_id>/official/", views.run_official, name="run_official"),
    path("runs/<uuid:run_id>/rerun/", views.run_rerun, name="run_rerun"),
    path("runs/<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
]
