"""An invoicing run's last sign of life, so that a killed run is told from a live one.

Runs made before have none: they are taken as started then (their start time).
Only billing_invoicerun changes: the immutability triggers of billing_invoice and
billing_invoiceline (0002) are untouched on both databases.
"""

from django.db import migrations, models
from django.db.models import F


def from_start(apps, schema_editor):
    InvoiceRun = apps.get_model("billing", "InvoiceRun")
    InvoiceRun.objects.using(schema_editor.connection.alias).filter(
        heartbeat_at__isnull=True).update(heartbeat_at=F("started_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0003_run_progress"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoicerun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(from_start, migrations.RunPython.noop, elidable=True),
    ]
