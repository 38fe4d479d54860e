"""Answer keys: strict parsing with line numbers, no answer ever leaks, atomic parquet storage."""

import orjson
import polars as pl
import pytest

from evaluations.scoring.answer_key import load_answer_key, parse_answer_key, write_answer_key
from evaluations.scoring.errors import AnswerKeyError

SENTINEL = "ZQXJ-SECRET-ANSWER-7781"


def write(tmp_path, lines, name="key.jsonl"):
    path = tmp_path / name
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def item(ident, answer="A", category="history", **extra):
    return orjson.dumps({"id": ident, "category": category, "answer": answer, **extra}).decode()


def key_problem(path, metric="accuracy"):
    with pytest.raises(AnswerKeyError) as caught:
        parse_answer_key(path, metric=metric)
    return caught.value


def test_a_valid_key_is_parsed_with_normalized_answers(tmp_path):
    path = write(
        tmp_path, [item("q1", "(b)", choices=["x", "y", "z"]), item(2, "C", "science"), ""]
    )
    key = parse_answer_key(path, metric="accuracy")
    assert len(key) == 2
    assert key.categories == ["history", "science"]
    assert key.frame.select("id", "answer", "category", "n_choices").rows() == [
        ("q1", "B", "history", 3),
        ("2", "C", "science", None),
    ]


def test_a_choice_key_takes_no_answer_label(tmp_path):
    assert key_problem(write(tmp_path, [item("q1", "Answer: C")])).code == "invalid_answer"


def test_exact_match_answers_keep_their_text_and_their_exact_value(tmp_path):
    lines = [
        item("q1", "1,234.50"),
        item("q2", 7),
        '{"id": "q3", "category": "c", "answer": 0.00005}',
        '{"id": "q4", "category": "c", "answer": 1e-05}',
        item("q5", "007"),
        item("q6", "답 없음"),
        item("q7", "Paris."),
        item("q8", "1/2"),
    ]
    key = parse_answer_key(write(tmp_path, lines), metric="exact_match")
    frame = key.frame
    assert frame.get_column("answer").to_list() == [
        "1,234.50",
        "7",
        "0.00005",
        "0.00001",
        "007",
        "답 없음",
        "paris.",
        "1/2",
    ]
    assert frame.get_column("answer_number").to_list() == [
        "1234.5",
        "7",
        "0.00005",
        "0.00001",
        None,
        None,
        None,
        None,
    ]
    assert frame.get_column("answer_loose").to_list()[6] == "paris"
    assert frame.get_column("answer_ratio").to_list()[7] == "0.5"


def test_key_ids_are_stored_in_unicode_nfc(tmp_path):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "역사-1")
    key = parse_answer_key(write(tmp_path, [item(decomposed)]), metric="accuracy")
    assert key.frame.get_column("id").to_list() == ["역사-1"]


def test_pass_at_k_keys_need_only_id_and_category(tmp_path):
    path = write(tmp_path, ['{"id": "p1", "category": "strings"}'])
    key = parse_answer_key(path, metric="pass_at_k")
    assert key.frame.select("id", "answer", "category", "n_choices").rows() == [
        ("p1", None, "strings", None)
    ]


@pytest.mark.parametrize(
    ("lines", "code", "line"),
    [
        ([item("q1"), item("q1", "B", SENTINEL)], "duplicate_id", 2),
        ([item("q1"), '{"id": "q2", "category": "c"}'], "missing_answer", 2),
        ([item("q1"), '{"id": "q2", "answer": "A"}'], "missing_field", 2),
        ([item("q1", SENTINEL, secret=SENTINEL)], "unknown_field", 1),
        ([item("q1"), "", '{"id": "q3", "answer": "' + SENTINEL + '"'], "not_json", 3),
        ([item("q1", SENTINEL)], "invalid_answer", 1),
        ([item("q1", "E", choices=[SENTINEL, "b", "c", "d"])], "invalid_answer", 1),
        ([item("q1", choices=SENTINEL)], "wrong_type", 1),
        ([item("q1", [SENTINEL])], "wrong_type", 1),
        ([item("q1", "A", "")], "wrong_type", 1),
    ],
)
def test_key_problems_name_the_line_and_never_reveal_answers(tmp_path, lines, code, line):
    error = key_problem(write(tmp_path, lines))
    assert (error.code, error.line) == (code, line)
    assert f"line {line}" in str(error)
    assert SENTINEL not in str(error) and SENTINEL not in repr(error)


