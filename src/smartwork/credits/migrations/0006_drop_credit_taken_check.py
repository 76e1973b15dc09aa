"""PostgreSQL: drop smartwork_credit_taken(boolean) (migration 0005).

It made the booking's last statement fail when the credit went short, so that the COMMIT
sent with it in one round trip (psycopg's pipeline mode) rolled the booking back. That
pipelined COMMIT cost more CPU than the round trip it saved (docs/benchmarks.md,
session 4): the statement now returns no row when the credit is short, and the booking's
transaction goes on to the general payment step before its ordinary COMMIT."""

import importlib

from django.db import migrations

# 0005's SQL and its PostgreSQL-only runner, read from that migration: backwards, this
# one creates the function again exactly as 0005 did.
_0005 = importlib.import_module("smartwork.credits.migrations.0005_credit_taken_check")


class Migration(migrations.Migration):
    dependencies = [("credits", "0005_credit_taken_check")]

    operations = [migrations.RunPython(_0005._on_postgresql(_0005.DROP),
                                       _0005._on_postgresql(_0005.CREATE))]
