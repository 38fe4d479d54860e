"""`import_panel_ratings`: every problem with its line, nothing saved on any; the happy path goes
through the same audited rating write as the site and creates imported raters."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from evaluations.panels import selectors
from evaluations.panels.imports import RatingsImportError, ratings_import
from evaluations.panels.models import Rater, Rating
from leaderboard.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = "rater,model,criterion,rating,comment\n"


def _import(pro_panel, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return ratings_import(phase_slug=pro_panel.phase.slug, panel_code=pro_panel.code, data=data)


def _problems(pro_panel, text) -> list[str]:
    with pytest.raises(RatingsImportError) as caught:
        _import(pro_panel, text)
    assert Rating.objects.count() == 0 and Rater.objects.filter(imported=True).count() == 0
    return [str(p) for p in caught.value.problems]


def test_a_good_file_is_saved_through_the_audited_write_as_imported_raters(pro_panel, team_models):
    zebra, yak = team_models[0].slug, team_models[1].name  # slug or exact name
    text = HEADER + "".join(
        [
            f"ext-1,{zebra},usefulness,5,good\n",
            f"ext-1,{zebra},fluency,4,\n",
            f"ext-2,{zebra},usefulness,3,\n",
            f"ext-2,{zebra},fluency,3,\n",
            f"ext-1,{yak},usefulness,2,\n",
        ]
    )
    before = AuditEntry.objects.count()
    summary = _import(pro_panel, "\ufeff" + text)
    assert (summary.ratings, summary.raters, summary.raters_created) == (5, 2, 2)
    raters = Rater.objects.filter(panel=pro_panel, imported=True)
    assert sorted(raters.values_list("external_id", flat=True)) == ["ext-1", "ext-2"]
    assert all(r.user_id is None and not r.comment_consent for r in raters)
    # one audit entry per rating (the site's action names), per new rater, and the import
    actions = list(AuditEntry.objects.order_by("seq")[before:].values_list("action", flat=True))
    assert actions.count("panel.rating.create") == 5
    assert actions.count("panel.rater.import") == 2
    assert actions[-1] == "panel.ratings.import"
    # and the results read them like any ratings: rater means 4.5 and 3 → 3.75 × 15/5
    row = next(
        r for r in selectors.panel_results(pro_panel).models if r.model.pk == team_models[0].pk
    )
    assert row.raters == 2 and row.points == Decimal("11.25")


def test_importing_again_changes_the_same_raters_ratings(pro_panel, team_models):
    slug = team_models[0].slug
    _import(pro_panel, HEADER + f"ext-1,{slug},usefulness,2,\n")
    summary = _import(pro_panel, HEADER + f"ext-1,{slug},usefulness,4,\n")
    assert summary.raters_created == 0
    assert list(Rating.objects.values_list("value", flat=True)) == [4]
    assert AuditEntry.objects.filter(action="panel.rating.change").count() == 1


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("ext-1,no-such-model,usefulness,3,", "Line 3: The model “no-such-model” is not one"),
        ("ext-1,{m},speed,3,", "Line 3: The criterion “speed” is not one of this panel's"),
        ("ext-1,{m},usefulness,6,", "Line 3: The rating 6 is outside the scale 1–5."),
        ("ext-1,{m},usefulness,0,", "Line 3: The rating 0 is outside the scale 1–5."),
        ("ext-1,{m},usefulness,4.5,", "Line 3: The rating “4.5” is not a whole number."),
        ("ext-1,{m},fluency,3,", "Line 3: A duplicate of line 2"),
        (",{m},usefulness,3,", "Line 3: The rater is empty."),
        ("x" * 101 + ",{m},usefulness,3,", "Line 3: The rater id is longer than 100 characters."),
        ("ext-1,{m},usefulness", "Line 3: Expected 5 fields"),
    ],
)
def test_each_bad_line_is_reported_with_its_number_and_nothing_is_saved(
    pro_panel, team_models, row, expected
):
    model = team_models[0].slug
    text = HEADER + f"ext-1,{model},fluency,4,fine\n" + row.format(m=model) + "\n"
    problems = _problems(pro_panel, text)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_not_only_the_first(pro_panel, team_models):
    model = team_models[0].slug
    text = HEADER + f"a,{model},usefulness,9,\nb,nobody,usefulness,3,\nc,{model},speed,3,\n"
    problems = _problems(pro_panel, text)
    assert [p.split(":")[0] for p in problems] == ["Line 2", "Line 3", "Line 4"]


def test_missing_and_unknown_columns_are_named_on_line_one(pro_panel):
    problems = _problems(pro_panel, "rater,model,score,notes\nx,y,3,\n")
    assert problems[0] == "Line 1: Missing columns: criterion, rating."
    assert problems[1].startswith("Line 1: Unknown columns: score, notes")


def test_a_file_that_is_not_utf8_is_refused_with_the_line(pro_panel, team_models):
    model = team_models[0].slug
    data = (HEADER + f"ext-1,{model},usefulness,3,\n").encode() + "ext-2,좋음".encode("cp949")
    problems = _problems(pro_panel, data)
    assert problems == ["Line 3: The file is not UTF-8 text (save it as CSV UTF-8)."]


def test_an_empty_file_and_a_header_only_file_are_refused(pro_panel):
    assert _problems(pro_panel, "") == ["The file is empty: no header line."]
    assert _problems(pro_panel, HEADER) == ["The file holds no ratings."]


def test_consent_must_be_yes_or_no_and_the_same_for_a_rater(pro_panel, team_models):
    m = team_models[0].slug
    head = "rater,model,criterion,rating,comment,consent\n"
    problems = _problems(
        pro_panel, head + f"a,{m},usefulness,3,,yes\na,{m},fluency,3,,no\nb,{m},fluency,3,,maybe\n"
    )
    assert problems == [
        "Line 3: The consent differs from line 2 for the same rater.",
        "Line 4: The consent “maybe” is not yes or no.",
    ]
    _import(pro_panel, head + f"a,{m},usefulness,3,ok,yes\nb,{m},usefulness,3,,\n")
    consent = dict(
        Rater.objects.filter(imported=True).values_list("external_id", "comment_consent")
    )
    assert consent == {"a": True, "b": False}


def test_the_command_prints_every_problem_with_the_file_and_line(pro_panel, team_models, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text(HEADER + f"a,{team_models[0].slug},usefulness,7,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_panel_ratings",
            str(path),
            phase=pro_panel.phase.slug,
            panel="pro",
            language="en",
        )
    assert f"{path}: Line 2: The rating 7 is outside the scale 1–5." in str(caught.value)
    assert "Nothing was saved." in str(caught.value)
    # in Korean too
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_panel_ratings",
            str(path),
            phase=pro_panel.phase.slug,
            panel="pro",
            language="ko",
        )
    assert "2행" in str(caught.value) and "저장하지 않았습니다" in str(caught.value)
    assert Rating.objects.count() == 0


def test_the_command_imports_a_good_file(pro_panel, team_models, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text(HEADER + f"a,{team_models[0].slug},usefulness,4,\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "import_panel_ratings",
        str(path),
        phase=pro_panel.phase.slug,
        panel="pro",
        language="en",
        stdout=out,
    )
    assert "Imported 1 ratings of 1 models by 1 raters (1 new)" in out.getvalue()
    assert Rating.objects.get().value == 4


def test_an_unknown_phase_or_panel_is_named(pro_panel, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(CommandError, match="No phase with the slug “nope”"):
        call_command("import_panel_ratings", str(path), phase="nope", panel="pro", language="en")
    with pytest.raises(CommandError, match="has no panel with the code “nope”"):
        call_command(
            "import_panel_ratings",
            str(path),
            phase=pro_panel.phase.slug,
            panel="nope",
            language="en",
        )


def test_a_column_named_twice_is_refused_on_line_one(pro_panel, team_models):
    """`rating,rating`: the CSV reader would keep only the last cell, a value the file's author
    may not have meant, so the header is refused."""
    text = f"rater,model,criterion,rating,rating\next-1,{team_models[0].slug},fluency,4,5\n"
    assert _problems(pro_panel, text) == ["Line 1: Columns named more than once: rating."]


def test_a_rating_in_other_than_ascii_digits_is_refused(pro_panel, team_models):
    """Python's int() reads '٣' and '４' as 3 and 4; a rating is written in ASCII digits."""
    slug = team_models[0].slug
    problems = _problems(pro_panel, HEADER + f"a,{slug},fluency,٣,\nb,{slug},fluency,４,\n")
    assert [p.split(":")[0] for p in problems] == ["Line 2", "Line 3"]
    assert "is not a whole number" in problems[0]


def test_an_import_after_the_announcement_is_refused(pro_panel, team_models):
    """After the phase's announcement the panel's results are public and change only by a
    public correction: an import would rewrite the published means silently, so it is refused
    and nothing is saved."""
    from datetime import timedelta

    from django.utils import timezone

    phase = pro_panel.phase
    phase.announcement_at = timezone.now() - timedelta(days=1)
    phase.save(update_fields=["announcement_at"])
    problems = _problems(pro_panel, HEADER + f"ext-1,{team_models[0].slug},fluency,1,\n")
    assert len(problems) == 1 and "public correction" in problems[0]
