"""Prediction files written the way chat models answer score their true accuracy under
flexible extraction, with the strict figure beside it; whole-file and chunked agree."""

import pytest

from evaluations.scoring.answer_key import parse_answer_key, write_answer_key
from evaluations.scoring.chunks import score_file_chunked
from evaluations.scoring.engine import ScoringOptions, score_file, score_file_reference
from tests.evaluations.realistic import korean_multiple_choice, math_exact_answers

CASES = {
    "korean multiple choice": (korean_multiple_choice, "accuracy", True),
    "math exact answers": (math_exact_answers, "exact_match", False),
}


def stored(tmp_path, realistic, metric):
    key = tmp_path / "key.jsonl"
    key.write_text("\n".join(realistic.key_lines) + "\n", encoding="utf-8")
    key_path = tmp_path / "key.parquet"
    write_answer_key(parse_answer_key(key, metric=metric), key_path)
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text("\n".join(realistic.prediction_lines) + "\n", encoding="utf-8")
    return predictions, key_path


@pytest.mark.parametrize("case", CASES)
def test_a_realistic_file_scores_its_true_accuracy_under_flexible_extraction(tmp_path, case):
    make, metric, numbered = CASES[case]
    realistic = make()
    predictions, key_path = stored(tmp_path, realistic, metric)
    options = ScoringOptions(extraction="flexible", numbered_choices=numbered)
    kwargs = {"predictions_path": predictions, "key_path": key_path, "metric": metric}
    result = score_file(options=options, **kwargs)
    figures = {figure.extraction: figure for figure in result.figures}
    print(
        f"{case}: true {realistic.true_accuracy:.2f}  flexible {figures['flexible'].value:.2f}"
        f"  strict {figures['strict'].value:.2f} (invalid {figures['strict'].invalid})"
    )
    assert result.value == pytest.approx(realistic.true_accuracy, abs=1e-9)
    assert figures["flexible"].correct == realistic.truly_correct
    assert figures["strict"].correct == realistic.strict_correct
    assert figures["strict"].value < result.value - 30  # what strict-only scoring reported
    assert result.ignored_field_lines > 0 and dict(result.ignored_fields)["raw_output"] > 0
    counts = {reason.reason: reason.count for reason in result.reasons}
    assert counts.get("two_answers", 0) == 0 and counts.get("not_a_choice", 0) == 0
    assert counts["no_answer"] == result.invalid  # the null predictions
    assert counts["wrong"] == realistic.items - realistic.truly_correct - result.invalid
    # The same figures from the reference scorer and from chunks.
    assert score_file_reference(options=options, **kwargs) == result
    assert score_file_chunked(options=options, target_bytes=7_000, **kwargs) == result
    # The benchmark set to strict shows the flexible figure beside its score.
    strict = score_file(options=ScoringOptions("strict", numbered_choices=numbered), **kwargs)
    assert strict.value == pytest.approx(figures["strict"].value)
    assert strict.figures == result.figures


def test_the_categories_of_a_realistic_math_file_are_no_longer_zero(tmp_path):
    realistic = math_exact_answers()
    predictions, key_path = stored(tmp_path, realistic, "exact_match")
    result = score_file(
        predictions_path=predictions,
        key_path=key_path,
        metric="exact_match",
        options=ScoringOptions(extraction="flexible"),
    )
    assert all(category.value > 60 for category in result.categories)


def test_wrong_answers_are_shown_with_what_was_read_never_the_key(tmp_path):
    realistic = math_exact_answers()
    predictions, key_path = stored(tmp_path, realistic, "exact_match")
    result = score_file(
        predictions_path=predictions,
        key_path=key_path,
        metric="exact_match",
        options=ScoringOptions(extraction="flexible"),
    )
    wrong = next(reason for reason in result.reasons if reason.reason == "wrong")
    assert wrong.count == realistic.items - realistic.truly_correct
    assert len(wrong.examples) == 20
    assert [e.line for e in wrong.examples] == sorted(e.line for e in wrong.examples)
    keys = {line.split('"answer": ')[1].split(",")[0].strip('"') for line in realistic.key_lines}
    lines = predictions.read_text(encoding="utf-8").splitlines()
    for example in wrong.examples:
        assert (
            example.extracted
            and example.extracted not in keys
            or example.extracted in str(lines[example.line - 1])
        )
