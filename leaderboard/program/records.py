"""Loading the program's records: published scores, decisions with points and gates, independence."""

from __future__ import annotations

from ..audit.chain import assessment_snapshot, audit_record, score_snapshot
from ..models import (
    Assessment,
    ComponentPoints,
    GateResult,
    IndependenceRecord,
    Score,
)
from . import rows
from .files import read_csv


class RecordsLoader:
    """The part of the loader that reads records; `_Loader` gives it phases, models and sync."""

    def load_scores(self) -> None:
        for line, row in read_csv(self.data_dir / "published_scores.csv"):
            values = rows.score_values(row, line, self.models_by_name, self.benchmarks, self.phases)
            key = rows.score_import_key(row)
            score, created = self.sync.sync(
                Score, {"import_key": key}, values, "scores", key=f"line {line}"
            )
            if created:
                audit_record(self.sync.actor, "score.import", score, None, score_snapshot(score))

    def load_assessments(self) -> None:
        for phase_slug, items in self.program["assessments"].items():
            phase = self.phases[phase_slug]
            announced = rows.moment(self.phase_items[phase_slug].get("announcement_at"))
            for item in items:
                team = self.teams[item["team"]]
                key = f"{phase_slug}/{item['team']}"
                existing = Assessment.objects.filter(team=team, phase=phase).first()
                before = assessment_snapshot(existing)
                where = f"assessment {key}"
                values = {
                    "model": self.models[item["model"]] if item.get("model") else None,
                    "outcome": item["outcome"],
                    "published_total": rows.decimal(item.get("published_total"), where),
                    "total_reliability": rows.reliability(item.get("total_reliability"), where),
                    "reasons_ko": item["reasons_ko"],
                    "reasons_en": item["reasons_en"],
                    "source": item["source"],
                    "decided_at": announced,
                }
                assessment, created = self.sync.sync(
                    Assessment, {"team": team, "phase": phase}, values, "assessments", key=key
                )
                created |= self.load_points(assessment, item, phase_slug, key)
                created |= self.load_gate(assessment, item, phase_slug, key)
                if created:
                    audit_record(
                        self.sync.actor,
                        "decision.import",
                        assessment,
                        before,
                        assessment_snapshot(assessment),
                    )

    def load_points(self, assessment, item: dict, phase_slug: str, key: str) -> bool:
        created_any = False
        for code, entry in item.get("points", {}).items():
            if not isinstance(entry, dict):
                entry = {"value": entry}
            component = self.components[(phase_slug, code)]
            where = f"assessment {key} points {code}"
            _, created = self.sync.sync(
                ComponentPoints,
                {"assessment": assessment, "component": component},
                {
                    "points": rows.decimal(entry["value"], where),
                    "max_points": component.max_points,
                    "is_published_figure": True,
                    "source": entry.get("source", item["source"]),
                    "reliability": rows.reliability(entry.get("reliability"), where),
                },
                "points",
                key=f"{key}/{code}",
                phase_id=assessment.phase_id,
            )
            created_any |= created
        return created_any

    def load_gate(self, assessment, item: dict, phase_slug: str, key: str) -> bool:
        gate = item.get("gate")
        if gate is None:
            return False
        _, created = self.sync.sync(
            GateResult,
            {"assessment": assessment, "component": self.components[(phase_slug, "independence")]},
            {
                "passed": gate["passed"],
                "evidence_ko": gate["evidence_ko"],
                "evidence_en": gate["evidence_en"],
                "source": gate.get("source", item["source"]),
            },
            "gates",
            key=f"{key}/independence",
            phase_id=assessment.phase_id,
        )
        return created

    def load_independence(self) -> None:
        for item in self.program["independence"]:
            model = self.models[item["model"]]
            self.sync.sync(
                IndependenceRecord,
                {"model": model, "code": item["code"]},
                rows.dated_fact_values(
                    item, phase=self.phases[item["phase"]] if item.get("phase") else None
                ),
                "independence records",
                key=f"{item['model']}/{item['code']}",
            )
