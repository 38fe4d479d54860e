"""The public transparency page: the published part of the audit record, as a chain of its own.

The public sees the entries about published things only (decisions, publications, corrections,
official results), hashed into a public chain with its own head hash and count, so that nothing
of what is still hidden (scoring in a phase before its announcement) can be inferred from it.
Evaluators also see the full chain's head and count, which `verify_audit_log` checks.
"""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry, is_evaluator
from .chain import PUBLIC_HASH_RULE, head_hash, public_chain
from .labels import object_labels

PER_PAGE = 25  # newest first; the JSON download has every entry
ROLE_LABELS = {
    "evaluator": _("Evaluator"),
    "team": _("Team"),
    "system": _("System (program data)"),
    "user": _("Signed-in user"),
}

# What each audit action means, for a reader; the code itself stays in the JSON download.
ACTION_LABELS = {
    "phase.publish": _("Publication of results"),
    "decision.record": _("Decision recorded"),
    "decision.import": _("Published decision loaded"),
    "assessment.change": _("Assessment changed"),
    "score.import": _("Published score loaded"),
    "score.change": _("Score changed"),
    "run.official": _("Run marked official"),
    "run.unofficial": _("Run no longer official"),
    "run.rerun": _("Run re-run"),
    "run.cancel": _("Run cancelled"),
    "program.update": _("Program data updated"),
    "correction.decision": _("Correction of a decision"),
    "correction.points": _("Correction of points"),
    "correction.gate": _("Correction of a gate result"),
    "correction.score": _("Correction of a score"),
}


def action_label(action: str) -> str:
    """The readable name of an audit action (admin changes by their kind), else its code."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("admin."):
        return str(_("Change in the admin"))
    return action


def index(request):
    chain = public_chain()
    page = Paginator(chain.entries[::-1], PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "entries": page.object_list,
        "page": page,
        "page_numbers": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
        "milestones": [
            item
            for item in chain.entries[::-1]
            if item.entry.action == "phase.publish" or item.entry.action.startswith("correction.")
        ],
        "head_hash": chain.head_hash,
        "total": chain.count,
        "role_labels": ROLE_LABELS,
        "action_labels": {
            item.entry.action: action_label(item.entry.action) for item in chain.entries
        },
        "object_labels": object_labels(
            [item.entry for item in page.object_list]
            + [
                item.entry
                for item in chain.entries
                if item.entry.action == "phase.publish"
                or item.entry.action.startswith("correction.")
            ]
        ),
    }
    if is_evaluator(request.user):
        context["full_head_hash"] = head_hash()
        context["full_total"] = AuditEntry.objects.count()
    return render(request, "transparency/index.html", context)


def entries_json(request):
    """The public chain with everything each hash covers, so anyone can recompute it."""
    chain = public_chain()
    data = {
        "head_hash": chain.head_hash,
        "count": chain.count,
        "hash_rule": PUBLIC_HASH_RULE,
        "entries": [
            item.payload() | {"prev_hash": item.prev_hash, "public_hash": item.public_hash}
            for item in chain.entries
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
