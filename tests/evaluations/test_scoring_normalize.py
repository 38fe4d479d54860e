"""Strict forms, folding, keys and comparison by value: one table per documented rule."""

import unicodedata

import pytest

from evaluations.scoring.normalize import (
    exact_is_correct,
    fold,
    key_answer,
    key_choice,
    normalize_choice,
    number_value,
    ratio_value,
    strict_reading,
)


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
        ("B입니다", None),
        ("\\boxed{B}", None),
        ("②", None),
        ("AB", None),
        ("answer:", None),
        ("1", None),
        ("Ä", None),
        (None, None),
    ],
)
def test_strict_choice_forms(text, expected):
    assert normalize_choice(text) == expected


def test_letters_past_the_last_choice_are_not_choices():
    assert normalize_choice("D", n_choices=4) == "D"
    assert normalize_choice("E", n_choices=4) is None
    assert normalize_choice("(e)", n_choices=5) == "E"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("B", "B"), ("b", "B"), ("(C)", "C"), ("D.", "D"), ("Answer: B", None), ("②", None)],
)
def test_key_letters_take_no_answer_label(raw, expected):
    assert key_choice(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ａ１２", "A12"),
        ("１，２３４", "1,234"),
        ("−5", "-5"),
        ("a\u3000b", "a b"),
        ("a\u200bb", "ab"),
        (unicodedata.normalize("NFD", "정답"), "정답"),
        ("10²", "10²"),
        ("H₂O", "H₂O"),
        ("①", "①"),
        ("½", "½"),
        ("ﬁ", "ﬁ"),
    ],
)
def test_folding_is_nfc_plus_the_listed_foldings_and_nothing_else(text, expected):
    assert fold(text) == expected


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
        ("0.00005", "0.00005"),
        ("1200", "1200"),
        ("1,23", None),
        (".5", None),
        ("1e3", None),
        ("10²", None),
        ("٣", None),
    ],
)
def test_numbers_have_an_exact_decimal_value(text, expected):
    assert number_value(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/2", "0.5"),
        ("2/4", "0.5"),
        ("-3/4", "-0.75"),
        ("1/3", "1/3"),
        ("2/6", "1/3"),
        ("1/0", None),
    ],
)
def test_fractions_have_an_exact_rational_value(text, expected):
    assert ratio_value(text) == expected


@pytest.mark.parametrize(
    ("text", "text_form", "alt", "number"),
    [
        ("Answer: 42", "answer: 42", "42", "42"),
        ("  Hello   World ", "hello world", None, None),
        ("ＡＢＣ １２３", "abc 123", None, None),
        ("Straße", "strasse", None, None),
        ("답 없음", "답 없음", "없음", None),
        ("The answer is 14.", "the answer is 14.", "14.", None),
    ],
)
def test_strict_exact_readings(text, text_form, alt, number):
    reading = strict_reading(text)
    assert (reading.text, reading.alt, reading.number) == (text_form, alt, number)


@pytest.mark.parametrize("text", ["", "   ", None, "answer:", "정답: "])
def test_strict_exact_without_an_answer(text):
    assert strict_reading(text) is None


@pytest.mark.parametrize(
    ("raw", "text", "number"),
    [
        ("1000", "1000", "1000"),
        ("-7", "-7", "-7"),
        ("0.5", "0.5", "0.5"),
        ("12.50", "12.50", "12.5"),
        ("1,234.5", "1,234.5", "1234.5"),
        ("007", "007", None),
        ("00.5", "00.5", None),
        ("+7", "+7", None),
        (".5", ".5", None),
        ("답 없음", "답 없음", None),
        ("Answer: B", "answer: b", None),
        ("10²", "10²", None),
    ],
)
def test_keys_keep_their_text_and_are_numbers_only_when_written_as_one(raw, text, number):
    key = key_answer(raw)
    assert (key.text, key.number) == (text, number)


# Each row: prediction, key, fractions, expected -- including the cases where a folding or a
# label rule once turned a wrong answer right; they must stay wrong.
COMPARISONS = [
    ("1,000", "1000", False, True),
    ("1000.0", "1000", False, True),
    ("Answer: 1,000", "1000", False, True),
    ("0.00005", "0.00005", False, True),
    ("5e-05", "0.00005", False, False),
    ("７", "7", False, True),
    ("−5", "-5", False, True),
    ("10²", "102", False, False),  # NFKC would fold the superscript: wrong made right
    ("10²", "10²", False, True),
    ("7", "007", False, False),  # the key is a code: its zeros are not stripped
    ("007", "007", False, True),
    ("007", "7", False, True),  # a number key compares by value
    ("없음", "답 없음", False, False),  # no label is ever removed from the key
    ("답 없음", "답 없음", False, True),
    ("답 없음", "없음", False, True),  # ... but a label may lead the prediction
    ("1/2", "0.5", False, False),
    ("1/2", "0.5", True, True),
    ("2/4", "1/2", True, True),
    ("2/4", "1/2", False, False),
    ("0.333", "1/3", True, False),
    ("Seoul", "seoul", False, True),
    ("Seoul.", "seoul", False, False),  # strict: the period is part of the text
]


@pytest.mark.parametrize(("prediction", "key", "fractions", "expected"), COMPARISONS)
def test_strict_comparison_table(prediction, key, fractions, expected):
    reading = strict_reading(prediction)
    assert exact_is_correct(reading, key_answer(key), fractions=fractions) is expected
