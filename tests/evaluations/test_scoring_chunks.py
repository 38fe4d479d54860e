"""Chunked scoring: plan + score each chunk + merge equals score_file exactly, errors included."""

import contextlib
import itertools
import json
import random
import tempfile
from pathlib import Path
from unittest import mock

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.scoring import range_tally, ranges, records
from evaluations.scoring.chunks import (
    ChunkTally,
    merge_chunks,
    plan_chunks,
    score_chunk,
    score_file_chunked,
)
from evaluations.scoring.engine import score_file
from evaluations.scoring.errors import PredictionFileError
from tests.evaluations.test_scoring_engine import (
    OPTIONS,
    items_for,
    scenarios,
    store_key,
    write_lines,
)

# Tiny sizes cut after (almost) every line; 1 cuts after every line.
CHUNK_SIZES = st.sampled_from([1, 7, 40, 90, 300, 10_000])
FAST = settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def arguments(path, key_path, metric, options=None):
    k = 1 if metric == "pass_at_k" else None
    return {
        "predictions_path": path,
        "key_path": key_path,
        "metric": metric,
        "k": k,
        "options": options,
    }


def only_fast():
    """Clean files must be scored by the fast path in every chunk, never the careful one."""
    return mock.patch.object(range_tally, "_careful_tally", side_effect=AssertionError("careful"))


def only_careful():
    """Force the careful line-by-line path in every chunk."""
    return mock.patch.object(range_tally, "_fast_tally", side_effect=records._NeedsCarefulPass())


def small_blocks(enabled=True):
    """Read in tiny blocks, so that one chunk spans many blocks (line numbers carry over)."""
    if not enabled:
        return contextlib.nullcontext()
    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch.object(records, "_BLOCK_BYTES", 37))
    stack.enter_context(mock.patch.object(ranges, "_SCAN_BYTES", 5))
    return stack


def outcome(scorer):
    try:
        return ("ok", scorer())
    except PredictionFileError as error:
        return ("error", error.code, error.line, error.field, error.message)


@FAST
@given(
    scenarios(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
    CHUNK_SIZES,
    st.sampled_from(["fast", "careful", "small_blocks"]),
    OPTIONS,
)
def test_chunked_equals_score_file(scenario, bom, newline, target_bytes, mode, options):
    metric, items, lines, seed = scenario
    lines = list(lines)
    rng = random.Random(seed)
    for _ in range(rng.randrange(3)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["", " ", "\t"]))
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        key_path = store_key(directory, items, metric)
        path = write_lines(directory, lines, bom=bom, newline=newline)
        single = score_file(**arguments(path, key_path, metric, options))
        with only_careful() if mode == "careful" else only_fast(), small_blocks(mode != "careful"):
            chunked = score_file_chunked(
                target_bytes=target_bytes, **arguments(path, key_path, metric, options)
            )
    assert chunked == single


@FAST
@given(scenarios(), CHUNK_SIZES, st.booleans(), st.integers(0, 3), st.booleans())
def test_chunked_csv_equals_score_file(scenario, target_bytes, bom, leading_blanks, small):
    metric, items, _, seed = scenario
    rng = random.Random(seed)
    if metric == "pass_at_k":
        header, rows = "c,id,n", []
        for ident, *_ in items:
            if rng.random() < 0.8:
                n = rng.randrange(1, 9)
                rows.append(f"{rng.randrange(n + 1)},{ident},{n}")
    else:
        header = rng.choice(["id,prediction", "prediction,id", " ID , Prediction"])
        rows = []
        for ident, answer, *_ in items:
            if rng.random() < 0.8:
                value = rng.choice([answer or "x", "b", "(C)", "zz", '"A, or B"', "１２"])
                rows.append(f"{value},{ident}" if header.startswith("pred") else f"{ident},{value}")
    lines = [""] * leading_blanks + [header, *rows]
    for _ in range(rng.randrange(3)):
        lines.insert(rng.randrange(leading_blanks + 1, len(lines) + 1), "")
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        key_path = store_key(directory, items, metric)
        path = write_lines(directory, lines, name="p.csv", bom=bom)
        k = 1 if metric == "pass_at_k" else None
        kwargs = {"predictions_path": path, "key_path": key_path, "metric": metric, "k": k}
        single = outcome(lambda: score_file(**kwargs))
        # A clean file stays on the fast path; one without rows fails (empty_file) the same way.
        fast = only_fast() if single[0] == "ok" else contextlib.nullcontext()
        with fast, small_blocks(small):
            chunked = outcome(lambda: score_file_chunked(target_bytes=target_bytes, **kwargs))
    assert single[0] == "ok" or single[1] == "empty_file"
    assert chunked == single


