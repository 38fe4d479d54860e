"""load_program: the data files' facts, each with its source and reliability; never over
evaluators' changes."""

import csv
import json
import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import override

from leaderboard import models as lb
from leaderboard.corrections import CorrectionReason
from leaderboard.program.loader import PROGRAM_DATA_DIR, program_load
from leaderboard.program.sync import ProgramDataError

pytestmark = pytest.mark.django_db

DATA_FILES = ("program.json", "independence.json", "models.csv", "published_scores.csv")

ALL_MODELS = [
    lb.Phase,
    lb.ScoringComponent,
    lb.ConversionRule,
    lb.PhaseFigure,
    lb.PhaseEvent,
    lb.PhaseParticipant,
    lb.Team,
    lb.TeamPartner,
    lb.FoundationModel,
    lb.Benchmark,
    lb.Score,
    lb.Assessment,
    lb.ComponentPoints,
    lb.GateResult,
    lb.IndependenceRecord,
]


def snapshot():
    return {
        m.__name__: sorted((o.pk, repr(model_to_dict(o))) for o in m.objects.all())
        for m in ALL_MODELS
    }


def read_data(directory=PROGRAM_DATA_DIR):
    program = json.loads((directory / "program.json").read_text(encoding="utf-8"))
    independence = json.loads((directory / "independence.json").read_text(encoding="utf-8"))
    with (directory / "models.csv").open(encoding="utf-8") as fh:
        models = list(csv.DictReader(fh))
    with (directory / "published_scores.csv").open(encoding="utf-8") as fh:
        scores = list(csv.DictReader(fh))
    return program, independence["records"], models, scores


def expected_counts():
    """What the data files hold, counted from the files themselves."""
    program, records, models, scores = read_data()
    assessments = [a for items in program["assessments"].values() for a in items]
    return {
        lb.Phase: len(program["phases"]),
        lb.ScoringComponent: sum(len(v) for v in program["components"].values()),
        lb.ConversionRule: sum(len(v) for v in program["conversions"].values()),
        lb.PhaseFigure: sum(len(v) for v in program["figures"].values()),
        lb.PhaseEvent: sum(len(v) for v in program["events"].values()),
        lb.PhaseParticipant: sum(len(v) for v in program["participants"].values()),
        lb.Team: len(program["teams"]),
        lb.TeamPartner: sum(len(t["partners"]) for t in program["teams"]),
        lb.FoundationModel: len(models),
        lb.Benchmark: len(program["benchmarks"]),
        lb.Score: len(scores),
        lb.Assessment: len(assessments),
        lb.ComponentPoints: sum(len(a["points"]) for a in assessments),
        lb.GateResult: sum(1 for a in assessments if a["gate"]),
        lb.IndependenceRecord: len(records),
    }


def copy_data(tmp_path):
    for name in DATA_FILES:
        shutil.copy(PROGRAM_DATA_DIR / name, tmp_path / name)
    return tmp_path


# ---------------------------------------------------------------- counts, sources, reruns


def test_load_program_loads_exactly_the_counts_in_the_data_files():
    call_command("load_program")
    expected = expected_counts()
    assert {m.__name__: m.objects.count() for m in expected} == {
        m.__name__: n for m, n in expected.items()
    }
    # the figures the README gives, so that a change to the files is a visible change
    assert {m.__name__: n for m, n in expected.items()} == {
        "Phase": 4,
        "ScoringComponent": 18,
        "ConversionRule": 4,
        "PhaseFigure": 25,
        "PhaseEvent": 23,
        "PhaseParticipant": 14,
        "Team": 7,
        "TeamPartner": 20,
        "FoundationModel": 27,
        "Benchmark": 36,
        "Score": 167,
        "Assessment": 11,
        "ComponentPoints": 16,
        "GateResult": 4,
        "IndependenceRecord": 24,
    }


def test_every_phase_participant_model_score_and_figure_names_its_source():
    call_command("load_program")
    checks = {
        lb.Phase: "source",
        lb.ScoringComponent: "source",
        lb.ConversionRule: "source",
        lb.PhaseFigure: "source",
        lb.PhaseEvent: "source",
        lb.PhaseParticipant: "source",
        lb.Team: "source",
        lb.TeamPartner: "source",
        lb.FoundationModel: "source",
        lb.Score: "source_title",
        lb.Assessment: "source",
        lb.ComponentPoints: "source",
        lb.IndependenceRecord: "source",
    }
    for model, field in checks.items():
        assert model.objects.exists(), model
        assert not model.objects.filter(**{field: ""}).exists(), model.__name__
    declared = lb.FoundationModel.objects.exclude(lineage="not_declared")
    assert declared.exists() and not declared.filter(lineage_source="").exists()


