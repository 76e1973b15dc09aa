"""Every mail goes out through the outbox, never inside a request (docs/operations.md, "Mail").

A service that wants a mail sent calls `mail_later(sender, **kwargs)` inside the
transaction of its change. With the database task backend that writes the task row in
the same transaction (core/outbox.py): the mail exists if and only if the change was
committed, a request never waits for the mail server, and a server killed right after
the commit loses no mail, since the worker finds the rows.

`sender` is the dotted path of a function of smartwork that builds and sends the one
mail from primary keys (`smartwork.accounts.services.invitation_mail_send`). The worker
runs it in `mail_deliver`: a failure to reach the mail server (SMTP errors, refused
or timed-out connections) is retried with back-off, 1 min, 5 min, 15 min, 1 h, 4 h, 12 h;
after the last attempt the task is left FAILED with the error, where the operator sees it
(`smartwork check`, the admin's task results, `GET /api/v1/mail/failures`). Any other
error (a bug, a row gone) fails at once, also visible there.

Quiet hours (the right to disconnect, docs/workplans.md): a mail that smartwork sends
on its own schedule or on someone else's action names its reader with
`mail_later(sender, quiet_for=user_id, ...)`. When the worker picks it up inside that
person's quiet hours it is put back until they end, so it reaches the mailbox when the
person's working day starts. Mails that answer the person's own action (their booking,
their login) go at once. `core` knows no policy: the app that decides quiet hours
registers a function with `register_quiet_hours`.

At least once, and twice only in a narrow window: a task row whose worker died while
running it is put back in the queue (core/lease.py). Right after the mail server
accepts a mail the task marks its row sent (`SentMail`, committed at once), and a row
run again that finds its mark sends nothing; a retry or a hold for quiet hours writes
the next row and the mark in one transaction. A worker that dies between the mail
server's answer and the mark's commit (milliseconds) leaves the mail to be sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone
from django.utils.module_loading import import_string

from smartwork.core.outbox import task_enqueue_after_commit

log = logging.getLogger("smartwork.mail")

# Seconds to wait before attempt 2, 3, ...; the number of attempts is one more.
BACKOFF_SECONDS = (60, 300, 900, 3600, 4 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
TRANSIENT = (smtplib.SMTPException, OSError)
MAIL_TASK_PATH = "smartwork.core.mail.mail_deliver"


QuietHours = Callable[[int, dt.datetime], dt.datetime | None]
_QUIET_HOURS: list[QuietHours] = []


def register_quiet_hours(fn: QuietHours) -> None:
    """`fn(user_id, at)` answers when the user's quiet hours around `at` end, or None
    when `at` is not in quiet hours."""
    if fn not in _QUIET_HOURS:
        _QUIET_HOURS.append(fn)


def quiet_until(*, user_id: int, at: dt.datetime) -> dt.datetime | None:
    """The end of the user's quiet hours if `at` falls in them, else None."""
    ends = [end for fn in _QUIET_HOURS if (end := fn(user_id, at)) is not None and end > at]
    return max(ends) if ends else None


def mail_later(sender: str, *, quiet_for: int | None = None, **kwargs: Any) -> None:
    """Send the mail built by `sender(**kwargs)` once the current transaction commits
    (with the database backend: a task row written in this transaction). `quiet_for`:
    the reader's user id when the mail must wait for the end of their quiet hours."""
    _sender(sender)  # fail now, in the caller's test, on a wrong path
    if quiet_for is None:
        task_enqueue_after_commit(mail_deliver, sender, kwargs, 1)
    else:
        task_enqueue_after_commit(mail_deliver, sender, kwargs, 1, quiet_for)


