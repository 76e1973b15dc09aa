"""The production start, as an operator runs it (issue #17 §4; docs/operations.md).

From this checkout, with production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, a
fresh data folder; SQLite, or a fresh PostgreSQL database when DATABASE_URL names one):
`migrate`, `collectstatic`, `check --deploy`, `smartwork check`, then `smartwork serve`
with two workers behind a simulated TLS proxy (X-Forwarded-Proto: https). Every kind of
page is fetched, anonymous and for each role; the static files come from the manifest.
Then one granian worker is killed with SIGKILL: the server keeps answering and starts a
new worker. `smartwork radius --help` works without a SECRET_KEY.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.production.processes import BIN, production_env, wait_or_kill

PASSWORD = "prod-start-pass-1"

SETUP = """
from smartwork.accounts.choices import OrganisationKind
from smartwork.core import testing
network = testing.make_network(name="Prod network")
centre = testing.make_centre(network=network, name="Prod centre")
company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
pw = {password!r}
testing.make_operator(network, email="operator@prod.test", password=pw)
testing.make_centre_staff(centre, email="manager@prod.test", password=pw)
testing.make_company_admin(company, email="admin@prod.test", password=pw)
testing.make_user(company=company, network=network, email="member@prod.test", password=pw)
print("IDS", centre.pk, centre.slug, company.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """Plain HTTP with cookies kept by hand: the session cookie is `Secure`, and the
    server sits behind a TLS proxy that this test plays (X-Forwarded-Proto)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}",
             **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                k, _, v = value.split(";", 1)[0].partition("=")
                self.cookies[k.strip()] = v.strip()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def login(self, email: str) -> None:
        status, _, page = self.get("/login/")
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": email,
                          "password": PASSWORD})
        status, _headers, page = self.request(
            "POST", "/login/", body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Origin": f"https://127.0.0.1:{self.port}",
                     "Referer": f"https://127.0.0.1:{self.port}/login/"})
        assert status == 302, (status, page[:1000])
        assert "sessionid" in self.cookies


def _run(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    proc = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"smartwork {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.fixture
def prod_env(tmp_path):
    env = production_env(tmp_path)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    url = os.environ.get("DATABASE_URL", "")
    dbname = None
    if url.startswith("postgres"):
        import psycopg

        dbname = f"sw_prodstart_{os.getpid()}"
        base = url.rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            c.execute(f'CREATE DATABASE "{dbname}"')
        env["DATABASE_URL"] = f"{base}/{dbname}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'smartwork.db'}"
    yield env
    if dbname:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def test_radius_help_needs_no_secret_key(prod_env):
    env = {k: v for k, v in prod_env.items() if k != "SECRET_KEY"}
    out = _run(env, "radius", "--help", timeout=120)
    assert "--auth-port" in out


def test_production_start_serves_every_page_kind_and_survives_a_killed_worker(prod_env):
    env = prod_env
    _run(env, "manage", "migrate", "--noinput")
    _run(env, "manage", "collectstatic", "--noinput")
    _run(env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    out = _run(env, "manage", "shell", "-c", SETUP.format(password=PASSWORD))
    ids = re.search(r"IDS (\d+) (\S+) (\d+)", out)
    assert ids, out
    centre_id, slug, company_id = ids.group(1), ids.group(2), ids.group(3)

    port = _free_port()
    server = subprocess.Popen(
        [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        anon = Browser(port)
        deadline = time.monotonic() + 180
        while True:
            try:
                if anon.get("/login/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.5)
        _pages(port, anon, centre_id=centre_id, slug=slug, company_id=company_id)
        _kill_one_worker(server, anon)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        wait_or_kill(server, timeout=30)


def _ok(browser: Browser, path: str, *, ctype: str = "text/html") -> bytes:
    status, headers, body = browser.get(path)
    assert status == 200, (path, status, body[:300])
    assert headers.get("content-type", "").startswith(ctype), (path, headers)
    return body


def _pages(port: int, anon: Browser, *, centre_id: str, slug: str, company_id: str) -> None:
    # Anonymous: the public pages, the API's document and docs, the admin's login.
    home = anon.get("/")
    assert home[0] in (200, 302), home[:2]
    login = _ok(anon, "/login/")
    _ok(anon, "/password-reset/")
    _ok(anon, "/api/v1/openapi.json", ctype="application/json")
    _ok(anon, "/api/v1/docs")
    # The admin logs in through the site's login and its second step (twofactor).
    status, headers, _ = anon.get("/admin/login/")
    assert status == 302 and headers["location"].startswith("/login/"), (status, headers)
    status, headers, _ = anon.get("/no-such-page/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    status, headers, _ = anon.get("/api/v1/no-such-thing")
    assert status == 404 and headers["content-type"].startswith("application/json")
    # Static files: hashed names from the manifest, served by WhiteNoise, compressed.
    statics = set(re.findall(rb'/static/[^"\']+\.(?:css|js)', login))
    assert statics, login[:1000]
    for path in statics:
        name = path.decode()
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", name), name
        _ok(anon, name, ctype="text/" if name.endswith(".css") else "")
    # Each role's pages.
    pages = {
        "member@prod.test": ["/", "/bookings/", "/credit/", "/wifi/", "/profile/",
                             "/commute/", "/centres/", f"/centres/{slug}/"],
        "admin@prod.test": [f"/company/{company_id}/staff/",
                            f"/company/{company_id}/teams/", f"/company/{company_id}/credit/",
                            f"/company/{company_id}/ledger/",
                            f"/company/{company_id}/bookings/",
                            f"/company/{company_id}/approvals/",
                            f"/company/{company_id}/attendance/", "/invoices/"],
        "manager@prod.test": [f"/desk/{centre_id}/", f"/desk/{centre_id}/week/",
                              "/staff/centres/", f"/staff/centres/{centre_id}/",
                              f"/staff/centres/{centre_id}/prices/",
                              f"/staff/centres/{centre_id}/hours/", "/settlements/"],
        "operator@prod.test": ["/network/", "/network/invoicing/", "/network/payments/",
                               "/network/organisations/", "/network/roles/",
                               "/network/packages/", "/network/clearing/", "/invoices/"],
    }
    wrong = []
    for email, paths in pages.items():
        browser = Browser(port)
        browser.login(email)
        for path in paths:
            status, headers, body = browser.get(path)
            if status != 200 or b"<html" not in body[:500].lower():
                wrong.append((email, path, status, body[:200]))
        status, headers, body = browser.get("/api/v1/me")
        assert status == 200 and b'"email"' in body, (status, body[:300])
    assert not wrong, wrong


def _kill_one_worker(server: subprocess.Popen[Any], browser: Browser) -> None:
    # `smartwork serve` execs granian: the server's pid is granian's; its children are
    # the workers.
    workers = _children(server.pid)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    answered = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "granian stopped after one worker died"
        try:
            if browser.get("/login/")[0] == 200:
                answered += 1
        except OSError:
            pass
        alive = _children(server.pid)
        if answered >= 5 and len(alive) == 2 and workers[0] not in alive:
            break
        time.sleep(0.3)
    alive = _children(server.pid)
    assert len(alive) == 2 and workers[0] not in alive, (workers, alive)
    assert answered >= 5
