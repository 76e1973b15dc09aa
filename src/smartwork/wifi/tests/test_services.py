from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from smartwork.accounts.choices import Role
from smartwork.accounts.models import LoginThrottle
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.network.choices import AllianceStatus, LabelStatus, WifiAccessRule
from smartwork.network.models import Alliance, Closure, OpeningHours
from smartwork.wifi import crypto
from smartwork.wifi.choices import AcctStatus, AuthReason
from smartwork.wifi.models import Nas, PresenceSession, WifiIdentity
from smartwork.wifi.services import (
    AccountingRecord,
    clear_caches,
    nas_create,
    nas_for_address,
    nas_rotate_secret,
    nas_update,
    presence_close_for_nas,
    presence_close_stale,
    radius_accounting,
    radius_authenticate,
    wifi_identity_rotate_password,
)
from smartwork.wifi.tests.helpers import make_booking

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# A Wednesday at 10:00 in Brussels: the `centre` fixture is open 08:00-18:00 Mon-Fri.
WEDNESDAY_10 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def hours_nas(centre, wifi_operator):
    nas, _ = nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.0.0.0/24")
    return Nas.objects.select_related("centre__network").get(pk=nas.pk)


def auth(nas, login, password=None, now=WEDNESDAY_10):
    return radius_authenticate(nas=nas, username=login.username,
                               password=login.password if password is None else password, now=now)


class TestCrypto:
    def test_generated_passwords_are_long_random_and_check_with_typing_slack(self):
        a, b = crypto.generate_password(), crypto.generate_password()
        assert a != b and len(a.replace("-", "")) == crypto.PASSWORD_LENGTH
        encoded = crypto.hash_password(a)
        assert a not in encoded and encoded.startswith("hmac_sha256$")
        assert crypto.check_password(a, encoded)
        assert crypto.check_password(a.replace("-", " ").upper(), encoded)
        assert not crypto.check_password(b, encoded)
        assert not crypto.check_password(a, "md5$x$y")

    def test_a_rotated_secret_key_still_checks_with_the_fallback(self, settings):
        encoded = crypto.hash_password("abcd-efgh")
        token = crypto.encrypt_secret("nas-secret-123456")
        old = settings.SECRET_KEY
        with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old]):
            assert crypto.check_password("abcd-efgh", encoded)
            assert crypto.decrypt_secret(token) == "nas-secret-123456"
        with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
            assert not crypto.check_password("abcd-efgh", encoded)
            with pytest.raises(ValueError):
                crypto.decrypt_secret(token)


class TestIdentity:
    def test_username_is_derived_unique_and_the_password_shown_once(self, network, company):
        first = testing.make_user(first_name="Anne-Marie", last_name="Dupont Lévêque",
                                  network=network, company=company)
        second = testing.make_user(first_name="Anne-Marie", last_name="Dupont Lévêque",
                                   network=network, company=company)
        a, password = wifi_identity_rotate_password(member=first, actor=first)
        b, _ = wifi_identity_rotate_password(member=second, actor=second)
        assert a.username == "annemarie.dupont.leveque"
        assert a.username.isascii() and a.username == a.username.lower()
        assert b.username == a.username + "2"
        assert crypto.check_password(password, a.password_hash)
        entry = AuditEntry.objects.get(action="wifi.identity_created", object_id=str(a.pk))
        assert password not in str(entry.data)

    def test_rotation_replaces_the_password_and_clears_a_lock(self, login):
        WifiIdentity.objects.filter(pk=login.identity.pk).update(
            locked_until=timezone.now() + dt.timedelta(hours=1), failed_attempts=3)
        identity, new = wifi_identity_rotate_password(member=login.member, actor=login.member)
        assert identity.pk == login.identity.pk and identity.username == login.username
        assert new != login.password
        assert identity.locked_until is None and identity.failed_attempts == 0
        assert not crypto.check_password(login.password, identity.password_hash)
        assert AuditEntry.objects.filter(action="wifi.password_rotated").exists()

    def test_someone_else_cannot_rotate_a_members_password(self, login, outsider):
        with pytest.raises(Forbidden):
            wifi_identity_rotate_password(member=login.member, actor=outsider)


