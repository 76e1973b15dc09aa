"""The built-in RADIUS server, spoken to by Debian's radclient and by pyrad."""

from __future__ import annotations

import socket
import time

import pytest
from pyrad import packet as rp
from pyrad.client import Client, Timeout

from smartwork.network.choices import WifiAccessRule
from smartwork.wifi.choices import AuthReason
from smartwork.wifi.models import AuthAttempt, PresenceSession, WifiIdentity
from smartwork.wifi.server import load_dictionary
from smartwork.wifi.services import nas_update
from smartwork.wifi.tests.conftest import NAS_SECRET
from smartwork.wifi.tests.helpers import make_booking

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


def wait_for_attempts(n: int, timeout: float = 15.0) -> list[AuthAttempt]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(AuthAttempt.objects.order_by("id"))
        if len(rows) >= n:
            return rows
        time.sleep(0.05)
    return list(AuthAttempt.objects.order_by("id"))


def creds(login, password=None):
    return {"User-Name": login.username,
            "User-Password": login.password if password is None else password,
            "Calling-Station-Id": "AA-BB-CC-DD-EE-FF"}


class TestRadclientAuth:
    def test_good_password_is_accepted_with_a_session_timeout(self, radclient, login):
        out = radclient("auth", creds(login))
        assert "Received Access-Accept" in out, out
        assert "Session-Timeout = 43200" in out  # no opening hours on record: the cap
        attempt = wait_for_attempts(1)[0]
        assert attempt.reason == AuthReason.OK and attempt.member_id == login.member.pk
        assert attempt.session_timeout == 43200
        assert attempt.calling_station_id == "AA-BB-CC-DD-EE-FF"

    def test_password_typed_with_capitals_and_no_dashes_is_accepted(self, radclient, login):
        typed = login.password.replace("-", "").capitalize()
        assert "Received Access-Accept" in radclient("auth", creds(login, typed))

    def test_bad_password_is_rejected_and_counted(self, radclient, login):
        out = radclient("auth", creds(login, "not-the-password"))
        assert "Received Access-Reject" in out, out
        assert "Wrong username or password" in out
        assert wait_for_attempts(1)[0].reason == AuthReason.BAD_PASSWORD
        assert WifiIdentity.objects.get(pk=login.identity.pk).failed_attempts == 1

    def test_unknown_user_is_rejected_with_the_same_message(self, radclient, login):
        out = radclient("auth", {"User-Name": "nobody.here", "User-Password": "whatever"})
        assert "Received Access-Reject" in out, out
        assert "Wrong username or password" in out
        attempt = wait_for_attempts(1)[0]
        assert attempt.reason == AuthReason.UNKNOWN_USER and attempt.member_id is None

    def test_deactivated_member_is_rejected(self, radclient, login):
        login.member.is_active = False
        login.member.save(update_fields=["is_active"])
        out = radclient("auth", creds(login))
        assert "Received Access-Reject" in out, out
        assert wait_for_attempts(1)[0].reason == AuthReason.MEMBER_INACTIVE

    def test_member_of_another_network_without_alliance_is_rejected(self, radclient, outsider):
        from smartwork.wifi.services import wifi_identity_rotate_password

        identity, password = wifi_identity_rotate_password(member=outsider, actor=outsider)
        out = radclient("auth", {"User-Name": identity.username, "User-Password": password})
        assert "Received Access-Reject" in out, out
        assert wait_for_attempts(1)[0].reason == AuthReason.NO_RIGHT

    def test_booking_required_without_booking_is_rejected_then_accepted_with_one(
        self, login, wifi_centre, nas, request
    ):
        network = wifi_centre.network
        network.wifi_access_rule = WifiAccessRule.BOOKING_REQUIRED
        network.save(update_fields=["wifi_access_rule"])
        # The server reads the rule with its access points, when it (re)loads them.
        radclient = request.getfixturevalue("radclient")
        out = radclient("auth", creds(login))
        assert "Received Access-Reject" in out, out
        assert wait_for_attempts(1)[0].reason == AuthReason.NO_BOOKING
        make_booking(member=login.member, centre=wifi_centre)
        out = radclient("auth", creds(login))
        assert "Received Access-Accept" in out, out

    def test_wrong_secret_gets_no_answer(self, radclient, login, radius_server):
        out = radclient("auth", creds(login), secret="not-the-secret-at-all", timeout=1,
                        retries=1)
        assert "No reply" in out, out
        assert "Received" not in out
        assert radius_server.stats["dropped"] >= 1
        assert wait_for_attempts(1, timeout=1.0) == []

    def test_missing_message_authenticator_gets_no_answer(self, radclient, login):
        out = radclient("auth", creds(login), message_authenticator=False, timeout=1,
                        retries=1)
        assert "No reply" in out, out

    def test_unknown_client_gets_no_answer(self, nas, wifi_operator, login, request):
        nas_update(actor=wifi_operator, nas=nas, address="192.0.2.0/24")
        radclient = request.getfixturevalue("radclient")
        out = radclient("auth", creds(login), timeout=1, retries=1)
        assert "No reply" in out, out
        assert wait_for_attempts(1, timeout=1.0) == []


