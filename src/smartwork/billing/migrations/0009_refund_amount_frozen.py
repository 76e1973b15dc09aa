"""A credit note's refund_amount (0006) is fixed at issue, like every other column of an
issued document: a trigger refuses to change it afterwards, on PostgreSQL and SQLite
(0002's triggers list the columns of their time; this one adds the new column)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION billing_invoice_refund_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.state <> 'draft' AND NEW.refund_amount IS DISTINCT FROM OLD.refund_amount THEN
    RAISE EXCEPTION 'invoice % is issued and cannot be changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_refund_frozen
  BEFORE UPDATE ON billing_invoice
  FOR EACH ROW EXECUTE FUNCTION billing_invoice_refund_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS billing_invoice_refund_frozen ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_refund_guard();
"""
SQLITE_FORWARD = """
CREATE TRIGGER billing_invoice_refund_frozen BEFORE UPDATE OF refund_amount ON billing_invoice
  WHEN OLD.state <> 'draft' AND NEW.refund_amount IS NOT OLD.refund_amount
  BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be changed'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS billing_invoice_refund_frozen;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [("billing", "0008_self_billing")]

    operations = [migrations.RunPython(forward, backward)]
