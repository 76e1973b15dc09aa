"""The shape every periodic booking job shares (no-shows, completion, approvals that
lapsed): read the ids first, then, one booking per transaction, lock the row if it is
still in the state the job looks for, re-check, and change it.

A row another run holds is skipped (PostgreSQL: SKIP LOCKED; SQLite has one writer at
a time), and a row already changed no longer matches, so running a job twice, or two
at once, changes each booking once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from smartwork.bookings.models import Booking


def lock_if(pk: int, **state: Any) -> Booking | None:
    """The row locked, if it is still in the expected state (re-check under the lock)."""
    qs = Booking.objects.select_related("centre__network").filter(pk=pk, **state)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.first()


def each_locked(candidates: QuerySet[Booking], change: Callable[[Booking], bool],
                **state: Any) -> int:
    """For each booking `candidates` selects (in primary-key order), in its own
    transaction: lock it if it still matches `state`, then `change(booking)`, which
    re-checks what the filter cannot and returns whether it changed the booking.
    Returns how many were changed."""
    changed = 0
    for pk in list(candidates.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            booking = lock_if(pk, **state)
            if booking is not None and change(booking):
                changed += 1
    return changed
