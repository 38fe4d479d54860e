"""Public pages: parse the request, call one selector, render."""

import re

from django.contrib.messages import get_messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kai_site.csv_export import csv_write

from . import charts, selectors
from .cache import cached_fragment, current_state
from .charts.text import shorten
from .index_selectors import chart_model_order
from .models import Benchmark, Phase
from .program import selectors as record
from .reference import TARGET_PERCENT


def shared_page(request, name: str, *, parts: tuple, render_page, gen=None, index=None):
    """The page as anonymous visitors share it, from the fragment cache; others get it rendered.

    The key carries the full path (so every query string is its own page), the language, the
    generation and the set of published phases. Signed-in users, and a visitor with a message
    waiting, always get a fresh render: their page is their own.
    """
    if request.user.is_authenticated or len(get_messages(request)):
        return HttpResponse(render_page())
    body = cached_fragment(
        name,
        user=request.user,
        parts=(*parts, request.get_full_path()),
        render=lambda: render_page().encode(),  # kept encoded: no 140 KB encode per request
        gen=gen,
        index=index,
    )
    return HttpResponse(body)


def chart_labels() -> dict[str, str]:
    """The chart labels of charts.DEFAULT_LABELS in the active language."""
    return {
        "model": _("Model"),
        "team": _("Team"),
        "language": _("Language"),
        "benchmark": _("Benchmark"),
        "category": _("Category"),
        "phase": _("Phase"),
        "score": _("Score"),
        "points": _("Points"),
        "reference_score": _("Reference score"),
        "reference_model": _("Reference model"),
        "difference": _("Difference"),
        "relative_axis": _("Difference from {reference} (%)"),
        "percent_of_reference": _("Share of the global reference (%)"),
        "average_percent_of_reference": _("Average share of the global reference (%)"),
        "target_line": _("{target}% target"),
        "below_target": _("Below the {target}% target"),
        "status": _("Status"),
        "total_params_axis": _("Total parameters (billions, log scale)"),
        "active_params_axis": _("Active parameters (billions, log scale)"),
        "total_params": _("Total parameters (B)"),
        "active_params": _("Active parameters (B)"),
        "not_published": _("not published"),
        # xgettext:no-python-format
        "interval": _("95% interval"),
        "no_interval": _("no interval"),
        # xgettext:no-python-format
        "open_marker": _("Open marker: no 95% interval"),
        "no_data": _("No data to show."),
        "summary_relative": _("Against {reference}: {items}."),
        "summary_relative_item": _("{model} {delta} in {language}"),
        "summary_percent": _("{below} of {total} results are below the {target}% target."),
        "summary_percent_lowest": _("Lowest: {model} on {benchmark}, {percent} of the reference."),
        "summary_efficiency": _(
            "Highest average: {model}, {percent} of the global reference with {params}B parameters."
        ),
        "summary_params_unknown": _("Parameters not published: {models}."),
        # xgettext:no-python-format
        "summary_interval": _("{with_interval} of {total} scores have a 95% interval."),
        "summary_interval_widest": _("Widest: {model} on {benchmark}, {low} to {high}."),
        "summary_phase": _("{phase}: {items}."),
        "summary_comparison": _("Highest score per item: {items}."),
    }


def chart_label(benchmark) -> str:
    """A benchmark name short enough for a chart axis; a synthetic one keeps its DEMO mark."""
    name = re.sub(r"^\[DEMO\]\s*|\s*[(（](synthetic|합성|合成)[)）]$", "", benchmark.name)
    limit = 22
    if benchmark.is_demo:
        name, limit = f"{_('DEMO')} · {name}", limit + 7
    return shorten(name, limit)


def demo_name(name: str, is_demo: bool) -> str:
    """A label of synthetic data says so."""
    return f"{name} ({_('DEMO')})" if is_demo else name


def include_demo(request) -> bool:
    """?include_demo=1: the synthetic demo data is shown beside the real record, marked DEMO."""
    return request.GET.get("include_demo") == "1"


def language_label(code: str) -> str:
    return str(dict(Benchmark.Language.choices).get(code, code))


def _team_key(model):
    return None if model.is_baseline else (model.team.slug if model.team else None)


