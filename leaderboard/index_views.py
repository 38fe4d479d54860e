"""The index pages: every team, every model and every phase, with their key facts."""

from django.shortcuts import render

from . import index_selectors


def teams(request):
    rows = index_selectors.teams_index(user=request.user)
    return render(request, "leaderboard/teams.html", {"rows": rows})


def models(request):
    context = index_selectors.models_index(user=request.user)
    return render(request, "leaderboard/models.html", context)


def phases(request):
    context = index_selectors.phases_index()
    return render(request, "leaderboard/phases.html", context)
