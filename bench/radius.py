"""Benchmark of the built-in RADIUS server: Access-Requests per second, p99 and
lost requests, with Debian's radclient sending in parallel.

    .venv/bin/python bench/radius.py [--requests 20000] [--clients 4] [--parallel 64]
                                     [--workers 8] [--database-url postgres://...]

It makes a throw-away database (SQLite in a temp dir unless --database-url),
200 members with WiFi logins and one access point on 127.0.0.1, starts
`smartwork radius` in its own process, then:
1. throughput and losses: `--clients` radclient processes at once, each sending
   its share of the requests with `-p --parallel` in flight and no retry
   (`-r 1`), so every unanswered request counts as lost;
2. latency: a Python client keeps `--parallel` requests in flight and times
   each one (radclient prints no per-request times), giving p50 / p99.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_env(args: argparse.Namespace) -> dict[str, str]:
    tmp = Path(tempfile.mkdtemp(prefix="sw-radius-bench-"))
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "smartwork.config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "SMARTWORK_DATA_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    })
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(env)
    return env


def make_data(n_members: int) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.core.management import call_command

    from smartwork.core import testing
    from smartwork.wifi.services import nas_create, wifi_identity_rotate_password

    call_command("migrate", verbosity=0)
    network = testing.make_network(name=f"Bench {secrets.token_hex(3)}")
    centre = testing.make_centre(network=network, hours=None)
    operator = testing.make_operator(network)
    company = testing.make_organisation(network=network)
    # The network's rule is "every member with credit": the company buys hours.
    import datetime as dt
    from decimal import Decimal

    from smartwork.credits.services import credit_package_create, credit_purchase_create

    package = credit_package_create(actor=operator, network=network, name="Bench", hours=1000,
                                    price_net=Decimal("4000.00"))
    credit_purchase_create(actor=testing.make_company_admin(company), company=company,
                           package=package, valid_from=dt.date.today())
    nas_create(actor=operator, centre=centre, name="bench", address="127.0.0.1", secret=SECRET)
    logins = []
    for _ in range(n_members):
        member = testing.make_user(network=network, company=company)
        identity, password = wifi_identity_rotate_password(member=member, actor=member)
        logins.append((identity.username, password))
    from django.db import connection

    connection.close()
    return logins


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[str], int, int]:
    auth_port, acct_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartwork.config.cli", "radius", "--bind", "127.0.0.1",
         "--auth-port", str(auth_port), "--acct-port", str(acct_port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening" not in line:
        proc.kill()
        raise SystemExit(f"server did not start: {line}{proc.stdout.read()}")
    return proc, auth_port, acct_port


def radclient_run(args: argparse.Namespace, logins: list[tuple[str, str]], port: int) -> dict:
    radclient = shutil.which("radclient")
    if not radclient:
        raise SystemExit("radclient missing: apt-get install -y freeradius-utils")
    tmp = Path(tempfile.mkdtemp(prefix="sw-radclient-"))
    per_client = args.requests // args.clients
    files = []
    for c in range(args.clients):
        lines = []
        for i in range(per_client):
            user, password = logins[(c * per_client + i) % len(logins)]
            lines.append(f'User-Name = "{user}", User-Password = "{password}", '
                         "Message-Authenticator = 0x00\n")
        path = tmp / f"requests-{c}.txt"
        path.write_text("\n".join(lines))
        files.append(path)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [radclient, "-q", "-s", "-r", "1", "-t", "5", "-p", str(args.parallel), "-f",
             str(f), f"127.0.0.1:{port}", "auth", SECRET],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for f in files
    ]
    outputs = [p.communicate()[0] for p in procs]
    elapsed = time.perf_counter() - started
    totals = {"accepted": 0, "rejected": 0, "lost": 0}
    for out in outputs:
        for key in totals:
            m = re.search(rf"{key.capitalize()}\s*:\s*(\d+)", out)
            if m:
                totals[key] += int(m.group(1))
    sent = per_client * args.clients
    return {"sent": sent, "elapsed": elapsed, "rate": sent / elapsed, **totals}


def latency_run(args: argparse.Namespace, logins: list[tuple[str, str]], port: int) -> dict:
    """Keep `parallel` requests in flight from one UDP socket per 200 requests in
    flight (8-bit ids) and time each answer."""
    import selectors

    from pyrad import packet as rp
    from pyrad.client import Client

    from smartwork.wifi.server import load_dictionary

    dictionary = load_dictionary()
    client = Client(server="127.0.0.1", authport=port, secret=SECRET.encode(), dict=dictionary)
    n = args.latency_requests
    n_socks = max(1, (args.parallel + 199) // 200)
    socks = []
    for _ in range(n_socks):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        socks.append(s)
    packets = []
    for i in range(n):
        user, password = logins[i % len(logins)]
        req = client.CreateAuthPacket(code=rp.AccessRequest, User_Name=user, id=i % 256)
        req["User-Password"] = req.PwCrypt(password)
        req.add_message_authenticator()
        packets.append(req.RequestPacket())
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    inflight: dict[tuple[int, int], float] = {}
    latencies: list[float] = []
    next_i, accepts, lost = 0, 0, 0
    free_ids = {k: list(range(256)) for k in range(n_socks)}
    started = time.perf_counter()
    deadline_idle = 5.0
    last_progress = time.perf_counter()
    while len(latencies) + lost < n:
        while next_i < n and len(inflight) < args.parallel:
            k = next_i % n_socks
            if not free_ids[k]:
                break
            pid = free_ids[k].pop()
            raw = bytearray(packets[next_i])
            raw[1] = pid
            # The id is covered by the Message-Authenticator: re-sign with the new id.
            pkt = client.CreateAuthPacket(packet=bytes(raw))
            pkt.secret = SECRET.encode()
            pkt.id = pid
            pkt._refresh_message_authenticator()
            data = pkt.RequestPacket()
            socks[k].send(data)
            inflight[(k, pid)] = time.perf_counter()
            next_i += 1
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            k = socks.index(s)
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                t0 = inflight.pop((k, data[1]), None)
                if t0 is None:
                    continue
                latencies.append(time.perf_counter() - t0)
                accepts += data[0] == rp.AccessAccept
                free_ids[k].append(data[1])
                last_progress = time.perf_counter()
        if time.perf_counter() - last_progress > deadline_idle:
            lost += len(inflight)
            for (k, pid) in inflight:
                free_ids[k].append(pid)
            inflight.clear()
            last_progress = time.perf_counter()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"sent": n, "answered": len(latencies), "accepts": accepts, "lost": lost,
            "rate": len(latencies) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "max_ms": latencies[-1] * 1000 if latencies else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--latency-requests", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    env = setup_env(args)
    logins = make_data(args.members)
    proc, auth_port, _acct_port = start_server(env, args.workers)
    try:
        time.sleep(0.5)
        db = env["DATABASE_URL"].split(":", 1)[0]
        print(f"database: {db}; server workers: {args.workers}; cores: {os.cpu_count()}")
        r = radclient_run(args, logins, auth_port)
        print(f"radclient x{args.clients} (-p {args.parallel}, no retry): {r['sent']} "
              f"Access-Requests in {r['elapsed']:.2f} s = {r['rate']:.0f} req/s; "
              f"accepted {r['accepted']}, rejected {r['rejected']}, lost {r['lost']}")
        lat = latency_run(args, logins, auth_port)
        print(f"latency client ({args.parallel} in flight): {lat['answered']}/{lat['sent']} "
              f"answered, {lat['rate']:.0f} req/s, p50 {lat['p50_ms']:.1f} ms, "
              f"p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms, lost {lat['lost']}, "
              f"accepted {lat['accepts']}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
