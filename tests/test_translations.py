"""The Korean catalogue: complete, and escaped the way its English source is."""

from django.utils import translation
from django.utils.translation import trans_real


def korean_catalog():
    return trans_real.translation("ko")._catalog


def test_every_string_of_the_site_has_a_korean_translation():
    untranslated = [
        key for key, value in korean_catalog().items() if key and not str(value).strip()
    ]
    assert untranslated == []


def test_percent_signs_are_escaped_in_a_translation_exactly_as_in_its_source():
    """A '%%' where the source has '%' shows as '95%% 구간' on the page, and vice versa."""
    wrong = [
        (key, value)
        for key, value in korean_catalog().items()
        if isinstance(key, str) and key and key.count("%%") != str(value).count("%%")
    ]
    assert wrong == []


def test_the_chart_label_of_an_interval_reads_naturally_in_korean():
    with translation.override("ko"):
        assert translation.gettext("95% interval") == "95% 구간"


def test_the_catalogue_has_no_fuzzy_or_empty_entry_left_by_makemessages():
    """makemessages guesses a translation for a new string and marks it fuzzy; compilemessages
    then leaves it out, and the Korean page shows English. Every entry must be settled."""
    from pathlib import Path

    po = Path(__file__).resolve().parents[1] / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header
    unsettled = [
        entry
        for entry in entries
        if "#, fuzzy" in entry or entry.rstrip().endswith(('msgstr ""', 'msgstr[0] ""'))
    ]
    assert unsettled == []


# ---------------------------------------------------------------- the catalogue check

# Entries whose Korean is rightly the English itself: codes and format strings.
SAME_IN_KOREAN = {"pass@k", "{phase}: {items}."}


def catalogue_entries():
    """(msgid, msgstr) of every settled singular entry of the Korean .po file."""
    import json
    from pathlib import Path

    po = Path(__file__).resolve().parents[1] / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    pairs = []
    for entry in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        lines = entry.split("\n")
        if entry.startswith("#~") or any(line.startswith("msgid_plural") for line in lines):
            continue
        if not any(line.startswith("msgid ") for line in lines):
            continue
        start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        end = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))

        def text(chunk):
            return "".join(json.loads(line[line.index('"') :]) for line in chunk)

        pairs.append((text(lines[start:end]), text(lines[end:])))
    return pairs


def test_no_korean_entry_is_just_its_english_unless_listed_as_the_same_in_korean():
    same = {msgid for msgid, msgstr in catalogue_entries() if msgid and msgid == msgstr}
    assert same <= SAME_IN_KOREAN


def _msgids(po_text: str) -> set[str]:
    import json

    found = set()
    for entry in po_text.split("\n\n")[1:]:
        lines = entry.split("\n")
        if entry.startswith("#~") or any(line.startswith("msgid_plural") for line in lines):
            continue
        chunk = []
        for line in lines:
            if line.startswith("msgstr"):
                break
            if line.startswith("msgid ") or (chunk and line.startswith('"')):
                chunk.append(json.loads(line[line.index('"') :]))
        if chunk:
            found.add("".join(chunk))
    return found


def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path, settings):
    """A string wrapped for translation but never added by `make messages` shows in English.
    makemessages runs on a copy of the code, so the real catalogue is never touched."""
    import os
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    root = Path(__file__).resolve().parents[1]
    ignore = shutil.ignore_patterns("__pycache__", "data", "migrations", "*.pyc")
    for folder in ("kai_site", "leaderboard", "evaluations", "templates"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=ignore)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["ko"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = (tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    ours = (root / "locale" / "ko" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert sorted(_msgids(fresh) - _msgids(ours)) == []


def test_a_status_in_korean_means_what_it_means_in_english():
    """A failed run is 실패, never 탈락 (elimination, for teams only); a duration is 소요 시간."""
    with translation.override("ko"):
        assert translation.gettext("Failed") == "실패"
        assert translation.gettext("Eliminated") == "탈락"
        assert translation.gettext("Duration") == "소요 시간"
    failed_words = [
        (msgid, msgstr)
        for msgid, msgstr in catalogue_entries()
        if "탈락" in msgstr and "elimin" not in msgid.lower()
    ]
    assert failed_words == []
