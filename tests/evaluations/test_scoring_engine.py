"""Engine: fast path equals the pure reference (both extraction modes, examples included),
properties of scores, line-numbered errors."""

import dataclasses
import json
import random
import tempfile
from pathlib import Path
from unittest import mock

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.scoring import range_tally
from evaluations.scoring.answer_key import answer_key_from_items, write_answer_key
from evaluations.scoring.engine import ScoringOptions, score_file, score_file_reference
from evaluations.scoring.errors import PredictionFileError
from evaluations.scoring.normalize import normalize_choice

CHOICE_FORMS = [
    "{}",
    "({})",
    "{}.",
    "{})",
    "Answer: {}",
    "정답: {}",
    "答え：{}",
    "lower",
    "wide",
    "정답은 {}입니다.",
    "**{}**",
    "The final answer is $\\boxed{{{}}}$",
    "{}) 서울",
    "Option {}",
    "Answer: {}\n\nBecause the others are wrong.",
    "The answer is {} or C",
]
EXACT_ANSWERS = [
    "12",
    "1234",
    "0.5",
    "-3",
    "1000000",
    "seoul",
    "hello world",
    "007",
    "1/2",
    "답 없음",
]
EXACT_FORMS = [
    "{}",
    "{}.",
    "Answer: {}",
    "The answer is {}.",
    "\\boxed{{{}}}",
    "{} cm",
    "${}",
    "x = {}",
]
NOISE = ["", "banana", "E", "(", "Ａ", "A B", " ", "n/a", "Straße", "1,23", "+0012.500", None, "②"]
OPTIONS = st.builds(
    ScoringOptions,
    extraction=st.sampled_from(["strict", "flexible"]),
    numbered_choices=st.booleans(),
    fractions=st.booleans(),
)


def store_key(directory: Path, items, metric: str) -> Path:
    path = directory / "key.parquet"
    write_answer_key(answer_key_from_items(items, metric=metric), path)
    return path


def write_lines(directory: Path, lines, name="predictions.jsonl", bom=False, newline="\n"):
    path = directory / name
    data = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def choice_text(letter: str, form: str) -> str:
    if form == "lower":
        return letter.lower()
    if form == "wide":
        return chr(ord(letter) + 0xFEE0)
    return form.format(letter)


def record_line(ident, value, rng: random.Random) -> str:
    """A JSON line in one of several equivalent spellings."""
    record = {"id": ident, "prediction": value}
    style = rng.randrange(5)
    if style == 0:
        return orjson.dumps(record).decode()
    if style == 1:
        return json.dumps(record, ensure_ascii=True)  # escapes non-ASCII
    if style == 2:
        return json.dumps({"prediction": value, "id": ident}, ensure_ascii=False)
    if style == 3:
        return " " + json.dumps(record, ensure_ascii=False, indent=None, separators=(" , ", " : "))
    return orjson.dumps(record).decode() + " \t"


