"""The try-it chat's name filter: which names it hides (``identifying_names``) and how
(``NameFilter``): parts of names, short brands as whole words, spaces inside names, and names
split across the chunks of a stream."""

import pytest

from evaluations.panels.tryout import HIDDEN, NameFilter, identifying_names, name_parts
from leaderboard.models import TeamPartner
from tests.factories import ModelFactory, TeamFactory

pytestmark = pytest.mark.django_db

LEAK = "I am EXAONE from LG, made by LG AI 연구원."


@pytest.fixture
def exaone():
    team = TeamFactory(slug="lg-ai", name_en="LG AI Research", name_ko="LG AI연구원")
    TeamPartner.objects.create(team=team, name_en="Upstage Partner", name_ko="업스테이지")
    return ModelFactory(
        slug="k-exaone-236b-a23b", name="K-EXAONE 236B-A23B", team=team, organization="LG"
    )


def streamed(names, text: str, size: int) -> str:
    """``text`` fed through a filter in pieces of ``size`` characters."""
    nf = NameFilter(names)
    out = [nf.feed(text[i : i + size]) for i in range(0, len(text), size)]
    return "".join([*out, nf.flush()])


def test_the_family_name_the_brand_and_the_team_with_other_spaces_are_masked(exaone):
    names = identifying_names(exaone)
    assert NameFilter(names).clean(LEAK) == f"I am {HIDDEN} from {HIDDEN}, made by {HIDDEN}."
    # the same in every chunking, 'EXAONE' split anywhere between two chunks included
    for size in range(1, len(LEAK) + 1):
        got = streamed(names, LEAK, size)
        assert "EXAONE" not in got and "LG" not in got and "연구원" not in got, (size, got)
    nf = NameFilter(names)
    assert nf.feed("I am EXA") + nf.feed("ONE.") + nf.flush() == f"I am {HIDDEN}."


def test_generic_words_numbers_and_brands_inside_words_are_not_masked(exaone):
    names = identifying_names(exaone)
    text = "An algorithm for research: think, chat, open the base model 236 times. Glad."
    assert NameFilter(names).clean(text) == text
    for size in (1, 2, 3, 7):
        assert streamed(names, text, size) == text
    assert NameFilter(names).clean("Ask lg, or LG's 업스테이지.") == (
        f"Ask {HIDDEN}, or {HIDDEN}'s {HIDDEN}."
    )


def test_the_parts_of_names_kept_and_dropped(exaone):
    assert name_parts("K-EXAONE 236B-A23B") == ["EXAONE", "236B", "A23B"]
    assert name_parts("LG AI Research") == ["LG"]
    assert name_parts("Solar Open 100B Instruct") == ["Solar", "100B"]
    assert name_parts("upstage/solar_pro-4.0") == ["upstage", "solar", "pro"]
    names = identifying_names(exaone)
    assert {"EXAONE", "LG", "LG AI연구원", "Upstage", "업스테이지"} <= set(names)


def test_the_other_models_of_the_panel_are_masked_too(pro_panel, team_models):
    """A model may neither reveal nor claim another panel model's identity."""
    own, other = team_models[0], team_models[1]  # ZebraLM 300B, YakOmni 70B
    text = "I am not YakOmni, nor of Yakworks."
    assert NameFilter(identifying_names(own)).clean(text) == text
    names = identifying_names(own, panel=pro_panel)
    assert NameFilter(names).clean(text) == f"I am not {HIDDEN}, nor of {HIDDEN}."
    assert other.name in names
