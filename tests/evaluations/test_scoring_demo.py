"""Demo pack: deterministic synthetic files that parse and score."""

from evaluations.scoring.answer_key import parse_answer_key, write_answer_key
from evaluations.scoring.demo import demo_benchmarks, write_demo_files
from evaluations.scoring.engine import score_file

MODELS = [("K-Model Alpha", 0.85), ("Beta 7B", 0.45), ("Gamma", 0.15)]


def snapshot(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_the_same_seed_writes_byte_identical_files(tmp_path):
    write_demo_files(tmp_path / "one", MODELS)
    write_demo_files(tmp_path / "two", MODELS)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    write_demo_files(tmp_path / "three", MODELS, seed=1)
    assert snapshot(tmp_path / "one") != snapshot(tmp_path / "three")


def test_demo_benchmarks_are_marked_synthetic():
    benchmarks = demo_benchmarks()
    assert {b.language for b in benchmarks} == {"ko", "en", "ja", "math", "code"}
    for bench in benchmarks:
        assert bench.name.startswith("[DEMO]")
        assert "synthetic" in bench.description.lower()
        assert bench.group in {"nia", "global_common", "global_individual"}


def test_demo_files_parse_and_more_skilled_models_score_higher(tmp_path):
    written = write_demo_files(tmp_path, MODELS)
    for code, info in written.items():
        bench = info["benchmark"]
        key = parse_answer_key(info["key"], metric=bench.metric)
        assert len(key) == bench.items
        stored = tmp_path / f"{code}.parquet"
        write_answer_key(key, stored)
        values = [
            score_file(predictions_path=path, key_path=stored, metric=bench.metric, k=bench.k).value
            for path in info["predictions"].values()
        ]
        assert values == sorted(values, reverse=True), code
        assert all(0.0 <= value <= 100.0 for value in values)
