"""Answer extraction, table by table: what each rule reads, and texts that must stay wrong.

No text may turn a wrong answer right: every "must not be right" table gives a prediction
whose model did not answer the key (it negated it, hedged between two answers, or wrote
something else the rule could fold into the key) and checks that it is not counted right.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.scoring.extraction import (
    choice_outcome,
    exact_outcome,
    extract_choice,
    extract_exact,
    shorten,
)
from evaluations.scoring.normalize import key_answer, normalize_choice


def choice(text, mode="flexible", *, key="B", numbered=False, n_choices=4):
    read = extract_choice(text, mode=mode, numbered=numbered)
    return choice_outcome(read, key, n_choices)


def exact(text, key, mode="flexible", *, fractions=False):
    read = extract_exact(text, mode=mode, fractions=fractions)
    return exact_outcome(read, key_answer(key), mode=mode, fractions=fractions)


# --- multiple choice ------------------------------------------------------------------------

# Every form of the issue (a chat model's B), each with the rule that reads it.
CHOICE_READ = [
    ("정답은 B입니다.", "label anywhere (Korean, copula)"),
    ("따라서 정답은 B입니다.", "label inside a sentence"),
    ("B입니다", "a choice line with a copula"),
    ("B번", "a choice line with 번"),
    ("**B**", "Markdown emphasis"),
    ("__(B)__", "Markdown emphasis"),
    ("\\boxed{B}", "boxed"),
    ("The final answer is $\\boxed{B}$", "label and boxed agree"),
    ("B) 서울", "a choice letter followed by its text"),
    ("B. 서울특별시", "a choice letter followed by its text"),
    ("(B) 서울", "a choice letter followed by its text"),
    ("B - 서울", "a choice letter followed by its text"),
    ("Option B", "Option B"),
    ("선택지 B", "Korean option word"),
    ("Answer: B\n\nExplanation: Seoul has been the capital since 1394.", "answer line + text"),
    ("B\n\n서울은 조선 시대부터 수도였습니다.", "answer line followed by an explanation"),
    ("B입니다. 서울은 수도이기 때문입니다.", "an answer sentence, then more"),
    ("The correct answer is (B).", "English label with a qualifier"),
    ("The answer is B because Seoul is the capital.", "label followed by because"),
    ("Final answer: B", "final answer"),
    ("答えは B です", "Japanese label"),
    ("正解：B", "Japanese label with a full-width colon"),
    ("**정답: B**", "label inside emphasis"),
    ("Let me think. Seoul is the capital.\n\n**Answer: B**", "reasoning then a bold answer"),
    ("<think>Maybe the answer is A. No: Seoul.</think>\n\nThe answer is B.", "after thinking"),
]


@pytest.mark.parametrize(("text", "rule"), CHOICE_READ)
def test_flexible_reads_what_chat_models_write(text, rule):
    assert choice(text) == ("correct", "B"), rule


STRICT_FORMS_TOO = {"Final answer: B", "正解：B"}


@pytest.mark.parametrize(("text", "rule"), CHOICE_READ)
def test_strict_reads_only_its_own_forms(text, rule):
    expected = "correct" if text in STRICT_FORMS_TOO else "no_answer"
    assert choice(text, "strict")[0] == expected, rule


@pytest.mark.parametrize(
    "text", ["답: ②", "②", "정답은 2번입니다", "2번", "(2)", "정답: 2", "② 부산"]
)
def test_numbered_choices_map_to_letters_only_where_the_benchmark_numbers_them(text):
    assert choice(text, numbered=True) == ("correct", "B")
    assert choice(text, numbered=False)[0] == "not_a_choice"


# A model whose answer is not B (or that gave two answers) must never score B as right.
CHOICE_MUST_NOT_BE_RIGHT = [
    ("The answer is not B", "no_answer"),
    ("정답은 B가 아니라 C입니다", "no_answer"),
    ("정답은 B 아님", "no_answer"),
    ("The answer is B or C", "two_answers"),
    ("The answer is B, C", "two_answers"),
    ("정답은 B 또는 C", "two_answers"),
    ("**A** is wrong. The answer is **B**", "two_answers"),
    ("\\boxed{B} ... on reflection \\boxed{C}", "two_answers"),
    ("A) 부산\nB) 서울\nC) 대구", "two_answers"),
    ("B? No, wait. The answer is C.", "wrong"),
    ("Option B is tempting, but the answer is C.", "wrong"),
    ("Because B is wrong, the answer is A.", "wrong"),
    ("I think the answer is Because of the river.", "no_answer"),
    ("The answer is Bread.", "no_answer"),
    ("Seoul (B) and Busan (C) are both large.", "no_answer"),
    ("<think>The answer is B, I think, but let me check", "no_answer"),
    ("", "no_answer"),
    (None, "no_answer"),
]


@pytest.mark.parametrize(("text", "expected"), CHOICE_MUST_NOT_BE_RIGHT)
def test_texts_that_must_not_be_counted_right(text, expected):
    assert choice(text)[0] == expected
    assert choice(text, "strict")[0] != "correct"


def test_two_answers_show_both_and_never_the_key():
    read = extract_choice("The answer is B or C", mode="flexible")
    assert (read.letter, read.reason, read.shown) == (None, "two_answers", "B, C")


def test_a_letter_past_the_last_choice_is_not_a_choice():
    assert choice("E", n_choices=4) == ("not_a_choice", "E")
    assert choice("정답은 E입니다", n_choices=4) == ("not_a_choice", "E")
    assert choice("E", n_choices=5, key="E") == ("correct", "E")


def test_a_boxed_choice_text_is_not_a_choice():
    assert choice("\\boxed{서울}") == ("not_a_choice", "서울")


LETTERS = st.sampled_from("ABCDEFGH")
STRICT_FORMS = st.sampled_from(
    ["{}", "({})", "{}.", "{})", "({}).", "Answer: {}", "정답은 {}", "答え：{}", "The answer is {}"]
)


@settings(max_examples=300, deadline=None)
@given(LETTERS, STRICT_FORMS, st.booleans(), st.booleans())
def test_flexible_accepts_everything_strict_accepts_with_the_same_answer(
    letter, form, lower, numbered
):
    text = form.format(letter.lower() if lower else letter)
    strict = normalize_choice(text)
    assert strict == letter
    assert extract_choice(text, mode="flexible", numbered=numbered).letter == strict


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), LETTERS)
def test_any_text_reads_as_at_most_one_answer(text, letter):
    read = extract_choice(text, mode="flexible")
    assert (read.letter is None) == (read.reason is not None)
    strict = normalize_choice(text)
    if strict is not None:
        assert read.letter == strict


# --- exact match ----------------------------------------------------------------------------

EXACT_READ = [
    ("35 cm", "35", "a unit after the number"),
    ("$469", "469", "a currency sign"),
    ("\\boxed{234}", "234", "boxed"),
    ("The answer is 14.", "14", "a label and a final full stop"),
    ("9723개", "9723", "a Korean counter"),
    ("x = 670", "670", "a variable assignment"),
    ("1234.", "1234", "a final full stop"),
    ("1,234", "1234", "thousands separators"),
    ("−5", "-5", "the Unicode minus"),
    ("１２", "12", "full-width digits"),
    ("정답은 35 cm입니다.", "35", "Korean label, unit and copula"),
    ("50%", "50", "a percent sign where the key has none"),
    ("The answer is $\\boxed{14}$.", "14", "label and boxed agree"),
    ("\\boxed{14} cm\n\nThe answer is 14 cm.", "14", "box without unit and label with one"),
    ("Step 1: 3 + 4 = 7\nStep 2: 7 × 2 = 14\n**14**", "14", "emphasis after the work"),
    ("Paris.", "paris", "a text answer with a full stop"),
    ("Answer: Seoul", "seoul", "a text answer after a label"),
    ("답 없음", "답 없음", "the key's own words, label included"),
    ("答え：42", "42", "Japanese label"),
    ("The answer is \\(\\boxed{\\frac{3}{4}}\\)", "3/4", "a LaTeX fraction, as written"),
]


@pytest.mark.parametrize(("text", "key", "rule"), EXACT_READ)
def test_flexible_exact_reads_what_chat_models_write(text, key, rule):
    assert exact(text, key)[0] == "correct", rule


# The cases where folding or stripping once turned a wrong answer right, and hedges.
EXACT_MUST_NOT_BE_RIGHT = [
    ("10²", "102", "wrong"),  # a superscript is not a digit
    ("10^2", "102", "wrong"),
    ("7", "007", "wrong"),  # the key is a code; its zeros stay
    ("없음", "답 없음", "wrong"),  # labels are never removed from the key
    ("5e-05", "0.00005", "wrong"),
    ("\\boxed{12} and so the answer is 14.", "14", "two_answers"),
    ("14 m\n14 cm", "14", "two_answers"),
    ("The answer is 14 or 15.", "14", "wrong"),
    ("The answer is not 14.", "14", "wrong"),
    ("12, not 14", "14", "wrong"),
    ("1/2", "0.5", "wrong"),  # fractions equal decimals only where the benchmark says so
    ("0.333", "1/3", "wrong"),
    ("Seoul is the capital and Busan is the port", "busan", "wrong"),
    ("", "0", "no_answer"),
    (None, "0", "no_answer"),
]


@pytest.mark.parametrize(("text", "key", "expected"), EXACT_MUST_NOT_BE_RIGHT)
def test_exact_texts_that_must_not_be_counted_right(text, key, expected):
    assert exact(text, key)[0] == expected
    assert exact(text, key, "strict")[0] != "correct"


def test_fractions_equal_decimals_where_the_benchmark_says_so():
    assert exact("1/2", "0.5", fractions=True)[0] == "correct"
    assert exact("\\frac{2}{4}", "1/2", fractions=True)[0] == "correct"
    assert exact("0.333", "1/3", fractions=True)[0] == "wrong"


def test_a_key_with_a_unit_or_percent_is_text():
    assert exact("50%", "50%")[0] == "correct"
    assert exact("50", "50%")[0] == "wrong"
    assert exact("35 cm", "35 cm")[0] == "correct"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1,234", "1234"),
        ("Answer: 42", "42"),
        ("답 없음", "없음"),
        ("+7", "7"),
        ("Answer: U.S.", "U.S."),
    ],
)
def test_flexible_exact_keeps_what_strict_accepts(text, key):
    assert exact(text, key, "strict")[0] == "correct"
    assert exact(text, key)[0] == "correct"


def test_a_long_prediction_is_shortened_to_its_start_and_end():
    text = "Let me think. " * 40 + "\n\nThe answer is 14."
    short = shorten(text)
    assert len(short) <= 120
    assert short.startswith("Let me think.") and short.endswith("The answer is 14.")
    assert shorten("a\nb") == "a ⏎ b"
    assert shorten(None) is None
