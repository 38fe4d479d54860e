"""Predictions files: every malformed case has its own code and names the line and field."""

import unicodedata

import pytest

from evaluations.scoring.errors import PredictionFileError
from evaluations.scoring.predictions import (
    IgnoredFields,
    check_head,
    iter_predictions,
    sniff_format,
)


def write(tmp_path, data, name="predictions.jsonl"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def problem(path, metric="accuracy", **options):
    with pytest.raises(PredictionFileError) as caught:
        list(iter_predictions(path, metric=metric, **options))
    return caught.value


GOOD = '{"id": "q1", "prediction": "A"}\n'


def test_a_valid_jsonl_file_yields_line_numbers_ids_and_values(tmp_path):
    path = write(
        tmp_path, GOOD + '{"id": 2, "prediction": 12.5}\n{"prediction": "b", "id": "q3"}\n'
    )
    assert list(iter_predictions(path, metric="exact_match")) == [
        (1, "q1", "A"),
        (2, "2", "12.5"),
        (3, "q3", "b"),
    ]


def test_a_byte_order_mark_and_blank_lines_are_accepted(tmp_path):
    path = write(
        tmp_path,
        b"\xef\xbb\xbf" + GOOD.encode() + b"\n   \r\n" + b'{"id":"q2","prediction":"B"}\r\n',
    )
    assert [(line, ident) for line, ident, _ in iter_predictions(path, metric="accuracy")] == [
        (1, "q1"),
        (4, "q2"),
    ]


def test_a_non_json_line_is_reported_with_its_number(tmp_path):
    error = problem(write(tmp_path, GOOD + "{not json}\n"))
    assert error.code == "not_json" and error.line == 2
    assert "Line 2" in str(error) and "not valid JSON" in error.message


def test_a_json_value_that_is_not_an_object_is_reported(tmp_path):
    error = problem(write(tmp_path, GOOD + '["q2", "A"]\n'))
    assert (error.code, error.line) == ("not_object", 2)


def test_a_nul_byte_is_reported_with_its_line(tmp_path):
    error = problem(write(tmp_path, GOOD.encode() + b'{"id": "q2", "prediction": "\x00"}\n'))
    assert (error.code, error.line) == ("nul_byte", 2)
    assert "NUL" in str(error)


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    error = problem(write(tmp_path, GOOD.encode() * 2 + b'{"id": "q3", "prediction": "\xff"}\n'))
    assert (error.code, error.line) == ("invalid_utf8", 3)
    assert "UTF-8" in str(error) and "Line 3" in str(error)


def test_an_over_long_line_is_reported_without_reading_it_whole(tmp_path):
    long_line = '{"id": "q2", "prediction": "' + "x" * 5000 + '"}\n'
    error = problem(write(tmp_path, GOOD + long_line), max_line_bytes=1000)
    assert (error.code, error.line) == ("line_too_long", 2)
    assert "1,000 bytes" in str(error)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_reported_with_line_and_field(tmp_path, literal):
    error = problem(write(tmp_path, GOOD + f'{{"id": "q2", "prediction": {literal}}}\n'))
    assert (error.code, error.line, error.field) == ("nan_value", 2, "prediction")


def test_a_number_too_large_for_a_float_is_kept_as_written_not_made_infinite(tmp_path):
    path = write(tmp_path, '{"id": "q2", "prediction": 1e400}\n')
    assert list(iter_predictions(path, metric="exact_match")) == [(1, "q2", "1e400")]


def test_nan_sample_counts_in_csv_are_reported(tmp_path):
    path = write(tmp_path, "id,n,c\nq1,10,3\nq2,10,nan\n", "samples.csv")
    error = problem(path, metric="pass_at_k", k=1)
    assert (error.code, error.line, error.field) == ("nan_value", 3, "c")


def test_an_empty_file_is_reported(tmp_path):
    for content in ["", "\n\n  \n"]:
        error = problem(write(tmp_path, content))
        assert error.code == "empty_file" and error.line is None


def test_a_csv_file_with_only_a_header_is_empty(tmp_path):
    error = problem(write(tmp_path, "id,prediction\n", "p.csv"))
    assert error.code == "empty_file"


def test_a_csv_file_without_a_header_is_reported(tmp_path):
    error = problem(write(tmp_path, "q1,A\nq2,B\n", "p.csv"))
    assert (error.code, error.line) == ("csv_missing_header", 1)
    assert "id,prediction" in str(error)


def test_a_csv_file_with_a_header_in_any_order_is_read(tmp_path):
    path = write(tmp_path, '\ufeffPrediction, ID\n(B),q1\n"a, or b",q2\n', "p.csv")
    assert list(iter_predictions(path, metric="accuracy")) == [
        (2, "q1", "(B)"),
        (3, "q2", "a, or b"),
    ]


def test_a_csv_row_with_the_wrong_number_of_columns_is_reported(tmp_path):
    error = problem(write(tmp_path, "id,prediction\nq1,A,extra\n", "p.csv"))
    assert (error.code, error.line) == ("csv_bad_row", 2)


@pytest.mark.parametrize(
    ("line", "field"),
    [('{"id": "q2"}', "prediction"), ('{"prediction": "A"}', "id")],
)
def test_a_missing_field_is_named(tmp_path, line, field):
    error = problem(write(tmp_path, GOOD + line + "\n"))
    assert (error.code, error.line, error.field) == ("missing_field", 2, field)
    assert f'"{field}"' in str(error)


def test_a_missing_sample_count_is_named(tmp_path):
    error = problem(write(tmp_path, '{"id": "q1", "n": 5}\n'), metric="pass_at_k", k=1)
    assert (error.code, error.line, error.field) == ("missing_field", 1, "c")


def test_extra_fields_as_pipelines_write_them_are_ignored_and_counted(tmp_path):
    path = write(
        tmp_path,
        GOOD
        + '{"id": "q2", "prediction": "A", "raw_output": "The answer is A", "latency": 1.5}\n'
        + '{"model": "x", "id": "q3", "prediction": "B", "raw_output": "B"}\n',
    )
    ignored = IgnoredFields()
    records = list(iter_predictions(path, metric="accuracy", ignored=ignored))
    assert records == [(1, "q1", "A"), (2, "q2", "A"), (3, "q3", "B")]
    assert ignored.lines == 2
    assert ignored.pairs() == (("latency", 1), ("model", 1), ("raw_output", 2))


def test_only_the_first_ignored_names_are_kept_with_exact_counts():
    ignored = IgnoredFields()
    for index in range(30):
        ignored.add_line([f"f{index:02d}", "a"])
    assert ignored.lines == 30
    assert ignored.pairs()[0] == ("a", 30)
    assert [name for name, _ in ignored.pairs()] == ["a"] + [f"f{i:02d}" for i in range(19)]


def test_a_field_given_twice_in_one_line_is_refused_with_its_line(tmp_path):
    error = problem(write(tmp_path, GOOD + '{"id": "q2", "prediction": "A", "prediction": "B"}\n'))
    assert (error.code, error.line, error.field) == ("repeated_field", 2, "prediction")
    assert "Line 2" in str(error) and "twice" in str(error)
    error = problem(write(tmp_path, '{"id": "q1", "id": "q2", "prediction": "A"}\n'))
    assert (error.code, error.line, error.field) == ("repeated_field", 1, "id")


def test_null_and_empty_predictions_are_items_without_an_answer_not_refused_files(tmp_path):
    path = write(tmp_path, '{"id": "q1", "prediction": null}\n{"id": "q2", "prediction": ""}\n')
    assert list(iter_predictions(path, metric="accuracy")) == [(1, "q1", None), (2, "q2", "")]


def test_numbers_keep_the_digits_written_in_the_file(tmp_path):
    path = write(
        tmp_path,
        '{"id": "q1", "prediction": 0.00005}\n{"id": "q2", "prediction": 1.50}\n'
        '{"id": "q3", "prediction": 1e3}\n{"id": "q4", "prediction": 12}\n',
    )
    values = [value for _, _, value in iter_predictions(path, metric="exact_match")]
    assert values == ["0.00005", "1.50", "1e3", "12"]


def test_ids_are_read_in_unicode_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "문항-1")
    assert decomposed != "문항-1"
    path = write(tmp_path, f'{{"id": "{decomposed}", "prediction": "A"}}\nid2\n')
    first = next(iter_predictions(path, metric="accuracy"))
    assert first == (1, "문항-1", "A")
    csv_path = write(tmp_path, f"id,prediction\n{decomposed},A\n", "p.csv")
    assert list(iter_predictions(csv_path, metric="accuracy")) == [(2, "문항-1", "A")]


