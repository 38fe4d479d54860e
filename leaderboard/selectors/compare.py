"""Model comparisons: relative pairs against a reference model, and side-by-side models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..models import (
    Benchmark,
    FoundationModel,
    Phase,
    Score,
)
from ..phase_reference import references_as_of
from ..ranking import preferred_scores
from ..reference import (
    Reference,
)
from .board import LANGUAGES, Cell, choose_scores, visible_phase_scores
from .ordering import LANGUAGE_ORDER
from .visible import models_visible, phase_list


@dataclass
class RelativePair:
    model: FoundationModel
    language: str
    value: float
    reference_value: float
    count: int
    is_demo: bool


def relative_pairs(*, phase: Phase, user, reference_slug: str, now=None) -> list[RelativePair]:
    """Per team model and language: its mean and the reference model's mean on shared benchmarks."""
    scores = visible_phase_scores(phase=phase, user=user, now=now)
    cells = choose_scores(scores)
    reference_cells = {
        benchmark_id: cell
        for (_, benchmark_id), cell in cells.items()
        if cell.score.model.slug == reference_slug
    }
    grouped: dict[tuple[int, str], list[tuple[Cell, Cell]]] = {}
    models = {}
    for (model_id, benchmark_id), cell in cells.items():
        model = cell.score.model
        if model.is_baseline or benchmark_id not in reference_cells:
            continue
        if not cell.score.benchmark.higher_is_better:
            continue
        models[model_id] = model
        grouped.setdefault((model_id, cell.score.benchmark.language), []).append(
            (cell, reference_cells[benchmark_id])
        )
    pairs = []
    for (model_id, language), items in grouped.items():
        pairs.append(
            RelativePair(
                model=models[model_id],
                language=language,
                value=sum(float(c.score.value) for c, _ in items) / len(items),
                reference_value=sum(float(r.score.value) for _, r in items) / len(items),
                count=len(items),
                is_demo=any(c.score.is_demo or r.score.is_demo for c, r in items),
            )
        )
    return pairs


def headline_pairs(*, user, reference_slug: str, now=None) -> list[RelativePair]:
    """Relative pairs of the latest published real phase: never synthetic demo data."""
    real = [p for p in phase_list() if p.is_published(now)]
    pairs: list[RelativePair] = []
    for phase in real[-1:]:
        pairs += relative_pairs(phase=phase, user=user, reference_slug=reference_slug, now=now)
    order = {code: i for i, code in enumerate(LANGUAGES)}
    pairs.sort(key=lambda p: (order.get(p.language, 9), p.model.name))
    return [p for p in pairs if p.language in LANGUAGES]


def _chosen(*, user, now, include_demo: bool, **filters) -> dict[tuple[int, int], Cell]:
    """The chosen score per (model, benchmark) among the scores `user` may see (over all phases)."""
    scores = (
        Score.objects.visible_to(user, now)
        .filter(**filters)
        .select_related("model", "model__team", "benchmark", "run")
    )
    return choose_scores(scores if include_demo else scores.filter(is_demo=False))


def scores_chosen_for_model(
    *, model: FoundationModel, user, now=None, include_demo: bool = False
) -> list[Cell]:
    """The preferred score of this model on each benchmark (over all phases it may see)."""
    cells = _chosen(user=user, now=now, include_demo=include_demo, model=model)
    return sorted(
        cells.values(),
        key=lambda c: (
            c.score.benchmark.is_demo,
            LANGUAGE_ORDER.get(c.score.benchmark.language, 9),
            c.score.benchmark.name.lower(),
        ),
    )


def model_reference_cells(
    *, cells: list[Cell], as_of: date, user, now=None
) -> dict[int, Reference]:
    """Global references (as of `as_of`) of the benchmarks of `cells`."""
    benchmark_ids = [c.score.benchmark_id for c in cells]
    baseline_scores = (
        Score.objects.visible_to(user, now)
        .filter(benchmark_id__in=benchmark_ids, model__kind=FoundationModel.Kind.BASELINE)
        .select_related("model", "benchmark", "run")
    )
    chosen = [options[0] for options in preferred_scores(baseline_scores).values()]
    return references_as_of(chosen, [c.score.benchmark for c in cells], as_of=as_of)


@dataclass
class Comparison:
    models: list[FoundationModel]
    benchmarks: list[Benchmark]
    cells: dict[tuple[int, int], Cell]
    problem: str = ""
    unknown: list[str] = field(default_factory=list)

    def table(self):
        """(benchmark, [cell or None per model], best model ids) per benchmark."""
        for benchmark in self.benchmarks:
            row = [self.cells.get((m.pk, benchmark.pk)) for m in self.models]
            present = [float(c.score.value) for c in row if c]
            # a best only where at least two models can be compared
            pick = max if benchmark.higher_is_better else min
            top = pick(present) if len(present) >= 2 else None
            yield benchmark, [(c, c is not None and float(c.score.value) == top) for c in row]


def parse_model_slugs(values: list[str]) -> list[str]:
    """Slugs from ?models=a,b&models=c, in order, without duplicates or blanks."""
    slugs = []
    for value in values:
        slugs += [s.strip() for s in value.split(",") if s.strip()]
    return list(dict.fromkeys(slugs))


def compare_models(*, slugs: list[str], user, now=None, include_demo: bool = False) -> Comparison:
    """2 to 4 visible models side by side on the benchmarks they share any score on.

    Synthetic demo scores take part only when asked for (and are then marked DEMO).
    """
    found = {
        m.slug: m
        for m in models_visible(user=user, now=now)
        .filter(slug__in=slugs[:20])
        .select_related("team")
    }
    unknown = [s for s in slugs if s not in found]
    models = [found[s] for s in slugs if s in found]
    if unknown:
        return Comparison(models, [], {}, problem="unknown", unknown=unknown)
    if len(models) < 2:
        return Comparison(models, [], {}, problem="too_few")
    if len(models) > MAX_COMPARED:
        return Comparison(models, [], {}, problem="too_many")
    cells = _chosen(user=user, now=now, include_demo=include_demo, model__in=models)
    benchmarks = sorted(
        {c.score.benchmark_id: c.score.benchmark for c in cells.values()}.values(),
        key=lambda b: (b.is_demo, LANGUAGE_ORDER.get(b.language, 9), b.name.lower()),
    )
    return Comparison(models, benchmarks, cells)


MAX_COMPARED = 4


def benchmark_chosen(*, benchmark: Benchmark, user, now=None) -> list[Cell]:
    """One preferred score per model on this benchmark, best first."""
    cells = list(_chosen(user=user, now=now, include_demo=True, benchmark=benchmark).values())
    cells.sort(
        key=lambda c: -float(c.score.value) if benchmark.higher_is_better else float(c.score.value)
    )
    return cells