BAD_LINES = [
    "{oops",
    "[1, 2]",
    '{"id": "zzz-unknown", "prediction": "A"}',
    '{"id": "x", "prediction": NaN}',
    '{"id": "x", "n": 2, "c": 3}',
    '{"id": "x"}',
    "\u0000",
    "\ufeff{}",
    "DUPLICATE",
    "BADUTF8",
    "LONG",
]


@FAST
@given(scenarios(), st.sampled_from(BAD_LINES), st.integers(0, 10_000), CHUNK_SIZES)
def test_chunked_reports_the_same_problem_as_score_file(scenario, bad, where, target_bytes):
    metric, items, lines, seed = scenario
    lines = list(lines)
    if bad == "DUPLICATE":
        bad = next(line for line in lines if line.strip())
    position = where % (len(lines) + 1)
    encoded = [line.encode() for line in lines]
    special = {"BADUTF8": b'{"id": "\xff"}', "LONG": b'{"id": "' + b"L" * 300 + b'"}'}
    encoded.insert(position, special.get(bad, bad.encode()))
    if random.Random(seed).random() < 0.3:  # a second problem later in the file
        encoded.insert(len(encoded), b"{later")
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        key_path = store_key(directory, items, metric)
        path = directory / "p.jsonl"
        path.write_bytes(b"\n".join(encoded) + b"\n")
        k = 1 if metric == "pass_at_k" else None
        kwargs = {"predictions_path": path, "key_path": key_path, "metric": metric, "k": k}
        kwargs["max_line_bytes"] = 200
        single = outcome(lambda: score_file(**kwargs))
        chunked = outcome(lambda: score_file_chunked(target_bytes=target_bytes, **kwargs))
    assert single[0] == "error"
    assert chunked == single


def accuracy_file(tmp_path, lines, count=20):
    key_path = store_key(tmp_path, items_for(count), "accuracy")
    return write_lines(tmp_path, lines), key_path


def pred(ident, value="A"):
    return orjson.dumps({"id": ident, "prediction": value}).decode()


def test_a_duplicate_across_chunks_names_the_second_line(tmp_path):
    lines = [pred(f"q{i}") for i in range(10)] + [pred("q2", "B")]
    path, key_path = accuracy_file(tmp_path, lines)
    plan = plan_chunks(path, target_bytes=64)
    assert len(plan) > 3
    tallies = [
        score_chunk(
            predictions_path=path, key_path=key_path, metric="accuracy", start=s, end=e, fmt="jsonl"
        )
        for s, e, _ in plan
    ]  # each chunk alone is fine
    with pytest.raises(PredictionFileError) as caught:
        merge_chunks(tallies, predictions_path=path, key_path=key_path, metric="accuracy")
    assert (caught.value.code, caught.value.line, caught.value.field) == ("duplicate_id", 11, "id")
    assert "line 3" in caught.value.message


def test_an_earlier_cross_chunk_duplicate_wins_over_a_later_bad_line(tmp_path):
    lines = [pred("q1"), pred("q2"), pred("q1"), pred("q3"), "{bad"]
    path, key_path = accuracy_file(tmp_path, lines)
    for target in (1, 40, 10_000):
        with pytest.raises(PredictionFileError) as caught:
            score_file_chunked(
                predictions_path=path, key_path=key_path, metric="accuracy", target_bytes=target
            )
        assert (caught.value.code, caught.value.line) == ("duplicate_id", 3)
    with pytest.raises(PredictionFileError) as caught:  # raising mode: the chunk's own problem
        score_chunk(
            predictions_path=path,
            key_path=key_path,
            metric="accuracy",
            start=plan_chunks(path, target_bytes=1)[-1][0],
            end=path.stat().st_size,
        )
    assert (caught.value.code, caught.value.line) == ("not_json", 5)


def test_unknown_id_in_a_later_chunk_has_the_absolute_line(tmp_path):
    lines = ["", *[pred(f"q{i}") for i in range(8)], pred("nope"), pred("q9")]
    path, key_path = accuracy_file(tmp_path, lines)
    plan = plan_chunks(path, target_bytes=100)
    starts = [first for _, _, first in plan] + [len(lines) + 1]
    index = next(i for i in range(len(plan)) if starts[i] <= 10 < starts[i + 1])
    assert index > 0
    start, end, first_line = plan[index]
    for given_line in (first_line, None):
        with pytest.raises(PredictionFileError) as caught:
            score_chunk(
                predictions_path=path,
                key_path=key_path,
                metric="accuracy",
                start=start,
                end=end,
                first_line_no=given_line,
            )
        assert (caught.value.code, caught.value.line) == ("unknown_id", 10)
    single = outcome(
        lambda: score_file(predictions_path=path, key_path=key_path, metric="accuracy")
    )
    assert single[:3] == ("error", "unknown_id", 10)
    chunked = outcome(
        lambda: score_file_chunked(
            predictions_path=path, key_path=key_path, metric="accuracy", target_bytes=50
        )
    )
    assert chunked == single


