"""Debian's FreeRADIUS with the configuration we ship (smartwork/wifi/freeradius/) in
front of a live smartwork: radclient authenticates and accounts through it, rlm_rest
asks the API. Nothing is mocked: the real freeradius process, the real rlm_rest (libcurl)
and the real HTTP server of the tests (pytest-django's live_server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from smartwork.wifi.choices import AuthReason
from smartwork.wifi.models import AuthAttempt, PresenceSession
from smartwork.wifi.services import radius_token_create
from smartwork.wifi.tests.conftest import NAS_SECRET
from smartwork.wifi.tests.helpers import make_booking

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]

CONFIG_DIR = Path(__file__).resolve().parents[1] / "freeradius"
FREERADIUS = "/usr/sbin/freeradius"
RLM_REST = "/usr/lib/freeradius/rlm_rest.so"


def ensure_freeradius() -> None:
    """Debian's freeradius, its rest module and radclient, installed when missing
    (as the other RADIUS tests install radclient)."""
    if os.path.exists(FREERADIUS) and os.path.exists(RLM_REST) and shutil.which("radclient"):
        return
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends",
               "freeradius", "freeradius-rest", "freeradius-utils"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, capture_output=True, check=False, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False)
        subprocess.run(install, capture_output=True, check=False, env=env)
    if not (os.path.exists(FREERADIUS) and os.path.exists(RLM_REST)):
        pytest.fail("freeradius is missing and `apt-get install freeradius freeradius-rest "
                    "freeradius-utils` failed")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def udp_bound(port: int) -> bool:
    with open("/proc/net/udp") as f:
        return any(f":{port:04X} " in line.split()[1] + " " for line in f.readlines()[1:])


class FreeRadius:
    def __init__(self, proc: subprocess.Popen[bytes], log: Path, auth_port: int,
                 acct_port: int) -> None:
        self.proc, self.log, self.auth_port, self.acct_port = proc, log, auth_port, acct_port

    def trace(self, lines: int = 80) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def freeradius(live_server, wifi_operator, network, nas, tmp_path):
    """`freeradius -X -d <shipped config>` in the foreground, pointed at live_server."""
    ensure_freeradius()
    # The first request of a fresh server loads the API (seconds on a loaded machine):
    # not what rlm_rest's 4 s timeout is for.
    urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json", timeout=120).read()
    _, token = radius_token_create(actor=wifi_operator, network=network, name="freeradius-test")
    auth_port, acct_port = free_udp_port(), free_udp_port()
    env = {
        **os.environ,
        "SMARTWORK_FREERADIUS_RUN": str(tmp_path),
        "SMARTWORK_RADIUS_API": f"{live_server.url}/api/v1/wifi/radius",
        "SMARTWORK_RADIUS_TOKEN": token,
        "SMARTWORK_RADIUS_BIND": "127.0.0.1",
        "SMARTWORK_RADIUS_AUTH_PORT": str(auth_port),
        "SMARTWORK_RADIUS_ACCT_PORT": str(acct_port),
        "SMARTWORK_RADIUS_CLIENTS": "127.0.0.1/32",
        "SMARTWORK_RADIUS_SECRET": NAS_SECRET,
    }
    # Line-buffered (stdbuf) so that the trace in the log file is whole on failure.
    command = [FREERADIUS, "-X", "-d", str(CONFIG_DIR)]
    if shutil.which("stdbuf"):
        command = ["stdbuf", "-oL", "-eL", *command]
    log = tmp_path / "freeradius.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = FreeRadius(proc, log, auth_port, acct_port)
    try:
        deadline = time.monotonic() + 60
        while not (udp_bound(auth_port) and udp_bound(acct_port)):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("freeradius did not start:\n" + server.trace())
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def radclient(server: FreeRadius, kind: str, attrs: dict[str, object]) -> str:
    port = server.auth_port if kind == "auth" else server.acct_port
    pairs = [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in attrs.items()]
    if kind == "auth":
        pairs.append("Message-Authenticator = 0x00")
    result = subprocess.run(
        ["radclient", "-x", "-r", "1", "-t", "15", f"127.0.0.1:{port}", kind, NAS_SECRET],
        input=", ".join(pairs) + "\n", capture_output=True, text=True, timeout=60, check=False)
    return result.stdout + result.stderr


def test_pap_and_accounting_through_freeradius(freeradius, login, wifi_centre, nas):
    def trace() -> str:
        logged = list(AuthAttempt.objects.values_list("reason", "via"))
        return freeradius.trace() + f"\nlogged: {logged}"

    # The right password: rlm_rest authorize (204), then authenticate (200, the
    # Session-Timeout in the reply).
    out = radclient(freeradius, "auth", {"User-Name": login.username,
                                         "User-Password": login.password,
                                         "Calling-Station-Id": "AA-BB-CC-DD-EE-01"})
    assert "Received Access-Accept" in out, out + trace()
    assert "Session-Timeout = 43200" in out, out
    # A wrong password and an unknown name: the same Access-Reject and message.
    wrong = radclient(freeradius, "auth", {"User-Name": login.username,
                                           "User-Password": "not-the-password"})
    unknown = radclient(freeradius, "auth", {"User-Name": "nobody.here",
                                             "User-Password": "whatever"})
    for out in (wrong, unknown):
        assert "Received Access-Reject" in out, out + trace()
        assert 'Reply-Message = "Wrong username or password."' in out, out
    attempts = list(AuthAttempt.objects.order_by("id").values_list("reason", "via", "nas_id"))
    assert attempts == [(AuthReason.OK, "rest", nas.pk), (AuthReason.BAD_PASSWORD, "rest", nas.pk),
                        (AuthReason.UNKNOWN_USER, "rest", nas.pk)]
    assert AuthAttempt.objects.order_by("id").first().calling_station_id == "AA-BB-CC-DD-EE-01"

    # Accounting: Start opens the presence session and checks the booking in, Stop
    # closes it with the counters.
    booking = make_booking(member=login.member, centre=wifi_centre)
    base = {"User-Name": login.username, "Acct-Session-Id": "fr-sess-1"}
    out = radclient(freeradius, "acct", {**base, "Acct-Status-Type": "Start"})
    assert "Received Accounting-Response" in out, out + trace()
    session = PresenceSession.objects.get()
    assert (session.member_id, session.centre_id, session.nas_id) == (
        login.member.pk, wifi_centre.pk, nas.pk)
    booking.refresh_from_db()
    assert booking.state == "checked_in" and booking.checked_in_via == "wifi"
    out = radclient(freeradius, "acct", {**base, "Acct-Status-Type": "Stop",
                                         "Acct-Session-Time": 120, "Acct-Input-Octets": 1000,
                                         "Acct-Output-Octets": 2000,
                                         "Acct-Terminate-Cause": "User-Request"})
    assert "Received Accounting-Response" in out, out + trace()
    session.refresh_from_db()
    assert session.ended_at is not None and session.stop_cause == "User-Request"
    assert (session.input_octets, session.output_octets) == (1000, 2000)


def test_the_access_point_is_the_packet_source_not_what_it_claims(freeradius, login):
    """An access point writing another centre's NAS-IP-Address is still itself:
    FreeRADIUS tells smartwork the checked source address."""
    out = radclient(freeradius, "auth", {"User-Name": login.username,
                                         "User-Password": login.password,
                                         "NAS-IP-Address": "192.0.2.77"})
    assert "Received Access-Accept" in out, out + freeradius.trace()
