"""The public transparency page: published decisions and scores with their audit hashes."""

from django.http import JsonResponse
from django.shortcuts import render

from .audit import entry_payload, head_hash
from .models import AuditEntry

PAGE_LIMIT = 500


def _entries():
    return list(AuditEntry.objects.about_published().order_by("-seq")[:PAGE_LIMIT])


def index(request):
    context = {
        "entries": _entries(),
        "head_hash": head_hash(),
        "total": AuditEntry.objects.count(),
        "limit": PAGE_LIMIT,
    }
    return render(request, "transparency/index.html", context)


def entries_json(request):
    """The listed entries with everything their hash covers, so anyone can recompute it."""
    data = {
        "head_hash": head_hash(),
        "hash_rule": "sha256(prev_hash + canonical_json(entry)); canonical JSON: sorted keys, "
        "no whitespace, UTF-8, Decimal and datetime as strings",
        "entries": [
            entry_payload(e) | {"prev_hash": e.prev_hash, "entry_hash": e.entry_hash}
            for e in _entries()
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
