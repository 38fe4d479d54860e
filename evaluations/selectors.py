"""Reads for evaluation runs; visibility goes through EvaluationRun.objects.visible_to."""

from django.http import Http404

from .models import EvaluationRun


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
