"""The presence summary: the one table the insights app writes.

`PresenceDay` holds, per member, centre and local day (in the centre's time
zone), the merged presence seconds (checked-in and completed bookings and WiFi
presence sessions, a member's overlaps counted once), the visits (islands of
presence) that start that day, and the seconds in each local hour of the day.
It is derived data, maintained by `insights.summary` (the periodic job
`insights.refresh_presence`, the reports before they read it, and
`smartwork manage rebuild_presence`); it can always be rebuilt from the raw rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def _hour_field() -> models.PositiveSmallIntegerField:
    # At most 7,200 s: the repeated hour of the autumn DST change.
    return models.PositiveSmallIntegerField(default=0)


class PresenceDay(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # local day in the centre's time zone
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    week = models.IntegerField()  # days from 1970-01-01 to the Monday of the ISO week
    month = models.IntegerField()  # year * 100 + month
    seconds = models.PositiveIntegerField()
    visits = models.PositiveIntegerField(default=0)
    h00 = _hour_field()
    h01 = _hour_field()
    h02 = _hour_field()
    h03 = _hour_field()
    h04 = _hour_field()
    h05 = _hour_field()
    h06 = _hour_field()
    h07 = _hour_field()
    h08 = _hour_field()
    h09 = _hour_field()
    h10 = _hour_field()
    h11 = _hour_field()
    h12 = _hour_field()
    h13 = _hour_field()
    h14 = _hour_field()
    h15 = _hour_field()
    h16 = _hour_field()
    h17 = _hour_field()
    h18 = _hour_field()
    h19 = _hour_field()
    h20 = _hour_field()
    h21 = _hour_field()
    h22 = _hour_field()
    h23 = _hour_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "centre", "day"],
                                    name="presenceday_unique_member_centre_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="presenceday_weekday_range"),
        ]
        indexes = [
            models.Index(fields=["member", "day"], name="presenceday_member_day"),
            models.Index(fields=["centre", "day"], name="presenceday_centre_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.centre_id} {self.day}: {self.seconds} s"


HOUR_FIELDS = [f"h{h:02d}" for h in range(24)]


class PresenceSummaryState(models.Model):
    """One row (pk 1): how far the summary is up to date. Locked by every refresh."""

    # Rows of bookings_booking.updated_at / wifi_presencesession.last_update_at
    # at or after `watermark - margin` are looked at again by the next refresh.
    watermark = models.DateTimeField(null=True, blank=True)
    last_session_id = models.BigIntegerField(default=0)
    # Sessions open at the last refresh (counted up to then): looked at again,
    # whatever closes them (accounting stop, stale sweep, NAS reboot).
    open_sessions = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"presence summary up to {self.watermark}"