def test_a_second_run_of_load_program_changes_nothing(capsys):
    call_command("load_program")
    before = snapshot()
    entries = lb.AuditEntry.objects.count()
    capsys.readouterr()
    call_command("load_program")
    assert snapshot() == before
    assert lb.AuditEntry.objects.count() == entries
    assert "nothing changed" in capsys.readouterr().out


def test_load_program_after_an_evaluator_change_keeps_it_and_prints_the_difference(capsys):
    """An evaluator moved an announcement time and rewrote a reason: make run keeps both."""
    call_command("load_program")
    phase = lb.Phase.objects.get(slug="first-stage")
    moved = datetime.fromisoformat("2026-01-15T10:00:00+09:00")
    phase.announcement_at = moved
    phase.save()
    lb.Assessment.objects.filter(team__slug="nc-ai", phase=phase).update(
        reasons_en="Eliminated (reason edited by an evaluator)."
    )
    entries = lb.AuditEntry.objects.count()
    capsys.readouterr()

    call_command("load_program")
    out = capsys.readouterr().out
    phase.refresh_from_db()
    assert phase.announcement_at == moved
    nc = lb.Assessment.objects.get(team__slug="nc-ai", phase=phase)
    assert nc.reasons_en == "Eliminated (reason edited by an evaluator)."
    assert "phases first-stage: announcement_at: database 2026-01-15T01:00:00+00:00" in out
    assert "file 2026-01-15T00:00:00+09:00" in out
    assert "assessments first-stage/nc-ai: reasons_en" in out
    assert "--update" in out
    assert lb.AuditEntry.objects.count() == entries

    # The reason is part of a published decision: --update alone refuses and changes nothing.
    with pytest.raises(CommandError, match="--reason-ko and --reason-en") as refused:
        call_command("load_program", "--update")
    assert "assessments first-stage/nc-ai: reasons_en" in str(refused.value)
    phase.refresh_from_db()
    assert phase.announcement_at == moved
    assert lb.AuditEntry.objects.count() == entries

    call_command(
        "load_program",
        "--update",
        "--reason-ko=공개 자료의 원문으로 되돌림",
        "--reason-en=Restored to the published source's wording",
    )
    phase.refresh_from_db()
    assert phase.announcement_at == datetime.fromisoformat("2026-01-15T00:00:00+09:00")
    updates = lb.AuditEntry.objects.filter(action="program.update").order_by("seq")
    assert [e.object_label for e in updates] == ["First stage"]
    assert '"announcement_at"' in updates[0].before and '"announcement_at"' in updates[0].after
    # The decision's change is a public correction with the earlier value kept.
    correction = lb.Correction.objects.get()
    assert correction.kind == lb.Correction.Kind.DECISION
    assert correction.team.slug == "nc-ai"
    assert correction.reason_en == "Restored to the published source's wording"
    # Readers' names for the field, and the earlier text whole, in each language.
    assert correction.earlier_en.startswith("Public reasons (English): ")
    assert "Eliminated (reason edited by an evaluator)." in correction.earlier_en
    assert "reasons_en" not in correction.earlier_ko + correction.change_ko
    assert correction.earlier_ko.startswith("공개 사유(영어): ")
    assert lb.AuditEntry.objects.filter(action="correction.decision").count() == 1
    with override("ko"):
        url = reverse("leaderboard:phase_decisions", args=["first-stage"])
    page = Client().get(url)
    assert "공개 자료의 원문으로 되돌림" in page.content.decode()
    from leaderboard.audit.chain import audit_chain_verify

    assert audit_chain_verify().ok
    capsys.readouterr()
    call_command("load_program")
    assert "nothing changed" in capsys.readouterr().out


