"""Writes to the competition's data, each in one transaction."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .audit import assessment_snapshot, audit_record, score_snapshot
from .models import (
    Assessment,
    Benchmark,
    ComponentPoints,
    FoundationModel,
    GateResult,
    Mode,
    Phase,
    PhaseComponentAverage,
    PhaseParticipant,
    Reporter,
    Score,
    ScoringComponent,
    Team,
    TeamMembership,
    TeamPartner,
)
from .sources import citation_link

PROGRAM_DATA_DIR = Path(__file__).resolve().parent / "data"

_MODES = {
    "reasoning": Mode.REASONING,
    "thinking": Mode.REASONING,
    "non-reasoning": Mode.NON_REASONING,
}
_REPORTERS = {
    "self": Reporter.SELF,
    "other-lab": Reporter.OTHER_LAB,
    "independent": Reporter.INDEPENDENT,
    "third-party-summary": Reporter.THIRD_PARTY_SUMMARY,
}
_SETUP_TOKENS = ("prompt-strict", "pass@1-CoT", "0-shot")


class ProgramDataError(ValueError):
    """The program data files are inconsistent; the message names the file and row."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _upsert(model, lookup: dict, values: dict, report: LoadReport, kind: str):
    """Create the row, or update only the fields that differ; returns the instance."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        report.count(kind, created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(kind, created=False, changed=True)
    return obj


def _decimal(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


def _release(text: str) -> tuple[date | None, bool]:
    text = text.strip()
    if not text:
        return None, False
    if len(text) == 7:
        return date.fromisoformat(f"{text}-01"), True
    return date.fromisoformat(text), False


def _model_values(row: dict, meta: dict, teams: dict[str, Team]) -> dict:
    team_slug = meta.get("team")
    released, month_only = _release(row["released"])
    arch = {"moe": "moe", "dense": "dense"}.get(row["architecture"].strip().lower(), "undisclosed")
    scratch = {"yes": True, "no": False}.get(row["trained_from_scratch"].strip().lower())
    return {
        "name": row["model"],
        "kind": FoundationModel.Kind.TEAM if team_slug else FoundationModel.Kind.BASELINE,
        "team": teams[team_slug] if team_slug else None,
        "organization": row["organization"],
        "country": row["country"],
        "total_params_b": _decimal(row["total_params_b"]),
        "active_params_b": _decimal(row["active_params_b"]),
        "architecture": arch,
        "pretraining_tokens_t": _decimal(row["pretraining_tokens_t"]),
        "context_length": int(row["context_tokens"]) if row["context_tokens"].strip() else None,
        "release_date": released,
        "release_month_only": month_only,
        "trained_from_scratch": scratch,
        "base_model": meta.get("base_model", ""),
        "source": row["source"],
        "note": row["note"],
    }


def score_import_key(row: dict) -> str:
    """A stable key for a published score row: everything that identifies it except its value."""
    parts = [
        row[k].strip()
        for k in ("model", "benchmark", "mode", "reported_by", "source", "source_path")
    ]
    return "published:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _score_values(row: dict, line: int, models: dict, benchmarks: dict) -> dict:
    try:
        model = models[row["model"]]
        benchmark = benchmarks[row["benchmark"]]
        mode = _MODES[row["mode"]]
        reporter = _REPORTERS[row["reported_by"]]
        value = Decimal(row["value"])
    except KeyError as exc:
        raise ProgramDataError(
            f"published_scores.csv line {line}: unknown {exc.args[0]!r}"
        ) from exc
    note = row["note"].strip()
    setup = [token for token in _SETUP_TOKENS if token in note]
    if row["mode"] == "thinking":
        setup.insert(0, "thinking mode")
    title, url = citation_link(row["source"], row["source_path"])
    decimals = len(row["value"].split(".")[1]) if "." in row["value"] else 0
    return {
        "model": model,
        "benchmark": benchmark,
        "phase": None,
        "value": value,
        "decimals": decimals,
        "mode": mode,
        "setup": ", ".join(setup),
        "reporter": reporter,
        "source_title": title,
        "source_url": url,
        "note": note,
    }


@transaction.atomic
def program_load(*, data_dir: Path = PROGRAM_DATA_DIR) -> LoadReport:
    """Load the program's published facts; running it again changes nothing."""
    report = LoadReport()
    program = json.loads((data_dir / "program.json").read_text(encoding="utf-8"))

    phases = {}
    for item in program["phases"]:
        values = {k: v for k, v in item.items() if k != "slug"}
        if values["announcement_at"]:
            values["announcement_at"] = datetime.fromisoformat(values["announcement_at"])
        phases[item["slug"]] = _upsert(Phase, {"slug": item["slug"]}, values, report, "phases")

    components = {}
    for phase_slug, items in program["components"].items():
        phase = phases[phase_slug]
        for item in items:
            values = {k: v for k, v in item.items() if k not in ("code", "parent")}
            values["parent"] = components.get((phase_slug, item.get("parent")))
            values["max_points"] = _decimal(item["max_points"])
            values.setdefault("benchmark_group", "")
            components[(phase_slug, item["code"])] = _upsert(
                ScoringComponent,
                {"phase": phase, "code": item["code"]},
                values,
                report,
                "components",
            )

    for phase_slug, items in program["averages"].items():
        for item in items:
            values = {
                "component": components[(phase_slug, item["component"])]
                if item["component"]
                else None,
                "label_ko": item["label_ko"],
                "label_en": item["label_en"],
                "value": Decimal(item["value"]),
                "source": program["averages_source"],
            }
            _upsert(
                PhaseComponentAverage,
                {"phase": phases[phase_slug], "code": item["component"] or "total"},
                values,
                report,
                "averages",
            )

    teams = {}
    for item in program["teams"]:
        values = {k: v for k, v in item.items() if k not in ("slug", "partners")}
        team = _upsert(Team, {"slug": item["slug"]}, values, report, "teams")
        teams[item["slug"]] = team
        for order, partner in enumerate(item["partners"], start=1):
            values = {k: v for k, v in partner.items() if k != "name_en"} | {"order": order}
            _upsert(
                TeamPartner,
                {"team": team, "name_en": partner["name_en"]},
                values,
                report,
                "partners",
            )

    models_by_name = {}
    with (data_dir / "models.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            meta = program["model_slugs"].get(row["model"])
            if meta is None:
                raise ProgramDataError(f"models.csv line {line}: no slug for {row['model']!r}")
            values = _model_values(row, meta, teams)
            models_by_name[row["model"]] = _upsert(
                FoundationModel, {"slug": meta["slug"]}, values, report, "models"
            )
    for item in program["unnamed_models"]:
        values = {k: v for k, v in item.items() if k not in ("slug", "team")}
        values |= {"kind": FoundationModel.Kind.TEAM, "team": teams[item["team"]]}
        models_by_name[item["slug"]] = _upsert(
            FoundationModel, {"slug": item["slug"]}, values, report, "models"
        )
    models_by_slug = {m.slug: m for m in models_by_name.values()}

    benchmarks = {}
    for item in program["benchmarks"]:
        values = {k: v for k, v in item.items() if k != "code"}
        values["chance_level"] = _decimal(item.get("chance_level"))
        values.setdefault("item_count", None)
        values.setdefault("version", "")
        values.setdefault("pass_k", None)
        values.setdefault("group", Benchmark.Group.UNCLASSIFIED)
        benchmarks[item["name"]] = _upsert(
            Benchmark, {"code": item["code"]}, values, report, "benchmarks"
        )

    with (data_dir / "published_scores.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            values = _score_values(row, line, models_by_name, benchmarks)
            key = score_import_key(row)
            before = score_snapshot(Score.objects.filter(import_key=key).first())
            score = _upsert(Score, {"import_key": key}, values, report, "scores")
            if (after := score_snapshot(score)) != before:
                audit_record(None, "score.import", score, before, after)

    for phase_slug, items in program["assessments"].items():
        phase = phases[phase_slug]
        for item in items:
            existing = Assessment.objects.filter(team=teams[item["team"]], phase=phase).first()
            before = assessment_snapshot(existing)
            values = {
                "model": models_by_slug[item["model"]],
                "outcome": item["outcome"],
                "published_total": _decimal(item["published_total"]),
                "reasons_ko": item["reasons_ko"],
                "reasons_en": item["reasons_en"],
                "source": item["source"],
                "decided_at": phase.announcement_at,
            }
            assessment = _upsert(
                Assessment,
                {"team": teams[item["team"]], "phase": phase},
                values,
                report,
                "assessments",
            )
            # Every team assessed in a phase took part in it.
            _upsert(
                PhaseParticipant,
                {"phase": phase, "team": teams[item["team"]]},
                {"model": models_by_slug[item["model"]], "source": item["source"]},
                report,
                "participants",
            )
            for code, points in item["points"].items():
                component = components[(phase_slug, code)]
                _upsert(
                    ComponentPoints,
                    {"assessment": assessment, "component": component},
                    {
                        "points": Decimal(points),
                        "max_points": component.max_points,
                        "is_published_figure": True,
                        "source": item["source"],
                    },
                    report,
                    "points",
                )
            gate = item["gate"]
            if gate is not None:
                _upsert(
                    GateResult,
                    {
                        "assessment": assessment,
                        "component": components[(phase_slug, "independence")],
                    },
                    {
                        "passed": gate["passed"],
                        "evidence_ko": gate["evidence_ko"],
                        "evidence_en": gate["evidence_en"],
                        "source": item["source"],
                    },
                    report,
                    "gates",
                )
            if (after := assessment_snapshot(assessment)) != before:
                audit_record(None, "decision.import", assessment, before, after)
    return report


EVALUATOR_PERMISSIONS = {
    # app label: model names whose add/change/view permissions evaluators get
    "leaderboard": [
        "phase",
        "scoringcomponent",
        "team",
        "teampartner",
        "teammembership",
        "foundationmodel",
        "benchmark",
        "score",
        "assessment",
        "componentpoints",
        "gateresult",
        "phasecomponentaverage",
        "phaseparticipant",
        "auditentry",
    ],
}


def evaluator_group_ensure():
    """The Evaluators group with its permissions (created or brought up to date)."""
    from django.contrib.auth.models import Group, Permission

    from .models import EVALUATORS_GROUP

    group, _ = Group.objects.get_or_create(name=EVALUATORS_GROUP)
    wanted = []
    for app_label, model_names in EVALUATOR_PERMISSIONS.items():
        for model_name in model_names:
            for action in ("add", "change", "view"):
                wanted.append((app_label, f"{action}_{model_name}"))
    perms = [
        perm
        for perm in Permission.objects.filter(
            content_type__app_label__in=EVALUATOR_PERMISSIONS
        ).select_related("content_type")
        if (perm.content_type.app_label, perm.codename) in set(wanted)
    ]
    group.permissions.add(*perms)
    return group


@transaction.atomic
def evaluator_create(*, username: str, email: str, password: str):
    """A staff user in the Evaluators group (created, or updated if the name exists)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email or user.email
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(evaluator_group_ensure())
    return user


def team_member_create(*, team_slug: str, username: str, email: str, password: str, role: str):
    """A user in a team (created, or updated if the name exists); not staff, not an evaluator."""
    from django.contrib.auth import get_user_model

    team = Team.objects.get(slug=team_slug)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email or user.email
    user.set_password(password)
    user.save()
    TeamMembership.objects.update_or_create(user=user, team=team, defaults={"role": role})
    return user