def _headline_chart(request, reference_slug):
    pairs = selectors.headline_pairs(user=request.user, reference_slug=reference_slug)
    baselines = selectors.baseline_choices(user=request.user)
    reference = next((b for b in baselines if b.slug == reference_slug), None)
    if reference is None:
        return None, baselines, None
    rows = [
        charts.RelativePerformanceRow(
            model_name=p.model.name,
            team_key=_team_key(p.model),
            language_label=language_label(p.language),
            value=p.value,
            reference_value=p.reference_value,
        )
        for p in pairs
        if not p.is_demo
    ]
    chart = charts.relative_performance_chart(
        rows,
        reference_name=reference.name,
        labels=chart_labels(),
        team_order=selectors.all_team_slugs(),
        model_order=chart_model_order(),
    )
    return chart, baselines, reference


def home(request):
    def render_page():
        real = selectors.phase_list()  # the real program only: no synthetic demo data here
        first_published = next((p for p in reversed(real) if p.is_published()), None)
        ref = selectors.LeaderboardFilters.from_query(request.GET).ref
        chart, baselines, reference = _headline_chart(request, ref)
        context = {
            "phases": real,
            "position": record.program_position(phases=real),
            "decided_phase": first_published,
            "decisions": selectors.decision_rows(phase=first_published, user=request.user)
            if first_published
            else [],
            "headline": chart,
            "baselines": baselines,
            "reference": reference,
            "ref": ref,
        }
        return render_to_string("leaderboard/home.html", context, request=request)

    # the day is part of the key: statuses, tenses and dated facts follow the date
    today = timezone.localdate().isoformat()
    return shared_page(request, "home-page", parts=(today,), render_page=render_page)


def _leaderboard_charts(board):
    labels = chart_labels()
    order, models = selectors.all_team_slugs(), chart_model_order()
    demo = board.phase.is_demo
    percent_rows, interval_rows = [], []
    for row, benchmark, cell in board.cells():
        score = cell.score
        reference = board.references.get(benchmark.pk)
        if reference and not row.is_baseline:
            percent_rows.append(
                charts.PercentOfReferenceRow(
                    model_name=demo_name(row.model.name, demo),
                    team_key=_team_key(row.model),
                    benchmark_label=chart_label(benchmark),
                    value=score.value,
                    reference_value=reference.value,
                    reference_name=reference.model_name,
                    higher_is_better=benchmark.higher_is_better,
                    decimals=score.decimals,
                )
            )
        if row.is_baseline:  # the interval chart compares team models only: readable at 50
            continue
        interval_rows.append(
            charts.IntervalRow(
                model_name=demo_name(row.model.name, demo),
                team_key=_team_key(row.model),
                benchmark_label=chart_label(benchmark),
                value=score.value,
                interval_low=score.interval_low,
                interval_high=score.interval_high,
                decimals=score.decimals,
            )
        )
    efficiency_rows = [
        charts.EfficiencyRow(
            model_name=demo_name(row.model.name, demo),
            team_key=_team_key(row.model),
            average_percent=row.average_percent,
            total_params_b=row.model.total_params_b,
            active_params_b=row.model.active_params_b,
        )
        for row in board.rows
        if row.average_percent is not None
    ]
    return {
        "percent": charts.percent_of_reference_chart(
            percent_rows, labels=labels, team_order=order, model_order=models
        ),
        "efficiency": charts.efficiency_chart(
            efficiency_rows, labels=labels, team_order=order, model_order=models
        ),
        "intervals": charts.interval_chart(
            interval_rows, labels=labels, team_order=order, model_order=models
        ),
    }


