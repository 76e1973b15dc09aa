"""Mails never inside a request (issue #17 §2, core/mail.py): with the database task
backend and the mail server out of reach, the staff import answers 200, its invitations
wait in the outbox as task rows written in the import's transaction, are retried with
back-off, show up for the operator, and go out once the server is back."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from smartwork.core import mail as outbox_mail

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


@pytest.fixture
def unreachable_mail(settings):
    settings.TASKS = DB_TASKS
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": _closed_port(), "timeout": 3}}}
    return settings


LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _rows():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=outbox_mail.MAIL_TASK_PATH)


def _work() -> None:
    """The worker, as `smartwork worker` runs it: every task due now, then exit."""
    call_command("db_worker", "--batch", "--no-reload", verbosity=0)


def _make_due() -> None:
    _rows().filter(status="READY").update(run_after=timezone.now() - dt.timedelta(seconds=1))


CSV = b"email,first_name,last_name\r\n" + b"".join(
    f"person{i}@example.org,P{i},L{i}\r\n".encode() for i in range(3))


@pytest.mark.django_db(transaction=True)
def test_import_answers_200_and_invitations_go_out_later(unreachable_mail, api, company_admin,
                                                         company, django_user_model):
    client = api(company_admin).client
    r = client.post(f"/api/v1/companies/{company.pk}/staff/import",
                    {"file": SimpleUploadedFile("staff.csv", CSV, "text/csv")})
    assert r.status_code == 200, r.content
    assert r.json()["invited"] == 3
    assert mail.outbox == []
    assert _rows().filter(status="READY").count() == 3  # written with the import

    # The mail server is down: each mail fails once and is put back with a back-off.
    _work()
    assert mail.outbox == []
    failed_first = _rows().filter(status="FAILED").count()
    assert failed_first == 0
    retries = _rows().filter(status="READY")
    assert retries.count() == 3
    for row in retries:
        assert row.args_kwargs["args"][2] == 2  # the second attempt
        assert row.run_after > timezone.now() + dt.timedelta(seconds=50)
    _work()  # not due yet: nothing happens
    assert _rows().filter(status="READY").count() == 3

    # The platform's operator sees them waiting.
    root = django_user_model.objects.create_superuser("root@example.org", "pass-1234")
    waiting = api(root).get("/mail/outbox", {"state": "waiting"})
    assert waiting.status_code == 200 and waiting.json()["count"] == 3
    assert api(company_admin).get("/mail/outbox").status_code == 403

    # The server is back.
    unreachable_mail.MAILERS = LOCMEM
    _make_due()
    _work()
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.org" for i in range(3)]
    assert "/invitations/accept?token=" in mail.outbox[0].body
    assert _rows().filter(status="READY").count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_mail_fails_for_good_after_its_attempts_and_is_listed(unreachable_mail, api,
                                                                 company_admin, company,
                                                                 django_user_model):
    r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                {"email": "late@example.org"})
    assert r.status_code == 201, r.content
    for _ in range(outbox_mail.MAX_ATTEMPTS):
        _make_due()
        _work()
    assert _rows().filter(status="FAILED").count() == 1
    assert _rows().filter(status="READY").count() == 0
    root = django_user_model.objects.create_superuser("root@example.org", "pass-1234")
    failed = api(root).get("/mail/outbox").json()
    assert failed["count"] == 1
    item = failed["items"][0]
    assert item["task"] == "mail_deliver" and item["error"]
    assert outbox_mail.mail_outbox_counts()["failed"] == 1

    # The admin resends it once the server is back.
    invitation_id = r.json()["id"]
    unreachable_mail.MAILERS = LOCMEM
    again = api(company_admin).post(
        f"/companies/{company.pk}/invitations/{invitation_id}/resend")
    assert again.status_code == 200, again.content
    _work()
    assert [m.to for m in mail.outbox] == [["late@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(settings, company_admin, company):
    from django.db import transaction

    from smartwork.accounts.services import invitation_create

    settings.TASKS = DB_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create(actor=company_admin, company=company, email="ghost@example.org")
        raise RuntimeError("the request failed after the invitation")
    assert _rows().count() == 0


def test_backoff_grows():
    waits = [outbox_mail.backoff(n).total_seconds() for n in range(1, outbox_mail.MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == 60 and waits[-1] == 12 * 3600


@pytest.mark.django_db
def test_resend_refuses_a_closed_invitation_and_other_companies(
        api, company_admin, company, network, member, django_capture_on_commit_callbacks):
    from smartwork.accounts.models import Invitation

    r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                {"email": "x@example.org"})
    invitation = Invitation.objects.get(pk=r.json()["id"])
    url = f"/companies/{company.pk}/invitations/{invitation.pk}/resend"
    assert api(member).post(url).status_code == 403
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert api(company_admin).post(url).status_code == 200
    assert len(mail.outbox) == 1
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    r = api(company_admin).post(url)
    assert r.status_code == 409 and r.json()["error"]["code"] == "invitation_closed"
    assert api(company_admin).post(
        f"/companies/{company.pk}/invitations/{invitation.pk + 999}/resend").status_code == 404