class TestAuthenticate:
    def test_accepts_with_session_timeout_until_closing_time(self, hours_nas, login):
        d = auth(hours_nas, login)
        assert d.accept and d.reason == AuthReason.OK
        assert d.session_timeout == 8 * 3600  # 10:00 -> 18:00

    def test_rejects_outside_opening_hours_and_on_closure_days(self, hours_nas, login, centre):
        evening = WEDNESDAY_10.replace(hour=19)
        assert auth(hours_nas, login, now=evening).reason == AuthReason.CENTRE_CLOSED
        Closure.objects.create(centre=centre, start_date=dt.date(2026, 11, 25),
                               end_date=dt.date(2026, 11, 25), reason="Works")
        from smartwork.wifi import calendar

        calendar.clear_cache()
        assert auth(hours_nas, login).reason == AuthReason.CENTRE_CLOSED

    def test_timeout_follows_the_interval_the_request_falls_in(self, hours_nas, login, centre):
        OpeningHours.objects.filter(centre=centre, weekday=2).delete()
        OpeningHours.objects.create(centre=centre, weekday=2, opens=dt.time(8), closes=dt.time(12))
        OpeningHours.objects.create(centre=centre, weekday=2, opens=dt.time(13),
                                    closes=dt.time(17, 30))
        d = auth(hours_nas, login, now=WEDNESDAY_10.replace(hour=14))
        assert d.accept and d.session_timeout == 3 * 3600 + 1800
        assert auth(hours_nas, login, now=WEDNESDAY_10.replace(hour=12, minute=30)).reason == (
            AuthReason.CENTRE_CLOSED)

    def test_wrong_password_unknown_user_and_no_password(self, hours_nas, login):
        assert auth(hours_nas, login, "nope").reason == AuthReason.BAD_PASSWORD
        assert auth(hours_nas, login, "").reason == AuthReason.NO_PASSWORD
        d = radius_authenticate(nas=hours_nas, username="ghost", password="x", now=WEDNESDAY_10)
        assert (d.accept, d.reason, d.member_id) == (False, AuthReason.UNKNOWN_USER, None)

    def test_username_is_matched_case_insensitively(self, hours_nas, login):
        d = radius_authenticate(nas=hours_nas, username=f"  {login.username.upper()} ",
                                password=login.password, now=WEDNESDAY_10)
        assert d.accept

    def test_member_state_company_and_identity_are_checked(self, hours_nas, login, company):
        company.is_active = False
        company.save(update_fields=["is_active"])
        assert auth(hours_nas, login).reason == AuthReason.COMPANY_INACTIVE
        company.is_active = True
        company.save(update_fields=["is_active"])
        WifiIdentity.objects.filter(pk=login.identity.pk).update(is_active=False)
        assert auth(hours_nas, login).reason == AuthReason.IDENTITY_DISABLED

    def test_rights_follow_label_and_alliances(self, hours_nas, login, outsider, centre):
        identity, password = wifi_identity_rotate_password(member=outsider, actor=outsider)
        # No company credit: a booking here today is what lets them on.
        make_booking(member=outsider, centre=centre, start=WEDNESDAY_10)
        d = radius_authenticate(nas=hours_nas, username=identity.username, password=password,
                                now=WEDNESDAY_10)
        assert d.reason == AuthReason.NO_RIGHT
        Alliance.objects.create(network_a=centre.network, network_b=outsider.network,
                                starts_on=dt.date(2026, 1, 1), status=AllianceStatus.ACTIVE)
        clear_caches()  # alliances are cached for a minute
        d = radius_authenticate(nas=hours_nas, username=identity.username, password=password,
                                now=WEDNESDAY_10)
        assert d.accept
        centre.label_status = LabelStatus.SUSPENDED
        centre.save(update_fields=["label_status"])
        hours_nas.centre.label_status = LabelStatus.SUSPENDED
        assert auth(hours_nas, login).reason == AuthReason.NO_RIGHT

    def test_credit_rule_needs_credit_or_a_booking_today(self, hours_nas, centre, network):
        poor = testing.make_user(network=network, company=testing.make_organisation(
            network=network))
        identity, password = wifi_identity_rotate_password(member=poor, actor=poor)
        d = radius_authenticate(nas=hours_nas, username=identity.username, password=password,
                                now=WEDNESDAY_10)
        assert d.reason == AuthReason.NO_CREDIT
        make_booking(member=poor, centre=centre, start=WEDNESDAY_10.replace(hour=13))
        d = radius_authenticate(nas=hours_nas, username=identity.username, password=password,
                                now=WEDNESDAY_10)
        assert d.accept

    def test_booking_required_rule(self, hours_nas, login, centre):
        centre.network.wifi_access_rule = WifiAccessRule.BOOKING_REQUIRED
        centre.network.save(update_fields=["wifi_access_rule"])
        hours_nas.centre.network.wifi_access_rule = WifiAccessRule.BOOKING_REQUIRED
        assert auth(hours_nas, login).reason == AuthReason.NO_BOOKING
        # Yesterday's booking and a cancelled one do not count; today's, later on, does.
        make_booking(member=login.member, centre=centre,
                     start=WEDNESDAY_10 - dt.timedelta(days=1))
        make_booking(member=login.member, centre=centre, start=WEDNESDAY_10, state="cancelled")
        assert auth(hours_nas, login).reason == AuthReason.NO_BOOKING
        make_booking(member=login.member, centre=centre, start=WEDNESDAY_10.replace(hour=14))
        assert auth(hours_nas, login).accept

    def test_failed_attempts_lock_the_login_then_a_good_password_is_refused(
        self, hours_nas, login
    ):
        for _ in range(5):
            assert auth(hours_nas, login, "bad").reason == AuthReason.BAD_PASSWORD
        identity = WifiIdentity.objects.get(pk=login.identity.pk)
        assert identity.locked_until == WEDNESDAY_10 + dt.timedelta(minutes=15)
        assert auth(hours_nas, login).reason == AuthReason.RATE_LIMITED
        later = WEDNESDAY_10 + dt.timedelta(minutes=16)
        assert auth(hours_nas, login, now=later).accept

    def test_failures_outside_the_window_start_a_new_count(self, hours_nas, login):
        for i in range(4):
            auth(hours_nas, login, "bad", now=WEDNESDAY_10 + dt.timedelta(minutes=20 * i))
        identity = WifiIdentity.objects.get(pk=login.identity.pk)
        assert identity.failed_attempts == 1 and identity.locked_until is None

    def test_a_success_resets_the_count(self, hours_nas, login):
        auth(hours_nas, login, "bad")
        auth(hours_nas, login)
        assert WifiIdentity.objects.get(pk=login.identity.pk).failed_attempts == 0

    def test_a_success_does_not_wipe_failures_counted_since_it_read_the_login(
        self, hours_nas, login
    ):
        from smartwork.wifi.services import _failures_forget, _identity_row

        auth(hours_nas, login, "bad")
        seen = _identity_row(login.username, WEDNESDAY_10)
        auth(hours_nas, login, "bad")  # counted while the right password was checked
        _failures_forget(seen, WEDNESDAY_10)
        assert WifiIdentity.objects.get(pk=login.identity.pk).failed_attempts == 2
        _failures_forget(_identity_row(login.username, WEDNESDAY_10), WEDNESDAY_10)
        assert WifiIdentity.objects.get(pk=login.identity.pk).failed_attempts == 0

    def test_a_wrong_password_checked_while_the_login_got_locked_is_refused_uncounted(
        self, hours_nas, login
    ):
        from smartwork.wifi.services import _failure_settle

        for _ in range(5):
            auth(hours_nas, login, "bad")
        assert not _failure_settle(identity_id=login.identity.pk, username=login.username,
                                   address="station:aa", now=WEDNESDAY_10)
        identity = WifiIdentity.objects.get(pk=login.identity.pk)
        assert identity.failed_attempts == 0 and identity.locked_until is not None
        assert not LoginThrottle.objects.filter(key="station:aa").exists()