def test_plan_tiles_the_file_and_cuts_after_newlines(tmp_path):
    data = b"\xef\xbb\xbf" + b"".join(b"x" * (i % 7) + b"\r\n" for i in range(50)) + b"tail"
    path = tmp_path / "p.jsonl"
    path.write_bytes(data)
    for target, small in itertools.product((1, 2, 5, 13, 100, 10**6), (False, True)):
        with small_blocks(small):
            plan = plan_chunks(path, target_bytes=target, fmt="jsonl")
        assert plan[0][0] == 0 and plan[-1][1] == len(data)
        for (_, end, _), (start, _, _) in zip(plan, plan[1:], strict=False):
            assert end == start and data[end - 1 : end] == b"\n"
        for start, end, first_line in plan:
            assert first_line == data[:start].count(b"\n") + 1
            assert end - start >= min(target, len(data) - start)
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert plan_chunks(empty, target_bytes=10) == [(0, 0, 1)]


def test_csv_first_chunk_reaches_past_the_header(tmp_path):
    path = write_lines(tmp_path, ["", "", "id,prediction", "q1,A", "q2,B"], name="p.csv")
    plan = plan_chunks(path, target_bytes=1)
    assert plan[0] == (0, len(b"\n\nid,prediction\n"), 1)
    assert [first for _, _, first in plan] == [1, 4, 5]


def test_tallies_survive_a_json_round_trip(tmp_path):
    items = [(f"p{i}", None, f"c{i % 2}", None) for i in range(30)]
    key_path = store_key(tmp_path, items, "pass_at_k")
    lines = [json.dumps({"id": f"p{i}", "n": 5 + i % 3, "c": i % 4}) for i in range(0, 30, 2)]
    path = write_lines(tmp_path, lines)
    kwargs = {"predictions_path": path, "key_path": key_path, "metric": "pass_at_k", "k": 2}
    tallies = [
        json.loads(json.dumps(score_chunk(**kwargs, start=s, end=e, first_line_no=n).to_dict()))
        for s, e, n in reversed(plan_chunks(path, target_bytes=64))
    ]
    assert isinstance(ChunkTally.from_dict(tallies[0]), ChunkTally)
    assert merge_chunks(tallies, **kwargs) == score_file(**kwargs)


def test_merge_refuses_chunks_that_do_not_tile_the_file(tmp_path):
    path, key_path = accuracy_file(tmp_path, [pred(f"q{i}") for i in range(6)])
    plan = plan_chunks(path, target_bytes=40)
    tallies = [
        score_chunk(predictions_path=path, key_path=key_path, metric="accuracy", start=s, end=e)
        for s, e, _ in plan
    ]
    with pytest.raises(ValueError, match="tile"):
        merge_chunks(tallies[1:], predictions_path=path, key_path=key_path, metric="accuracy")
    with pytest.raises(ValueError, match="beginning of a line"):
        score_chunk(predictions_path=path, key_path=key_path, metric="accuracy", start=3, end=40)


def test_large_file_takes_the_fast_path_in_every_chunk(tmp_path):
    items = items_for(6000)
    key_path = store_key(tmp_path, items, "accuracy")
    rng = random.Random(1)
    lines = [
        pred(i, rng.choice([a, "b", "(C)", "x"]))
        if rng.random() < 0.5
        else json.dumps({"prediction": a.lower(), "id": i})
        for i, a, _, _ in items
        if rng.random() < 0.9
    ]
    path = write_lines(tmp_path, lines, bom=True)
    single = score_file(**arguments(path, key_path, "accuracy"))
    with only_fast():
        chunked = score_file_chunked(target_bytes=20_000, **arguments(path, key_path, "accuracy"))
    assert chunked == single and single.answered == len(lines)


def test_empty_blank_and_too_large_files_fail_like_score_file(tmp_path):
    key_path = store_key(tmp_path, items_for(3), "accuracy")
    for name, data, limit in [
        ("a.jsonl", b"", None),
        ("b.jsonl", b"\xef\xbb\xbf \r\n\n\t\n", None),
        ("c.csv", b"\n\nid,prediction\r\n\n", None),
        ("d.jsonl", b'{"id": "q1", "prediction": "A"}\n', 10),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        kwargs = {"predictions_path": path, "key_path": key_path, "metric": "accuracy"}
        kwargs["max_file_bytes"] = limit
        single = outcome(lambda kwargs=kwargs: score_file(**kwargs))
        for target in (1, 1000):
            chunked = outcome(
                lambda kwargs=kwargs, target=target: score_file_chunked(
                    target_bytes=target, **kwargs
                )
            )
            assert single[0] == "error" and chunked == single
