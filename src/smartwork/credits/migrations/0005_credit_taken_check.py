"""PostgreSQL: smartwork_credit_taken(boolean), which raises SQLSTATE SWC01 when false.

The booking engine takes a booking's credit and commits in one round trip (credits/sql.py:
`minutes_take(commit=True)`): the statement must then fail, rather than return no row,
when the balance is short, so that the COMMIT sent with it rolls the booking back."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION smartwork_credit_taken(taken boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT taken THEN
        RAISE EXCEPTION 'smartwork: the credit account no longer holds the booking''s minutes'
            USING ERRCODE = 'SWC01';
    END IF;
    RETURN true;
END $$;
"""
DROP = "DROP FUNCTION IF EXISTS smartwork_credit_taken(boolean);"


def _on_postgresql(sql: str):  # noqa: ANN202 - a RunPython callable
    def run(apps, schema_editor):  # noqa: ANN001, ANN202, ARG001
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("credits", "0004_payg_charge_slot_and_kind")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