def test_a_second_run_adds_what_is_new_and_leaves_the_rest(tmp_path):
    data = copy_data(tmp_path)
    program_load(data_dir=data)
    lb.Score.objects.filter(model__slug="motif-3-314b").update(note="checked by an evaluator")
    with (data / "published_scores.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "GPT-4o (2024-05-13),OpenAI,non-reasoning,KMMLU,72.5,other-lab,"
            "github:SKT-AI/A.X-4.0,README.en.md,,official,SKT's table,SKT 표\n"
        )
    report = program_load(data_dir=data)
    assert report.created == {"scores": 1}
    assert {d.field for d in report.differences} == {"note"}
    values = sorted(
        str(s.value)
        for s in lb.Score.objects.filter(model__slug="gpt-4o-2024-05-13", benchmark__code="kmmlu")
    )
    assert values == ["64.260", "72.500"]  # a second score beside the first, never over it
    assert set(lb.Score.objects.filter(model__slug="motif-3-314b").values_list("note", flat=True))


def test_a_scheme_whose_parts_do_not_add_up_is_refused_and_nothing_is_saved(tmp_path):
    data = copy_data(tmp_path)
    program = json.loads((data / "program.json").read_text(encoding="utf-8"))
    for component in program["components"]["second-stage"]:
        if component["code"] == "public":
            component["max_points"] = "12"
    (data / "program.json").write_text(json.dumps(program), encoding="utf-8")
    with pytest.raises(ProgramDataError, match="user: sub-components add up to 27"):
        program_load(data_dir=data)
    assert not lb.Phase.objects.exists()


# ---------------------------------------------------------------- the program's facts


def test_the_phases_are_the_ones_that_happened_and_the_final_is_not_scheduled():
    call_command("load_program")
    phases = {p.slug: p for p in lb.Phase.objects.all()}
    assert list(lb.Phase.objects.values_list("slug", flat=True)) == [
        "first-stage",
        "revival-round",
        "second-stage",
        "final",
    ]
    assert phases["second-stage"].kind == lb.Phase.Kind.SECOND_STAGE
    assert phases["second-stage"].evaluation_starts == date(2026, 8, 7)
    assert localdate(phases["second-stage"].announcement_at) == date(2026, 8, 18)
    assert localdate(phases["revival-round"].announcement_at) == date(2026, 2, 20)
    final = phases["final"]
    assert final.status == lb.Phase.Status.NOT_SCHEDULED
    assert final.announcement_at is None and final.evaluation_starts is None
    statements = list(final.events.values_list("on", "reliability"))
    assert (date(2026, 8, 19), "official") in statements  # agreed with the three teams
    assert (date(2026, 8, 18), "secondary") in statements  # EBN headline only
    assert "December" not in final.name_en + final.period_en + final.summary_en


def test_each_phase_has_its_participants():
    call_command("load_program")

    def entered(slug):
        return dict(
            lb.PhaseParticipant.objects.filter(phase__slug=slug).values_list(
                "team__slug", "model__slug"
            )
        )

    assert entered("first-stage") == {
        "lg-ai-research": "k-exaone-236b-a23b",
        "sk-telecom": "ax-k1-519b-a33b",
        "upstage": "solar-open-100b",
        "naver-cloud": "hyperclovax-seed-think-32b",
        "nc-ai": "vaetki-100b-a10b",
    }
    assert entered("revival-round") == {"motif-technologies": None, "trillion-labs": None}
    assert entered("second-stage") == {
        "lg-ai-research": "k-exaone-2-0-750b-a37b",
        "sk-telecom": "ax-k2-688b-a33b",
        "upstage": "solar-open-2-250b-a15b",
        "motif-technologies": "motif-3-314b",
    }
    assert set(entered("final")) == {"lg-ai-research", "sk-telecom", "upstage"}
    outcomes = dict(
        lb.Assessment.objects.filter(phase__slug="revival-round").values_list(
            "team__slug", "outcome"
        )
    )
    assert outcomes == {"motif-technologies": "advanced", "trillion-labs": "not_selected"}


