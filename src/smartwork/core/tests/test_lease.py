"""The task queue's lease (issue #17, core/lease.py): workers beat, the sweeper puts back
the tasks of a silent worker, fails them after the cap, and a mail re-run after its
worker died is not sent twice. The first tests pin the internals of django-tasks-db the
lease relies on: they fail, loudly, if an upgrade changes them."""

from __future__ import annotations

import datetime as dt
import smtplib
import time

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from smartwork.core import lease
from smartwork.core import mail as outbox_mail
from smartwork.core.management.commands.worker import WORKER_ID
from smartwork.core.models import SentMail, WorkerHeartbeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS
    settings.SMARTWORK = {**settings.SMARTWORK, "WORKER_GRACE_SECONDS": 60,
                          "TASK_MAX_REQUEUES": 3}
    return settings


@task()
def noop() -> str:
    return "done"


@task(takes_context=True)
def my_heartbeat(context: TaskContext) -> bool:
    """Whether the worker running this task beats under the id it claimed the row with."""
    worker = context.task_result.worker_ids[-1]
    return WorkerHeartbeat.objects.filter(worker_id=worker).exists()


def _work(*args: str) -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", *args,
                 verbosity=0)


def _running(*, workers: list[str], started: dt.datetime, path: str = "") -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path or noop.module_path, args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", run_after=get_date_max(), status=lease.RUNNING,
        started_at=started, worker_ids=workers)


def _beat(worker: str, at: dt.datetime) -> None:
    lease.heartbeat_beat(worker_id=worker, now=at)


# --- django-tasks-db, as the lease knows it --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_records_its_id_on_the_row_it_claims(db_tasks):
    result = noop.enqueue()
    _work("--worker-id", "w-pinned")
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.worker_ids == ["w-pinned"]
    # A claim appends: the last id is the worker running it, the length the claims.
    row.claim("w-second")
    row.refresh_from_db()
    assert row.status == lease.RUNNING and row.started_at is not None
    assert lease.last_worker(row) == "w-second" and lease.claims(row) == 2


@pytest.mark.django_db
def test_the_statuses_fields_and_queue_the_lease_writes_are_django_tasks_dbs(db_tasks):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import validate_worker_id

    assert {lease.READY, lease.RUNNING, lease.FAILED} <= set(TaskResultStatus.values)
    fields = {f.name for f in DBTaskResult._meta.get_fields()}
    assert {"status", "started_at", "finished_at", "worker_ids", "return_value",
            "exception_class_path", "traceback"} <= fields
    # Our worker's default id passes db_worker's check (at most 64 characters).
    assert validate_worker_id(WORKER_ID) == WORKER_ID
    assert len(lease.worker_id_new()) <= lease.WORKER_ID_MAX
    with pytest.raises(Exception, match="64"):
        validate_worker_id("x" * (lease.WORKER_ID_MAX + 1))
    # A row put back as the sweeper does is one the workers' query picks up again.
    row = _running(workers=["gone"], started=timezone.now() - dt.timedelta(hours=1))
    DBTaskResult.objects.filter(pk=row.pk).update(status=lease.READY, started_at=None)
    assert list(DBTaskResult.objects.ready()) == [DBTaskResult.objects.get(pk=row.pk)]


# --- The sweeper ----------------------------------------------------------------------


def _sweep(*, beat: tuple[str, dt.timedelta],
           claims: list[tuple[str, dt.timedelta]]) -> tuple[dict[str, int], list[DBTaskResult]]:
    """A worker's last beat (who, how long ago) and running rows (claimed by whom, how
    long ago); one sweep at NOW: what it answered and the rows as it left them."""
    _beat(beat[0], NOW - beat[1])
    rows = [_running(workers=[worker], started=NOW - ago) for worker, ago in claims]
    swept = lease.tasks_requeue_lost(now=NOW)
    for row in rows:
        row.refresh_from_db()
    return swept, rows


@pytest.mark.django_db
def test_a_running_row_of_a_dead_worker_is_put_back(db_tasks):
    swept, rows = _sweep(beat=("dead", dt.timedelta(seconds=90)),
                         claims=[("dead", dt.timedelta(minutes=5)),
                                 ("never-beat", dt.timedelta(minutes=5))])
    assert swept == {"requeued": 2, "failed": 0}
    for r in rows:
        assert r.status == lease.READY and r.started_at is None
        assert r.worker_ids  # kept: they count the claims
    assert lease.tasks_requeue_lost(now=NOW) == {"requeued": 0, "failed": 0}


@pytest.mark.django_db
def test_a_live_workers_row_and_a_fresh_claim_are_left_alone(db_tasks):
    # A long task of a live worker, and one claimed a moment ago by a worker whose first
    # beat is not in yet.
    swept, rows = _sweep(beat=("alive", dt.timedelta(seconds=5)),
                         claims=[("alive", dt.timedelta(hours=3)),
                                 ("starting", dt.timedelta(seconds=10))])
    assert swept == {"requeued": 0, "failed": 0}
    for r in rows:
        assert r.status == lease.RUNNING


