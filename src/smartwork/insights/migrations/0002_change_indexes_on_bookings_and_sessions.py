"""Indexes the presence summary's refresh needs to find what changed since its
high-water mark: bookings by `updated_at`, WiFi sessions by `last_update_at`, and the
sessions still open.

They live on tables of the bookings and wifi apps but serve only the insights
refresh, hence a plain SQL migration here (the same text on PostgreSQL and
SQLite) rather than a change to those apps' models.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0001_presence_summary"),
        ("bookings", "0002_no_overlap"),
        ("wifi", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_booking_updated_at"
            " ON bookings_booking (updated_at)",
            "DROP INDEX IF EXISTS insights_booking_updated_at",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_session_last_update_at"
            " ON wifi_presencesession (last_update_at)",
            "DROP INDEX IF EXISTS insights_session_last_update_at",
        ),
        # The open sessions, which every refresh looks at again.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS insights_session_open"
            " ON wifi_presencesession (id) WHERE ended_at IS NULL",
            "DROP INDEX IF EXISTS insights_session_open",
        ),
    ]
