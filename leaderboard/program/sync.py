"""Adding rows from the data files, and the differences between the files and the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from ..audit.chain import audit_record


class ProgramDataError(ValueError):
    """The program data files are inconsistent; the message names the file and row."""


@dataclass(frozen=True)
class Difference:
    kind: str
    key: str
    field: str
    database: str
    file: str

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.field}: database {self.database} · file {self.file}"


@dataclass
class LoadReport:
    update: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    # Differences in public rows that `update` could not apply: they need a correction reason.
    needs_reason: list[Difference] = field(default_factory=list)

    def count(self, counts: dict[str, int], kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def shown(value) -> str:
    """A value as the report prints it."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, models.Model):
        return str(getattr(value, "slug", None) or getattr(value, "code", None) or value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).replace("\n", " ")
    return repr(text if len(text) <= 60 else text[:57] + "...")


def plain(value):
    """A value as the audit log stores it."""
    if isinstance(value, models.Model):
        return shown(value)
    return value


def differs(current, wanted) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        if current is None or wanted is None:
            return current is not wanted
        return Decimal(current) != Decimal(wanted)
    return current != wanted


class Syncer:
    """Creates missing rows; for existing ones, reports (or with `update`, applies) differences."""

    def __init__(self, report: LoadReport, actor=None, reason=None):
        self.report = report
        self.actor = actor
        self.reason = reason  # a CorrectionReason for changes to the public record

    def sync(self, model, lookup: dict, values: dict, kind: str, *, key: str, phase_id=None):
        """(instance, created) for the row `lookup` with `values`."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.report.count(self.report.created, kind)
            return obj, True
        changed = [name for name, value in values.items() if differs(getattr(obj, name), value)]
        if not changed:
            return obj, False
        for name in changed:
            self.report.differences.append(
                Difference(kind, key, name, shown(getattr(obj, name)), shown(values[name]))
            )
        if self.report.update:
            from .public_changes import correction_from_load, public_row, reason_complete

            row = public_row(obj)
            if row is not None and not reason_complete(self.reason):
                self.report.needs_reason.extend(self.report.differences[-len(changed) :])
                return obj, False
            before = {name: plain(getattr(obj, name)) for name in changed}
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            after = {name: plain(values[name]) for name in changed}
            if row is None:
                audit_record(self.actor, "program.update", obj, before, after, phase_id=phase_id)
            else:
                correction_from_load(
                    actor=self.actor,
                    row=row,
                    obj=obj,
                    before=before,
                    after=after,
                    reason=self.reason,
                )
            self.report.count(self.report.updated, kind)
        return obj, False