class TestAddressLimit:
    """Failures are counted per client address too (accounts.throttle, in the database):
    one device guessing many names is stopped, whichever names exist."""

    @override_settings(SMARTWORK_WIFI={"MAX_FAILURES_PER_ADDRESS": 6})
    def test_a_device_guessing_names_is_locked_then_freed(self, hours_nas, login, member):
        def from_device(username, password, station="AA:BB:CC:00:00:01", now=WEDNESDAY_10):
            return radius_authenticate(nas=hours_nas, username=username, password=password,
                                       now=now, calling_station_id=station)

        for i in range(3):
            assert from_device(f"nobody{i}", "x").reason == AuthReason.UNKNOWN_USER
        for _ in range(3):
            assert from_device(login.username, "bad").reason == AuthReason.BAD_PASSWORD
        # The device is locked (6 failures, 3 of them on names that do not exist): even
        # the right password of a login that is not locked itself is refused from it.
        assert WifiIdentity.objects.get(pk=login.identity.pk).locked_until is None
        assert from_device(login.username, login.password).reason == AuthReason.RATE_LIMITED
        # Written otherwise, the same device is the same key.
        assert from_device(login.username, login.password,
                           station="aa-bb-cc-00-00-01").reason == AuthReason.RATE_LIMITED
        assert from_device(login.username, login.password, station="AA:BB:CC:00:00:02").accept
        later = WEDNESDAY_10 + dt.timedelta(minutes=16)  # LOCKOUT_SECONDS: 15 min
        assert from_device(login.username, login.password, now=later).accept
        # Locked again at once: twice as long.
        for i in range(6):
            from_device(f"nobody{i}", "x", now=later)
        row = LoginThrottle.objects.get(scope="wifi_addr", key="station:aabbcc000001")
        assert row.locked_until == later + dt.timedelta(minutes=30) and row.locks == 2

    @override_settings(SMARTWORK_WIFI={"MAX_FAILURES_PER_ADDRESS": 2,
                                       "MAX_FAILURES_PER_ACCESS_POINT": 3})
    def test_without_calling_station_id_the_access_point_is_the_address(self, hours_nas,
                                                                         login):
        for _ in range(2):
            auth(hours_nas, login, "bad")
        assert auth(hours_nas, login, "bad").reason == AuthReason.BAD_PASSWORD  # 3rd
        assert LoginThrottle.objects.filter(scope="wifi_addr", key=f"nas:{hours_nas.pk}",
                                            locked_until__isnull=False).exists()
        assert auth(hours_nas, login).reason == AuthReason.RATE_LIMITED

    def test_unknown_names_are_counted_like_wrong_passwords(self, hours_nas):
        for _ in range(5):
            radius_authenticate(nas=hours_nas, username="Ghost ", password="x",
                                now=WEDNESDAY_10)
        row = LoginThrottle.objects.get(scope="wifi_name", key="ghost")
        assert row.locked_until == WEDNESDAY_10 + dt.timedelta(minutes=15)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_all_counted(centre, wifi_operator, member):
    """Eight threads guess at once: the row lock counts every failure, so the
    login locks at the fifth and the count is exact."""
    nas, _ = nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.0.0.1")
    nas = Nas.objects.select_related("centre__network").get(pk=nas.pk)
    identity, _ = wifi_identity_rotate_password(member=member, actor=member)
    barrier = threading.Barrier(4)
    errors = []

    def guess():
        try:
            barrier.wait()
            radius_authenticate(nas=nas, username=identity.username, password="bad",
                                now=WEDNESDAY_10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    identity.refresh_from_db()
    assert identity.failed_attempts == 4 and identity.locked_until is None
    radius_authenticate(nas=nas, username=identity.username, password="bad", now=WEDNESDAY_10)
    identity.refresh_from_db()
    assert identity.locked_until is not None


class TestNas:
    def test_create_normalises_and_encrypts(self, centre, wifi_operator):
        nas, secret = nas_create(actor=wifi_operator, centre=centre, name="AP",
                                 address=" 10.1.2.3/24 ")
        assert nas.address == "10.1.2.0/24"
        assert len(secret) >= 16 and secret not in nas.secret_encrypted
        assert crypto.decrypt_secret(nas.secret_encrypted) == secret
        single, _ = nas_create(actor=wifi_operator, centre=centre, name="AP2",
                               address="10.9.0.1/32")
        assert single.address == "10.9.0.1"

    def test_bad_address_short_secret_and_overlap_are_refused(self, centre, wifi_operator):
        with pytest.raises(InvalidInput) as exc:
            nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.1.2")
        assert "address" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.1.2.3",
                       secret="short")
        assert "secret" in exc.value.fields
        nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.1.2.0/24")
        with pytest.raises(Conflict) as exc:
            nas_create(actor=wifi_operator, centre=centre, name="AP-b", address="10.1.2.128/25")
        assert "address" in exc.value.fields
        assert Nas.objects.count() == 1

    def test_the_operator_and_the_centre_manager_register(self, centre, manager):
        nas, _ = nas_create(actor=manager, centre=centre, name="AP", address="10.1.2.3")
        nas_rotate_secret(actor=manager, nas=nas)
        nas_update(actor=manager, nas=nas, is_active=False)
        other = testing.make_centre_staff(testing.make_centre(network=centre.network))
        with pytest.raises(Forbidden):
            nas_create(actor=other, centre=centre, name="AP2", address="10.1.2.4")
        with pytest.raises(Forbidden):
            nas_rotate_secret(actor=other, nas=nas)
        receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
        with pytest.raises(Forbidden):
            nas_update(actor=receptionist, nas=nas, is_active=True)

    def test_lookup_prefers_the_most_specific_range(self, centre, wifi_operator):
        nas, _ = nas_create(actor=wifi_operator, centre=centre, name="AP", address="10.1.2.7")
        wide, _ = nas_create(actor=wifi_operator, centre=testing.make_centre(
            network=centre.network), name="Wide", address="10.2.0.0/16")
        assert nas_for_address(address="10.1.2.7") == nas
        assert nas_for_address(address="10.2.9.9") == wide
        assert nas_for_address(address="10.3.0.1") is None
        nas_update(actor=wifi_operator, nas=nas, is_active=False)
        assert nas_for_address(address="10.1.2.7") is None


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_overlapping_ranges_keep_one(network):
    operator = testing.make_operator(network)
    centres = [testing.make_centre(network=network, hours=None) for _ in range(4)]
    barrier = threading.Barrier(4)
    results = []

    def register(i):
        try:
            barrier.wait()
            nas_create(actor=operator, centre=centres[i], name=f"AP{i}",
                       address=f"172.16.{i}.0/22")
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert Nas.objects.count() == 1


