"""Tasks: mails after commit, and the periodic jobs (idempotent: each locks a row and
re-checks its state before acting, so two runs at once do no harm)."""

from __future__ import annotations

from django.tasks import TaskContext, task
from django.utils import timezone

from smartwork.bookings import approvals, services
from smartwork.bookings.approval_mails import APPROVAL_MAILS, send_approval_mail
from smartwork.bookings.emails import send_booking_mail, send_series_mail
from smartwork.core import mail, periodic


@task(takes_context=True)
def booking_mail(context: TaskContext, kind: str, booking_id: int | None,
                 series_id: int | None, attempt: int = 1) -> str:
    """One booking mail; a mail server out of reach is retried with the back-off of
    core/mail.py, and the task left FAILED after the last attempt. A row run again after
    its worker died sends nothing when its mail went out (core/mail.py)."""
    if mail.mail_sent_before(context):
        return mail.SENT_BEFORE
    try:
        if series_id is not None:
            send_series_mail(series_id=series_id)
        elif booking_id is not None and kind in APPROVAL_MAILS:
            send_approval_mail(kind=kind, booking_id=booking_id)
        elif booking_id is not None:
            send_booking_mail(kind=kind, booking_id=booking_id)
    except mail.TRANSIENT:
        if attempt >= mail.MAX_ATTEMPTS:
            raise
        wait = mail.backoff(attempt)
        mail.mail_hand_on(context, lambda: booking_mail.using(
            run_after=timezone.now() + wait).enqueue(kind, booking_id, series_id, attempt + 1))
        return f"retry {attempt + 1} after {wait}"
    mail.mail_mark_sent(context)
    return "sent"


@task()
def release_no_shows() -> int:
    return services.bookings_release_no_shows()


@task()
def complete_bookings() -> int:
    return services.bookings_complete()


@task()
def expire_pending_approvals() -> int:
    return approvals.bookings_expire_pending()


@task()
def send_reminders() -> int:
    from smartwork.bookings.reminders import reminders_send

    return reminders_send()


# (job, every seconds, name) for the periodic runner (`smartwork worker`).
PERIODIC_JOBS = [
    (release_no_shows, 60, "bookings.release_no_shows"),
    (complete_bookings, 300, "bookings.complete_bookings"),
    (expire_pending_approvals, 300, "bookings.expire_pending_approvals"),
    (send_reminders, 300, "bookings.send_reminders"),
]

for _job, _seconds, _name in PERIODIC_JOBS:
    periodic.register(_job, every_seconds=_seconds, name=_name)