class TestRadclientAccounting:
    def acct(self, login, status, session_id="sess-1", **extra):
        attrs = {"User-Name": login.username, "Acct-Status-Type": status,
                 "Acct-Session-Id": session_id, "NAS-IP-Address": "127.0.0.1"}
        attrs.update(extra)
        return attrs

    def test_start_and_stop_make_a_presence_session_and_check_in_the_booking(
        self, radclient, login, wifi_centre, nas
    ):
        booking = make_booking(member=login.member, centre=wifi_centre)
        out = radclient("acct", self.acct(login, "Start"))
        assert "Received Accounting-Response" in out, out
        session = PresenceSession.objects.get()
        assert (session.member_id, session.centre_id, session.nas_id) == (
            login.member.pk, wifi_centre.pk, nas.pk)
        assert session.ended_at is None
        booking.refresh_from_db()
        assert booking.state == "checked_in" and booking.checked_in_via == "wifi"

        out = radclient("acct", self.acct(login, "Interim-Update", **{
            "Acct-Input-Octets": 1000, "Acct-Output-Octets": 2000, "Acct-Session-Time": 60}))
        assert "Received Accounting-Response" in out, out
        out = radclient("acct", self.acct(login, "Stop", **{
            "Acct-Input-Octets": 5000, "Acct-Output-Octets": 7000, "Acct-Input-Gigawords": 1,
            "Acct-Session-Time": 120, "Acct-Terminate-Cause": "User-Request"}))
        assert "Received Accounting-Response" in out, out
        session.refresh_from_db()
        assert session.ended_at is not None and session.ended_at >= session.started_at
        assert session.input_octets == 2**32 + 5000 and session.output_octets == 7000
        assert session.stop_cause == "User-Request"
        assert PresenceSession.objects.count() == 1

    def test_accounting_with_a_wrong_secret_gets_no_answer(self, radclient, login):
        out = radclient("acct", self.acct(login, "Start"), secret="wrong-secret-xxxxxxxx",
                        timeout=1, retries=1)
        assert "No reply" in out, out
        assert not PresenceSession.objects.exists()


@pytest.fixture
def pyrad_client(radius_server):
    client = Client(server="127.0.0.1", authport=radius_server.auth_port,
                    acctport=radius_server.acct_port, secret=NAS_SECRET.encode(),
                    dict=load_dictionary())
    # Generous: the machine running the tests may be busy.
    client.timeout, client.retries = 5, 2
    return client


def pyrad_auth(client, username, password):
    req = client.CreateAuthPacket(code=rp.AccessRequest, User_Name=username)
    req["User-Password"] = req.PwCrypt(password)
    req.add_message_authenticator()
    return client.SendPacket(req)


class TestPyradClient:
    def test_accept_and_reject(self, pyrad_client, login):
        reply = pyrad_auth(pyrad_client, login.username, login.password)
        assert reply.code == rp.AccessAccept
        assert reply["Session-Timeout"] == [43200]
        reply = pyrad_auth(pyrad_client, login.username, "wrong")
        assert reply.code == rp.AccessReject

    def test_accounting_start_creates_a_session(self, pyrad_client, login):
        req = pyrad_client.CreateAcctPacket(User_Name=login.username)
        req["Acct-Status-Type"] = "Start"
        req["Acct-Session-Id"] = "pyrad-1"
        reply = pyrad_client.SendPacket(req)
        assert reply.code == rp.AccountingResponse
        assert PresenceSession.objects.filter(acct_session_id="pyrad-1").exists()

    def test_retransmission_gets_the_same_answer_and_counts_once(self, radius_server, login):
        """A repeated datagram (same id and authenticator) is answered from the cache."""
        client = Client(server="127.0.0.1", authport=radius_server.auth_port,
                        secret=NAS_SECRET.encode(), dict=load_dictionary())
        req = client.CreateAuthPacket(code=rp.AccessRequest, User_Name=login.username)
        req["User-Password"] = req.PwCrypt("wrong-password")
        req.add_message_authenticator()
        raw = req.RequestPacket()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(10)
        answers = []
        for _ in range(2):
            sock.sendto(raw, ("127.0.0.1", radius_server.auth_port))
            answers.append(sock.recv(4096))
        sock.close()
        assert answers[0] == answers[1] and answers[0][0] == rp.AccessReject
        time.sleep(0.8)
        assert AuthAttempt.objects.count() == 1
        assert WifiIdentity.objects.get(pk=login.identity.pk).failed_attempts == 1

    def test_wrong_secret_times_out(self, radius_server, login):
        client = Client(server="127.0.0.1", authport=radius_server.auth_port,
                        secret=b"another-secret-000000", dict=load_dictionary())
        client.timeout, client.retries = 0.5, 1
        with pytest.raises(Timeout):
            pyrad_auth(client, login.username, login.password)


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_smartwork_radius_command_serves_and_stops_on_sigterm(nas, login, radclient_bin):
    """`smartwork radius` in its own process, on the test database."""
    import os
    import signal
    import subprocess
    import sys

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
    auth_port, acct_port = _free_udp_port(), _free_udp_port()
    env = {**os.environ, "DATABASE_URL": url, "SMARTWORK_TESTING": "1",
           "DJANGO_SETTINGS_MODULE": "smartwork.config.settings"}
    env.pop("SMARTWORK_SQLITE_TEST_NAME", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartwork.config.cli", "radius", "--bind", "127.0.0.1",
         "--auth-port", str(auth_port), "--acct-port", str(acct_port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert "listening on 127.0.0.1" in proc.stdout.readline()
        out = subprocess.run(
            [radclient_bin, "-x", "-r", "1", "-t", "3", f"127.0.0.1:{auth_port}", "auth",
             NAS_SECRET],
            input=f'User-Name = "{login.username}", User-Password = "{login.password}", '
                  "Message-Authenticator = 0x00\n",
            capture_output=True, text=True, timeout=30, check=False,
        ).stdout
        assert "Received Access-Accept" in out, out
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "RADIUS stopped" in rest
    assert wait_for_attempts(1)[0].reason == AuthReason.OK
