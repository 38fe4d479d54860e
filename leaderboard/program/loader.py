"""load_program: the program's data files into the database, never over evaluators' changes.

A run creates the rows that are missing and reports every difference between the files and
the database without changing it. With `update=True` it applies the differences, each as an
audit entry (`program.update`), or, where a difference changes the public record, as a public
correction with the reason given (`public_changes.py`). Created scores and decisions are audited
as imports.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..audit.chain import audit_record
from ..models import (
    Benchmark,
    ConversionRule,
    FoundationModel,
    Phase,
    PhaseEvent,
    PhaseFigure,
    PhaseParticipant,
    ScoringComponent,
    Team,
    TeamPartner,
)
from . import rows
from .files import PROGRAM_DATA_DIR, read_csv, read_program
from .records import RecordsLoader
from .scheme import check_scheme
from .sync import Difference, LoadReport, ProgramDataError, Syncer, shown

_TEMPORARY_ORDER = 30000


@transaction.atomic
def program_load(
    *, data_dir: Path = PROGRAM_DATA_DIR, update: bool = False, actor=None, reason=None
):
    """Load the program's published facts; see the module docstring for what a rerun does.

    `reason` (a `CorrectionReason`) is needed when `update` changes the public record (a
    published decision, points, gate or a public score): each such change is then a public
    correction. Without it such an update raises `ProgramDataError` naming the rows, and the
    whole load is rolled back.
    """
    program = read_program(data_dir)
    check_scheme(program)
    report = LoadReport(update=update)
    sync = Syncer(report, actor, reason)
    loader = _Loader(program, data_dir, sync)
    loader.run()
    if report.needs_reason:
        listed = "\n".join(f"  {difference}" for difference in report.needs_reason)
        raise ProgramDataError(
            f"{len(report.needs_reason)} differences change the public record; a public "
            "correction needs its reason in Korean and English (--reason-ko and --reason-en). "
            f"Nothing was changed:\n{listed}"
        )
    return report


class _Loader(RecordsLoader):
    def __init__(self, program: dict, data_dir: Path, sync: Syncer):
        self.program = program
        self.data_dir = data_dir
        self.sync = sync
        self.report = sync.report
        self.phase_items = {item["slug"]: item for item in program["phases"]}

    def run(self) -> None:
        self.phases = self.load_phases()
        self.components = self.load_components()
        self.teams = self.load_teams()
        self.models_by_name = self.load_models()
        self.models = {m.slug: m for m in self.models_by_name.values()}
        self.benchmarks = self.load_benchmarks()
        self.load_conversions()
        self.load_figures()
        self.load_events()
        self.load_participants()
        self.load_scores()
        self.load_assessments()
        self.load_independence()

    # ------------------------------------------------------------ phases and scheme

    def load_phases(self) -> dict[str, Phase]:
        phases = {}
        for item in self.program["phases"]:
            slug = item["slug"]
            values = {
                "kind": item["kind"],
                "status": item["status"],
                "name_ko": item["name_ko"],
                "name_en": item["name_en"],
                "period_ko": item.get("period_ko", ""),
                "period_en": item.get("period_en", ""),
                "evaluation_starts": rows.day(item.get("evaluation_starts")),
                "evaluation_ends": rows.day(item.get("evaluation_ends")),
                "announcement_at": rows.moment(item.get("announcement_at")),
                "summary_ko": item.get("summary_ko", ""),
                "summary_en": item.get("summary_en", ""),
                "results_summary_ko": item.get("results_summary_ko", ""),
                "results_summary_en": item.get("results_summary_en", ""),
                "source": item["source"],
            }
            if not Phase.objects.filter(slug=slug).exists():
                taken = Phase.objects.filter(order=item["order"]).exists()
                free = max(Phase.objects.values_list("order", flat=True), default=0) + 1
                values["order"] = free if taken else item["order"]
            phase, _ = self.sync.sync(Phase, {"slug": slug}, values, "phases", key=slug)
            phases[slug] = phase
        self.sync_phase_orders(phases)
        return phases

    def sync_phase_orders(self, phases: dict[str, Phase]) -> None:
        """Orders are unique: report differences; with update, move in two steps."""
        moving = []
        for slug, phase in phases.items():
            wanted = self.phase_items[slug]["order"]
            if phase.order != wanted:
                self.report.differences.append(
                    Difference("phases", slug, "order", shown(phase.order), shown(wanted))
                )
                moving.append((phase, phase.order, wanted))
        if not (self.report.update and moving):
            return
        for phase, _, _ in moving:
            Phase.objects.filter(pk=phase.pk).update(order=_TEMPORARY_ORDER + phase.pk)
        for phase, before, wanted in moving:
            Phase.objects.filter(pk=phase.pk).update(order=wanted)
            phase.order = wanted
            audit_record(
                self.sync.actor, "program.update", phase, {"order": before}, {"order": wanted}
            )
            self.report.count(self.report.updated, "phases")

    def load_components(self) -> dict[tuple[str, str], ScoringComponent]:
        components = {}
        for phase_slug, items in self.program["components"].items():
            phase = self.phases[phase_slug]
            for item in items:
                values = {
                    "kind": item["kind"],
                    "name_ko": item["name_ko"],
                    "name_en": item["name_en"],
                    "description_ko": item.get("description_ko", ""),
                    "description_en": item.get("description_en", ""),
                    "max_points": rows.decimal(item["max_points"], f"component {item['code']}"),
                    "order": item["order"],
                    "benchmark_group": item.get("benchmark_group", ""),
                    "parent": components.get((phase_slug, item.get("parent"))),
                    "source": item["source"],
                    "reliability": rows.reliability(item.get("reliability"), item["code"]),
                }
                components[(phase_slug, item["code"])], _ = self.sync.sync(
                    ScoringComponent,
                    {"phase": phase, "code": item["code"]},
                    values,
                    "components",
                    key=f"{phase_slug}/{item['code']}",
                )
        return components

    def load_conversions(self) -> None:
        for phase_slug, items in self.program.get("conversions", {}).items():
            for item in items:
                component = self.components[(phase_slug, item["component"])]
                benchmark = (
                    self.benchmarks_by_code[item["benchmark"]] if item.get("benchmark") else None
                )
                values = {
                    "raw_name_ko": item["raw_name_ko"],
                    "raw_name_en": item["raw_name_en"],
                    "raw_max": Decimal(item["raw_max"]),
                    "benchmark": benchmark,
                    "published_on": rows.day(item.get("published_on")),
                    "source": item["source"],
                    "reliability": rows.reliability(item.get("reliability"), item["component"]),
                }
                self.sync.sync(
                    ConversionRule,
                    {"component": component},
                    values,
                    "conversions",
                    key=f"{phase_slug}/{item['component']}",
                    phase_id=component.phase_id,
                )

    def load_figures(self) -> None:
        for phase_slug, items in self.program.get("figures", {}).items():
            phase = self.phases[phase_slug]
            for item in items:
                where = f"figure {phase_slug}/{item['code']}"
                value_text = item["value"]
                values = {
                    "kind": item["kind"],
                    "component": self.components[(phase_slug, item["component"])]
                    if item.get("component")
                    else None,
                    "team": self.teams[item["team"]] if item.get("team") else None,
                    "label_ko": item["label_ko"],
                    "label_en": item["label_en"],
                    "value": rows.decimal(value_text, where),
                    "decimals": len(value_text.split(".")[1]) if "." in value_text else 0,
                    "published_on": rows.day(item.get("published_on")),
                    "source": item["source"],
                    "reliability": rows.reliability(item.get("reliability"), where),
                }
                self.sync.sync(
                    PhaseFigure,
                    {"phase": phase, "code": item["code"]},
                    values,
                    "figures",
                    key=f"{phase_slug}/{item['code']}",
                )

    def load_events(self) -> None:
        for phase_slug, items in self.program.get("events", {}).items():
            phase = self.phases[phase_slug]
            for item in items:
                self.sync.sync(
                    PhaseEvent,
                    {"phase": phase, "code": item["code"]},
                    rows.dated_fact_values(item),
                    "events",
                    key=f"{phase_slug}/{item['code']}",
                )

    # ------------------------------------------------------------ teams and models

    def load_teams(self) -> dict[str, Team]:
        teams = {}
        for item in self.program["teams"]:
            values = {
                k: item.get(k, "")
                for k in (
                    "name_ko",
                    "name_en",
                    "lead_organization_ko",
                    "lead_organization_en",
                    "description_ko",
                    "description_en",
                    "source",
                )
            }
            team, _ = self.sync.sync(
                Team, {"slug": item["slug"]}, values, "teams", key=item["slug"]
            )
            teams[item["slug"]] = team
            for order, partner in enumerate(item["partners"], start=1):
                where = f"team {item['slug']} partner {partner['name_en']}"
                values = {
                    "name_ko": partner["name_ko"],
                    "role_ko": partner.get("role_ko", ""),
                    "role_en": partner.get("role_en", ""),
                    "order": order,
                    "joined_on": rows.day(partner.get("joined_on")),
                    "source": partner.get("source", item["source"]),
                    "reliability": rows.reliability(partner.get("reliability"), where),
                }
                self.sync.sync(
                    TeamPartner,
                    {"team": team, "name_en": partner["name_en"]},
                    values,
                    "partners",
                    key=f"{item['slug']}/{partner['name_en']}",
                )
        return teams

    def load_models(self) -> dict[str, FoundationModel]:
        models_by_name: dict[str, FoundationModel] = {}
        lineage = self.program.get("lineage", {})
        for line, row in read_csv(self.data_dir / "models.csv"):
            meta = self.program["model_slugs"].get(row["model"])
            if meta is None:
                raise ProgramDataError(f"models.csv line {line}: no slug for {row['model']!r}")
            values = rows.model_values(row, meta, self.teams, line)
            values |= self.lineage_values(lineage.get(meta["slug"]), models_by_name, line, values)
            models_by_name[row["model"]], _ = self.sync.sync(
                FoundationModel, {"slug": meta["slug"]}, values, "models", key=meta["slug"]
            )
        unknown = set(lineage) - {m.slug for m in models_by_name.values()}
        if unknown:
            raise ProgramDataError(f"program.json lineage: unknown models {sorted(unknown)}")
        return models_by_name

    def lineage_values(self, item: dict | None, loaded: dict, line: int, model: dict) -> dict:
        if item is None:  # what the models file declares, with its source
            declared = model["trained_from_scratch"] is True
            built_on = model["trained_from_scratch"] is False and model["base_model"]
            return {
                "lineage": "from_scratch"
                if declared
                else "built_on"
                if built_on
                else "not_declared",
                "lineage_parent": None,
                "lineage_note_ko": "",
                "lineage_note_en": "",
                "lineage_source": model["source"] if declared or built_on else "",
                "lineage_reliability": "official",
            }
        parent = None
        if item.get("parent"):
            parent = next((m for m in loaded.values() if m.slug == item["parent"]), None)
            if parent is None:
                raise ProgramDataError(
                    f"models.csv line {line}: list the lineage parent {item['parent']!r} first"
                )
        return {
            "lineage": item["lineage"],
            "lineage_parent": parent,
            "lineage_note_ko": item["note_ko"],
            "lineage_note_en": item["note_en"],
            "lineage_source": item["source"],
            "lineage_reliability": rows.reliability(item.get("reliability"), f"line {line}"),
        }

    def load_benchmarks(self) -> dict[str, Benchmark]:
        benchmarks = {}
        for item in self.program["benchmarks"]:
            values = {k: v for k, v in item.items() if k != "code"}
            values["chance_level"] = rows.decimal(item.get("chance_level"))
            values.setdefault("item_count", None)
            values.setdefault("version", "")
            values.setdefault("pass_k", None)
            values.setdefault("group", Benchmark.Group.UNCLASSIFIED)
            values.setdefault("source", "")
            values.setdefault("description_ko", "")
            values.setdefault("description_en", "")
            benchmarks[item["name"]], _ = self.sync.sync(
                Benchmark, {"code": item["code"]}, values, "benchmarks", key=item["code"]
            )
        self.benchmarks_by_code = {b.code: b for b in benchmarks.values()}
        return benchmarks

    def load_participants(self) -> None:
        for phase_slug, items in self.program.get("participants", {}).items():
            phase = self.phases[phase_slug]
            for item in items:
                self.sync.sync(
                    PhaseParticipant,
                    {"phase": phase, "team": self.teams[item["team"]]},
                    {
                        "model": self.models[item["model"]] if item.get("model") else None,
                        "source": item["source"],
                    },
                    "participants",
                    key=f"{phase_slug}/{item['team']}",
                )