def test_the_first_stage_outcomes_are_the_published_ones():
    call_command("load_program")
    outcomes = dict(
        lb.Assessment.objects.filter(phase__slug="first-stage").values_list("team__slug", "outcome")
    )
    assert outcomes == {
        "lg-ai-research": "advanced",
        "sk-telecom": "advanced",
        "upstage": "advanced",
        "naver-cloud": "eliminated",
        "nc-ai": "eliminated",
    }
    lg = lb.Assessment.objects.get(team__slug="lg-ai-research", phase__slug="first-stage")
    points = {p.component.code: str(p.points) for p in lg.points.all()}
    assert points == {
        "benchmark": "33.60",
        "expert": "31.60",
        "user": "25.00",
        "nia": "9.20",
        "global-common": "14.40",
    }
    assert str(lg.published_total) == "90.20" and lg.total_reliability == "official"
    naver_gate = lb.GateResult.objects.get(assessment__team__slug="naver-cloud")
    assert naver_gate.passed is False and "Qwen2.5" in naver_gate.evidence_en


def test_the_second_stage_scheme_sums_to_100_with_its_published_sub_components():
    call_command("load_program")
    components = lb.ScoringComponent.objects.filter(phase__slug="second-stage")
    top = {c.code: c.max_points for c in components if c.parent_id is None and c.max_points}
    assert top == {"benchmark": 40, "expert": 35, "user": 25} and sum(top.values()) == 100
    children = {
        parent: {c.code: c.max_points for c in components if c.parent and c.parent.code == parent}
        for parent in top
    }
    assert children == {
        "benchmark": {"aaii": 25, "nia": 15},
        "expert": {"expert-strategy": 10, "expert-results": 10, "expert-impact": 15},
        "user": {"professional-users": 15, "public": 10},
    }
    for parent, parts in children.items():
        assert sum(parts.values()) == top[parent]
    names = [c.name_ko for c in components.filter(parent__code="expert").order_by("order")]
    assert names == ["개발 전략·기술", "성과·계획", "파급효과·기여"]
    assert components.get(code="independence").kind == "gate"
    first = lb.ScoringComponent.objects.filter(phase__slug="first-stage", parent__isnull=True)
    assert sum(c.max_points for c in first if c.max_points) == 100


def test_the_conversion_rules_give_the_published_leaders_points_from_their_raw_values():
    from django.contrib.auth.models import AnonymousUser

    from leaderboard.program.selectors import conversion_rules

    call_command("load_program")
    phase = lb.Phase.objects.get(slug="second-stage")
    with override("en"):
        rows = conversion_rules(phase=phase, user=AnonymousUser())
    rows = {r.rule.component.code: r for r in rows}
    assert {code: r.formula for code, r in rows.items()} == {
        "aaii": "AAII score (0–100) × 25/100",
        "nia": "NIA benchmark score (0–100) × 15/100",
        "professional-users": "mean rating (1–5) × 15/5",
        "public": "mean rating (1–5) × 10/5",
    }
    # Raw values are published for one leader only: Motif 3's AAII (47.4 on Artificial
    # Analysis's site, 47 in the release's table). The rule gives the published 11.9 from 47.4.
    checks = {str(c.score.value): c for c in rows["aaii"].checks}
    assert set(checks) == {"47.400", "47.000"}
    assert checks["47.400"].figure.team.slug == "motif-technologies"
    assert checks["47.400"].exact == Decimal("11.85") and checks["47.400"].matches
    assert checks["47.000"].rounded == Decimal("11.8") and not checks["47.000"].matches
    leaders = lb.PhaseFigure.objects.filter(phase=phase, kind="leader")
    assert leaders.count() == 5  # the other four leaders have no published raw value
    for rule in lb.ConversionRule.objects.all():
        full = rule.points_for(rule.raw_max)
        assert full == rule.component.max_points


def test_the_published_averages_gaps_and_leaders_agree_with_each_other():
    call_command("load_program")
    figures = {f.code: f.value for f in lb.PhaseFigure.objects.filter(phase__slug="second-stage")}
    assert (figures["benchmark"], figures["benchmark-gap"]) == (Decimal("22.5"), Decimal("4"))
    assert (figures["expert"], figures["expert-gap"]) == (Decimal("28.8"), Decimal("2.4"))
    assert (figures["user"], figures["user-gap"]) == (Decimal("17.6"), Decimal("5"))
    assert abs(figures["aaii"] + figures["nia"] - figures["benchmark"]) <= Decimal("0.05")
    assert abs(figures["professional-users"] + figures["public"] - figures["user"]) <= Decimal(
        "0.05"
    )
    assert abs(figures["expert-explanatory"] - figures["expert"]) <= Decimal("0.05")
    # the secondary totals are consistent with the official averages (68.825 against 68.84)
    totals = lb.Assessment.objects.filter(phase__slug="second-stage").values_list(
        "published_total", flat=True
    )
    component_averages = figures["aaii"] + figures["nia"] + figures["expert-explanatory"]
    component_averages += figures["professional-users"] + figures["public"]
    assert abs(sum(totals) / 4 - component_averages) < Decimal("0.1")