class TestAccounting:
    @pytest.fixture
    def nas(self, hours_nas):
        return hours_nas

    def record(self, login, status, **extra):
        return AccountingRecord(status=status, username=login.username,
                                acct_session_id="abc", **extra)

    def test_start_interim_stop_are_idempotent_and_counters_never_go_back(self, nas, login):
        t0 = WEDNESDAY_10
        s = radius_accounting(nas=nas, record=self.record(login, AcctStatus.START), now=t0)
        again = radius_accounting(nas=nas, record=self.record(login, AcctStatus.START),
                                  now=t0 + dt.timedelta(seconds=5))
        assert s.pk == again.pk and again.started_at == t0
        radius_accounting(nas=nas, record=self.record(
            login, AcctStatus.INTERIM, input_octets=500, output_octets=900),
            now=t0 + dt.timedelta(minutes=10))
        radius_accounting(nas=nas, record=self.record(
            login, AcctStatus.INTERIM, input_octets=100, output_octets=100),
            now=t0 + dt.timedelta(minutes=5))  # late packet
        s.refresh_from_db()
        assert (s.input_octets, s.output_octets) == (500, 900)
        assert s.last_update_at == t0 + dt.timedelta(minutes=10)
        stop = self.record(login, AcctStatus.STOP, input_octets=800, output_octets=1200,
                           terminate_cause="Lost-Carrier", delay_time=30)
        radius_accounting(nas=nas, record=stop, now=t0 + dt.timedelta(hours=1))
        radius_accounting(nas=nas, record=stop, now=t0 + dt.timedelta(hours=2))
        s.refresh_from_db()
        assert s.ended_at == t0 + dt.timedelta(hours=1, seconds=-30)
        assert s.stop_cause == "Lost-Carrier" and s.input_octets == 800
        assert PresenceSession.objects.count() == 1

    def test_a_stop_without_start_makes_a_closed_session(self, nas, login):
        radius_accounting(nas=nas, record=self.record(login, AcctStatus.STOP, session_time=600),
                          now=WEDNESDAY_10)
        s = PresenceSession.objects.get()
        assert s.started_at == WEDNESDAY_10 - dt.timedelta(minutes=10)
        assert s.ended_at == WEDNESDAY_10

    def test_unknown_user_and_missing_session_id(self, nas, login):
        rec = AccountingRecord(status=AcctStatus.START, username="ghost", acct_session_id="x")
        assert radius_accounting(nas=nas, record=rec) is None
        with pytest.raises(InvalidInput):
            radius_accounting(nas=nas, record=AccountingRecord(
                status=AcctStatus.START, username=login.username, acct_session_id=""))

    def test_start_checks_in_the_booking_of_that_slot(self, nas, login, centre):
        now = timezone.now()
        other_centre = testing.make_centre(network=centre.network)
        elsewhere = make_booking(member=login.member, centre=other_centre, start=now)
        later = make_booking(member=login.member, centre=centre,
                             start=now + dt.timedelta(hours=5))
        current = make_booking(member=login.member, centre=centre,
                               start=now - dt.timedelta(minutes=5))
        radius_accounting(nas=nas, record=self.record(login, AcctStatus.START), now=now)
        for b in (elsewhere, later, current):
            b.refresh_from_db()
        assert current.state == "checked_in" and current.checked_in_via == "wifi"
        assert elsewhere.state == "confirmed" and later.state == "confirmed"

    def test_stale_sessions_and_nas_reboots_close_open_sessions(self, nas, login):
        radius_accounting(nas=nas, record=self.record(login, AcctStatus.START),
                          now=WEDNESDAY_10)
        assert presence_close_stale(now=WEDNESDAY_10 + dt.timedelta(hours=1)) == 0
        assert presence_close_stale(now=WEDNESDAY_10 + dt.timedelta(hours=7)) == 1
        s = PresenceSession.objects.get()
        assert s.ended_at == WEDNESDAY_10 and s.stop_cause == "Stale"
        rec = AccountingRecord(status=AcctStatus.START, username=login.username,
                               acct_session_id="second")
        radius_accounting(nas=nas, record=rec, now=WEDNESDAY_10)
        assert presence_close_for_nas(nas=nas, now=WEDNESDAY_10 + dt.timedelta(hours=1)) == 1
        assert not PresenceSession.objects.filter(ended_at__isnull=True).exists()
