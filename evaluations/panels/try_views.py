"""Panel pages that ask models live: the rater's chat box (a streamed answer) and the public
side-by-side on the rater's own prompt."""

from __future__ import annotations

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from . import services, tryout


def _event(name: str | None, data: dict) -> bytes:
    head = f"event: {name}\n".encode() if name else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"


@login_required
@require_POST
def try_model(request, pk, label):
    """POST ``message`` to the model shown to this rater as ``label``; the answer comes back as
    server-sent events: ``data: {"delta": text}`` pieces, then ``event: done`` or
    ``event: error`` with ``{"error": message}``. Before streaming, bad input answers 400 JSON
    ``{"error": message}`` (nothing sent to the model); a label outside the rater's own map, 404.
    """
    try:
        plan = tryout.try_prepare(
            user=request.user, panel_id=pk, label=label, text=request.POST.get("message", "")
        )
    except services.NotFound as exc:
        raise Http404("No such page") from exc
    except services.PanelError as exc:
        return JsonResponse(
            {"error": exc.message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    language = translation.get_language()

    def events():
        with translation.override(language):
            try:
                for piece in tryout.try_answer(plan):
                    yield _event(None, {"delta": piece})
            except services.PanelError as exc:
                yield _event("error", {"error": exc.message})
                return
            yield _event("done", {})

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@login_required
@require_POST
def compare_ask(request, pk):
    """The public rater's own prompt to two models drawn at random; back to the comparison."""
    try:
        comparison = tryout.live_comparison(
            user=request.user, panel_id=pk, text=request.POST.get("text", "")
        )
    except services.NotFound as exc:
        raise Http404("No such page") from exc
    except services.PanelError as exc:
        messages.error(request, exc.message)
        return redirect("panels:compare", pk=pk)
    return redirect(f"{reverse('panels:compare', args=[pk])}?prompt={comparison.prompt_id}")
