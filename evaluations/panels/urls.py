"""Panel pages (/panels/): managing panels, joining, blind rating and side-by-side votes."""

from django.urls import path

from . import board_views, public_views, try_views, views

app_name = "panels"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("manage/<slug:slug>/", views.manage_index, name="manage_index"),
    path("manage/panel/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/panel/<int:pk>/adopt/", board_views.adopt, name="adopt"),
    path("invite/<str:token>/", views.invite, name="invite"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/rate.json", views.rate_json, name="rate_json"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/compare/<int:comparison_id>/vote/", views.vote, name="vote"),
    path("<int:pk>/compare/ask/", try_views.compare_ask, name="compare_ask"),
    path("<int:pk>/try/<str:label>/", try_views.try_model, name="try"),
    path("<int:pk>/consent/", public_views.consent, name="consent"),
    path("results/<slug:slug>/", public_views.results, name="results"),
    path("results/<slug:slug>/<slug:code>.csv", public_views.dataset_csv, name="dataset"),
]
