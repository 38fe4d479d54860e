"""The public transparency page (/transparency/): published decisions with their audit hashes."""

from django.urls import path

from . import views

app_name = "transparency"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries.json", views.entries_json, name="entries_json"),
]
