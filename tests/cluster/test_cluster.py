"""The real thing on one machine (issue #17 §6): a fresh PostgreSQL database, `smartwork
migrate`, three `smartwork serve` behind Debian's HAProxy, two `smartwork worker`,
`smartwork radius` and a mail server that counts. A mixed load through the load balancer
(bookings, cancellations, availability, pages, RADIUS over UDP and over the REST
endpoints, an invoice run); one server and one worker are killed with SIGKILL mid-run.
Then: no double booking, no booking made twice by a retry, ledgers and books clean
(`check-ledgers`, `check-books`), every periodic job dispatched once per period, every
mail sent once, the WiFi lock seen by every process.

PostgreSQL only (several processes writing at once is what PostgreSQL is for; the
SQLite installation is one process pair, `smartwork demo`). bench/cluster.py is the
longer run that measures 1, 2 and 3 servers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import threading
import time
from collections import Counter
from typing import Any

import pytest

from tests.cluster.harness import NAS_SECRET, Client, Cluster, migrated_template

pytestmark = [pytest.mark.cluster]

LOAD_SECONDS = 18
KILL_AT = 6
BOOKERS = 5


def _require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the cluster test runs on PostgreSQL only: several servers and workers "
                    "writing at once is the PostgreSQL layout (docs/operations.md); set "
                    "DATABASE_URL=postgres://…")
    if not shutil.which("haproxy") and not os.path.exists("/usr/sbin/haproxy"):
        import subprocess

        subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], capture_output=True,
                       check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return url


@pytest.fixture
def cluster(tmp_path):
    url = _require_postgres()
    # The schema: `smartwork manage migrate` on a fresh database once per version of the
    # migrations (kept as a template), then each run copies it and migrates again
    # (nothing to do). The static files: collectstatic once per version of them.
    template = migrated_template(url)
    c = Cluster(tmp=tmp_path, pg_url=url)
    try:
        c.create_database(template=template)
        c.prepare()
        c.start()
        yield c
    finally:
        c.stop()
        c.drop_database()


class Load:
    def __init__(self, cluster: Cluster) -> None:
        self.c = cluster
        self.data = cluster.data
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.created: list[int] = []
        self.cancelled: list[int] = []
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []
        self.clients: list[Client] = []

    def client(self, token: str | None = None) -> Client:
        client = Client(port=self.c.lb_port, token=token)
        self.clients.append(client)
        return client

    def note(self, kind: str, status: int, body: bytes = b"") -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{kind} {status} {body[:200]!r}")

    def booker(self, seed: int) -> None:
        rng = random.Random(seed)
        tokens = self.data["tokens"]
        clients = {i: self.client(tokens[i]) for i in range(seed, len(tokens), BOOKERS)}
        mine: dict[int, list[int]] = {i: [] for i in clients}
        today = dt.date.today()
        centre = self.data["centre_id"]
        while not self.stop.is_set():
            i = rng.choice(list(clients))
            client = clients[i]
            roll = rng.random()
            if roll < 0.55:
                body = {"resource_id": rng.choice(self.data["desk_ids"]),
                        "date": (today + dt.timedelta(days=rng.randint(1, 6))).isoformat(),
                        "slot": rng.choice(["morning", "afternoon"]),
                        "payment_method": rng.choice(["credit", "payg"])}
                status, data = client.request("POST", "/api/v1/bookings", body)
                self.note("book", status, data)
                if status == 201:
                    booking_id = json.loads(data)["id"]
                    with self.lock:
                        self.created.append(booking_id)
                    mine[i].append(booking_id)
            elif roll < 0.75 and mine[i]:
                booking_id = mine[i].pop(rng.randrange(len(mine[i])))
                status, data = client.request("POST", f"/api/v1/bookings/{booking_id}/cancel",
                                              {"reason": "cluster test"})
                self.note("cancel", status, data)
                if status == 200:
                    with self.lock:
                        self.cancelled.append(booking_id)
            else:
                day = today + dt.timedelta(days=rng.randint(1, 6))
                status, data = client.request(
                    "GET", f"/api/v1/centres/{centre}/availability?date={day}&kind=desk")
                self.note("availability", status, data)

    def pages(self) -> None:
        member = self.client()
        member.login(self.data["members"][-1])
        anonymous = self.client()
        paths = ["/", "/bookings/", "/centres/", "/credit/", "/wifi/"]
        while not self.stop.is_set():
            for path in paths:
                status, data = member.request("GET", path)
                self.note("page", status, data)
            status, data = anonymous.request("GET", "/login/")
            self.note("page", status, data)

    def radius(self) -> None:
        from pyrad import packet
        from pyrad.client import Client as RadiusClient
        from pyrad.client import Timeout

        from smartwork.wifi.server import load_dictionary

        client = RadiusClient(server="127.0.0.1", authport=self.c.auth_port,
                              acctport=self.c.acct_port, secret=NAS_SECRET.encode(),
                              dict=load_dictionary())
        client.timeout, client.retries = 3, 2
        logins = self.data["wifi"][2:]  # 0 and 1 are for the lock check
        n = 0
        while not self.stop.is_set():
            username, password = logins[n % len(logins)]
            n += 1
            req = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
            req["User-Password"] = req.PwCrypt(password if n % 5 else "wrong-password")
            req["Calling-Station-Id"] = f"02-00-00-00-00-{n % len(logins):02x}"
            req.add_message_authenticator()
            try:
                reply = client.SendPacket(req)
                self.note("radius-auth", reply.code)
            except Timeout:
                self.note("radius-auth", 0)
            acct = client.CreateAcctPacket(User_Name=username)
            acct["Acct-Status-Type"] = "Start" if n % 2 else "Stop"
            acct["Acct-Session-Id"] = f"cluster-{n // 2}"
            acct["NAS-IP-Address"] = "127.0.0.1"
            try:
                self.note("radius-acct", client.SendPacket(acct).code)
            except Timeout:
                self.note("radius-acct", 0)

    def run_threads(self, seconds: float, *, kill_at: float | None) -> dict[str, Any]:
        threads = [threading.Thread(target=self.guard(self.booker), args=(i,))
                   for i in range(BOOKERS)]
        threads += [threading.Thread(target=self.guard(self.pages)),
                    threading.Thread(target=self.guard(self.radius))]
        for t in threads:
            t.start()
        t0 = time.monotonic()
        killed = False
        while time.monotonic() - t0 < seconds:
            if kill_at is not None and not killed and time.monotonic() - t0 > kill_at:
                self.c.kill("server1")
                self.c.kill("worker0")
                killed = True
            time.sleep(0.2)
        self.stop.set()
        for t in threads:
            t.join(timeout=120)
        return {"seconds": time.monotonic() - t0}

    def guard(self, func: Any) -> Any:
        def run(*args: Any) -> None:
            try:
                func(*args)
            except Exception as exc:  # reported in the test's assertion
                with self.lock:
                    self.errors.append(f"{func.__name__}: {exc!r}")
                self.stop.set()
        return run


CLOSE_MONTH = """
import contextlib, datetime as dt
from django.utils import timezone
from smartwork.accounts.models import User
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import SettlementState
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import Settlement
from smartwork.billing.run import invoice_run
from smartwork.billing.settlement import payout_batch_create, settlement_approve, settlements_create
from smartwork.core.errors import Conflict
from smartwork.network.models import Network
network = Network.objects.get()
operator = User.objects.get(email="operator@cluster.test")
period = period_parse(timezone.localdate().strftime("%Y-%m"))
after = period.end + dt.timedelta(days=1)
invoice_run(actor=operator, network=network, period=period, today=after, send=False)
settlements_create(actor=operator, network=network, period=period, today=after)
clearings_create(actor=operator, network=network, period=period, today=after)
for s in Settlement.objects.filter(network=network, state=SettlementState.DRAFT):
    settlement_approve(actor=operator, settlement=s)
