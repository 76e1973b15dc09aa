"""Failed-login limits: per account and per client address, a growing delay, an unlock
link by mail, the same answer for accounts that exist and names that do not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from smartwork.accounts import throttle
from smartwork.accounts.models import LoginThrottle

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts"


def attempt(client, email, password, address="10.0.0.1"):
    return client.post("/login/", {"username": email, "password": password},
                       REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
        member, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            response = attempt(client, member.email, "wrong")
            assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = attempt(client, member.email, "pass-1234")
    assert response.status_code == 200, "the right password is refused while locked"
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner is told, with a link that lifts the lock.
    assert [m.to for m in mail.outbox] == [[member.email]]
    link = re.search(r"https?://\S+/login/unlock/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 302
    response = attempt(client, member.email, "pass-1234")
    assert response.status_code == 302, response.content
    assert "_auth_user_id" in client.session


def test_a_name_that_is_no_account_is_locked_the_same_way(db):
    client = Client()
    for _ in range(5):
        attempt(client, "nobody@example.org", "wrong")
    response = attempt(client, "nobody@example.org", "wrong")
    assert LOCKED in response.content.decode()
    assert not mail.outbox


def test_one_address_trying_many_accounts_is_locked(member, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3}
    client = Client()
    for n in range(3):
        attempt(client, f"guess{n}@example.org", "wrong", address="192.0.2.7")
    response = attempt(client, member.email, "pass-1234", address="192.0.2.7")
    assert LOCKED in response.content.decode()
    # Another address is not held back.
    assert attempt(Client(), member.email, "pass-1234", address="192.0.2.8").status_code == 302


def test_the_delay_grows_with_each_lock_up_to_the_maximum(member, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_LOCK_SECONDS": 60,
                          "LOGIN_LOCK_MAX_SECONDS": 200}
    now = timezone.now()
    durations = []
    for _ in range(3):
        for _ in range(5):
            throttle.login_failed(account=member.email, now=now)
        row = LoginThrottle.objects.get(scope="account", key=member.email)
        durations.append((row.locked_until - now).total_seconds())
        with pytest.raises(throttle.LoginLocked):
            throttle.login_check(account=member.email, now=now)
        now = row.locked_until + dt.timedelta(seconds=1)
        throttle.login_check(account=member.email, now=now)  # the lock has passed
    assert durations == [60, 120, 200]


def test_a_success_resets_the_count(member):
    client = Client()
    for _ in range(4):
        attempt(client, member.email, "wrong")
    assert attempt(client, member.email, "pass-1234").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, member.email, "wrong")
    assert attempt(client, member.email, "pass-1234").status_code == 302


def test_a_forged_unlock_link_does_nothing(member):
    for _ in range(5):
        throttle.login_failed(account=member.email)
    assert not throttle.login_unlock(token=f"{member.email}:forged")
    with pytest.raises(throttle.LoginLocked):
        throttle.login_check(account=member.email)


def test_an_empty_password_neither_counts_nor_resets_the_count(member):
    client = Client()
    for _ in range(4):
        attempt(client, member.email, "wrong")
    attempt(client, member.email, "")  # the form's own error; no password checked
    assert LoginThrottle.objects.get(scope="account", key=member.email).failures == 4
    attempt(client, member.email, "wrong")
    assert LOCKED in attempt(client, member.email, "pass-1234").content.decode()


def test_a_lock_set_while_the_password_was_checked_refuses_it(member):
    """login_settle looks again under the row lock: an attempt whose password was
    checked while others locked the account is refused as locked, right or wrong."""
    for _ in range(5):
        throttle.login_failed(account=member.email, address="10.0.0.3")
    for succeeded in (True, False):
        with pytest.raises(throttle.LoginLocked):
            throttle.login_settle(account=member.email, address="10.0.0.4",
                                  succeeded=succeeded)
    row = LoginThrottle.objects.get(scope="account", key=member.email)
    assert row.locks == 1 and row.failures == 0
    assert not LoginThrottle.objects.filter(key="10.0.0.4").exists()