def test_secondary_and_uncertain_facts_are_marked_so():
    call_command("load_program")
    motif = lb.Assessment.objects.get(team__slug="motif-technologies", phase__slug="second-stage")
    assert (str(motif.published_total), motif.total_reliability) == ("65.80", "secondary")
    points = {p.component.code: (str(p.points), p.reliability) for p in motif.points.all()}
    assert points == {
        "aaii": ("11.90", "official"),  # the explanatory release's leader figure
        "nia": ("12.70", "secondary"),
        "benchmark": ("24.60", "secondary"),
        "expert": ("27.10", "secondary"),
        "user": ("14.10", "secondary"),
    }
    totals = dict(
        lb.Assessment.objects.filter(phase__slug="second-stage").values_list(
            "team__slug", "total_reliability"
        )
    )
    assert set(totals.values()) == {"secondary"}
    individual = lb.ScoringComponent.objects.get(
        phase__slug="first-stage", code="global-individual"
    )
    assert individual.reliability == "uncertain"
    assert "two per team" in individual.description_en and "five" in individual.description_en
    aaii = lb.Score.objects.filter(benchmark__code="aaii-v4-1-1", model__slug="motif-3-314b")
    assert sorted(aaii.values_list("value", "reliability")) == [
        (Decimal("47.000"), "official"),
        (Decimal("47.400"), "secondary"),
    ]


def test_the_corrections_to_the_older_data_are_made_and_nothing_is_overwritten():
    call_command("load_program")
    k_exaone = lb.FoundationModel.objects.get(slug="k-exaone-236b-a23b")
    assert k_exaone.release_date == date(2025, 12, 31) and not k_exaone.release_month_only
    ax_k1 = lb.FoundationModel.objects.get(slug="ax-k1-519b-a33b")
    assert ax_k1.release_date == date(2025, 12, 30) and ax_k1.release_reliability == "uncertain"
    ifeval = lb.Score.objects.filter(model__slug="exaone-4-0-32b", benchmark__code="ifeval")
    assert sorted(str(v) for v in ifeval.values_list("value", flat=True)) == ["83.700", "84.700"]
    upcycled = lb.FoundationModel.objects.get(slug="k-exaone-2-0-750b-a37b")
    assert upcycled.lineage == "upcycled" and upcycled.lineage_parent == k_exaone
    assert (upcycled.total_params_b, upcycled.active_params_b) == (750, 37)
    assert lb.FoundationModel.objects.get(slug="motif-3-314b").licence.startswith("MIT")
    assert not lb.FoundationModel.objects.filter(slug__endswith="-first-stage").exists()


def test_the_independence_record_of_each_case_is_dated_and_sourced():
    call_command("load_program")
    records = lb.IndependenceRecord.objects.all()
    kinds = {
        slug: list(records.filter(model__slug=slug).order_by("on").values_list("kind", flat=True))
        for slug in ("solar-open-100b", "hyperclovax-seed-think-32b", "ax-k1-519b-a33b")
    }
    assert kinds["solar-open-100b"] == [
        "claim",
        "verification",
        "verification",
        "response",
        "outcome",
    ]
    assert kinds["hyperclovax-seed-think-32b"][-1] == "outcome"
    assert kinds["ax-k1-519b-a33b"][0] == "claim"
    apology = records.get(model__slug="solar-open-100b", code="claimant-apology")
    assert apology.on == date(2026, 1, 3)
    gate = records.get(model__slug="hyperclovax-seed-think-32b", kind="outcome")
    assert gate.phase.slug == "first-stage" and "weight-based independence" in gate.text_en
    upcycling = records.get(model__slug="k-exaone-2-0-750b-a37b", kind="declaration")
    assert upcycling.month_only and upcycling.reliability == "secondary"