def test_a_sample_count_over_the_benchmark_limit_is_refused_with_a_clear_message(tmp_path):
    path = write(tmp_path, '{"id": "q1", "n": 1000000001, "c": 1000000000}\n')
    error = problem(path, metric="pass_at_k", k=1, max_samples=10_000)
    assert (error.code, error.line, error.field) == ("too_many_samples", 1, "n")
    assert "1,000,000,001" in error.message and "at most 10,000 samples" in error.message
    with pytest.raises(type(error)):
        check_head(path, metric="pass_at_k", k=1, max_samples=10_000)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"id": "q2", "prediction": ["A"]}', "prediction"),
        ('{"id": "q2", "prediction": true}', "prediction"),
        ('{"id": 1.5, "prediction": "A"}', "id"),
        ('{"id": null, "prediction": "A"}', "id"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(tmp_path, line, field):
    error = problem(write(tmp_path, GOOD + line + "\n"))
    assert (error.code, error.line, error.field) == ("wrong_type", 2, field)


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        ('{"id": "q1", "n": 10, "c": 3.0}', "wrong_type", "c"),
        ('{"id": "q1", "n": "10", "c": 3}', "wrong_type", "n"),
        ('{"id": "q1", "n": 10, "c": -1}', "invalid_value", "c"),
        ('{"id": "q1", "n": 3, "c": 4}', "invalid_value", "c"),
        ('{"id": "q1", "n": 0, "c": 0}', "invalid_value", "n"),
    ],
)
def test_sample_counts_must_be_whole_numbers_with_c_at_most_n(tmp_path, line, code, field):
    error = problem(write(tmp_path, line + "\n"), metric="pass_at_k", k=1)
    assert (error.code, error.line, error.field) == (code, 1, field)


