"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the audit log, even in raw SQL."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION leaderboard_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS leaderboard_auditentry_append_only ON leaderboard_auditentry;
CREATE TRIGGER leaderboard_auditentry_append_only
    BEFORE UPDATE OR DELETE ON leaderboard_auditentry
    FOR EACH ROW EXECUTE FUNCTION leaderboard_auditentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS leaderboard_auditentry_append_only ON leaderboard_auditentry;
DROP FUNCTION IF EXISTS leaderboard_auditentry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("leaderboard", "0004_audit_entry")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
