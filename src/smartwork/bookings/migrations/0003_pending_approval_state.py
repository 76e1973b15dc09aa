"""A booking waiting for the company admin's approval (`pending_approval`).

It is live: it holds its resource, so the PostgreSQL exclusion constraint
`booking_no_overlap` is dropped and re-created with the new state in its WHERE
(the state column also grows to 20 characters in between).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_LIVE = "('confirmed', 'checked_in', 'completed')"
NEW_LIVE = "('confirmed', 'checked_in', 'completed', 'pending_approval')"

DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def _create(live: str) -> str:
    return f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (resource_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (state IN {live});
"""


def _on_postgresql(sql: str):  # noqa: ANN202 - a RunPython callable
    def run(apps, schema_editor):  # noqa: ANN001, ANN202
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_no_overlap'),
        ('network', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(DROP), _on_postgresql(_create(OLD_LIVE))),
        migrations.AddField(
            model_name='booking',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='booking',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='booking',
            name='hold_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='booking',
            name='state',
            field=models.CharField(choices=[('confirmed', 'Confirmed'), ('pending_approval', 'Waiting for approval'), ('checked_in', 'Checked in'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('no_show', 'No-show')], default='confirmed', max_length=20, verbose_name='state'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'pending_approval'), _negated=True), ('hold_until__isnull', False), _connector='OR'), name='booking_pending_has_hold'),
        ),
        migrations.RunPython(_on_postgresql(_create(NEW_LIVE)), _on_postgresql(DROP)),
    ]
