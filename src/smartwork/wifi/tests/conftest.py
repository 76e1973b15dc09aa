"""Fixtures of the WiFi tests: a member with a WiFi login, an access point on
127.0.0.1, the built-in server on free ports, and Debian's radclient."""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass

import pytest

from smartwork.core import testing
from smartwork.wifi.services import clear_caches, nas_create, wifi_identity_rotate_password

NAS_SECRET = "test-secret-0123456789"


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_caches()
    yield
    clear_caches()


@dataclass
class Login:
    member: object
    identity: object
    username: str
    password: str


@pytest.fixture
def wifi_centre(network):
    # No opening hours on record: open at any hour, so the tests pass at night too.
    return testing.make_centre(network=network, name="WiFi Centre", hours=None)


@pytest.fixture
def wifi_operator(network):
    return testing.make_operator(network)


@pytest.fixture
def login(member, company):
    from smartwork.wifi.tests.helpers import give_credit

    give_credit(company)
    identity, password = wifi_identity_rotate_password(member=member, actor=member)
    return Login(member=member, identity=identity, username=identity.username, password=password)


@pytest.fixture
def nas(wifi_centre, wifi_operator):
    nas, _ = nas_create(actor=wifi_operator, centre=wifi_centre, name="AP lobby",
                        address="127.0.0.1", secret=NAS_SECRET)
    return nas


@pytest.fixture
def radius_server(nas):
    """The built-in server on 127.0.0.1, free high ports, in a thread."""
    from smartwork.wifi.server import RadiusServer

    server = RadiusServer(bind="127.0.0.1", auth_port=0, acct_port=0, workers=4)
    server.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert server.ready.wait(5)
    yield server
    server.shutdown()
    thread.join(timeout=10)


def ensure_radclient() -> str:
    path = shutil.which("radclient")
    if path:
        return path
    install = ["apt-get", "install", "-y", "-q", "freeradius-utils"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False)
        subprocess.run(install, capture_output=True, check=False)
    path = shutil.which("radclient")
    if not path:
        pytest.fail("radclient is missing and `apt-get install freeradius-utils` failed")
    return path


@pytest.fixture(scope="session")
def radclient_bin():
    return ensure_radclient()


@pytest.fixture
def radclient(radclient_bin, radius_server):
    """radclient(kind, attrs, secret=..., port=...) -> stdout of one exchange."""

    def run(kind: str, attrs: dict[str, object], *, secret: str = NAS_SECRET,
            message_authenticator: bool = True, timeout: float = 3.0, retries: int = 2) -> str:
        port = radius_server.auth_port if kind == "auth" else radius_server.acct_port
        pairs = []
        for name, value in attrs.items():
            pairs.append(f'{name} = "{value}"' if isinstance(value, str) else f"{name} = {value}")
        if kind == "auth" and message_authenticator:
            pairs.append("Message-Authenticator = 0x00")
        result = subprocess.run(
            [radclient_bin, "-x", "-r", str(retries), "-t", str(timeout), f"127.0.0.1:{port}", kind,
             secret],
            input=", ".join(pairs) + "\n", capture_output=True, text=True, timeout=30,
            check=False,
        )
        return result.stdout + result.stderr

    return run
