"""Drop the single-column indexes on LedgerEntry.account and .member: the (account, id)
and (member, service_date) indexes lead with them, and each index is one more write per
credit booking.

DROP INDEX itself, not AlterField on the database: on SQLite, AlterField remakes the table,
which drops the append-only triggers (migration 0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credits', '0006_drop_credit_taken_check'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='credits.creditaccount'),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='member',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state_operations,
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS credits_ledgerentry_account_id_6205bf0a",
                    "CREATE INDEX credits_ledgerentry_account_id_6205bf0a "
                    "ON credits_ledgerentry (account_id)"),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS credits_ledgerentry_member_id_0596e1a3",
                    "CREATE INDEX credits_ledgerentry_member_id_0596e1a3 "
                    "ON credits_ledgerentry (member_id)"),
            ],
        ),
    ]
