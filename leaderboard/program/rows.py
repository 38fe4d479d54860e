"""Values of one row of the data files, checked: a bad row names its file and line."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..models import FoundationModel, Reliability, Reporter, ScoreMode
from ..sources import citation_link

MODES = {
    "reasoning": ScoreMode.REASONING,
    "thinking": ScoreMode.REASONING,
    "non-reasoning": ScoreMode.NON_REASONING,
    "unspecified": ScoreMode.UNSPECIFIED,
}
REPORTERS = {
    "self": Reporter.SELF,
    "other-lab": Reporter.OTHER_LAB,
    "independent": Reporter.INDEPENDENT,
    "third-party-summary": Reporter.THIRD_PARTY_SUMMARY,
}
SETUP_TOKENS = ("prompt-strict", "pass@1-CoT", "0-shot")


def decimal(text, where: str = "") -> Decimal | None:
    text = (text or "").strip() if isinstance(text, str) else text
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation as exc:
        from .sync import ProgramDataError

        raise ProgramDataError(f"{where}: {text!r} is not a number") from exc


def day(text) -> date | None:
    return date.fromisoformat(text) if text else None


def moment(text) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def month_or_day(text: str) -> tuple[date | None, bool]:
    """'2026-07' → (2026-07-01, True); '2026-07-31' → (that day, False); '' → (None, False)."""
    text = (text or "").strip()
    if not text:
        return None, False
    if len(text) == 7:
        return date.fromisoformat(f"{text}-01"), True
    return date.fromisoformat(text), False


def reliability(text, where: str) -> str:
    text = (text or "official").strip()
    if text not in Reliability.values:
        from .sync import ProgramDataError

        raise ProgramDataError(f"{where}: unknown reliability {text!r}")
    return text


def dated_fact_values(item: dict, **own) -> dict:
    """The fields every dated, sourced fact has (a phase event, an independence record)."""
    on, month_only = month_or_day(item["on"])
    return {
        "kind": item["kind"],
        **own,  # the fact's own fields, in the order the files and reports have always used
        "on": on,
        "month_only": month_only,
        "text_ko": item["text_ko"],
        "text_en": item["text_en"],
        "source": item["source"],
        "reliability": reliability(item.get("reliability"), item["code"]),
    }


def model_values(row: dict, meta: dict, teams: dict, line: int) -> dict:
    where = f"models.csv line {line}"
    team_slug = meta.get("team")
    released, month_only = month_or_day(row["released"])
    arch = {"moe": "moe", "dense": "dense"}.get(row["architecture"].strip().lower(), "undisclosed")
    scratch = {"yes": True, "no": False}.get(row["trained_from_scratch"].strip().lower())
    return {
        "name": row["model"],
        "kind": FoundationModel.Kind.TEAM if team_slug else FoundationModel.Kind.BASELINE,
        "team": teams[team_slug] if team_slug else None,
        "organization": row["organization"],
        "country": row["country"],
        "total_params_b": decimal(row["total_params_b"], where),
        "active_params_b": decimal(row["active_params_b"], where),
        "architecture": arch,
        "pretraining_tokens_t": decimal(row["pretraining_tokens_t"], where),
        "context_length": int(row["context_tokens"]) if row["context_tokens"].strip() else None,
        "licence": row["licence"],
        "release_date": released,
        "release_month_only": month_only,
        "trained_from_scratch": scratch,
        "base_model": meta.get("base_model", ""),
        "source": row["source"],
        "note": row["note"],
        "note_ko": row["note_ko"],
        "reliability": reliability(row["reliability"], where),
        "release_reliability": reliability(row["release_reliability"], where),
        "licence_reliability": reliability(row["licence_reliability"], where),
        "listed": True,
    }


def score_import_key(row: dict) -> str:
    """A stable key for a published score row: everything that identifies it except its value."""
    parts = [
        row[k].strip()
        for k in ("model", "benchmark", "mode", "reported_by", "source", "source_path")
    ]
    return "published:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def score_values(row: dict, line: int, models: dict, benchmarks: dict, phases: dict) -> dict:
    from .sync import ProgramDataError

    where = f"published_scores.csv line {line}"
    try:
        model = models[row["model"]]
        benchmark = benchmarks[row["benchmark"]]
        mode = MODES[row["mode"]]
        reporter = REPORTERS[row["reported_by"]]
        phase = phases[row["phase"]] if row["phase"] else None
    except KeyError as exc:
        raise ProgramDataError(f"{where}: unknown {exc.args[0]!r}") from exc
    value = decimal(row["value"], where)
    if value is None:
        raise ProgramDataError(f"{where}: no value")
    note = row["note"].strip()
    setup = [token for token in SETUP_TOKENS if token in note]
    if row["mode"] == "thinking":
        setup.insert(0, "thinking mode")
    title, url = citation_link(row["source"], row["source_path"])
    decimals = len(row["value"].split(".")[1]) if "." in row["value"] else 0
    return {
        "model": model,
        "benchmark": benchmark,
        "phase": phase,
        "value": value,
        "decimals": decimals,
        "mode": mode,
        "setup": ", ".join(setup),
        "reporter": reporter,
        "source_title": title,
        "source_url": url,
        "reliability": reliability(row["reliability"], where),
        "note": note,
        "note_ko": row["note_ko"].strip(),
    }
