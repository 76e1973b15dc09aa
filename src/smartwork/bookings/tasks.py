"""Tasks: mails after commit, and the periodic jobs (idempotent: each locks a row and
re-checks its state before acting, so two runs at once do no harm)."""

from __future__ import annotations

from django.tasks import task

from smartwork.bookings import approvals, services
from smartwork.bookings.approval_mails import APPROVAL_MAILS, send_approval_mail
from smartwork.bookings.emails import send_booking_mail, send_series_mail
from smartwork.core import periodic


@task()
def booking_mail(kind: str, booking_id: int | None, series_id: int | None) -> None:
    if series_id is not None:
        send_series_mail(series_id=series_id)
    elif booking_id is not None and kind in APPROVAL_MAILS:
        send_approval_mail(kind=kind, booking_id=booking_id)
    elif booking_id is not None:
        send_booking_mail(kind=kind, booking_id=booking_id)


@task()
def release_no_shows() -> int:
    return services.bookings_release_no_shows()


@task()
def complete_bookings() -> int:
    return services.bookings_complete()


@task()
def expire_pending_approvals() -> int:
    return approvals.bookings_expire_pending()


# (job, every seconds, name) for the periodic runner (`smartwork worker`).
PERIODIC_JOBS = [
    (release_no_shows, 60, "bookings.release_no_shows"),
    (complete_bookings, 300, "bookings.complete_bookings"),
    (expire_pending_approvals, 300, "bookings.expire_pending_approvals"),
]

for _job, _seconds, _name in PERIODIC_JOBS:
    periodic.register(_job, every_seconds=_seconds, name=_name)
