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
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from smartwork.core.outbox import task_enqueue_after_commit

log = logging.getLogger("smartwork.mail")

# Seconds to wait before attempt 2, 3, ...; the number of attempts is one more.
BACKOFF_SECONDS = (60, 300, 900, 3600, 4 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
TRANSIENT = (smtplib.SMTPException, OSError)
MAIL_TASK_PATH = "smartwork.core.mail.mail_deliver"


def mail_later(sender: str, **kwargs: Any) -> None:
    """Send the mail built by `sender(**kwargs)` once the current transaction commits
    (with the database backend: a task row written in this transaction)."""
    _sender(sender)  # fail now, in the caller's test, on a wrong path
    task_enqueue_after_commit(mail_deliver, sender, kwargs, 1)


def _sender(path: str) -> Any:
    if not path.startswith("smartwork."):
        raise ValueError(f"not a smartwork mail sender: {path}")
    return import_string(path)


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1-based)."""
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1])


@task()
def mail_deliver(sender: str, kwargs: dict[str, Any], attempt: int = 1) -> str:
    """Build and send one mail; on a transient failure enqueue the next attempt."""
    func = _sender(sender)
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
        mail_deliver.using(run_after=timezone.now() + wait).enqueue(sender, kwargs,
                                                                    attempt + 1)
        return f"retry {attempt + 1} after {wait}"
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
