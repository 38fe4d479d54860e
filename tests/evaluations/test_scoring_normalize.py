"""Normalization tables: each documented rule, and the vectorised path equals Python."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.scoring.normalize import normalize_choice, normalize_exact
from evaluations.scoring.polars_normalize import normalized_choices, normalized_exact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A", "A"),
        ("a", "A"),
        ("(A)", "A"),
        ("(b).", "B"),
        ("A.", "A"),
        ("A)", "A"),
        ("  C \n", "C"),
        ("Ａ", "A"),
        ("ａ", "A"),
        ("（Ｂ）", "B"),
        ("answer: d", "D"),
        ("Answer: (B)", "B"),
        ("ANSWER:C", "C"),
        ("Answer is B", "B"),
        ("The answer is (C).", "C"),
        ("Final answer: A", "A"),
        ("정답: C", "C"),
        ("정답은 B", "B"),
        ("答え: D", "D"),
        ("答え：Ｄ", "D"),
        ("banana", None),
        ("", None),
        ("   ", None),
        ("A and B", None),
        ("B. Seoul", None),
        ("AB", None),
        ("answer:", None),
        ("1", None),
        ("Ä", None),
    ],
)
def test_normalize_choice_table(text, expected):
    assert normalize_choice(text) == expected


def test_normalize_choice_rejects_letters_past_the_last_choice():
    assert normalize_choice("D", n_choices=4) == "D"
    assert normalize_choice("E", n_choices=4) is None
    assert normalize_choice("(e)", n_choices=5) == "E"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", "1234"),
        ("12.50", "12.5"),
        ("12.0", "12"),
        ("+7", "7"),
        ("-0.00", "0"),
        ("007", "7"),
        ("-1,234,567.890", "-1234567.89"),
        ("1,23", "1,23"),
        (".5", ".5"),
        ("1e3", "1e3"),
        ("Answer: 42", "42"),
        ("정답: 1,000", "1000"),
        ("  Hello   World ", "hello world"),
        ("ＡＢＣ １２３", "abc 123"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalize_exact_table(text, expected):
    assert normalize_exact(text) == expected


def test_equal_numbers_written_differently_normalize_alike():
    forms = ["1234.5", "1,234.50", "+1234.500", "01234.5", "Answer: 1,234.5"]
    assert {normalize_exact(form) for form in forms} == {"1234.5"}


_TRICKY = st.sampled_from(
    [
        "a",
        "B",
        "(c)",
        "d.",
        "E)",
        "answer",
        "Answer",
        "answer is",
        "the answer is",
        "final answer",
        "정답",
        "答え",
        ":",
        " ",
        "  ",
        "(",
        ")",
        ".",
        ",",
        "+",
        "-",
        "0",
        "1",
        "12",
        "000",
        "1,234",
        "5.50",
        "Ｂ",
        "\t",
        "x",
    ]
)
_TEXTS = st.one_of(
    st.lists(_TRICKY, max_size=5).map("".join),
    st.text(max_size=12),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=30))
def test_vectorised_choice_normalization_equals_python(texts):
    mapping = normalized_choices(pl.Series(texts, dtype=pl.String).unique())
    for raw, letter in mapping.select("raw", "letter").iter_rows():
        assert letter == normalize_choice(raw), raw


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=30))
def test_vectorised_exact_normalization_equals_python(texts):
    mapping = normalized_exact(pl.Series(texts, dtype=pl.String).unique())
    for raw, normalized in mapping.iter_rows():
        assert normalized == normalize_exact(raw), raw
