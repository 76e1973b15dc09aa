"""The credit ledger is append-only, enforced by the database.

The model refuses too (LedgerEntry.save/delete and its queryset), but a raw
statement or another program must not get past either.

- PostgreSQL: a trigger rejects every UPDATE and DELETE on credits_ledgerentry.
  (TRUNCATE, which only a test run's flush uses, is not a row operation.)
- SQLite: a trigger rejects every UPDATE. DELETE is left to the model guard,
  because Django's test flush empties SQLite tables with DELETE.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a
later migration that alters credits_ledgerentry must recreate them
(test_ledger_append_only proves they are in place).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION credits_ledger_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = 'credit ledger entry ' || OLD.id || ' is append-only: ' || TG_OP || ' refused',
    ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER credits_ledger_append_only
  BEFORE UPDATE OR DELETE ON credits_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION credits_ledger_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS credits_ledger_append_only ON credits_ledgerentry;
DROP FUNCTION IF EXISTS credits_ledger_guard();
"""
SQLITE_FORWARD = """
CREATE TRIGGER credits_ledger_no_update BEFORE UPDATE ON credits_ledgerentry
BEGIN
  SELECT RAISE(ABORT, 'credit ledger entries are append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS credits_ledger_no_update;"


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
    dependencies = [("credits", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
