"""The global reference of a phase: one rule, which every page, export, chart and API answer calls.

For a phase and a benchmark, the reference is the best score of a global baseline released
within the six months before the phase's reference date (`reference.global_reference`). The
date comes from the phase's own fixed dates, never from today: the start of its evaluation,
else the opening of its submission window, else the end of its evaluation, else the day of its
announcement; a phase with none of these has no reference yet. The baseline scores taken are
those of the phase and the phase-less published figures, one per baseline (the same preference
rule as every table), never a run that is not official, never synthetic data in a real phase.
The public board, the team feedback, the decision board, the charts and the API all call
`phase_references`, so one run shows one reference and one percentage everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils import timezone

from .models import Benchmark, FoundationModel, Phase, Score
from .ranking import preferred_scores
from .reference import BaselineScore, Reference, global_reference


def phase_reference_date(phase: Phase, baseline_scores: Iterable[Score] = ()) -> date | None:
    """The day the six-month window of eligible baselines ends, from the phase's fixed dates."""
    if phase.evaluation_starts:
        return phase.evaluation_starts
    if phase.submission_opens:
        return timezone.localdate(phase.submission_opens)
    if phase.evaluation_ends:
        return phase.evaluation_ends
    if phase.is_demo:
        # The synthetic demo has no evaluation dates: its window ends at its newest baseline.
        releases = [s.model.release_date for s in baseline_scores if s.model.release_date]
        return max(releases, default=None)
    if phase.announcement_at:
        return timezone.localdate(phase.announcement_at)
    return None


def _baseline_scores(*, phase: Phase, benchmark_ids, user, now=None) -> list[Score]:
    base = Score.objects.all() if user is None else Score.objects.visible_to(user, now)
    scores = base.filter(
        benchmark_id__in=benchmark_ids, model__kind=FoundationModel.Kind.BASELINE
    ).filter(Q(run__isnull=True) | Q(run__is_official=True))
    if phase.is_demo:
        scores = scores.filter(phase=phase)
    else:
        scores = scores.filter(Q(phase=phase) | Q(phase__isnull=True), is_demo=False)
    return list(scores.select_related("model", "run"))


def references_as_of(
    chosen_scores: Iterable[Score], benchmarks: Iterable[Benchmark], *, as_of: date
) -> dict[int, Reference]:
    """{benchmark id: reference} from the baselines' chosen scores, by `global_reference`."""
    by_benchmark: dict[int, list[BaselineScore]] = {}
    for score in chosen_scores:
        model = score.model
        if not model.is_baseline:
            continue
        by_benchmark.setdefault(score.benchmark_id, []).append(
            BaselineScore(
                model.slug,
                model.name,
                float(score.value),
                model.release_date,
                model.release_month_only,
            )
        )
    references = {}
    for benchmark in benchmarks:
        reference = global_reference(
            by_benchmark.get(benchmark.pk, ()),
            as_of=as_of,
            higher_is_better=benchmark.higher_is_better,
        )
        if reference is not None:
            references[benchmark.pk] = reference
    return references


def phase_references(
    *, phase: Phase, benchmarks: Iterable[Benchmark], user=None, now=None
) -> tuple[date | None, dict[int, Reference]]:
    """(reference date, {benchmark id: reference}) of a phase, from what `user` may see.

    `user=None` reads every score (the evaluators' tools call it so).
    """
    benchmarks = list(benchmarks)
    scores = _baseline_scores(
        phase=phase, benchmark_ids=[b.pk for b in benchmarks], user=user, now=now
    )
    as_of = phase_reference_date(phase, scores)
    if as_of is None:
        return None, {}
    chosen = [options[0] for options in preferred_scores(scores).values()]
    return as_of, references_as_of(chosen, benchmarks, as_of=as_of)


def phase_reference(*, phase: Phase, benchmark: Benchmark, user=None, now=None):
    """The global reference of one benchmark in a phase (None when there is none)."""
    return phase_references(phase=phase, benchmarks=[benchmark], user=user, now=now)[1].get(
        benchmark.pk
    )
