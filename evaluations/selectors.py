"""Reads for evaluation runs and how their answers were read; visibility goes through visible_to."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import EvaluationRun, RunResult

REASON_LABELS = {
    "no_answer": _("Invalid: no answer found"),
    "two_answers": _("Invalid: two different answers"),
    "not_a_choice": _("Invalid: not one of the choices"),
    "wrong": _("Wrong"),
}


REASON_HELP = {
    "no_answer": _(
        "Nothing in the prediction reads as an answer under the benchmark's extraction rules "
        "(also empty and null predictions)."
    ),
    "two_answers": _(
        "The prediction gives two different answers; it is not counted rather than guessed."
    ),
    "not_a_choice": _(
        "The answer found is not one of the item's choices (a letter past the last choice, "
        "or a number where the choices are letters)."
    ),
    "wrong": _("A valid answer that is not the key's. The key itself is never shown."),
}


def run_list(*, user, limit: int = 200):
    return list(
        EvaluationRun.objects.visible_to(user)
        .select_related("model", "phase", "benchmark", "team", "result")
        .order_by("-created_at")[:limit]
    )


def run_get(*, run_id, user) -> EvaluationRun:
    """The run if the user may see it; 404 otherwise, so that its existence does not leak."""
    try:
        return (
            EvaluationRun.objects.visible_to(user)
            .select_related("model", "phase", "benchmark", "team", "submitted_by")
            .get(pk=run_id)
        )
    except (EvaluationRun.DoesNotExist, ValueError) as exc:
        raise Http404("No such run") from exc


def run_status_payload(run: EvaluationRun) -> dict:
    payload = {
        "id": str(run.id),
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "progress": round(run.progress, 3),
        "is_final": run.is_final,
        "error_message": run.error_message,
    }
    result = getattr(run, "result", None) if run.status == EvaluationRun.Status.SUCCEEDED else None
    if result is not None:
        payload["score"] = {
            "value": round(result.value, 1),
            "interval_low": round(result.interval_low, 1),
            "interval_high": round(result.interval_high, 1),
        }
    return payload


def result_reading(result: RunResult | None) -> dict:
    """How the answers of a run were read: both extraction figures and why items did not count.

    Computed once at scoring time and stored with the result; never holds the answer key.
    """
    if result is None:
        return {
            "extraction": "",
            "extraction_label": "",
            "figures": [],
            "reasons": [],
            "reasons_seen": [],
            "reasons_not_seen": [],
            "ignored_fields": [],
            "ignored_field_lines": 0,
        }
    from leaderboard.models import Benchmark

    labels = dict(Benchmark.Extraction.choices)
    figures = [
        figure
        | {
            "chosen": figure["extraction"] == result.extraction,
            "label": labels.get(figure["extraction"], figure["extraction"]),
        }
        for figure in result.figures or []
    ]
    feedback = result.shown_feedback
    reasons = [
        reason
        | {
            "label": REASON_LABELS.get(reason["reason"], reason["reason"]),
            "help": REASON_HELP.get(reason["reason"], ""),
        }
        for reason in feedback.get("reasons", [])
    ]
    return {
        "extraction": result.extraction,
        "extraction_label": labels.get(result.extraction, ""),
        "figures": figures,
        "reasons": reasons,
        "reasons_seen": [reason for reason in reasons if reason["count"]],
        "reasons_not_seen": [reason["label"] for reason in reasons if not reason["count"]],
        "ignored_fields": feedback.get("ignored_fields", []),
        "ignored_field_lines": feedback.get("ignored_field_lines", 0),
    }


CHOICE_EXAMPLES = [
    "B",
    "(b)",
    "Answer: B",
    "정답은 B입니다.",
    "B번",
    "**B**",
    "The final answer is $\\boxed{B}$",
    "B) 서울",
    "Option B",
    "답: ②",
    "Answer: B\n\nSeoul is the capital because …",
    "The answer is B or C",
    "**A** is wrong; the answer is **B**",
    "정답은 A가 아니라 B입니다",
    "E",
]


EXACT_EXAMPLES = [
    ("1,234", "1234"),
    ("Answer: 42", "42"),
    ("The answer is 14.", "14"),
    ("\\boxed{234}", "234"),
    ("35 cm", "35"),
    ("$469", "469"),
    ("9723개", "9723"),
    ("x = 670", "670"),
    ("−5", "-5"),
    ("0.00005", "0.00005"),
    ("1/2", "0.5"),
    ("10²", "102"),
    ("7", "007"),
    ("없음", "답 없음"),
    ("\\boxed{12} … The answer is 14.", "14"),
]


def _example_cell(outcome: str, shown: str) -> dict:
    return {
        "outcome": outcome,
        "label": REASON_LABELS.get(outcome, _("Right")),
        "shown": shown,
        "counts": outcome in ("correct", "wrong"),
    }


def extraction_examples(*, benchmark) -> list[dict]:
    """Illustrative predictions read by the scoring code itself in both modes, with an
    illustrative key (never a real one): what the benchmark page shows under its rules."""
    from .scoring.extraction import (
        choice_outcome,
        exact_outcome,
        extract_choice,
        extract_exact,
        shorten,
    )
    from .scoring.normalize import key_answer

    rows = []
    if benchmark.metric == benchmark.Metric.ACCURACY:
        for text in CHOICE_EXAMPLES:
            cells = {}
            for mode in ("strict", "flexible"):
                read = extract_choice(text, mode=mode, numbered=benchmark.numbered_choices)
                cells[mode] = _example_cell(*choice_outcome(read, "B", 4))
            rows.append({"prediction": shorten(text), "key": "B", **cells})
    elif benchmark.metric == benchmark.Metric.EXACT_MATCH:
        fractions = benchmark.fraction_equals_decimal
        for text, key in EXACT_EXAMPLES:
            cells = {}
            for mode in ("strict", "flexible"):
                read = extract_exact(text, mode=mode, fractions=fractions)
                outcome = exact_outcome(read, key_answer(key), mode=mode, fractions=fractions)
                cells[mode] = _example_cell(*outcome)
            rows.append({"prediction": shorten(text), "key": key, **cells})
    return rows
