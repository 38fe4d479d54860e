"""Public pages: parse the request, call one selector, render."""

from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Phase


def home(request):
    phase = selectors.current_phase()
    first_published = next((p for p in reversed(selectors.phase_list()) if p.is_published()), None)
    context = {
        "phases": selectors.phase_list(),
        "demo_phases": [p for p in selectors.phase_list(include_demo=True) if p.is_demo],
        "current_phase": phase,
        "decided_phase": first_published,
        "decisions": selectors.decision_rows(phase=first_published, user=request.user)
        if first_published
        else [],
    }
    return render(request, "leaderboard/home.html", context)


def phase_detail(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    context = {
        "phase": phase,
        "components": selectors.phase_components(phase=phase),
        "decisions": selectors.decision_rows(phase=phase, user=request.user),
        "full_view": selectors.phase_can_be_seen_in_full(phase=phase, user=request.user),
    }
    return render(request, "leaderboard/phase.html", context)


def team_detail(request, slug):
    context = selectors.team_detail(slug=slug, user=request.user)
    return render(request, "leaderboard/team.html", context)


def model_detail(request, slug):
    context = selectors.model_detail(slug=slug, user=request.user)
    return render(request, "leaderboard/model.html", context)


def benchmark_list(request):
    context = {"benchmarks": selectors.benchmark_list(user=request.user)}
    return render(request, "leaderboard/benchmarks.html", context)


def benchmark_detail(request, code):
    context = selectors.benchmark_detail(code=code, user=request.user)
    return render(request, "leaderboard/benchmark.html", context)