def test_pass_at_k_needs_at_least_k_samples(tmp_path):
    error = problem(write(tmp_path, '{"id": "q1", "n": 3, "c": 1}\n'), metric="pass_at_k", k=5)
    assert (error.code, error.field) == ("invalid_value", "n")
    assert "pass@5" in str(error)


def test_predictions_are_quoted_only_briefly(tmp_path):
    path = write(tmp_path, "id,prediction\n" + "z" * 500 + ",A\n", "p.csv")
    error = problem(write(tmp_path, "z" * 500 + ",A\n", "p2.csv"))
    assert len(str(error)) < 200
    assert list(iter_predictions(path, metric="accuracy"))[0][1] == "z" * 500


def test_the_format_is_sniffed_from_the_first_character(tmp_path):
    assert sniff_format(write(tmp_path, "\ufeff\n  " + GOOD)) == "jsonl"
    assert sniff_format(write(tmp_path, "id,prediction\n", "p.csv")) == "csv"


def test_check_head_accepts_a_good_start_and_ignores_later_lines(tmp_path):
    path = write(tmp_path, GOOD * 20 + "garbage\n")
    check_head(path, metric="accuracy", max_lines=20)
    with pytest.raises(PredictionFileError) as caught:
        check_head(path, metric="accuracy", max_lines=21)
    assert (caught.value.code, caught.value.line) == ("not_json", 21)


def test_check_head_rejects_files_over_the_size_limit(tmp_path):
    with pytest.raises(PredictionFileError) as caught:
        check_head(write(tmp_path, GOOD * 100), metric="accuracy", max_file_bytes=100)
    assert caught.value.code == "file_too_large"


def test_check_head_rejects_an_empty_file(tmp_path):
    with pytest.raises(PredictionFileError) as caught:
        check_head(write(tmp_path, ""), metric="accuracy")
    assert caught.value.code == "empty_file"
