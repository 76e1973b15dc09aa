"""Cost versions are append-only, enforced by the database too.

PostgreSQL: a trigger rejects UPDATE and DELETE on economics_costversion.
SQLite: a trigger rejects UPDATE (DELETE is left to the model guard, because
Django's test flush empties SQLite tables with DELETE), as for the credit ledger.
A later migration that alters the table on SQLite must recreate the trigger.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION economics_cost_version_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = 'cost version ' || OLD.id || ' is append-only: ' || TG_OP || ' refused',
    ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER economics_cost_version_append_only
  BEFORE UPDATE OR DELETE ON economics_costversion
  FOR EACH ROW EXECUTE FUNCTION economics_cost_version_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS economics_cost_version_append_only ON economics_costversion;
DROP FUNCTION IF EXISTS economics_cost_version_guard();
"""
SQLITE_FORWARD = """
CREATE TRIGGER economics_cost_version_no_update BEFORE UPDATE ON economics_costversion
BEGIN
  SELECT RAISE(ABORT, 'cost versions are append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS economics_cost_version_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("economics", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
