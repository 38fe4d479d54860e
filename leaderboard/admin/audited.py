"""What every admin page shares: each change audited, read-only inlines; the rules below.

Decisions (assessments, their points and gates), announcement times and official runs change
only on the evaluator pages, through their services: here they are read-only. Scores change
through `score_change` (a correction, with its reason, once public). Everything else an admin
can change (teams, models, benchmarks, phases' descriptions, participants, components) is
appended to the audit record, and the public pages show it at the next request (the cache bumps
on commit). Once a phase is published, what fixes its results (dates, scheme, participants) is
read-only too.
"""

from django.contrib import admin

from ..audit.chain import audit_record, canonical_json
from ..models import (
    Phase,
)

PROVENANCE_FIELDS = ("reporter", "source_title", "source_url", "import_key", "created_at", "run")


def admin_snapshot(obj) -> dict:
    """Every concrete field of a row, as the audit record keeps it."""
    values = {}
    for f in obj._meta.concrete_fields:
        value = f.value_from_object(obj)
        try:
            canonical_json(value)
        except TypeError:
            value = str(value)
        values[f.attname] = value
    return values


def _changed(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the fields that differ (everything for a new or deleted row)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_admin_change(user, action: str, obj, before: dict | None, after: dict | None) -> None:
    before, after = _changed(before, after)
    if before == after:
        return
    phase_id = obj.pk if isinstance(obj, Phase) else getattr(obj, "phase_id", None)
    audit_record(user, action, obj, before, after, phase_id=phase_id)


class AuditedAdminMixin:
    """Appends every save and delete made here, inlines included, to the audit record."""

    def _label(self, obj) -> str:
        return obj._meta.model_name

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            stored = type(obj).objects.filter(pk=obj.pk).first()
            before = admin_snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        action = "change" if change else "create"
        audit_admin_change(
            request.user, f"admin.{self._label(obj)}.{action}", obj, before, admin_snapshot(obj)
        )

    def delete_model(self, request, obj):
        before = admin_snapshot(obj)
        super().delete_model(request, obj)
        audit_admin_change(request.user, f"admin.{self._label(obj)}.delete", obj, before, None)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        before = {
            f.instance.pk: admin_snapshot(model.objects.get(pk=f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk is not None and model.objects.filter(pk=f.instance.pk).exists()
        }
        super().save_formset(request, form, formset, change)
        name = model._meta.model_name
        for obj in formset.new_objects:
            audit_admin_change(request.user, f"admin.{name}.create", obj, None, admin_snapshot(obj))
        for obj, _fields in formset.changed_objects:
            audit_admin_change(
                request.user,
                f"admin.{name}.change",
                obj,
                before.get(obj.pk),
                admin_snapshot(obj),
            )
        for obj in formset.deleted_objects:
            audit_admin_change(request.user, f"admin.{name}.delete", obj, before.get(obj.pk), None)


class ReadOnlyMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Shown, never changed here."""

    extra = 0
    can_delete = False


class ReadOnlyModelAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A page that shows records written elsewhere (by the services), never changed here."""


class FrozenOncePublishedInline(admin.TabularInline):
    """Editable (and audited) until the phase is published; read-only afterwards."""

    extra = 0

    def _open(self, obj) -> bool:
        return obj is None or not obj.is_published()

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)
