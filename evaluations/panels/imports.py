"""Ratings collected elsewhere, loaded from a CSV file: every problem with its line, or all saved.

The file: UTF-8 (a byte-order mark is allowed), a header line, then one rating a line with the
columns `rater` (the rater's id in the source), `model` (the model's slug or exact name, one of
the panel's models), `criterion` (the criterion's code), `rating` (a whole number on the
criterion's scale), and optionally `comment` and `consent` (yes/no: the rater agreed that their
comments be published in the anonymised dataset; one answer per rater).

Everything is checked before anything is written; the writes then go through
`services.rating_record`, the same audited write as a rating made on the site, in one
transaction with the raters they need (imported raters: no account, only their source id).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.audit import chain as audit
from leaderboard.models import Phase

from .models import Criterion, Panel, Rater
from .services import PanelError, rating_record

REQUIRED = ("rater", "model", "criterion", "rating")
OPTIONAL = ("comment", "consent")
YES = {"yes", "y", "true", "1", "예", "동의"}
NO = {"no", "n", "false", "0", "", "아니오", "미동의"}
RATER_ID_MAX = 100  # Rater.external_id


@dataclass(frozen=True)
class ImportProblem:
    """One problem of the file: its line (1 is the header; None: not about a line) and what."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(problem)s") % {"line": self.line, "problem": self.message}