def test_invalid_utf8_and_nul_bytes_in_a_key_are_reported_with_lines(tmp_path):
    utf8 = key_problem(write(tmp_path, item("q1").encode() + b"\n" + b'{"id": "\xff"}\n'))
    assert (utf8.code, utf8.line) == ("invalid_utf8", 2)
    nul = key_problem(write(tmp_path, b'{"id": "q1\x00"}\n', "k2.jsonl"))
    assert (nul.code, nul.line) == ("nul_byte", 1)


def test_a_key_with_a_byte_order_mark_is_accepted(tmp_path):
    key = parse_answer_key(
        write(tmp_path, b"\xef\xbb\xbf" + item("q1").encode() + b"\r\n"), metric="accuracy"
    )
    assert key.frame.get_column("id").to_list() == ["q1"]


def test_an_empty_key_is_reported(tmp_path):
    assert key_problem(write(tmp_path, b"\n \n")).code == "empty_file"


def test_exact_match_key_errors_never_reveal_answers_either(tmp_path):
    error = key_problem(
        write(tmp_path, [item("q1", SENTINEL), item("q1", SENTINEL)]), "exact_match"
    )
    assert error.code == "duplicate_id" and SENTINEL not in str(error)


def test_a_stored_key_round_trips_and_is_written_atomically(tmp_path):
    key = parse_answer_key(
        write(tmp_path, [item("q1", "b"), item("q2", "c", "law")]), metric="accuracy"
    )
    target = tmp_path / "store" / "key.parquet"
    target.parent.mkdir()
    write_answer_key(key, target)
    assert sorted(path.name for path in target.parent.iterdir()) == ["key.parquet"]
    loaded = load_answer_key(target)
    assert loaded.metric == "accuracy"
    assert loaded.frame.equals(key.frame)
    assert pl.read_parquet(target).columns == [
        "id",
        "answer",
        "category",
        "n_choices",
        "answer_loose",
        "answer_number",
        "answer_ratio",
    ]


def old_format_key(path, metric, rows):
    """A key as format 1 stored it: four columns, ids as imported, answers normalized."""
    frame = pl.DataFrame(
        rows,
        schema={"id": pl.String, "answer": pl.String, "category": pl.String, "n_choices": pl.Int16},
        orient="row",
    )
    frame.write_parquet(
        path, metadata={"kai_leaderboard.metric": metric, "kai_leaderboard.key_format": "1"}
    )
    return path


def test_an_old_choice_key_still_loads_with_its_ids_in_nfc(tmp_path):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "역사-1")
    path = old_format_key(tmp_path / "old.parquet", "accuracy", [(decomposed, "B", "c", 4)])
    frame = load_answer_key(path).frame
    assert frame.get_column("id").to_list() == ["역사-1"]
    assert frame.get_column("answer_number").to_list() == [None]


def test_an_old_exact_match_key_must_be_imported_again(tmp_path):
    path = old_format_key(tmp_path / "old.parquet", "exact_match", [("q1", "7", "c", None)])
    with pytest.raises(ValueError, match="import the benchmark's answer key again"):
        load_answer_key(path)


def test_a_failed_write_leaves_the_previous_key_in_place(tmp_path, monkeypatch):
    key = parse_answer_key(write(tmp_path, [item("q1")]), metric="accuracy")
    target = tmp_path / "key.parquet"
    write_answer_key(key, target)
    before = target.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", explode)
    with pytest.raises(OSError):
        write_answer_key(key, target)
    assert target.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["key.jsonl", "key.parquet"]
