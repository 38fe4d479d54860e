"""Fast reading of a predictions file (or a byte range of it) into a polars frame of records.

Blocks of whole lines are matched with one regular expression per usual record layout; the
lines it does not match are parsed by the careful path's own Python parser, so every line
means the same on both paths. Anything the fast reader cannot vouch for raises
:class:`_NeedsCarefulPass`, and the careful path then names the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from .csv_lines import CsvLayout
from .errors import PredictionFileError
from .fields import IgnoredFields, nfc
from .line_reader import UTF8_BOM, is_blank
from .predictions import LineFormat

_WS = r"[ \t\r]*"
_JSON_TEXT = r'[^"\\\x00-\x1f]*'
# A JSON string body with escapes, but no surrogate escapes (a lone surrogate must be refused
# by the careful parser); strings with escapes are decoded by polars' JSON decoder.
_JSON_ESCAPED_TEXT = (
    r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]'
    r"|\\u(?:[0-9a-cA-Ce-fE-F][0-9a-fA-F]{3}|[dD][0-7][0-9a-fA-F]{2}))*"
)
_JSON_COUNT = r"0|[1-9][0-9]{0,17}"
_JSON_ID = rf'(?:"(?<id_text>{_JSON_TEXT})"|(?<id_number>{_JSON_COUNT}))'
_BLOCK_BYTES = 4 * 1024 * 1024
_NON_ASCII = r"[^\x00-\x7f]"


class _NeedsCarefulPass(Exception):
    """The fast path saw something it cannot vouch for; carries id sets to look for."""

    def __init__(self, unknown: set[str] | None = None, duplicates: set[str] | None = None):
        super().__init__("careful pass needed")
        self.unknown = unknown
        self.duplicates = duplicates


class _AllBut:
    """Container holding every string except a given set (ids known to the key)."""

    def __init__(self, excluded: set[str]) -> None:
        self.excluded = excluded

    def __contains__(self, item: object) -> bool:
        return item not in self.excluded


def _json_pattern(*members: tuple[str, str]) -> str:
    body = f"{_WS},{_WS}".join(f'"{name}"{_WS}:{_WS}{value}' for name, value in members)
    return f"^{_WS}\\{{{_WS}{body}{_WS}\\}}{_WS}$"


_PREDICTION_MEMBER = ("prediction", rf'"(?<prediction>{_JSON_TEXT})"')
_ESCAPED_PREDICTION_MEMBER = ("prediction", rf'"(?<prediction>{_JSON_ESCAPED_TEXT})"')
_JSON_PATTERNS = {
    "prediction": [
        _json_pattern(("id", _JSON_ID), _PREDICTION_MEMBER),
        _json_pattern(("id", _JSON_ID), _ESCAPED_PREDICTION_MEMBER),
        _json_pattern(_ESCAPED_PREDICTION_MEMBER, ("id", _JSON_ID)),
    ],
    "pass_at_k": [
        _json_pattern(
            ("id", _JSON_ID), ("n", f"(?<n>{_JSON_COUNT})"), ("c", f"(?<c>{_JSON_COUNT})")
        )
    ],
}
_CSV_COLUMN_PATTERNS = {
    "id": r'[^,"\r]*',
    "prediction": r'[^,"\r]*',
    "n": r"[0-9]{1,18}",
    "c": r"[0-9]{1,18}",
}


def _csv_pattern(columns: tuple[str, ...]) -> str:
    return "^" + ",".join(f"(?<{name}>{_CSV_COLUMN_PATTERNS[name]})" for name in columns) + "$"


def _record_schema(metric: str) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {"id": pl.String()}
    if metric == "pass_at_k":
        schema.update({"n": pl.Int64(), "c": pl.Int64()})
    else:
        schema["prediction"] = pl.String()
    schema["line"] = pl.Int64()
    return schema


def _casts(metric: str) -> list[pl.Expr]:
    return [pl.col(name).cast(dtype) for name, dtype in _record_schema(metric).items()]


def _line_pattern(metric: str, layout: CsvLayout | None) -> tuple[str, pl.Expr, list[str]]:
    """The fast regex of one record line, the expression of its id, and its value groups."""
    is_counts = metric == "pass_at_k"
    if layout is not None:
        pattern = _csv_pattern(layout.columns)
        identity = pl.col("g").struct.field("id")
    else:
        pattern = _JSON_PATTERNS["pass_at_k" if is_counts else "prediction"][0]
        identity = pl.coalesce(
            pl.col("g").struct.field("id_text"), pl.col("g").struct.field("id_number")
        )
    return pattern, identity, (["n", "c"] if is_counts else ["prediction"])


def _parse_block(
    block: bytes,
    *,
    base: int,
    pattern: str,
    identity: pl.Expr,
    value_names: list[str],
    max_line_bytes: int,
) -> pl.DataFrame:
    """One block of whole lines: line number, id, values, and flags for the careful pass."""
    line = pl.col("line")
    return (
        pl.scan_lines(block, name="line", row_index_name="row")
        .with_columns(line.str.extract_groups(pattern).alias("g"))
        .select(
            (pl.col("row").cast(pl.Int64) + (base + 1)).alias("line_no"),
            identity.alias("id"),
            *[pl.col("g").struct.field(name) for name in value_names],
            (
                (line.str.len_bytes() > max_line_bytes) | line.str.contains("\x00", literal=True)
            ).alias("bad"),
            pl.when(identity.is_null()).then(line).alias("rest"),
        )
        .collect()
    )


def _read_records(
    path: Path,
    line_format: LineFormat,
    *,
    start: int,
    end: int,
    first_line_no: int,
    ignored: IgnoredFields,
) -> pl.DataFrame:
    """Parse the byte range ``[start, end)`` into id, value and line columns.

    The range starts at the beginning of line ``first_line_no``; for CSV the header line
    (``line_format.layout``) and the blank lines before it are skipped. A streaming read
    of blocks of whole lines matches the usual record layout with a regular expression; lines
    it does not match (other key orders, escapes, extra fields, numbers, ``null``, a byte
    order mark) are parsed by the careful path's own Python parser. _NeedsCarefulPass on
    anything odd.
    """
    metric, layout, max_line_bytes = (
        line_format.metric,
        line_format.layout,
        line_format.max_line_bytes,
    )
    is_counts = metric == "pass_at_k"
    pattern, identity, value_names = _line_pattern(metric, layout)
    skip_through = layout.header_line if layout is not None else 0
    casts = _casts(metric)
    parts, leftovers = [], []
    base = first_line_no - 1
    try:
        for block in _blocks_of_lines(path, start, end, max_line_bytes):
            frame = _parse_block(
                block,
                base=base,
                pattern=pattern,
                identity=identity,
                value_names=value_names,
                max_line_bytes=max_line_bytes,
            )
            base += frame.height  # one row per line; only the last block may lack a newline
            del block
            if skip_through:
                frame = frame.filter(pl.col("line_no") > skip_through)
            if frame.get_column("bad").any():
                raise _NeedsCarefulPass()
            if frame.get_column("id").null_count():
                unmatched = frame.filter(pl.col("id").is_null()).select(
                    pl.col("line_no"), pl.col("rest").alias("text")
                )
                unmatched = unmatched.filter(~pl.col("text").str.contains(r"^[ \t\r]*$"))
                if unmatched.height:
                    leftovers.append(unmatched)
                frame = frame.filter(pl.col("id").is_not_null())
            parts.append(frame.rename({"line_no": "line"}).select(casts))
            del frame
    except _NeedsCarefulPass:
        raise
    except Exception as exc:  # invalid UTF-8 or any reader problem: the careful pass decides
        raise _NeedsCarefulPass() from exc
    if leftovers:
        rest = pl.concat(leftovers, how="vertical")
        has_bom = False
        if start == 0:
            with open(path, "rb") as handle:
                has_bom = handle.read(len(UTF8_BOM)) == UTF8_BOM
        parts += _parse_unmatched_lines(
            rest, line_format, casts=casts, has_bom=has_bom, ignored=ignored
        )
    if not parts:
        return pl.DataFrame(schema=_record_schema(metric))
    records = pl.concat(parts, how="vertical", rechunk=False) if len(parts) > 1 else parts[0]
    if is_counts and records.height:
        needed = max(line_format.k or 1, 1)
        too_many = pl.lit(False)
        if line_format.max_samples is not None:
            too_many = pl.col("n") > line_format.max_samples
        bad = records.select(
            ((pl.col("c") > pl.col("n")) | (pl.col("n") < needed) | too_many).any()
        ).item()
        if bad:
            raise _NeedsCarefulPass()
    return _nfc_ids(records)


def _unescaped(frame: pl.DataFrame) -> pl.DataFrame:
    """Decode the JSON escapes of predictions the regex took as written (``\\n``, ``\\u…``)."""
    if "prediction" not in frame.columns:
        return frame
    escaped = pl.col("prediction").str.contains("\\", literal=True)
    if not frame.select(escaped.any()).item():
        return frame
    decoded = frame.filter(escaped).with_columns(
        (pl.lit('"') + pl.col("prediction") + pl.lit('"'))
        .str.json_decode(pl.String)
        .alias("prediction")
    )
    return pl.concat([frame.filter(~escaped), decoded], how="vertical")


def _nfc_ids(records: pl.DataFrame) -> pl.DataFrame:
    """Ids in NFC, as the Python parser and the key have them (Python's own normalization)."""
    others = records.get_column("id").filter(records.get_column("id").str.contains(_NON_ASCII))
    if others.is_empty():
        return records
    distinct = others.unique().to_list()
    normalized = [nfc(ident) for ident in distinct]
    if normalized == distinct:
        return records
    return records.with_columns(
        pl.col("id").replace_strict(distinct, normalized, default=pl.col("id"))
    )


def _blocks_of_lines(path: Path, start: int, end: int, max_line_bytes: int) -> Iterator[bytes]:
    """Read the bytes ``[start, end)`` of the file in blocks of whole lines (cut after ``\\n``)."""
    carry = b""
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = end - start
        # Whole blocks are asked for until a read comes back empty, at the end of the range
        # or of the file, as a plain read to the end of the file would (the allocator then
        # hands the last block back at once).
        while chunk := handle.read(_BLOCK_BYTES)[:remaining]:
            remaining -= len(chunk)
            data = carry + chunk if carry else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > max_line_bytes + 2:
                    raise _NeedsCarefulPass()  # an over-long line: let the careful pass name it
                carry = data
                continue
            carry = data[cut:]
            yield data[:cut] if carry else data
    if carry:
        yield carry


def _parse_unmatched_lines(
    rest: pl.DataFrame,
    line_format: LineFormat,
    *,
    casts: list[pl.Expr],
    has_bom: bool,
    ignored: IgnoredFields,
) -> list[pl.DataFrame]:
    """Records of the lines the fast regex did not match: first a looser regex over JSON
    predictions (when there are many such lines, e.g. keys in another order), then the careful
    path's own parser for whatever is still left."""
    parts = []
    if line_format.metric != "pass_at_k" and line_format.layout is None:
        # Predictions with JSON escapes (a newline, a quote, Korean written as \\uXXXX), in
        # either key order; what is left goes to the careful path's parser.
        for pattern in _JSON_PATTERNS["prediction"][1:]:
            if rest.is_empty():
                break
            groups = rest.select(
                pl.col("line_no"), pl.col("text").str.extract_groups(pattern)
            ).unnest("text")
            hit = groups.get_column("prediction").is_not_null()
            parts.append(
                _unescaped(
                    groups.filter(hit)
                    .with_columns(
                        pl.coalesce("id_text", "id_number").alias("id"),
                        pl.col("line_no").alias("line"),
                    )
                    .select(casts)
                )
            )
            rest = rest.filter(~hit)
    parts.append(_parse_leftovers(rest, line_format, has_bom=has_bom, ignored=ignored))
    return parts


def _parse_leftovers(
    rest: pl.DataFrame, line_format: LineFormat, *, has_bom: bool, ignored: IgnoredFields
) -> pl.DataFrame:
    """Parse lines the regexes did not recognise with the careful path's own parser."""
    metric = line_format.metric
    ids, first, second, lines = [], [], [], []
    for line_no, text in rest.select("line_no", "text").iter_rows():
        if line_no == 1 and has_bom:
            text = text.removeprefix("\ufeff")
        if is_blank(text):
            continue
        try:
            ident, value = line_format.parse(text, line_no, ignored)
        except PredictionFileError as exc:
            raise _NeedsCarefulPass() from exc
        ids.append(ident)
        lines.append(line_no)
        if metric == "pass_at_k":
            first.append(value[0])
            second.append(value[1])
        else:
            first.append(value)
    columns: dict[str, list] = {"id": ids}
    if metric == "pass_at_k":
        columns.update({"n": first, "c": second})
    else:
        columns["prediction"] = first
    columns["line"] = lines
    try:
        return pl.DataFrame(columns, schema=_record_schema(metric))
    except (OverflowError, TypeError, pl.exceptions.PolarsError) as exc:  # beyond 64 bits
        raise _NeedsCarefulPass() from exc
