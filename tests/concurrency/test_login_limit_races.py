"""Failed-login limits under guesses sent at once: a script firing many wrong passwords
in parallel gets no more of them checked than the limit allows, the rest are refused
as locked. The password login (per account and per client address) and the WiFi
password (per login and per device, through the RADIUS decision and the rlm_rest API).
Real threads, each with its own connection, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from smartwork.accounts import throttle
from smartwork.accounts.models import LoginThrottle
from smartwork.core import testing
from smartwork.wifi.choices import AuthReason
from smartwork.wifi.models import WifiIdentity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

GUESSES = 12
LIMIT = 3
LOCKED = "Too many failed attempts"


def login_post(email: str, password: str, address: str) -> Any:
    def call() -> str:
        response = Client().post("/login/", {"username": email, "password": password},
                                 REMOTE_ADDR=address)
        if response.status_code == 302:
            return "in"
        return "locked" if LOCKED in response.content.decode() else "wrong"

    return call


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(member, settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES": LIMIT}
    results = testing.run_together(
        [login_post(member.email, f"wrong-{n}", f"10.9.0.{n}") for n in range(GUESSES)])
    assert sorted(results) == ["locked"] * (GUESSES - LIMIT) + ["wrong"] * LIMIT, results
    row = LoginThrottle.objects.get(scope=throttle.ACCOUNT, key=member.email.lower())
    assert row.locked_until is not None and row.locks == 1 and row.failures == 0


def test_parallel_guesses_from_one_address_are_checked_no_more_than_its_limit(member,
                                                                               settings):
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES_PER_ADDRESS": LIMIT}
    results = testing.run_together(
        [login_post(f"guess{n}@example.org", "wrong", "192.0.2.9") for n in range(GUESSES)])
    assert sorted(results) == ["locked"] * (GUESSES - LIMIT) + ["wrong"] * LIMIT, results
    row = LoginThrottle.objects.get(scope=throttle.ADDRESS, key="192.0.2.9")
    assert row.locked_until is not None and row.locks == 1


def test_the_right_password_among_parallel_wrong_ones_is_let_in_or_refused_as_locked(
        member, settings):
    """Whatever the order, the right password is either let in (its turn came before the
    limit) or refused as locked. Refused, no more wrong ones than the limit were checked;
    let in, it forgot the failures before it, so fewer than the limit came before it
    and no more than the limit after."""
    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES": LIMIT}
    calls = [login_post(member.email, f"wrong-{n}", "10.9.1.1") for n in range(GUESSES)]
    calls.insert(GUESSES // 2, login_post(member.email, "pass-1234", "10.9.1.1"))
    results = testing.run_together(calls)
    right = results.pop(GUESSES // 2)
    assert right in ("in", "locked"), results
    wrong = results.count("wrong")
    assert wrong == LIMIT if right == "locked" else LIMIT <= wrong <= 2 * LIMIT - 1, results
    assert results.count("locked") == GUESSES - wrong, results


# --- WiFi ----------------------------------------------------------------------------


@pytest.fixture
def wifi(member, company, network):
    from smartwork.wifi.services import clear_caches, nas_create, wifi_identity_rotate_password
    from smartwork.wifi.tests.helpers import give_credit

    clear_caches()
    give_credit(company)
    centre = testing.make_centre(network=network, name="WiFi Centre", hours=None)
    nas, _ = nas_create(actor=testing.make_operator(network), centre=centre, name="AP",
                        address="127.0.0.1", secret="test-secret-0123456789")
    identity, password = wifi_identity_rotate_password(member=member, actor=member)
    yield nas, identity, password
    clear_caches()


def radius_try(nas_id: int, username: str, password: str, station: str) -> Any:
    def call() -> str:
        from smartwork.wifi.models import Nas
        from smartwork.wifi.services import radius_authenticate

        nas = Nas.objects.select_related("centre__network").get(pk=nas_id)
        return str(radius_authenticate(nas=nas, username=username, password=password,
                                       calling_station_id=station).reason)

    return call


@override_settings(SMARTWORK_WIFI={"MAX_FAILURES": LIMIT})
def test_parallel_wrong_wifi_passwords_are_checked_no_more_than_the_limit(wifi):
    nas, identity, _password = wifi
    # One device each: only the login's own limit applies.
    results = testing.run_together([
        radius_try(nas.pk, identity.username, f"wrong-{n}", f"AA:00:00:00:00:{n:02d}")
        for n in range(GUESSES)])
    assert sorted(results) == (
        [AuthReason.BAD_PASSWORD] * LIMIT + [AuthReason.RATE_LIMITED] * (GUESSES - LIMIT)
    ), results
    assert WifiIdentity.objects.get(pk=identity.pk).locked_until is not None


@override_settings(SMARTWORK_WIFI={"MAX_FAILURES_PER_ADDRESS": LIMIT})
def test_parallel_wifi_guesses_from_one_device_are_checked_no_more_than_its_limit(wifi):
    nas, identity, password = wifi
    calls = [radius_try(nas.pk, f"nobody{n}", "x", "BB:00:00:00:00:01") for n in range(GUESSES)]
    results = testing.run_together(calls)
    assert sorted(results) == (
        [AuthReason.RATE_LIMITED] * (GUESSES - LIMIT) + [AuthReason.UNKNOWN_USER] * LIMIT
    ), results
    row = LoginThrottle.objects.get(scope="wifi_addr", key="station:bb0000000001")
    assert row.locked_until is not None and row.locks == 1
    # The login itself was never guessed at: from another device it goes in.
    assert radius_try(nas.pk, identity.username, password, "BB:00:00:00:00:02")() == "ok"


@override_settings(SMARTWORK_WIFI={"MAX_FAILURES": LIMIT})
def test_parallel_wrong_passwords_through_rlm_rest_are_checked_no_more_than_the_limit(
        wifi, wifi_token):
    _nas, identity, _password = wifi

    def post(n: int) -> Any:
        def call() -> int:
            body = {"User-Name": identity.username, "User-Password": f"wrong-{n}",
                    "NAS-IP-Address": "127.0.0.1", "Calling-Station-Id": f"CC-00-00-00-00-{n:02d}"}
            return Client().post("/api/v1/wifi/radius/authenticate", body,
                                  content_type="application/json",
                                  headers={"X-Radius-Token": wifi_token}).status_code

        return call

    assert testing.run_together([post(n) for n in range(GUESSES)]) == [401] * GUESSES
    from smartwork.wifi.models import AuthAttempt

    reasons = sorted(AuthAttempt.objects.values_list("reason", flat=True))
    assert reasons == (
        [AuthReason.BAD_PASSWORD] * LIMIT + [AuthReason.RATE_LIMITED] * (GUESSES - LIMIT)
    ), reasons


@pytest.fixture
def wifi_token(network):
    from smartwork.wifi.services import radius_token_create

    _, raw = radius_token_create(actor=testing.make_operator(network), network=network,
                                 name="freeradius-1")
    return raw
