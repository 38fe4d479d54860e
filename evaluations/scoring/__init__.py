"""Scoring: a predictions file read in byte ranges, each tallied on one path, merged into a score.
May import the standard library, orjson and polars only: no Django, nothing else of the project.

Flow: ``ranges`` (cut a file into line-aligned byte ranges) → ``range_tally`` (one range:
``records`` fast reader, ``matching`` hash join and judging, or the careful line-by-line pass
that names the first problem) → ``merge`` (tallies into a ``ScoreResult`` via ``results``);
``engine.score_file`` is that path over one range, ``chunks`` the names a task queue uses.
Reading: ``line_reader``, ``predictions`` (file and range), ``json_lines``, ``csv_lines``,
``fields``, ``id_checks``. Answers: ``extraction`` (the rules) with ``candidates`` and
``normalize``; ``answer_key``. Numbers: ``metrics``, ``intervals``. ``reference`` is the plain
scorer the tests hold the path against; ``demo`` writes the synthetic demo files.
"""

from .answer_key import (
    AnswerKey,
    answer_key_from_items,
    answer_key_is_current,
    load_answer_key,
    parse_answer_key,
    write_answer_key,
)
from .chunks import ChunkTally, merge_chunks, plan_chunks, score_chunk, score_file_chunked
from .engine import CategoryResult, ScoreResult, ScoringOptions, score_file, score_file_reference
from .errors import AnswerKeyError, PredictionFileError
from .extraction import extract_choice, extract_exact
from .intervals import bounded_mean_interval, proportion_interval
from .metrics import accuracy, macro_average, micro_average, pass_at_k
from .normalize import key_answer, normalize_choice, strict_reading
from .predictions import METRICS, check_head, iter_predictions, sniff_format

__all__ = [
    "METRICS",
    "AnswerKey",
    "AnswerKeyError",
    "CategoryResult",
    "ChunkTally",
    "PredictionFileError",
    "ScoreResult",
    "ScoringOptions",
    "accuracy",
    "answer_key_from_items",
    "answer_key_is_current",
    "bounded_mean_interval",
    "check_head",
    "extract_choice",
    "extract_exact",
    "iter_predictions",
    "key_answer",
    "load_answer_key",
    "macro_average",
    "merge_chunks",
    "micro_average",
    "normalize_choice",
    "parse_answer_key",
    "pass_at_k",
    "plan_chunks",
    "proportion_interval",
    "score_chunk",
    "score_file",
    "score_file_chunked",
    "score_file_reference",
    "sniff_format",
    "strict_reading",
    "write_answer_key",
]