@st.composite
def scenarios(draw, metric=None):
    metric = metric or draw(st.sampled_from(["accuracy", "exact_match", "pass_at_k"]))
    size = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    categories = draw(
        st.lists(
            st.sampled_from(["역사", "law", "math", "科学", "a b"]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    items, lines = [], []
    for index in range(size):
        ident = index if rng.random() < 0.2 else f"q{index}-{rng.randrange(1000)}"
        category = rng.choice(categories)
        if metric == "accuracy":
            n_choices = rng.choice([None, 4, 5])
            answer = "ABCD"[rng.randrange(4)]
            items.append((str(ident), answer, category, n_choices))
        elif metric == "exact_match":
            answer = rng.choice(EXACT_ANSWERS)
            items.append((str(ident), answer, category, None))
        else:
            items.append((str(ident), None, category, None))
        if rng.random() < 0.15:
            continue  # missing
        if metric == "pass_at_k":
            n = rng.randrange(3, 12)
            c = rng.randrange(n + 1)
            spelled = rng.randrange(3)
            if spelled == 0:
                lines.append(orjson.dumps({"id": ident, "n": n, "c": c}).decode())
            elif spelled == 1:
                lines.append(json.dumps({"c": c, "id": ident, "n": n}))
            else:
                lines.append(f'{{ "id" : {json.dumps(ident)} , "n" : {n} , "c" : {c} }}')
            continue
        roll = rng.random()
        if roll < 0.15:
            value = rng.choice(NOISE)
        elif metric == "accuracy":
            letter = answer if roll < 0.7 else "ABCDE"[rng.randrange(5)]
            value = choice_text(letter, rng.choice(CHOICE_FORMS))
        else:
            value = rng.choice(EXACT_FORMS).format(rng.choice([answer, answer, "7", "14"]))
            if rng.random() < 0.1 and answer.lstrip("-").isdigit() and answer[0] != "0":
                value = int(answer)
        lines.append(record_line(ident, value, rng))
    if not lines:
        first = items[0][0]
        if metric == "pass_at_k":
            lines.append(orjson.dumps({"id": first, "n": 4, "c": 1}).decode())
        else:
            lines.append(record_line(first, "A", rng))
    if draw(st.booleans()):
        lines.insert(rng.randrange(len(lines) + 1), "")
    return metric, items, lines, seed


def both(directory, metric, items, lines, options=None, **layout):
    key_path = store_key(directory, items, metric)
    path = write_lines(
        directory, lines, **{k: v for k, v in layout.items() if k in ("bom", "newline")}
    )
    k = 1 if metric == "pass_at_k" else None
    kwargs = {
        "predictions_path": path,
        "key_path": key_path,
        "metric": metric,
        "k": k,
        "options": options,
    }
    # Clean files must be scored by the fast path alone, never by the careful fallback.
    with mock.patch.object(range_tally, "_careful_tally", side_effect=AssertionError("fallback")):
        fast = score_file(**kwargs)
    return fast, score_file_reference(**kwargs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.booleans(), st.sampled_from(["\n", "\r\n"]), OPTIONS)
def test_fast_path_equals_the_pure_reference(scenario, bom, newline, options):
    metric, items, lines, _ = scenario
    with tempfile.TemporaryDirectory() as directory:
        fast, reference = both(
            Path(directory), metric, items, lines, options, bom=bom, newline=newline
        )
    assert fast == reference


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_shuffling_lines_gives_the_same_score(scenario):
    metric, items, lines, seed = scenario
    shuffled = list(lines)
    random.Random(seed + 1).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as directory:
        first, _ = both(Path(directory), metric, items, lines)
        second, _ = both(Path(directory), metric, items, shuffled)
    # Examples name their lines, which moved; everything else is the same.
    assert dataclasses.replace(first, reasons=()) == dataclasses.replace(second, reasons=())
    assert [r.count for r in first.reasons] == [r.count for r in second.reasons]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_scores_stay_in_range_and_intervals_contain_them(scenario):
    metric, items, lines, _ = scenario
    with tempfile.TemporaryDirectory() as directory:
        result, _ = both(Path(directory), metric, items, lines)
    assert 0.0 <= result.interval_low <= result.value <= result.interval_high <= 100.0
    assert result.micro == result.value
    assert result.item_count == len(items) == result.answered + result.missing
    for category in result.categories:
        assert 0.0 <= category.interval_low <= category.value <= category.interval_high <= 100.0
    assert sum(category.items for category in result.categories) == result.item_count


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(metric="accuracy"), st.booleans())
def test_a_perfect_prediction_file_scores_100(scenario, as_csv):
    metric, items, _, _ = scenario
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        key_path = store_key(directory, items, metric)
        if as_csv:
            path = write_lines(
                directory, ["id,prediction"] + [f"{i},{a}" for i, a, _, _ in items], "p.csv"
            )
        else:
            path = write_lines(
                directory,
                [orjson.dumps({"id": i, "prediction": a}).decode() for i, a, _, _ in items],
            )
        result = score_file(predictions_path=path, key_path=key_path, metric=metric)
    assert result.value == 100.0 and result.macro == 100.0
    assert (result.missing, result.invalid) == (0, 0)


def test_perfect_pass_at_k_and_exact_match_files_score_100(tmp_path):
    items = [(f"p{i}", None, "code", None) for i in range(30)]
    key_path = store_key(tmp_path, items, "pass_at_k")
    path = write_lines(tmp_path, [f'{{"id": "p{i}", "n": 10, "c": 10}}' for i in range(30)])
    result = score_file(predictions_path=path, key_path=key_path, metric="pass_at_k", k=1)
    assert result.value == result.interval_high == 100.0
    assert result.interval_low == pytest.approx(100 * 0.025 ** (1 / 30))  # not zero-width
    assert result.method == "clopper-pearson on the sum of pass@k values"
    exact_items = [(f"e{i}", "1234.5", "x", None) for i in range(5)]
    key_path = store_key(tmp_path, exact_items, "exact_match")
    lines = [orjson.dumps({"id": f"e{i}", "prediction": "1,234.50"}).decode() for i in range(5)]
    path = write_lines(tmp_path, lines)
    assert score_file(predictions_path=path, key_path=key_path, metric="exact_match").value == 100.0


def test_missing_and_invalid_predictions_score_zero_and_are_counted(tmp_path):
    items = [("a", "A", "x", 4), ("b", "B", "x", 4), ("c", "C", "y", 4), ("d", "D", "y", 4)]
    key_path = store_key(tmp_path, items, "accuracy")
    lines = [
        '{"id": "a", "prediction": "(A)"}',
        '{"id": "b", "prediction": "banana"}',
        '{"id": "c", "prediction": "E"}',
    ]
    result = score_file(
        predictions_path=write_lines(tmp_path, lines), key_path=key_path, metric="accuracy"
    )
    assert (result.value, result.answered, result.missing, result.invalid) == (25.0, 3, 1, 2)
    assert [(c.category, c.value, c.missing, c.invalid) for c in result.categories] == [
        ("x", 50.0, 0, 1),
        ("y", 0.0, 1, 1),
    ]
    assert result.macro == 25.0
    assert result.method == "clopper-pearson"


def test_progress_is_reported_in_bytes(tmp_path):
    key_path = store_key(tmp_path, [("a", "A", "x", None)], "accuracy")
    path = write_lines(tmp_path, ['{"id": "a", "prediction": "A"}'])
    calls = []
    score_file(
        predictions_path=path,
        key_path=key_path,
        metric="accuracy",
        progress=lambda d, t: calls.append((d, t)),
    )
    size = path.stat().st_size
    assert calls[0] == (0, size) and calls[-1] == (size, size)


def items_for(count):
    return [(f"q{i}", "ABCD"[i % 4], f"c{i % 3}", 4) for i in range(count)]


@pytest.mark.parametrize(
    ("bad_line", "code", "field"),
    [
        ('{"id": "q1", "prediction": "B"}', "duplicate_id", "id"),
        ('{"id": "nope", "prediction": "B"}', "unknown_id", "id"),
        ("{oops", "not_json", None),
        ('{"id": "q7", "prediction": NaN}', "nan_value", "prediction"),
        ('{"id": "q7"}', "missing_field", "prediction"),
        ('{"id": "q7", "prediction": {"x": 1}}', "wrong_type", "prediction"),
        ('{"id": "q7", "prediction": "B", "prediction": "A"}', "repeated_field", "prediction"),
        ('{"id": "q7", "prediction": "\u0000"}', "nul_byte", None),
    ],
)
def test_score_file_names_the_first_bad_line(tmp_path, bad_line, code, field):
    key_path = store_key(tmp_path, items_for(20), "accuracy")
    lines = [orjson.dumps({"id": f"q{i}", "prediction": "A"}).decode() for i in range(1, 6)]
    lines.insert(3, bad_line)
    path = write_lines(tmp_path, ["", *lines])
    for scorer in (score_file, score_file_reference):
        with pytest.raises(PredictionFileError) as caught:
            scorer(predictions_path=path, key_path=key_path, metric="accuracy")
        assert (caught.value.code, caught.value.line, caught.value.field) == (code, 5, field)
        assert "Line 5" in str(caught.value)


def test_duplicate_ids_point_at_the_repeat_and_the_first_use(tmp_path):
    key_path = store_key(tmp_path, items_for(2000), "accuracy")
    lines = [orjson.dumps({"id": f"q{i}", "prediction": "A"}).decode() for i in range(2000)]
    lines.append(lines[10])
    with pytest.raises(PredictionFileError) as caught:
        score_file(
            predictions_path=write_lines(tmp_path, lines), key_path=key_path, metric="accuracy"
        )
    assert (caught.value.code, caught.value.line) == ("duplicate_id", 2001)
    assert "line 11" in str(caught.value)


def test_invalid_utf8_and_over_long_lines_are_named_by_the_fast_path_too(tmp_path):
    key_path = store_key(tmp_path, items_for(10), "accuracy")
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"id": "q1", "prediction": "A"}\n{"id": "q2", "prediction": "\xc3"}\n')
    with pytest.raises(PredictionFileError) as caught:
        score_file(predictions_path=path, key_path=key_path, metric="accuracy")
    assert (caught.value.code, caught.value.line) == ("invalid_utf8", 2)
    path.write_bytes(
        b'{"id": "q1", "prediction": "A"}\n{"id": "q2", "prediction": "' + b"B" * 300 + b'"}\n'
    )
    with pytest.raises(PredictionFileError) as caught:
        score_file(predictions_path=path, key_path=key_path, metric="accuracy", max_line_bytes=200)
    assert (caught.value.code, caught.value.line) == ("line_too_long", 2)


def test_empty_files_and_csv_without_header_fail_in_the_engine(tmp_path):
    key_path = store_key(tmp_path, items_for(3), "accuracy")
    with pytest.raises(PredictionFileError) as caught:
        score_file(
            predictions_path=write_lines(tmp_path, ["", " "]), key_path=key_path, metric="accuracy"
        )
    assert caught.value.code == "empty_file"
    csv_path = write_lines(tmp_path, ["q1,A", "q2,B"], "p.csv")
    with pytest.raises(PredictionFileError) as caught:
        score_file(predictions_path=csv_path, key_path=key_path, metric="accuracy")
    assert (caught.value.code, caught.value.line) == ("csv_missing_header", 1)


def test_pass_at_k_files_with_too_few_samples_are_rejected_with_the_line(tmp_path):
    key_path = store_key(tmp_path, [("p1", None, "x", None), ("p2", None, "x", None)], "pass_at_k")
    path = write_lines(tmp_path, ['{"id": "p1", "n": 10, "c": 2}', '{"id": "p2", "n": 3, "c": 1}'])
    with pytest.raises(PredictionFileError) as caught:
        score_file(predictions_path=path, key_path=key_path, metric="pass_at_k", k=5)
    assert (caught.value.code, caught.value.line, caught.value.field) == ("invalid_value", 2, "n")


def test_many_lines_in_another_key_order_still_use_the_fast_path_correctly(tmp_path):
    items = items_for(12_000)
    key_path = store_key(tmp_path, items, "accuracy")
    lines = [json.dumps({"prediction": a.lower(), "id": i}) for i, a, _, _ in items]
    path = write_lines(tmp_path, lines)
    result = score_file(predictions_path=path, key_path=key_path, metric="accuracy")
    assert result.value == 100.0


def test_the_key_metric_must_match_the_requested_metric(tmp_path):
    key_path = store_key(tmp_path, items_for(3), "accuracy")
    path = write_lines(tmp_path, ['{"id": "q1", "prediction": "A"}'])
    with pytest.raises(ValueError, match="prepared for 'accuracy'"):
        score_file(predictions_path=path, key_path=key_path, metric="exact_match")


def test_reference_normalization_is_the_documented_one():
    assert normalize_choice("Answer: (b)") == "B"


BAD_LINES = [
    "{oops",
    "[1, 2]",
    '{"id": "zzz-unknown", "prediction": "A"}',
    '{"id": "x", "prediction": NaN}',
    '{"id": "x", "n": Infinity, "c": 1}',
    '{"id": "x"}',
    '{"id": true, "prediction": "A"}',
    '{"id": "x", "prediction": "A", "id": "y"}',
    '{"id": "x", "n": 2, "c": 3}',
    "\u0000",
    "DUPLICATE",
    "BADUTF8",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.sampled_from(BAD_LINES), st.integers(0, 10_000))
def test_fast_path_and_reference_report_the_same_problem(scenario, bad, where):
    metric, items, lines, _ = scenario
    lines = list(lines)
    if bad == "DUPLICATE":
        bad = next(line for line in lines if line.strip())
    position = where % (len(lines) + 1)
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        key_path = store_key(directory, items, metric)
        path = directory / "p.jsonl"
        encoded = [line.encode() for line in lines]
        encoded.insert(position, b'{"id": "\xff"}' if bad == "BADUTF8" else bad.encode())
        path.write_bytes(b"\n".join(encoded) + b"\n")
        k = 1 if metric == "pass_at_k" else None
        errors = []
        for scorer in (score_file, score_file_reference):
            with pytest.raises(PredictionFileError) as caught:
                scorer(predictions_path=path, key_path=key_path, metric=metric, k=k)
            error = caught.value
            errors.append((error.code, error.line, error.field, error.message))
    assert errors[0] == errors[1]
    assert errors[0][1] is not None and f"Line {errors[0][1]}" in errors[0][3]


def test_ids_match_in_nfc_on_both_sides(tmp_path):
    import unicodedata

    ids = [f"역사-{i}" for i in range(5)]
    key_path = store_key(tmp_path, [(i, "A", "c", 4) for i in ids], "accuracy")
    lines = [
        orjson.dumps({"id": unicodedata.normalize("NFD", i), "prediction": "A"}).decode()
        for i in ids
    ]
    path = write_lines(tmp_path, lines)
    for scorer in (score_file, score_file_reference):
        result = scorer(predictions_path=path, key_path=key_path, metric="accuracy")
        assert (result.value, result.answered) == (100.0, 5)


@pytest.mark.parametrize(
    ("written", "hint"),
    [("ｑ１", True), ("q\u200b1", True), ("q9", False)],
)
def test_an_unknown_id_says_when_it_differs_from_a_key_id_only_in_unicode_form(
    tmp_path, written, hint
):
    key_path = store_key(tmp_path, [("q1", "A", "c", 4), ("q2", "B", "c", 4)], "accuracy")
    path = write_lines(tmp_path, [orjson.dumps({"id": written, "prediction": "A"}).decode()])
    for scorer in (score_file, score_file_reference):
        with pytest.raises(PredictionFileError) as caught:
            scorer(predictions_path=path, key_path=key_path, metric="accuracy")
        assert caught.value.code == "unknown_id"
        assert ("only in its Unicode form" in caught.value.message) is hint
        if hint:
            assert '"q1"' in caught.value.message


def test_a_billion_samples_per_problem_score_in_under_a_second(tmp_path):
    import time

    key_path = store_key(tmp_path, [("q1", None, "c", None), ("q2", None, "c", None)], "pass_at_k")
    path = write_lines(
        tmp_path,
        ['{"id": "q1", "n": 1000000001, "c": 1000000000}', '{"id": "q2", "n": 10, "c": 0}'],
    )
    started = time.perf_counter()
    result = score_file(predictions_path=path, key_path=key_path, metric="pass_at_k", k=1)
    assert time.perf_counter() - started < 1.0
    assert result.value == pytest.approx(50.0, abs=1e-6)
    capped = ScoringOptions(max_samples=10_000)
    with pytest.raises(PredictionFileError) as caught:
        score_file(
            predictions_path=path, key_path=key_path, metric="pass_at_k", k=1, options=capped
        )
    assert (caught.value.code, caught.value.line) == ("too_many_samples", 1)


def test_null_and_empty_predictions_and_extra_fields_are_scored_not_refused(tmp_path):
    key_path = store_key(tmp_path, items_for(4), "accuracy")
    lines = [
        '{"id": "q0", "prediction": null}',
        '{"id": "q1", "prediction": ""}',
        '{"id": "q2", "prediction": "C", "raw_output": "The answer is C", "latency_ms": 812}',
        '{"id": "q3", "prediction": "D"}',
    ]
    path = write_lines(tmp_path, lines)
    for scorer in (score_file, score_file_reference):
        result = scorer(predictions_path=path, key_path=key_path, metric="accuracy")
        assert (result.value, result.answered, result.invalid) == (50.0, 4, 2)
        assert result.ignored_fields == (("latency_ms", 1), ("raw_output", 1))
        no_answer = result.reasons[0]
        assert no_answer.reason == "no_answer" and no_answer.count == 2
        assert [(e.line, e.prediction) for e in no_answer.examples] == [(1, None), (2, "")]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=30).map(
            lambda text: f'{text}\n정답은 B입니다 "{text}" \\boxed{{C}}'
        ),
        min_size=1,
        max_size=25,
    ),
    st.booleans(),
    OPTIONS,
)
def test_predictions_with_json_escapes_read_the_same_on_both_paths(texts, ascii_only, options):
    items = [(f"q{i}", "ABCD"[i % 4], "c", 4) for i in range(len(texts))]
    lines = [
        json.dumps({"id": f"q{i}", "prediction": text}, ensure_ascii=ascii_only)
        for i, text in enumerate(texts)
    ]
    with tempfile.TemporaryDirectory() as directory:
        fast, reference = both(Path(directory), "accuracy", items, lines, options)
    assert fast == reference


def test_sample_counts_beyond_64_bits_are_scored_by_the_careful_path(tmp_path):
    key_path = store_key(tmp_path, [("q1", None, "c", None)], "pass_at_k")
    huge = 10**30
    path = write_lines(tmp_path, [f'{{"id": "q1", "n": {huge + 1}, "c": {huge}}}'])
    result = score_file(predictions_path=path, key_path=key_path, metric="pass_at_k", k=1)
    assert result.value == pytest.approx(100.0)