def _sender(path: str) -> Any:
    if not path.startswith("smartwork."):
        raise ValueError(f"not a smartwork mail sender: {path}")
    return import_string(path)


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1-based)."""
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1])


SENT_BEFORE = "sent before its worker stopped"


def mail_sent_before(context: TaskContext) -> bool:
    """True when this task row's mail went out (or was handed on) in an earlier run
    whose worker died before recording the result."""
    from smartwork.core.models import SentMail

    if SentMail.objects.filter(task_id=context.task_result.id).exists():
        log.warning("mail task %s ran again after its worker stopped: already sent",
                    context.task_result.id)
        return True
    return False


def mail_mark_sent(context: TaskContext) -> None:
    """Record at once that this row's mail went out. A failure to record is logged, not
    raised: the mail is sent, and only a death of this worker now would send it again."""
    from smartwork.core.models import SentMail

    try:
        SentMail.objects.get_or_create(task_id=context.task_result.id,
                                       defaults={"sent_at": timezone.now()})
    except Exception:
        log.exception("mail task %s: sent, but not marked sent", context.task_result.id)


def mail_hand_on(context: TaskContext, enqueue: Callable[[], Any]) -> None:
    """Write the row that takes the mail over (a retry, a hold) and this row's mark in
    one transaction: a run again after a death enqueues no second copy."""
    from smartwork.core.models import SentMail

    with transaction.atomic():
        enqueue()
        SentMail.objects.get_or_create(task_id=context.task_result.id,
                                       defaults={"sent_at": timezone.now()})


@task(takes_context=True)
def mail_deliver(context: TaskContext, sender: str, kwargs: dict[str, Any], attempt: int = 1,
                 quiet_for: int | None = None) -> str:
    """Build and send one mail; on a transient failure enqueue the next attempt. Inside
    the reader's quiet hours the mail is put back until they end (not an attempt)."""
    func = _sender(sender)
    if mail_sent_before(context):
        return SENT_BEFORE
    # A backend that cannot defer (the immediate one of the tests) sends at once.
    if quiet_for is not None and mail_deliver.get_backend().supports_defer:
        now = timezone.now()
        until = quiet_until(user_id=quiet_for, at=now)
        if until is not None:
            mail_hand_on(context, lambda: mail_deliver.using(run_after=until).enqueue(
                sender, kwargs, attempt, quiet_for))
            return f"held until {until.isoformat()}"
    try:
        func(**kwargs)
    except TRANSIENT as exc:
        if attempt >= MAX_ATTEMPTS:
            log.error("mail %s %s failed for good after %d attempts: %s", sender, kwargs,
                      attempt, exc)
            raise
        wait = backoff(attempt)
        log.warning("mail %s %s failed (attempt %d), next try in %s: %s", sender, kwargs,
                    attempt, wait, exc)
        mail_hand_on(context, lambda: mail_deliver.using(
            run_after=timezone.now() + wait).enqueue(sender, kwargs, attempt + 1, quiet_for))
        return f"retry {attempt + 1} after {wait}"
    mail_mark_sent(context)
    return "sent"


MAIL_TASK_PATHS = (MAIL_TASK_PATH, "smartwork.bookings.tasks.booking_mail")


def mail_outbox_list(*, actor: Any, state: str = "failed") -> Any:
    """The outbox's mails for the platform's operator (a superuser: mails cross every
    network): `failed` for good (newest first), or `waiting` (not sent yet: first tries
    and retries, soonest first)."""
    from django_tasks_db.models import DBTaskResult

    from smartwork.core.errors import Forbidden, InvalidInput

    if not getattr(actor, "is_superuser", False):
        raise Forbidden("Only the platform's operator sees the mail outbox.")
    rows = DBTaskResult.objects.filter(task_path__in=MAIL_TASK_PATHS)
    if state == "failed":
        return rows.filter(status="FAILED").order_by("-finished_at")
    if state == "waiting":
        return rows.filter(status__in=("READY", "RUNNING")).order_by("run_after")
    raise InvalidInput("state is failed or waiting.", fields={"state": ["failed or waiting"]})


def mail_outbox_counts() -> dict[str, int]:
    """Failed and waiting mails (for `smartwork check`)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path__in=MAIL_TASK_PATHS)
    return {"failed": rows.filter(status="FAILED").count(),
            "waiting": rows.filter(status__in=("READY", "RUNNING")).count()}
