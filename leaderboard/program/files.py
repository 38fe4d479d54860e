"""Reading the program's data files: program.json, independence.json and the CSV tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .sync import ProgramDataError

PROGRAM_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProgramDataError(f"{path.name}: {exc}") from exc


def read_program(data_dir: Path) -> dict:
    program = read_json(data_dir / "program.json")
    program["independence"] = read_json(data_dir / "independence.json")["records"]
    return program


def read_csv(path: Path) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(enumerate(csv.DictReader(fh), start=2))
