"""One scoring path: any line-aligned cut of a file, tallied range by range and merged, gives
the reference scorer's result, and names the same first problem when the file has one."""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluations.scoring.chunks import merge_chunks, score_chunk
from evaluations.scoring.engine import score_file, score_file_reference
from evaluations.scoring.errors import PredictionFileError
from tests.evaluations.test_scoring_chunks import BAD_LINES, outcome
from tests.evaluations.test_scoring_engine import OPTIONS, scenarios, store_key

ROOT = Path(__file__).resolve().parents[2]
MAX_LINE_BYTES = 200
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_cuts(data: bytes, rng: random.Random) -> list[tuple[int, int, int]]:
    """``(start, end, first_line_no)`` ranges cut after a random subset of the newlines."""
    newlines = [index + 1 for index, byte in enumerate(data) if byte == 0x0A]
    cuts = sorted(rng.sample(newlines, rng.randrange(len(newlines) + 1)))
    cuts = [cut for cut in cuts if cut < len(data)]
    bounds = [0, *cuts, len(data)]
    pairs = zip(bounds, bounds[1:], strict=False)
    return [(start, end, data[:start].count(b"\n") + 1) for start, end in pairs]


def score_in_ranges(path: Path, data: bytes, rng: random.Random, max_line_bytes: int, **kwargs):
    """Tally each range on its own (in a random order, through JSON as a task queue would),
    then merge: the chunked path with cut points no planner chose."""
    ranges = random_cuts(data, rng)
    rng.shuffle(ranges)
    tallies = [
        json.loads(
            json.dumps(
                score_chunk(
                    predictions_path=path,
                    start=start,
                    end=end,
                    first_line_no=first_line_no,
                    record_errors=True,
                    max_line_bytes=max_line_bytes,
                    **kwargs,
                ).to_dict()
            )
        )
        for start, end, first_line_no in ranges
    ]
    return merge_chunks(tallies, predictions_path=path, **kwargs)


def three_ways(directory: Path, metric: str, items, data: bytes, options, seed: int):
    """The reference scorer's outcome, score_file's, and that of random cuts, merged."""
    key_path = store_key(directory, items, metric)
    path = directory / "p.jsonl"
    path.write_bytes(data)
    kwargs = {
        "key_path": key_path,
        "metric": metric,
        "k": 1 if metric == "pass_at_k" else None,
        "options": options,
    }
    limit = {"max_line_bytes": MAX_LINE_BYTES}
    return (
        outcome(lambda: score_file_reference(predictions_path=path, **kwargs, **limit)),
        outcome(lambda: score_file(predictions_path=path, **kwargs, **limit)),
        outcome(lambda: score_in_ranges(path, data, random.Random(seed), **kwargs, **limit)),
    )


@SETTINGS
@given(scenarios(), OPTIONS, st.booleans(), st.sampled_from(["\n", "\r\n"]))
def test_random_cuts_give_the_reference_result(scenario, options, bom, newline):
    metric, items, lines, seed = scenario
    data = (b"\xef\xbb\xbf" if bom else b"") + (newline.join(lines) + newline).encode()
    with tempfile.TemporaryDirectory() as directory:
        reference, whole, ranged = three_ways(Path(directory), metric, items, data, options, seed)
    assert reference[0] == "ok"
    assert whole == reference
    assert ranged == reference


@SETTINGS
@given(scenarios(), OPTIONS, st.sampled_from(BAD_LINES), st.integers(0, 10_000))
def test_random_cuts_name_the_reference_first_problem(scenario, options, bad, where):
    metric, items, lines, seed = scenario
    lines = list(lines)
    if bad == "DUPLICATE":
        bad = next(line for line in lines if line.strip())
    encoded = [line.encode() for line in lines]
    special = {"BADUTF8": b'{"id": "\xff"}', "LONG": b'{"id": "' + b"L" * 300 + b'"}'}
    encoded.insert(where % (len(encoded) + 1), special.get(bad, bad.encode()))
    if random.Random(seed).random() < 0.3:  # a second problem later in the file
        encoded.append(b"{later")
    data = b"\n".join(encoded) + b"\n"
    with tempfile.TemporaryDirectory() as directory:
        reference, whole, ranged = three_ways(Path(directory), metric, items, data, options, seed)
    assert reference[0] == "error"
    assert whole == reference
    assert ranged == reference


def test_an_empty_range_beside_the_whole_file_changes_nothing(tmp_path):
    items = [(f"q{i}", "ABCD"[i % 4], "c", 4) for i in range(6)]
    key_path = store_key(tmp_path, items, "accuracy")
    path = tmp_path / "p.jsonl"
    path.write_text("".join(f'{{"id": "q{i}", "prediction": "A"}}\n' for i in range(6)))
    size = path.stat().st_size
    kwargs = {"key_path": key_path, "metric": "accuracy"}
    tallies = [
        score_chunk(predictions_path=path, start=start, end=size, **kwargs) for start in (0, size)
    ]
    merged = merge_chunks(tallies, predictions_path=path, **kwargs)
    assert merged == score_file_reference(predictions_path=path, **kwargs)
    assert merged.value == 100 * 2 / 6


def test_a_chunk_problem_raises_without_record_errors_and_names_its_line(tmp_path):
    items = [(f"q{i}", "A", "c", 4) for i in range(4)]
    key_path = store_key(tmp_path, items, "accuracy")
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "q0", "prediction": "A"}\n{oops\n')
    with pytest.raises(PredictionFileError) as caught:
        score_chunk(
            predictions_path=path,
            key_path=key_path,
            metric="accuracy",
            start=0,
            end=path.stat().st_size,
        )
    assert (caught.value.code, caught.value.line) == ("not_json", 2)


def test_the_scoring_package_imports_no_django_and_nothing_else_of_the_project():
    script = (
        "import pkgutil, importlib, sys\n"
        "import evaluations.scoring as package\n"
        "for module in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module('evaluations.scoring.' + module.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    project = [
        name
        for name in loaded
        if name.split(".")[0] in ("django", "rest_framework", "celery", "kai_site", "leaderboard")
        or (name.startswith("evaluations.") and not name.startswith("evaluations.scoring"))
    ]
    assert "evaluations.scoring.range_tally" in loaded
    assert project == []