class RatingsImportError(Exception):
    """The file was refused; `problems` lists every problem found, each with its line."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportSummary:
    panel: Panel
    ratings: int
    raters_created: int
    raters: int
    models: int
    sha256: str


@dataclass
class _Row:
    line: int
    rater: str
    model_id: int
    criterion: Criterion
    value: int
    comment: str


@dataclass
class _Checked:
    rows: list[_Row] = field(default_factory=list)
    consent: dict[str, tuple[bool, int]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


def _find_panel(phase_slug: str, panel_code: str) -> Panel:
    phase = Phase.objects.filter(slug=phase_slug).first()
    if phase is None:
        raise RatingsImportError(
            [ImportProblem(None, _("No phase with the slug “%(slug)s”.") % {"slug": phase_slug})]
        )
    panel = Panel.objects.filter(phase=phase, code=panel_code).select_related("phase").first()
    if panel is None:
        raise RatingsImportError(
            [
                ImportProblem(
                    None,
                    _("The phase “%(phase)s” has no panel with the code “%(code)s”.")
                    % {"phase": phase_slug, "code": panel_code},
                )
            ]
        )
    return panel


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RatingsImportError(
            [ImportProblem(line, _("The file is not UTF-8 text (save it as CSV UTF-8)."))]
        ) from exc


def _check(text: str, panel: Panel) -> _Checked:
    out = _Checked()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        out.problems.append(ImportProblem(None, _("The file is empty: no header line.")))
        return out
    reader.fieldnames = header
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        out.problems.append(
            ImportProblem(
                1,
                _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(twice)},
            )
        )
        return out
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing:
        out.problems.append(
            ImportProblem(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    if unknown:
        out.problems.append(
            ImportProblem(
                1,
                _("Unknown columns: %(columns)s (allowed: %(allowed)s).")
                % {"columns": ", ".join(unknown), "allowed": ", ".join(REQUIRED + OPTIONAL)},
            )
        )
    if missing or unknown:
        return out
    models = {}
    for model in panel.rated_models.all():
        models[model.slug] = model.pk
        models.setdefault(model.name.casefold(), model.pk)
    criteria = {c.code: c for c in panel.criteria.all()}
    seen: dict[tuple[str, int, int], int] = {}
    for record in reader:
        line = reader.line_num
        if None in record or any(record.get(c) is None for c in REQUIRED):
            out.problems.append(
                ImportProblem(
                    line,
                    _("Expected %(n)s fields, as in the header line.") % {"n": len(header)},
                )
            )
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue  # a blank line
        problems = []
        rater = values["rater"]
        if not rater:
            problems.append(_("The rater is empty."))
        elif len(rater) > RATER_ID_MAX:
            problems.append(
                _("The rater id is longer than %(n)s characters.") % {"n": RATER_ID_MAX}
            )
        model_id = models.get(values["model"]) or models.get(values["model"].casefold())
        if model_id is None:
            problems.append(
                _("The model “%(model)s” is not one of this panel's models.")
                % {"model": values["model"]}
            )
        criterion = criteria.get(values["criterion"])
        if criterion is None:
            problems.append(
                _("The criterion “%(criterion)s” is not one of this panel's (%(codes)s).")
                % {"criterion": values["criterion"], "codes": ", ".join(sorted(criteria))}
            )
        value = None
        if re.fullmatch(r"-?[0-9]+", values["rating"]):  # ASCII digits only: int() takes '٣'
            value = int(values["rating"])
        else:
            problems.append(
                _("The rating “%(rating)s” is not a whole number.") % {"rating": values["rating"]}
            )
        if (
            value is not None
            and criterion is not None
            and not criterion.scale_min <= value <= criterion.scale_max
        ):
            problems.append(
                _("The rating %(rating)s is outside the scale %(low)s–%(high)s.")
                % {"rating": value, "low": criterion.scale_min, "high": criterion.scale_max}
            )
        consent = values.get("consent", "").casefold()
        if consent not in YES | NO:
            problems.append(
                _("The consent “%(consent)s” is not yes or no.") % {"consent": values["consent"]}
            )
        elif rater:
            earlier = out.consent.setdefault(rater, (consent in YES, line))
            if earlier[0] != (consent in YES):
                problems.append(
                    _("The consent differs from line %(line)s for the same rater.")
                    % {"line": earlier[1]}
                )
        if rater and model_id is not None and criterion is not None:
            key = (rater, model_id, criterion.pk)
            if key in seen:
                problems.append(
                    _("A duplicate of line %(line)s: the same rater, model and criterion.")
                    % {"line": seen[key]}
                )
            else:
                seen[key] = line
        if problems:
            out.problems.extend(ImportProblem(line, p) for p in problems)
        else:
            out.rows.append(
                _Row(line, rater, model_id, criterion, value, values.get("comment", ""))
            )
    if not out.rows and not out.problems:
        out.problems.append(ImportProblem(None, _("The file holds no ratings.")))
    return out


def ratings_import(
    *, phase_slug: str, panel_code: str, data: bytes, user=None, now=None
) -> ImportSummary:
    """Load the file's ratings into the panel: all of them, or (RatingsImportError with every
    problem and its line) none; refused as a whole once the phase is announced (published
    results change only by a public correction). A rater id seen before on this panel is the same imported
    rater; their earlier ratings of the same model and criterion change (audited as changes)."""
    now = now or timezone.now()
    panel = _find_panel(phase_slug, panel_code)
    if panel.phase.is_published(now):
        raise RatingsImportError(
            [
                ImportProblem(
                    None,
                    _(
                        "The phase “%(phase)s” was announced: its panel results are published, "
                        "and a published figure changes only by a public correction. "
                        "Nothing was imported."
                    )
                    % {"phase": phase_slug},
                )
            ]
        )
    checked = _check(_decode(data), panel)
    if checked.problems:
        raise RatingsImportError(checked.problems)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        raters: dict[str, Rater] = {
            r.external_id: r for r in Rater.objects.filter(panel=panel, imported=True)
        }
        created = 0
        for external_id in dict.fromkeys(row.rater for row in checked.rows):
            consent = checked.consent.get(external_id, (False, 0))[0]
            rater = raters.get(external_id)
            if rater is None:
                rater = Rater.objects.create(
                    panel=panel, external_id=external_id, imported=True, comment_consent=consent
                )
                raters[external_id] = rater
                created += 1
                audit.audit_record(
                    user,
                    "panel.rater.import",
                    rater,
                    None,
                    {"panel": panel.pk, "consent": consent},
                    phase_id=panel.phase_id,
                )
            elif rater.comment_consent != consent:
                rater.comment_consent = consent
                rater.save(update_fields=["comment_consent"])
        for row in checked.rows:
            try:
                rating_record(
                    actor=user,
                    rater=raters[row.rater],
                    model_id=row.model_id,
                    criterion=row.criterion,
                    value=row.value,
                    comment=row.comment,
                    now=now,
                )
            except PanelError as exc:  # checked above; kept so nothing half-done survives
                raise RatingsImportError([ImportProblem(row.line, exc.message)]) from exc
        audit.audit_record(
            user,
            "panel.ratings.import",
            panel,
            None,
            {"sha256": digest, "ratings": len(checked.rows), "raters_created": created},
            phase_id=panel.phase_id,
        )
    return ImportSummary(
        panel=panel,
        ratings=len(checked.rows),
        raters_created=created,
        raters=len({row.rater for row in checked.rows}),
        models=len({row.model_id for row in checked.rows}),
        sha256=digest,
    )
