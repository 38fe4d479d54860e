"""What an audit entry is about, in the reader's language.

An entry keeps the label its object had when it was written (`object_label`, part of the hashed
record, so it never changes). A decision's label ("NC AI · First stage: eliminated") was written
in English with the outcome's code; the transparency page shows it instead with the team's and
the phase's names in the reader's language and the outcome the entry itself recorded.
"""

from __future__ import annotations

import json

from ..models import Assessment, AuditEntry


def _recorded_outcome(entry: AuditEntry) -> str:
    """The outcome the entry recorded: its after-state, else its before-state."""
    for text in (entry.after, entry.before):
        try:
            state = json.loads(text) if text else None
        except ValueError:
            continue
        if isinstance(state, dict) and isinstance(state.get("after"), dict):
            state = state["after"]  # a correction keeps the new state under "after"
        if isinstance(state, dict) and state.get("outcome"):
            return str(state["outcome"])
    return ""


def object_labels(entries: list[AuditEntry]) -> dict[int, str]:
    """{entry seq: label in the active language} for the entries about decisions; others keep
    their stored label. One query for the page."""
    ids = {
        int(e.object_id)
        for e in entries
        if e.object_type == "leaderboard.assessment" and e.object_id.isdigit()
    }
    found = {
        str(a.pk): a for a in Assessment.objects.filter(pk__in=ids).select_related("team", "phase")
    }
    outcomes = dict(Assessment.Outcome.choices)
    labels = {}
    for entry in entries:
        assessment = (
            found.get(entry.object_id) if entry.object_type == "leaderboard.assessment" else None
        )
        if assessment is None:
            continue
        outcome = _recorded_outcome(entry)
        text = f"{assessment.team.name} · {assessment.phase.name}"
        if outcome:
            text += f": {outcomes.get(outcome, outcome)}"
        labels[entry.seq] = text
    return labels
