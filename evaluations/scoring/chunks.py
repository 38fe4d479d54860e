"""Chunked scoring for a task queue: plan byte ranges, score each anywhere, merge the tallies.

The three steps live in :mod:`.ranges` (``plan_chunks``), :mod:`.range_tally`
(``score_chunk``, ``ChunkTally``) and :mod:`.merge` (``merge_chunks``); ``score_file_chunked``
runs them in one process (:mod:`.engine`). Whole-file scoring is the same path over one range,
so the merged result equals ``score_file``'s bit for bit, errors included.
"""

from __future__ import annotations

from .engine import score_file_chunked
from .merge import merge_chunks
from .range_tally import ChunkTally, score_chunk
from .ranges import DEFAULT_CHUNK_BYTES, plan_chunks

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "ChunkTally",
    "merge_chunks",
    "plan_chunks",
    "score_chunk",
    "score_file_chunked",
]
