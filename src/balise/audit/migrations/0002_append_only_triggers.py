"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit table (see guard.py).

On SQLite, a later migration that rebuilds this table (SQLite alters by copying) drops these
triggers; such a migration must create them again. tests/audit/test_append_only.py notices.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
    """
    CREATE FUNCTION balise_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('balise.audit_maintenance', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION USING
          MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only_rows
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION balise_audit_append_only()
    """,
    """
    CREATE TRIGGER audit_event_append_only_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION balise_audit_append_only()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_append_only_rows ON audit_auditevent",
    "DROP FUNCTION IF EXISTS balise_audit_append_only()",
]
SQLITE_CREATE = [
    """
    CREATE TRIGGER audit_event_append_only_update
    BEFORE UPDATE ON audit_auditevent WHEN balise_audit_unlocked() = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_event_append_only_delete
    BEFORE DELETE ON audit_auditevent WHEN balise_audit_unlocked() = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only_update",
    "DROP TRIGGER IF EXISTS audit_event_append_only_delete",
]
STATEMENTS = {
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
}


def create_triggers(apps, schema_editor):
    create, _ = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in create:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    _, drop = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in drop:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
