"""Checks of a scoring scheme in the data files: pure code, run before anything is written."""

from __future__ import annotations

from decimal import Decimal

from .sync import ProgramDataError

SCHEME_TOTAL = Decimal(100)


def scheme_problems(components: list[dict]) -> list[str]:
    """What is wrong with one phase's components: sub-components must add up to their parent,
    and the top-level points to 100 (a phase without points is fine)."""
    problems = []
    by_code = {c["code"]: c for c in components}
    for code, component in by_code.items():
        children = [c for c in components if c.get("parent") == code]
        if children:
            total = sum(Decimal(c["max_points"]) for c in children)
            if total != Decimal(component["max_points"]):
                problems.append(
                    f"{code}: sub-components add up to {total}, not {component['max_points']}"
                )
    top = [c for c in components if not c.get("parent") and c["kind"] != "gate"]
    if top:
        total = sum(Decimal(c["max_points"]) for c in top)
        if total != SCHEME_TOTAL:
            problems.append(f"the components add up to {total}, not {SCHEME_TOTAL}")
    for component in components:
        parent = component.get("parent")
        if parent and parent not in by_code:
            problems.append(f"{component['code']}: unknown parent {parent!r}")
    return problems


def check_scheme(program: dict) -> None:
    for phase_slug, components in program["components"].items():
        problems = scheme_problems(components)
        if problems:
            raise ProgramDataError(
                f"program.json components of {phase_slug}: " + "; ".join(problems)
            )
