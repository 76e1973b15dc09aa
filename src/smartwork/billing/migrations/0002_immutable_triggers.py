"""Issued invoices and their lines are immutable, enforced by the database.

The model layer refuses too (Invoice.save/delete), but a queryset .update(),
a raw statement or another program must not get past either: on PostgreSQL and
SQLite a trigger raises an integrity error. Only the payment progress of an
issued invoice (state, amount paid, sent/paid/reminder stamps) may move on,
and never back to draft.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a later
migration that alters billing_invoice or billing_invoiceline must recreate them
(test_immutability proves they are in place).
"""

from django.db import migrations

FROZEN = [
    "network_id", "kind", "issuer_id", "customer_organisation_id", "customer_member_id",
    "credited_invoice_id", "period_start", "period_end", "year", "number", "issue_date",
    "due_date", "currency", "language", "total_net", "total_vat", "total_gross",
    "structured_communication", "issuer_data", "customer_data", "note", "created_at", "billing_key",
]

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state <> 'draft' AND (
       NEW.state = 'draft'
       OR ({", ".join("NEW." + c for c in FROZEN)})
          IS DISTINCT FROM ({", ".join("OLD." + c for c in FROZEN)})) THEN
    RAISE EXCEPTION 'invoice % is issued and cannot be changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_immutable
  BEFORE UPDATE OR DELETE ON billing_invoice
  FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard();

CREATE OR REPLACE FUNCTION billing_invoiceline_guard() RETURNS trigger AS $$
DECLARE
  frozen boolean;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT state <> 'draft' INTO frozen FROM billing_invoice WHERE id = OLD.invoice_id;
    IF frozen THEN
      RAISE EXCEPTION 'the lines of issued invoice % cannot be changed', OLD.invoice_id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT state <> 'draft' INTO frozen FROM billing_invoice WHERE id = NEW.invoice_id;
    IF frozen THEN
      RAISE EXCEPTION 'the lines of issued invoice % cannot be changed', NEW.invoice_id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoiceline_immutable
  BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
  FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_guard();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS billing_invoiceline_immutable ON billing_invoiceline;
DROP FUNCTION IF EXISTS billing_invoiceline_guard();
DROP TRIGGER IF EXISTS billing_invoice_immutable ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_guard();
"""

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
_line_frozen = "(SELECT state FROM billing_invoice WHERE id = {ref}.invoice_id) <> 'draft'"

SQLITE_FORWARD = [
    """CREATE TRIGGER billing_invoice_no_delete BEFORE DELETE ON billing_invoice
       WHEN OLD.state <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be deleted'); END;""",
    f"""CREATE TRIGGER billing_invoice_no_update BEFORE UPDATE ON billing_invoice
       WHEN OLD.state <> 'draft' AND (NEW.state = 'draft' OR {_changed})
       BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be changed'); END;""",
    f"""CREATE TRIGGER billing_invoiceline_no_insert BEFORE INSERT ON billing_invoiceline
       WHEN {_line_frozen.format(ref="NEW")}
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice cannot be changed'); END;""",
    f"""CREATE TRIGGER billing_invoiceline_no_update BEFORE UPDATE ON billing_invoiceline
       WHEN {_line_frozen.format(ref="OLD")} OR {_line_frozen.format(ref="NEW")}
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice cannot be changed'); END;""",
    f"""CREATE TRIGGER billing_invoiceline_no_delete BEFORE DELETE ON billing_invoiceline
       WHEN {_line_frozen.format(ref="OLD")}
       BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice cannot be changed'); END;""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name};" for name in (
        "billing_invoice_no_delete", "billing_invoice_no_update", "billing_invoiceline_no_insert",
        "billing_invoiceline_no_update", "billing_invoiceline_no_delete",
    )
]


def _run(schema_editor, statements):
    # No parameters: the PL/pgSQL bodies contain '%' placeholders of their own.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_FORWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_BACKWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
