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
