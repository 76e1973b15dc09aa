"""Policy versions, their team days and acknowledgements are append-only, enforced
by the database as well as by the models (as credits' ledger, migration 0002).

PostgreSQL: a trigger refuses UPDATE and DELETE. SQLite: a trigger refuses UPDATE
(DELETE is left to the model guard: Django's test flush empties SQLite tables with it).
"""

from django.db import migrations

TABLES = ("workplans_policyversion", "workplans_policyteamday", "workplans_policyacknowledgement")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION workplans_append_only_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = TG_TABLE_NAME || ' row ' || OLD.id || ' is append-only: ' || TG_OP || ' refused',
    ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION workplans_append_only_guard();")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END;")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS workplans_append_only_guard();")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("workplans", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