def phase_detail(request, slug):
    gen, index = current_state()
    if slug not in index:  # answered from the cache: a cached page costs no query
        raise Http404("No such phase")
    filters = selectors.LeaderboardFilters.from_query(request.GET)
    phase_pk = index[slug][0]
    today = timezone.localdate().isoformat()  # statuses, tenses and dated facts follow the date
    loaded = []

    def get_phase():
        if not loaded:
            loaded.append(get_object_or_404(Phase, pk=phase_pk))
        return loaded[0]

    def render_content():
        phase = get_phase()
        board = selectors.phase_leaderboard(phase=phase, user=request.user, filters=filters)
        figures = record.phase_figures(phase=phase, user=request.user)
        context = {
            "phase": phase,
            "filters": filters,
            "board": board,
            "events": record.phase_events(phase=phase),
            "figures": figures,
            "figure_sources": record.numbered_sources(figures),
            "conversions": record.conversion_rules(phase=phase, user=request.user),
            "charts": _leaderboard_charts(board) if board.rows else None,
            "target": TARGET_PERCENT,
            "query": filters.as_query(),
            "components": selectors.phase_components(phase=phase),
            "language_choices": [
                c for c in Benchmark.Language.choices if c[0] in selectors.LANGUAGES
            ],
            "group_choices": Benchmark.Group.choices,
            "corrections": selectors.corrections_visible(phase=phase),
        }
        return render_to_string(
            "leaderboard/includes/_phase_content.html", context, request=request
        )

    def render_page():
        content_html = cached_fragment(
            "phase-content",
            user=request.user,
            parts=(phase_pk, filters.cache_key(), today),
            render=render_content,
        )
        context = {"phase": get_phase(), "content_html": content_html}
        return render_to_string("leaderboard/phase.html", context, request=request)

    return shared_page(
        request,
        "phase-page",
        parts=(phase_pk, filters.cache_key(), today),
        render_page=render_page,
        gen=gen,
        index=index,
    )