@pytest.mark.django_db
def test_after_the_cap_a_row_is_failed_where_the_operator_sees_failed_mails(
        db_tasks, api, django_user_model):
    started = NOW - dt.timedelta(minutes=5)
    three = _running(workers=["a", "b", "c"], started=started)  # re-queued twice: once more
    four = _running(workers=["a", "b", "c", "d"], started=started,
                    path=outbox_mail.MAIL_TASK_PATH)
    assert lease.tasks_requeue_lost(now=NOW) == {"requeued": 1, "failed": 1}
    three.refresh_from_db()
    four.refresh_from_db()
    assert three.status == lease.READY
    assert four.status == lease.FAILED and four.finished_at == NOW
    assert four.exception_class_path == lease.WORKER_LOST_PATH
    assert "stopped 4 times" in four.traceback and "re-queued 3 times" in four.traceback
    # The task framework resolves the error to our exception class.
    assert four.task_result.errors[0].exception_class is lease.WorkerLost
    # The operator's list of failed mails, and `smartwork check`'s count.
    root = django_user_model.objects.create_superuser("root@example.org", "pass-1234")
    failed = api(root).get("/mail/outbox").json()
    assert failed["count"] == 1
    assert failed["items"][0]["error"].startswith(lease.WORKER_LOST_PATH)
    assert outbox_mail.mail_outbox_counts()["failed"] == 1


@pytest.mark.django_db
def test_the_sweep_forgets_old_heartbeats_and_sent_marks(db_tasks):
    _beat("long-gone", NOW - dt.timedelta(days=2))
    _beat("recent", NOW - dt.timedelta(hours=1))
    SentMail.objects.create(task_id="old", sent_at=NOW - dt.timedelta(days=8))
    SentMail.objects.create(task_id="new", sent_at=NOW - dt.timedelta(days=1))
    counts = lease.tasks_sweep(now=NOW)
    assert counts["heartbeats_purged"] == 1 and counts["sent_marks_purged"] == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]
    assert list(SentMail.objects.values_list("task_id", flat=True)) == ["new"]


def test_the_sweeper_is_a_periodic_job():
    from smartwork.core import periodic

    jobs = {job.name: job for job in periodic.registered()}
    assert jobs["core.tasks_sweep"].func is lease.tasks_sweep
    assert not jobs["core.tasks_sweep"].is_task()  # runs in the scheduler, not the queue


# --- The heartbeat --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_under_the_id_it_claims_with_and_forgets_it_on_exit(db_tasks):
    result = my_heartbeat.enqueue()
    call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "w-beats",
                 verbosity=0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value is True, row.traceback
    assert row.worker_ids == ["w-beats"]
    assert not WorkerHeartbeat.objects.filter(worker_id="w-beats").exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_worker_is_busy(db_tasks):
    beat = lease.Heartbeat(worker_id="w-thread", every=0.05)
    beat.start()
    try:
        deadline = time.monotonic() + 20
        while WorkerHeartbeat.objects.filter(worker_id="w-thread").count() == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first = WorkerHeartbeat.objects.get(worker_id="w-thread").last_seen
        while WorkerHeartbeat.objects.get(worker_id="w-thread").last_seen == first:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        beat.stop()
    assert not beat.is_alive()


# --- Mails run again ------------------------------------------------------------------


def sending_sender(*, to: str) -> None:
    EmailMessage(subject="Hello", body="Once.", to=[to]).send()


def failing_sender(*, to: str) -> None:
    raise smtplib.SMTPServerDisconnected("the mail server is away")


def _died_under(row_id: object) -> None:
    """The row as a worker killed after the task's work, before its result, leaves it."""
    DBTaskResult.objects.filter(pk=row_id).update(
        status=lease.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=5),
        finished_at=None, return_value=None, worker_ids=["killed"])


@pytest.mark.django_db(transaction=True)
def test_a_mail_run_again_after_its_worker_died_is_not_sent_twice(db_tasks):
    with transaction.atomic():
        outbox_mail.mail_later(f"{__name__}.sending_sender", to="once@example.org")
    _work()
    row = DBTaskResult.objects.get(task_path=outbox_mail.MAIL_TASK_PATH)
    assert row.return_value == "sent" and len(mail.outbox) == 1
    assert SentMail.objects.filter(task_id=str(row.pk)).exists()

    _died_under(row.pk)
    assert lease.tasks_requeue_lost()["requeued"] == 1
    _work()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == outbox_mail.SENT_BEFORE
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_mail_not_sent_before_its_worker_died_is_sent_by_the_next(db_tasks):
    with transaction.atomic():
        outbox_mail.mail_later(f"{__name__}.sending_sender", to="late@example.org")
    row = DBTaskResult.objects.get(task_path=outbox_mail.MAIL_TASK_PATH)
    _died_under(row.pk)  # claimed, then killed before the mail server answered
    assert lease.tasks_requeue_lost()["requeued"] == 1
    _work()
    row.refresh_from_db()
    assert row.return_value == "sent" and [m.to for m in mail.outbox] == [["late@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_a_retry_handed_on_is_not_handed_on_twice(db_tasks):
    with transaction.atomic():
        outbox_mail.mail_later(f"{__name__}.failing_sender", to="x@example.org")
    _work()
    rows = DBTaskResult.objects.filter(task_path=outbox_mail.MAIL_TASK_PATH)
    first = rows.get(status="SUCCESSFUL")
    assert first.return_value.startswith("retry 2") and rows.count() == 2

    _died_under(first.pk)
    assert lease.tasks_requeue_lost()["requeued"] == 1
    _work()
    first.refresh_from_db()
    assert first.return_value == outbox_mail.SENT_BEFORE
    assert rows.count() == 2  # still the one retry, waiting for its time
