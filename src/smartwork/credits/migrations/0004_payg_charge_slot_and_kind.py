"""Copy the booking's slot and its resource's kind onto each pay-as-you-go charge.

The invoice run names its lines ("Desk, Morning") from the charges alone instead of
joining them to every booking of the month and its resource. The columns are added
empty, filled from the bookings (one UPDATE per column, on both databases), then
made required like the other copied fields. An index serves the month's billable
charges (not cancelled, by service date and who is billed).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def backfill(apps, schema_editor):
    PaygCharge = apps.get_model("credits", "PaygCharge")
    Booking = apps.get_model("bookings", "Booking")
    db = schema_editor.connection.alias
    booking = Booking.objects.using(db).filter(pk=OuterRef("booking_id"))
    PaygCharge.objects.using(db).update(
        slot=Subquery(booking.values("slot")[:1]),
        resource_kind=Subquery(booking.values("resource__kind")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0001_initial"),
        ("network", "0001_initial"),
        ("credits", "0003_policy_approval_beyond_cap"),
    ]

    operations = [
        migrations.AddField(
            model_name="paygcharge", name="slot",
            field=models.CharField(default="", max_length=10, choices=[
                ("morning", "Morning"), ("afternoon", "Afternoon"), ("full_day", "Full day"),
                ("range", "Time range")]),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paygcharge", name="resource_kind",
            field=models.CharField(default="", max_length=20, choices=[
                ("desk", "Desk"), ("meeting_room", "Meeting room"),
                ("telepresence_room", "Telepresence room"), ("private_office", "Private office")]),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="paygcharge",
            index=models.Index(condition=Q(cancelled_at__isnull=True),
                               fields=["service_date", "bill_to"], name="payg_billable_by_date"),
        ),
    ]