def phase_decisions(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    context = {
        "phase": phase,
        "decisions": selectors.decision_rows(phase=phase, user=request.user),
        "full_view": selectors.phase_can_be_seen_in_full(phase=phase, user=request.user),
    }
    return render(request, "leaderboard/decisions.html", context)


def _export_records(request, slug):
    phase = get_object_or_404(Phase, slug=slug)
    filters = selectors.LeaderboardFilters.from_query(request.GET)
    board = selectors.phase_leaderboard(phase=phase, user=request.user, filters=filters)
    return phase, selectors.export_rows(board)


@require_GET
def phase_export_csv(request, slug):
    phase, records = _export_records(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kai-{phase.slug}.csv"'
    # A BOM, so spreadsheet programs read the Korean names as UTF-8; no cell can run.
    csv_write(response, fieldnames=selectors.EXPORT_FIELDS, rows=records, bom=True)
    return response


@require_GET
def phase_export_json(request, slug):
    phase, records = _export_records(request, slug)
    payload = {
        "phase": phase.slug,
        "is_demo": phase.is_demo,
        "filters": request.GET.urlencode(),
        "rule": "official organizer run > newest organizer run > independent > other lab > "
        "self-reported > third-party summary",
        "rows": records,
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="kai-{phase.slug}.json"'
    return response


def team_detail(request, slug):
    context = selectors.team_detail(slug=slug, user=request.user)
    team = context["team"]
    context["partners"] = record.partners_known(team=team)
    context["independence"] = record.independence_records(
        models=context["models"], user=request.user
    )
    phases = selectors.phase_list()
    rows = [
        charts.PhasePointsRow(
            team_key=team.slug,
            team_name=team.name,
            phase_label=a.phase.name,
            points=a.published_total
            if a.published_total is not None
            else _sum_points(a.points_by_code),
            max_points=100,
        )
        for a in context["assessments"]
        if not a.phase.is_demo
    ]
    rows = [r for r in rows if r.points is not None]
    context["progression"] = charts.phase_progression_chart(
        rows,
        labels=chart_labels(),
        phases=[p.name for p in phases],
        team_order=selectors.all_team_slugs(),
    )
    return render(request, "leaderboard/team.html", context)


def _sum_points(points_by_code):
    top = [p.points for p in points_by_code.values() if p.component.parent_id is None]
    return sum(top) if top else None


def model_detail(request, slug):
    demo = include_demo(request)
    context = selectors.model_detail(slug=slug, user=request.user, include_demo=demo)
    model = context["model"]
    context["independence"] = record.independence_records(models=[model], user=request.user).get(
        model.pk, []
    )
    labels = chart_labels()
    order = selectors.all_team_slugs()
    cells = selectors.scores_chosen_for_model(model=model, user=request.user, include_demo=demo)
    team_key = _team_key(model)
    context["interval_chart"] = charts.interval_chart(
        [
            charts.IntervalRow(
                model_name=model.name,
                team_key=team_key,
                benchmark_label=chart_label(c.score.benchmark),
                value=c.score.value,
                interval_low=c.score.interval_low,
                interval_high=c.score.interval_high,
                decimals=c.score.decimals,
            )
            for c in cells
        ],
        labels=labels,
        team_order=order,
        model_order=chart_model_order(),
    )
    percent_chart = None
    if not model.is_baseline and model.release_date:
        references = selectors.model_reference_cells(
            cells=cells, as_of=model.release_date, user=request.user
        )
        percent_chart = charts.percent_of_reference_chart(
            [
                charts.PercentOfReferenceRow(
                    model_name=model.name,
                    team_key=team_key,
                    benchmark_label=chart_label(c.score.benchmark),
                    value=c.score.value,
                    reference_value=references[c.score.benchmark_id].value,
                    reference_name=references[c.score.benchmark_id].model_name,
                    higher_is_better=c.score.benchmark.higher_is_better,
                    decimals=c.score.decimals,
                )
                for c in cells
                if c.score.benchmark_id in references
            ],
            labels=labels,
            team_order=order,
            model_order=chart_model_order(),
        )
    context["percent_chart"] = percent_chart
    context["chosen_ids"] = {c.score.pk for c in cells}
    context["has_demo_scores"] = any(c.score.is_demo for c in cells)
    return render(request, "leaderboard/model.html", context)


def benchmark_list(request):
    demo = include_demo(request)
    context = {
        "benchmarks": selectors.benchmark_list(user=request.user, include_demo=demo),
        "include_demo": demo,
        "demo_phases": selectors.demo_phases(),
    }
    return render(request, "leaderboard/benchmarks.html", context)


def benchmark_detail(request, code):
    from evaluations.selectors import extraction_examples

    context = selectors.benchmark_detail(code=code, user=request.user)
    benchmark = context["benchmark"]
    context["extraction_examples"] = extraction_examples(benchmark=benchmark)
    cells = selectors.benchmark_chosen(benchmark=benchmark, user=request.user)
    ranked = [c for c in cells if not c.score.model.is_baseline]
    ranks = selectors.tied_ranks(
        [
            (
                float(c.score.value),
                float(c.score.interval_low if c.score.has_interval else c.score.value),
                float(c.score.interval_high if c.score.has_interval else c.score.value),
            )
            for c in ranked
        ],
        higher_is_better=benchmark.higher_is_better,
    )
    rank_of = {c.score.pk: r for c, r in zip(ranked, ranks, strict=True)}
    context["ranked"] = [(c, rank_of.get(c.score.pk)) for c in cells]
    context["has_ties"] = any(r and r.is_tie for r in ranks)
    context["interval_chart"] = charts.interval_chart(
        [
            charts.IntervalRow(
                model_name=demo_name(c.score.model.name, c.score.is_demo),
                team_key=_team_key(c.score.model),
                benchmark_label=chart_label(benchmark),
                value=c.score.value,
                interval_low=c.score.interval_low,
                interval_high=c.score.interval_high,
                decimals=c.score.decimals,
            )
            for c in cells
        ],
        labels=chart_labels(),
        team_order=selectors.all_team_slugs(),
        model_order=chart_model_order(),
    )
    return render(request, "leaderboard/benchmark.html", context)


def compare(request):
    slugs = selectors.parse_model_slugs(request.GET.getlist("models"))
    demo = include_demo(request)
    comparison = (
        selectors.compare_models(slugs=slugs, user=request.user, include_demo=demo)
        if slugs
        else None
    )
    chart = None
    if comparison and not comparison.problem:
        chart = charts.comparison_chart(
            [
                charts.ComparisonRow(
                    model_name=model.name,
                    team_key=_team_key(model),
                    group_label=chart_label(benchmark),
                    value=cell.score.value,
                    decimals=cell.score.decimals,
                )
                for benchmark in comparison.benchmarks
                for model in comparison.models
                if (cell := comparison.cells.get((model.pk, benchmark.pk)))
            ],
            labels=chart_labels(),
            team_order=selectors.all_team_slugs(),
            model_order=chart_model_order(),
        )
    context = {
        "comparison": comparison,
        "chart": chart,
        "slugs": slugs,
        "choices": list(
            selectors.models_visible(user=request.user)
            .select_related("team")
            .order_by("kind", "name")
        ),
        "max_compared": selectors.MAX_COMPARED,
        "include_demo": demo,
    }
    status = 404 if comparison and comparison.problem == "unknown" else 200
    return render(request, "leaderboard/compare.html", context, status=status)


def ping(request):
    """A trivial plain-text view: the baseline the benchmark compares page throughput with."""
    return HttpResponse("ok", content_type="text/plain")
