"""The booking mail task run again after its worker died (core/lease.py puts the row
back) sends nothing twice: it finds the mark it wrote after the mail went out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartwork.bookings import services
from smartwork.bookings.tests.factories import workday
from smartwork.core import lease
from smartwork.core import mail as outbox_mail

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes a test transaction

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _work() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def test_a_booking_mail_run_again_after_its_worker_died_is_not_sent_twice(settings, member,
                                                                          desk):
    settings.TASKS = DB_TASKS
    services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
    _work()
    row = DBTaskResult.objects.get(task_path="smartwork.bookings.tasks.booking_mail")
    assert row.return_value == "sent"
    sent = len(mail.outbox)
    assert sent >= 1

    # Its worker killed after the mail went out, before the result was written.
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=lease.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=5),
        return_value=None, worker_ids=["killed"])
    assert lease.tasks_requeue_lost()["requeued"] == 1
    _work()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == outbox_mail.SENT_BEFORE
    assert len(mail.outbox) == sent
