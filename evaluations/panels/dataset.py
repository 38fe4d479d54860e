"""The anonymised dataset of a panel: one CSV line per rating, raters under stable random ids.

A rater's id in the dataset is `r-` and the first 16 hex digits of HMAC-SHA256(panel salt,
rater's row id): the salt is drawn once per panel (`Panel.dataset_salt`, 256 random bits, kept
on the server), so the id is the same at every download and says nothing of the person without
the salt. No account, name, e-mail or source id is written; a comment only when its rater agreed
(`Rater.comment_consent`, False unless given). Callers check `published.panels_visible` first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator

from .models import Panel, Rating

FIELDS = (
    "phase",
    "panel",
    "rater_kind",
    "rater",
    "source",
    "model",
    "model_name",
    "criterion",
    "scale_min",
    "scale_max",
    "rating",
    "comment",
    "is_demo",
)


def panel_salt(panel: Panel) -> bytes:
    """The panel's dataset key, drawn on first use (one conditional UPDATE: two first
    downloads at once agree on the same salt)."""
    if not panel.dataset_salt:
        Panel.objects.filter(pk=panel.pk, dataset_salt="").update(
            dataset_salt=secrets.token_hex(32)
        )
        panel.dataset_salt = Panel.objects.values_list("dataset_salt", flat=True).get(pk=panel.pk)
    return bytes.fromhex(panel.dataset_salt)


def anonymous_id(salt: bytes, rater_id: int) -> str:
    """The rater's id in the dataset: stable for a panel, unlinkable without its salt."""
    return "r-" + hmac.new(salt, str(rater_id).encode(), hashlib.sha256).hexdigest()[:16]


def dataset_rows(panel: Panel) -> Iterator[dict]:
    """The panel's ratings as dataset rows (FIELDS), ordered by anonymous id, model, criterion."""
    salt = panel_salt(panel)
    ratings = Rating.objects.filter(rater__panel=panel).select_related(
        "rater", "model", "criterion"
    )
    rows = []
    for r in ratings:
        rows.append(
            {
                "phase": panel.phase.slug,
                "panel": panel.code,
                "rater_kind": panel.rater_kind,
                "rater": anonymous_id(salt, r.rater_id),
                "source": "import" if r.rater.imported else "site",
                "model": r.model.slug,
                "model_name": r.model.name,
                "criterion": r.criterion.code,
                "scale_min": r.criterion.scale_min,
                "scale_max": r.criterion.scale_max,
                "rating": r.value,
                "comment": r.comment if r.rater.comment_consent else "",
                "is_demo": panel.phase.is_demo,
            }
        )
    rows.sort(key=lambda row: (row["rater"], row["model"], row["criterion"]))
    yield from rows