def test_a_score_keeps_the_precision_and_provenance_of_its_source():
    call_command("load_program")
    kmmlu = lb.Score.objects.get(model__slug="gpt-4o-2024-05-13", benchmark__code="kmmlu")
    assert kmmlu.display_value == "64.26" and kmmlu.reporter == "independent"
    assert kmmlu.source_url == "https://github.com/hsr87/evaluate-llm-on-korean-dataset"
    ax = lb.Score.objects.get(model__slug="ax-k1-519b-a33b", benchmark__code="ifeval")
    assert ax.display_value == "80.4" and ax.mode == "reasoning"
    assert ax.setup == "thinking mode, prompt-strict"
    assert ax.note_ko and ax.note


def test_figures_that_are_not_public_stay_empty():
    call_command("load_program")
    gpt4o = lb.FoundationModel.objects.get(slug="gpt-4o-2024-05-13")
    assert gpt4o.total_params_b is None and gpt4o.architecture == "undisclosed"
    skt = lb.Assessment.objects.get(team__slug="sk-telecom", phase__slug="first-stage")
    assert skt.published_total is None
    assert not skt.points.filter(component__code="expert").exists()
    claude = lb.FoundationModel.objects.get(slug="claude-opus-5")
    assert claude.organization == "" and claude.release_date is None


def test_an_update_that_changes_a_public_score_is_a_public_correction_or_nothing(tmp_path):
    """A data file that says 83.9 where the public score says 83.8: --update without a reason
    changes nothing; with one, the score changes and the correction keeps 83.8 in public."""
    data = copy_data(tmp_path)
    program_load(data_dir=data)
    path = data / "published_scores.csv"
    text = path.read_text(encoding="utf-8")
    line = "K-EXAONE 236B-A23B,LG AI Research,reasoning,MMLU-Pro,83.8,"
    assert line in text
    path.write_text(text.replace(line, line.replace("83.8", "83.9")), encoding="utf-8")
    score = lb.Score.objects.get(model__slug="k-exaone-236b-a23b", benchmark__code="mmlu-pro")
    entries = lb.AuditEntry.objects.count()

    with pytest.raises(ProgramDataError, match="change the public record"):
        program_load(data_dir=data, update=True)
    score.refresh_from_db()
    assert score.value == Decimal("83.8")
    assert lb.AuditEntry.objects.count() == entries
    with pytest.raises(ProgramDataError):  # half a reason is no reason
        program_load(data_dir=data, update=True, reason=CorrectionReason("오타 정정", " "))

    program_load(
        data_dir=data, update=True, reason=CorrectionReason("오타 정정", "A typing error fixed")
    )
    score.refresh_from_db()
    assert score.value == Decimal("83.9")
    correction = lb.Correction.objects.get(kind=lb.Correction.Kind.SCORE)
    assert correction.model == score.model
    assert "83.8" in correction.earlier_en and "83.9" in correction.change_en
    assert not lb.AuditEntry.objects.filter(action="program.update").exists()
    with override("en"):
        url = reverse("leaderboard:model", args=[score.model.slug])
    assert "A typing error fixed" in Client().get(url).content.decode()


def test_a_points_correction_from_the_data_files_shows_with_its_decision(tmp_path):
    """Points changed by load_program --update (with reasons) are corrected on the decisions
    page too, not only on the transparency page and the feeds."""
    data = copy_data(tmp_path)
    program_load(data_dir=data)
    program = json.loads((data / "program.json").read_text(encoding="utf-8"))
    item = next(
        a
        for a in program["assessments"]["second-stage"]
        if isinstance(a.get("points"), dict) and a["points"]
    )
    code, entry = next(iter(item["points"].items()))
    value = entry["value"] if isinstance(entry, dict) else entry
    changed = str(Decimal(str(value)) + Decimal("0.5"))
    if isinstance(entry, dict):
        entry["value"] = changed
    else:
        item["points"][code] = changed
    (data / "program.json").write_text(json.dumps(program, ensure_ascii=False), encoding="utf-8")
    program_load(
        data_dir=data,
        update=True,
        reason=CorrectionReason("점수 정정 시험", "A points correction test"),
    )
    assert lb.Correction.objects.filter(kind=lb.Correction.Kind.POINTS).exists()
    with override("en"):
        url = reverse("leaderboard:phase_decisions", args=["second-stage"])
    assert "A points correction test" in Client().get(url).content.decode()
