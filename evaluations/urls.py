from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_new, name="run_new"),
    path("<uuid:run_id>/", views.run_detail, name="run"),
    path("<uuid:run_id>/status.json", views.run_status, name="run_status"),
    path("<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
]
