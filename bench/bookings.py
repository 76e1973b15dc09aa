"""Booking engine benchmark: the real server (granian, 2 workers) under load.

    .venv/bin/python bench/bookings.py [--duration 10] [--only postgres|sqlite]

For each database (PostgreSQL on 127.0.0.1:5432, then the embedded SQLite):
a fresh database is migrated and loaded with the demo network (smartwork.demo),
plus one centre grown to 50 desks; members get API tokens (the requests carry
`Authorization: Bearer ...`, so authentication, the rules, the audit log and the
mail task are all in the measured path). granian serves the WSGI app with 2
workers; a small asyncio HTTP/1.1 keep-alive client on 127.0.0.1 drives it and
prints requests/s, p50 and p99:

1. create booking, distinct slots, 8 connections;
2. availability of one centre with 50 desks for one slot, 8 connections, then 1;
3. same-slot race: 8 concurrent identical requests x 30 slots -> 1 booking per slot;
4. (SQLite) the same create and race; "database is locked" errors are counted
   in the answers (503 busy) and in the server's log.

The client is hand-written (raw asyncio streams) rather than httpx because on a
2-core machine the client's own CPU time competes with the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchenv import PG_URL, bench_env, drop_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BENCH_DB = os.environ.get("BENCH_DB", "sw_perf_bench_bookings")
CONNECTIONS = 8
RACE_SLOTS = 30
MEMBERS = 300  # CONNECTIONS of them for the race, the others for the load


# --- Setup (runs in a child process bound to one database) ----------------------


def free_desk_slots(centre: Any, today: Any, days: int = 60) -> list[dict[str, Any]]:
    """Every free half-day desk slot of `centre` in the next `days` days (enough for 10 s
    at 700 bookings a second), from the availability selector, 30 days at a time (its
    limit is 31)."""
    import datetime as dt

    from smartwork.bookings.selectors import availability_for_centre

    rows = []
    for first in range(1, days + 1, 30):
        avail = availability_for_centre(
            centre=centre, date_from=today + dt.timedelta(days=first),
            date_to=today + dt.timedelta(days=min(first + 29, days)), kind="desk")
        for res in avail["resources"]:
            for s in res["slots"]:
                if s["free"] and s["slot"] != "full_day":
                    rows.append({"resource_id": res["id"], "date": s["date"].isoformat(),
                                 "slot": s["slot"]})
    return rows


def setup(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from smartwork.accounts.services import api_token_create
    from smartwork.bookings.selectors import availability_for_centre
    from smartwork.demo.load import demo_load
    from smartwork.network.choices import ResourceKind
    from smartwork.network.models import Centre, Resource

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    # The newest labelled full Walloon centre open to every member (not a company-hosted
    # space, which an independent member may not see: 404), grown to 50 desks.
    centre = (Centre.objects.filter(network__slug="walloon-smart-work-centers",
                                    label_status="labelled", host_company__isnull=True,
                                    label_tier="full")
              .order_by("-id").first())
    desks = Resource.objects.filter(centre=centre, kind=ResourceKind.DESK).count()
    Resource.objects.bulk_create([
        Resource(centre=centre, kind=ResourceKind.DESK, name=f"Bench desk {i:02d}")
        for i in range(desks + 1, 51)
    ])
    from smartwork.core.testing import make_user

    # Independent members (pay-as-you-go): a company's time credit would run out
    # during the run and turn bookings into 409 insufficient_credit. A member holds one
    # desk at a time (`member_already_booked`), so each job gets a member who is free
    # then; the first CONNECTIONS members are kept for the race.
    members = [make_user(email=f"bench{i}@bench.example", password=None,
                         network=centre.network) for i in range(MEMBERS)]
    tokens = [api_token_create(user=m, name="bench")[1] for m in members]
    # Every free desk slot of every labelled centre of the network for the coming weeks,
    # computed by the availability selector itself.
    today = timezone.localdate()
    jobs: list[dict[str, Any]] = []
    bench_jobs: list[dict[str, Any]] = []
    for c in Centre.objects.filter(network=centre.network, label_status="labelled",
                                   host_company__isnull=True):
        for row in free_desk_slots(c, today):
            (bench_jobs if c.pk == centre.pk else jobs).append(row)
    # Spread over centres and desks, as real traffic is (consecutive jobs on one desk
    # would measure the per-resource lock queue instead).
    random.Random(7).shuffle(jobs)
    jobs, job_tokens = assign_members(jobs)
    race_jobs = distinct_times(bench_jobs[::-1], RACE_SLOTS)
    avail_day = next(s["date"] for r in availability_for_centre(
        centre=centre, date_from=today + dt.timedelta(days=1),
        date_to=today + dt.timedelta(days=14), kind="desk")["resources"] for s in r["slots"])
    out.write_text(json.dumps({
        "centre_id": centre.pk, "centre": centre.name,
        "desks": Resource.objects.filter(centre=centre, kind=ResourceKind.DESK).count(),
        "tokens": tokens, "jobs": jobs, "job_tokens": job_tokens, "race_jobs": race_jobs,
        "avail_date": avail_day.isoformat(), "setup_seconds": round(time.perf_counter() - t0, 1),
    }))


def assign_members(jobs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """Give each job (desk, date, half-day) a member who is free then (a member holds
    one desk at a time); members 0..CONNECTIONS-1 are kept for the race. Jobs beyond
    the members of one half-day are dropped. Returns the jobs and their member index."""
    taken: dict[tuple[str, str], int] = {}
    kept: list[dict[str, Any]] = []
    members: list[int] = []
    for job in jobs:
        n = taken.get((job["date"], job["slot"]), 0)
        if CONNECTIONS + n >= MEMBERS:
            continue
        taken[(job["date"], job["slot"])] = n + 1
        kept.append(job)
        members.append(CONNECTIONS + n)
    return kept, members


def distinct_times(jobs: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """`n` jobs at distinct (date, half-day): a member's win on one race slot never
    stops them on another."""
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for job in jobs:
        if (job["date"], job["slot"]) not in seen and len(out) < n:
            seen.add((job["date"], job["slot"]))
            out.append(job)
    return out


# --- A small HTTP/1.1 keep-alive client ------------------------------------------


class Conn:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.auth = f"Bearer {token}"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"",
                      token: str | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        auth = f"Bearer {token}" if token else self.auth
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and "close" in value.lower():
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size + 2)
            payload = data
        else:
            payload = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, payload


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


WRK_LUA = r"""
-- Generated by bench/bookings.py: each request is the next job of this thread
-- (jobs are striped over the threads, so no two requests ask for the same slot).
local jobs = JOBS
local job_tokens = JOB_TOKENS
local tokens = TOKENS
local method, path = "METHOD", "PATH"
local threads = {}
local n = 0
statuses = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  nthreads = tonumber(args[1]) or 1
end