with contextlib.suppress(Conflict):
    payout_batch_create(actor=operator, network=network, period=period, execution_date=after)
print("CLOSED")
"""


def _task_table(c: Cluster) -> str:
    rows = c.sql("SELECT table_name FROM information_schema.tables "
                 "WHERE table_name LIKE %s", ("%dbtaskresult",))
    assert rows, "no task table"
    return str(rows[0][0])


def test_cluster_survives_a_killed_server_and_worker(cluster: Cluster):
    c = cluster
    data = c.data
    operator = Client(port=c.lb_port, token=data["operator_token"])
    status, body = operator.request("POST", f"/api/v1/networks/{data['network_id']}/invoice-runs",
                                    {"period": "2026-10"})
    assert status == 202, body
    run_id = json.loads(body)["id"]

    load = Load(c)
    load.run_threads(LOAD_SECONDS, kill_at=KILL_AT)
    assert not load.errors, load.errors[:20]
    assert c.procs["server1"].poll() is not None and c.procs["worker0"].poll() is not None
    assert load.statuses[("book", 201)] > 10, load.statuses
    assert load.statuses[("cancel", 200)] > 0 and load.statuses[("availability", 200)] > 0, \
        load.statuses
    assert load.statuses[("page", 200)] > 0, load.statuses
    assert load.statuses[("radius-auth", 2)] > 0 and load.statuses[("radius-acct", 5)] > 0
    print("\ncluster load:", dict(load.statuses), "retries:",
          sum(cl.retries for cl in load.clients))

    # The WiFi lock holds across processes: wrong passwords through the load balancer
    # (round robin over the two servers left) lock the login for the built-in RADIUS
    # server's process too.
    username, password = data["wifi"][0]
    rest = Client(port=c.lb_port)
    auth = {"X-Radius-Token": data["rest_token"]}
    for _ in range(5):
        status, body = rest.request("POST", "/api/v1/wifi/radius/authenticate", {
            "User-Name": username, "User-Password": "wrong", "NAS-IP-Address": "127.0.0.1",
            "Calling-Station-Id": f"aa-{_}"}, headers=auth)
        assert status == 401, body
    status, body = rest.request("POST", "/api/v1/wifi/radius/authenticate", {
        "User-Name": username, "User-Password": password, "NAS-IP-Address": "127.0.0.1"},
        headers=auth)
    assert status == 401 and b"Wrong username or password." in body
    from pyrad import packet
    from pyrad.client import Client as RadiusClient

    from smartwork.wifi.server import load_dictionary

    radius = RadiusClient(server="127.0.0.1", authport=c.auth_port, secret=NAS_SECRET.encode(),
                          dict=load_dictionary())
    req = radius.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    req["User-Password"] = req.PwCrypt(password)
    req.add_message_authenticator()
    assert radius.SendPacket(req).code == packet.AccessReject
    other, other_pw = data["wifi"][1]
    req = radius.CreateAuthPacket(code=packet.AccessRequest, User_Name=other)
    req["User-Password"] = req.PwCrypt(other_pw)
    req.add_message_authenticator()
    assert radius.SendPacket(req).code == packet.AccessAccept

    # The task queue drains in the worker left. A task the killed worker was running (the
    # invoice run, a mail) is put back by the sweeper once that worker's heartbeat is older
    # than the grace (5 s here, harness.py), and the worker left runs it: the invoice run
    # resumes where it stopped. Drained: no task due (a row without a run_after has the
    # year 9999 in it), none RUNNING for more than a moment.
    table = _task_table(c)
    deadline = time.monotonic() + 120
    while True:
        state = json.loads(operator.request("GET", f"/api/v1/invoice-runs/{run_id}")[1])
        waiting = c.sql(f"SELECT count(*) FROM {table} WHERE (status = 'READY' "
                        "AND (run_after <= now() OR run_after >= '9999-01-01')) "
                        "OR (status = 'RUNNING' AND started_at < now() - interval '3 seconds')"
                        )[0][0]
        if state["state"] not in ("pending", "running") and waiting == 0:
            break
        assert time.monotonic() < deadline, (state, waiting, c.log("worker1"))
        time.sleep(1)
    assert state["state"] == "done", state
    # Each customer of October invoiced once, numbers without a gap.
    invoices = c.sql("SELECT number, customer_organisation_id, customer_member_id "
                     "FROM billing_invoice ORDER BY number")
    assert [r[0] for r in invoices] == [1, 2], invoices
    assert len({(r[1], r[2]) for r in invoices}) == 2, invoices
    time.sleep(2)  # the last mail task's SMTP exchange
    c.stop()

    # No double booking: no two live bookings of one desk overlap.
    overlaps = c.sql(
        "SELECT a.id, b.id FROM bookings_booking a JOIN bookings_booking b "
        "ON a.resource_id = b.resource_id AND a.id < b.id "
        "AND a.start < b.\"end\" AND b.start < a.\"end\" "
        "WHERE a.state NOT IN ('cancelled', 'rejected', 'released', 'no_show', 'expired') "
        "AND b.state NOT IN ('cancelled', 'rejected', 'released', 'no_show', 'expired')")
    assert overlaps == []
    # No booking made twice by a retry: every booking of the run is one the clients were
    # answered 201 for (a retry with the same Idempotency-Key got the first answer).
    made = {r[0] for r in c.sql("SELECT id FROM bookings_booking WHERE start > now()")}
    assert made == set(load.created), (len(made), len(set(load.created)))
    assert len(load.created) == len(set(load.created))
    cancelled = {r[0] for r in c.sql("SELECT id FROM bookings_booking "
                                     "WHERE state = 'cancelled' AND start > now()")}
    assert cancelled == set(load.cancelled)

    # Ledgers and books.
    c.run("check-ledgers")
    # The books of the load's month balance once it is closed as an operator closes a
    # month (billing/tests/test_books.py): invoiced, settled, cleared, paid out, here
    # with "today" the first of next month; then `check-books` for it.
    out = c.run("manage", "shell", "-c", CLOSE_MONTH)
    assert "CLOSED" in out, out
    c.run("check-books", "--period", dt.date.today().strftime("%Y-%m"))

    # Every periodic job dispatched once per period: one claim per job and period (the
    # unique row), and as many task rows as claims for the jobs that are tasks.
    from smartwork.core import periodic
    from smartwork.core.management.commands.worker import import_task_modules

    import_task_modules()
    claims = dict(c.sql("SELECT name, count(*) FROM core_periodicrun GROUP BY name"))
    for job in periodic.registered():
        assert claims.get(job.name, 0) >= 1, (job.name, claims)
        if job.is_task():
            path = job.func.module_path
            n = c.sql(f"SELECT count(*) FROM {table} WHERE task_path = %s",
                      (path,))[0][0]
            assert n == claims[job.name], (job.name, n, claims[job.name])

    # Every mail sent: every mail task ended SUCCESSFUL (none left RUNNING by the killed
    # worker), and as many mails reached the server as mail tasks succeeded; a mail task
    # the killed worker had started was run again (claimed twice), and its mail reached
    # the server twice only if the worker died between the server's answer and the task's
    # sent mark (core/mail.py).
    from smartwork.core.mail import MAIL_TASK_PATHS

    by_status = dict(c.sql(
        f"SELECT status, count(*) FROM {table} WHERE task_path = ANY(%s) "
        "GROUP BY status", (list(MAIL_TASK_PATHS),)))
    # Invoices are mailed by their delivery (billing/delivery.py), one event per attempt.
    invoice_mails = c.sql("SELECT count(*) FROM billing_invoicedelivery "
                          "WHERE channel = 'email' AND state IN ('sent', 'delivered')")[0][0]
    sent = by_status.get("SUCCESSFUL", 0) + invoice_mails
    rerun = c.sql(f"SELECT count(*) FROM {table} WHERE task_path = ANY(%s) "
                  "AND jsonb_array_length(worker_ids) > 1", (list(MAIL_TASK_PATHS),))[0][0]
    assert c.smtp is not None
    received = len(c.smtp.mails)
    print("mail tasks:", by_status, "invoice mails:", invoice_mails, "received:", received,
          "run again after the kill:", rerun, "tasks put back by the lease:", c.sql(
              f"SELECT count(*) FROM {table} WHERE jsonb_array_length(worker_ids) > 1")[0][0])
    assert sent > 0 and set(by_status) == {"SUCCESSFUL"}, (by_status, c.sql(
        f"SELECT status, task_path, args_kwargs, run_after, worker_ids FROM {table} "
        "WHERE task_path = ANY(%s) AND status <> 'SUCCESSFUL'", (list(MAIL_TASK_PATHS),)))
    assert sent <= received <= sent + rerun, (by_status, received)
    # No task at all is left RUNNING by the killed worker.
    assert c.sql(f"SELECT count(*) FROM {table} WHERE status = 'RUNNING'")[0][0] == 0