function request()
  local k = n * nthreads + tid
  n = n + 1
  local body = nil
  local token = tokens[(k % #tokens) + 1]
  if #jobs > 0 then
    body = jobs[(k % #jobs) + 1]
    token = tokens[job_tokens[(k % #jobs) + 1] + 1]
  end
  local headers = {["Authorization"] = "Bearer " .. token,
                   ["Content-Type"] = "application/json"}
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do all[code] = (all[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(all) do table.insert(parts, string.format('"%d": %d', code, count)) end
  io.write(string.format('WRK {"n": %d, "seconds": %f, "p50": %f, "p99": %f, ' ..
    '"errors": %d, "statuses": {%s}}\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, table.concat(parts, ", ")))
end
"""


def _lua_str(value: str) -> str:
    return "[==[" + value + "]==]"


def wrk_load(port: int, tokens: list[str], n_conn: int, method: str, path: str,
             bodies: list[str], *, duration: float, workdir: Path,
             body_tokens: list[int] | None = None) -> dict[str, Any]:
    """The load of one scenario with Debian's `wrk` (C, epoll): far cheaper per request
    than the Python client, so the two cores go to the server and the database."""
    threads = min(2, n_conn)
    script = (WRK_LUA.replace("JOB_TOKENS", "{" + ",".join(map(str, body_tokens or [])) + "}")
              .replace("JOBS", "{" + ",".join(_lua_str(b) for b in bodies) + "}")
              .replace("TOKENS", "{" + ",".join(_lua_str(t) for t in tokens) + "}")
              .replace("METHOD", method).replace("PATH", path))
    lua = workdir / "bench.lua"
    lua.write_text(script)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{n_conn}", f"-d{max(1, round(duration))}s", "--latency",
         "--timeout", "10s", "-s", str(lua), f"http://127.0.0.1:{port}", "--", str(threads)],
        capture_output=True, text=True, check=True).stdout
    data = json.loads(next(ln for ln in out.splitlines() if ln.startswith("WRK "))[4:])
    statuses = {int(k): v for k, v in data["statuses"].items()}
    if data["errors"]:
        statuses[0] = data["errors"]  # socket errors / timeouts
    return {"n": data["n"], "rps": data["n"] / data["seconds"], "p50": data["p50"],
            "p99": data["p99"], "statuses": statuses, "errors": []}


def pg_backend_cpu(db: str) -> float:
    """CPU seconds of the PostgreSQL backends serving the bench database (persistent
    connections: the same processes for the whole run)."""
    import psycopg

    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as c:
        pids = [r[0] for r in c.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                        [db]).fetchall()]
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def load(port: int, tokens: list[str], n_conn: int, make: Any, *, duration: float,
               limit: int | None = None) -> dict[str, Any]:
    """`make(i)` -> (method, path, body) or None when there is no more work."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    bodies: list[bytes] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + duration

    async def worker(k: int) -> None:
        conn = Conn(port, tokens[k % len(tokens)])
        while time.perf_counter() < deadline:
            i = next(counter)
            if limit is not None and i >= limit:
                return
            req = make(i)
            if req is None:
                return
            t = time.perf_counter()
            status, body = await conn.request(*req)
            latencies.append((time.perf_counter() - t) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 400:
                bodies.append(body[:160])

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(n_conn)))
    elapsed = time.perf_counter() - t0
    return {"n": len(latencies), "rps": len(latencies) / elapsed, "p50": pct(latencies, 50),
            "p99": pct(latencies, 99), "statuses": statuses, "errors": bodies[:3]}


async def race(port: int, tokens: list[str], jobs: list[dict[str, Any]]) -> dict[str, Any]:
    conns = [Conn(port, tokens[k]) for k in range(CONNECTIONS)]
    winners, statuses, latencies = [], {}, []
    codes: dict[str, int] = {}
    for job in jobs:
        body = json.dumps(job).encode()

        async def one(c: Conn, body: bytes = body) -> int:
            t = time.perf_counter()
            status, answer = await c.request("POST", "/api/v1/bookings", body)
            latencies.append((time.perf_counter() - t) * 1000)
            if status != 201:
                code = json.loads(answer).get("error", {}).get("code", "?")
                codes[code] = codes.get(code, 0) + 1
            return status

        results = await asyncio.gather(*(one(c) for c in conns))
        for s in results:
            statuses[s] = statuses.get(s, 0) + 1
        winners.append(sum(1 for s in results if s == 201))
    if not all(w == 1 for w in winners):
        statuses["codes"] = codes
    return {"slots": len(jobs), "one_winner_each": all(w == 1 for w in winners),
            "winners": winners, "statuses": statuses, "p99": pct(latencies, 99)}


def line(name: str, r: dict[str, Any]) -> str:
    cpu = f"  server CPU {r['cpu_ms']:.2f} ms/req" if "cpu_ms" in r else ""
    if "pg_ms" in r:
        cpu += f"  PostgreSQL CPU {r['pg_ms']:.2f} ms/req"
    # A figure of error answers measures nothing: say so on the line itself.
    failed = [code for code in r["statuses"] if isinstance(code, int) and code >= 400
              and code not in (409,)]
    warn = f"  NOT VALID: {failed} answers" if failed else ""
    return (f"{name:<46} {r['n']:>6} req  {r['rps']:>7.0f} req/s  p50 {r['p50']:>6.1f} ms  "
            f"p99 {r['p99']:>6.1f} ms  {r['statuses']}{cpu}{warn}")


# --- Orchestration ----------------------------------------------------------------


def cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its descendants (from /proc): the server's
    own cost, which does not depend on what else the machine is doing."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("granian did not start")


def run_for(db: str, duration: float, workdir: Path, threads: int | None = None,
            client: str = "wrk") -> None:
    env = bench_env(ALLOWED_HOSTS="127.0.0.1,localhost", SMARTWORK_DATA_DIR=str(workdir / db))
    if db == "postgres":
        fresh_database(PG_URL.format(name=BENCH_DB))
        env["DATABASE_URL"] = PG_URL.format(name=BENCH_DB)
    else:
        env.pop("DATABASE_URL", None)
    if threads:
        env["GRANIAN_BLOCKING_THREADS"] = str(threads)
    info_path = workdir / f"{db}.json"
    subprocess.run([PY, __file__, "--setup", str(info_path)], env=env, check=True)
    info = json.loads(info_path.read_text())
    port = free_port()
    log_path = workdir / f"{db}-granian.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [PY, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
             str(port), "--workers", "2", "--no-ws", "smartwork.config.wsgi:application"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    try:
        wait_ready(port)
        time.sleep(1.5)
        print(f"\n== {db} ({client} client, load average {os.getloadavg()[0]:.1f}): centre {info['centre']!r} with {info['desks']} desks; "
              f"{len(info['jobs'])} distinct free desk slots; setup {info['setup_seconds']} s")
        tokens, jobs, job_tokens = info["tokens"], info["jobs"], info["job_tokens"]

        def create(i: int) -> Any:
            if i >= len(jobs):
                return None
            return ("POST", "/api/v1/bookings", json.dumps(jobs[i]).encode(),
                    tokens[job_tokens[i]])

        avail_path = (f"/api/v1/centres/{info['centre_id']}/availability"
                      f"?date={info['avail_date']}&slot=morning&kind=desk")

        def avail(i: int) -> Any:
            return ("GET", avail_path, b"")

        use_wrk = client == "wrk"

        async def measured(n_conn: int, make: Any, seconds: float) -> dict[str, Any]:
            before = cpu_seconds(server.pid)
            pg_before = pg_backend_cpu(BENCH_DB) if db == "postgres" else 0.0
            if use_wrk and make is create:
                done = state["created"]
                result = wrk_load(port, tokens, n_conn, "POST", "/api/v1/bookings",
                                  [json.dumps(j) for j in jobs[done:]], duration=seconds,
                                  workdir=workdir, body_tokens=job_tokens[done:])
                state["created"] += result["n"]
            elif use_wrk:
                result = wrk_load(port, tokens, n_conn, "GET", avail_path, [],
                                  duration=seconds, workdir=workdir)
            else:
                result = await load(port, tokens, n_conn, make, duration=seconds)
            result["cpu_ms"] = (cpu_seconds(server.pid) - before) * 1000 / max(1, result["n"])
            if db == "postgres":
                result["pg_ms"] = (pg_backend_cpu(BENCH_DB) - pg_before) * 1000 / max(
                    1, result["n"])
            return result

        state = {"created": 0}

        async def main() -> None:
            # warm-up: both workers import and connect
            await load(port, tokens, CONNECTIONS, avail, duration=1.0)
            r1 = await measured(CONNECTIONS, create, duration)
            print(line("1. create booking, distinct slots, 8 conn", r1))
            if r1["errors"]:
                print("   refused:", r1["errors"])
            r2 = await measured(CONNECTIONS, avail, duration)
            print(line("2. availability 50 desks one slot, 8 conn", r2))
            r2b = await measured(1, avail, duration / 2)
            print(line("2. availability 50 desks one slot, 1 conn", r2b))
            print(f"   load average now: {os.getloadavg()[0]:.1f}")
            r3 = await race(port, tokens, info["race_jobs"])
            print(f"{'3. same-slot race, 8 x ' + str(r3['slots']) + ' slots':<46} "
                  f"exactly one booking per slot: {r3['one_winner_each']}  "
                  f"p99 {r3['p99']:.1f} ms  {r3['statuses']}")

        asyncio.run(main())
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    text = log_path.read_text(errors="replace")
    locked = text.count("database is locked")
    print(f"   'database is locked' in the server log: {locked}")
    if "Traceback" in text:
        first = text.index("Traceback")
        print("   first error in the server log:\n" + text[first:first + 3000])
    if db == "postgres":
        drop_database(PG_URL.format(name=BENCH_DB))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", type=Path)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--client", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python",
                        help="load client (default: wrk when installed: apt-get install wrk)")
    parser.add_argument("--threads", type=int, default=2,
                        help="granian blocking threads per worker (default 2, as `smartwork "
                             "serve`)")
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
        return
    workdir = Path(tempfile.mkdtemp(prefix="sw-bench-bookings-"))
    try:
        for db in ("postgres", "sqlite"):
            if args.only and db != args.only:
                continue
            run_for(db, args.duration, workdir, threads=args.threads, client=args.client)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ncores: {os.cpu_count()}  python {sys.version.split()[0]}  load average at the end: "
          f"{os.getloadavg()[0]:.1f} (one run per figure; 'server CPU' is granian's own "
          f"user+system time per request, without PostgreSQL)")


if __name__ == "__main__":
    main()
