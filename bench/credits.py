"""Time-credit benchmark: booking creation with credit consumption, on the real server.

    .venv/bin/python bench/credits.py [--duration 10] [--only postgres|sqlite]

The same server and clients as bench/bookings.py (granian, 2 workers, 2 blocking
threads each; wrk for the throughput, the asyncio keep-alive client for the races; 8
connections), on a fresh database loaded with the demo. The
members are 40 employees of one company that bought 100,000 hours, so every
booking is paid by credit: the pool and the member's allotments are locked in the
booking's transaction, a ledger entry is written, and the answer carries
payment_method "credit". Scenarios:

0. in process: the booking service for an employee paying by credit and for an
   independent paying as they go, interleaved: median ms and SQL queries each;
1. create booking paid by credit, distinct desk slots, 8 connections;
2. same-slot race with credit: 8 concurrent identical requests x 30 slots -> one
   booking (and one ledger entry) per slot;
3. credit race: 20 concurrent bookings of distinct desks by 20 employees of a
   company whose pool has room for exactly 5 -> exactly 5 succeed (201) and 15 get
   409 insufficient_credit;
then `smartwork check-ledgers` on the database (must report 0 problems).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchenv import bench_env, drop_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BENCH_DB = os.environ.get("BENCH_DB", "sw_perf_bench_credits")
CONNECTIONS = 8
RACE_SLOTS = 30
CREDIT_RACE = 20

_spec = importlib.util.spec_from_file_location("bench_bookings", ROOT / "bench" / "bookings.py")
assert _spec is not None and _spec.loader is not None
bb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bb)


def setup(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from smartwork.accounts.choices import OrganisationKind
    from smartwork.accounts.models import User
    from smartwork.accounts.services import api_token_create
    from smartwork.core import testing
    from smartwork.credits.services import credit_purchase_create
    from smartwork.demo.load import demo_load
    from smartwork.network.choices import ResourceKind
    from smartwork.network.models import Centre, Resource

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    # Not a company-hosted space (the bench company's employees may not see it: 404), and
    # a full centre (a mini one costs less credit: the race's room for 5 would hold 6).
    centre = (Centre.objects.filter(network__slug="walloon-smart-work-centers",
                                    label_status="labelled", host_company__isnull=True,
                                    label_tier="full")
              .order_by("-id").first())
    network = centre.network
    desks = Resource.objects.filter(centre=centre, kind=ResourceKind.DESK).count()
    Resource.objects.bulk_create([
        Resource(centre=centre, kind=ResourceKind.DESK, name=f"Bench desk {i:02d}")
        for i in range(desks + 1, 51)
    ])
    operator = User.objects.filter(roles__role="operator", roles__network=network).first()
    # A company with plenty of credit: every booking below is paid by credit.
    rich = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                     legal_name="Bench rich SA")
    credit_purchase_create(actor=operator, company=rich, hours=100_000,
                           price_net=Decimal("450000.00"))
    members = [testing.make_user(company=rich, network=network, password=None)
               for _ in range(bb.MEMBERS)]
    tokens = [api_token_create(user=m, name="bench")[1] for m in members]
    # A company with room for exactly 5 half-days, and 20 employees racing for it.
    poor = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                     legal_name="Bench poor SA")
    credit_purchase_create(actor=operator, company=poor, hours=5 * network.desk_half_day_hours,
                           price_net=Decimal("100.00"))
    poor_tokens = [api_token_create(user=testing.make_user(company=poor, network=network),
                                    name="bench")[1] for _ in range(CREDIT_RACE)]
    today = timezone.localdate()
    inprocess = _inprocess(centre=centre, credit_member=members[0],
                           payg_member=testing.make_user(network=network), today=today)
    jobs: list[dict[str, Any]] = []
    race_jobs: list[dict[str, Any]] = []
    for c in Centre.objects.filter(network=network, label_status="labelled",
                                   host_company__isnull=True):
        for row in bb.free_desk_slots(c, today):
            (race_jobs if c.pk == centre.pk else jobs).append(row)
    # The credit race: 20 distinct desks of the big centre, one morning.
    first = race_jobs[0]
    credit_race = [j for j in race_jobs if j["date"] == first["date"]
                   and j["slot"] == first["slot"]][:CREDIT_RACE]
    used = {(j["resource_id"], j["date"], j["slot"]) for j in credit_race}
    race_jobs = [j for j in race_jobs if (j["resource_id"], j["date"], j["slot"]) not in used]
    jobs, job_tokens = bb.assign_members(jobs)
    out.write_text(json.dumps({
        "centre": centre.name, "tokens": tokens, "poor_tokens": poor_tokens, "jobs": jobs,
        "job_tokens": job_tokens, "race_jobs": bb.distinct_times(race_jobs[::-1], RACE_SLOTS),
        "credit_race": credit_race,
        "setup_seconds": round(time.perf_counter() - t0, 1), "inprocess": inprocess,
    }))


def _inprocess(*, centre: Any, credit_member: Any, payg_member: Any, today: Any) -> dict[str, Any]:
    """The cost of the credit path itself, in this process: the same booking service
    called for an employee paying by credit and for an independent paying as they go,
    interleaved (so machine load hits both alike); SQL queries and ms per booking."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartwork.bookings.services import booking_create
    from smartwork.core.errors import DomainError

    desks = list(centre.resources.filter(kind="desk").order_by("pk"))
    results: dict[str, list[tuple[float, int]]] = {"credit": [], "payg": []}
    day = today + dt.timedelta(days=31)
    n = 0
    while n < 100:
        day += dt.timedelta(days=1)
        if day.weekday() > 4:
            continue
        for desk in desks[:10]:
            for slot in ("morning", "afternoon"):
                who, kind = ((credit_member, "credit") if n % 2 == 0
                             else (payg_member, "payg"))
                with CaptureQueriesContext(connection) as queries:
                    t = time.perf_counter()
                    try:
                        booking = booking_create(actor=who, resource=desk, slot=slot, on=day)
                    except DomainError:
                        continue
                    elapsed = (time.perf_counter() - t) * 1000
                assert booking.payment_method == kind, booking.payment_method
                results[kind].append((elapsed, len(queries)))
                n += 1
    out = {}
    for kind, rows in results.items():
        times = sorted(r[0] for r in rows)
        out[kind] = {"n": len(rows), "median_ms": round(times[len(times) // 2], 2),
                     "queries": max(r[1] for r in rows)}
    return out


async def credit_race(port: int, tokens: list[str], jobs: list[dict[str, Any]]) -> dict[str, Any]:
    conns = [bb.Conn(port, t) for t in tokens]
    for c in conns:
        await c.open()

    async def one(c: Any, job: dict[str, Any]) -> tuple[int, str]:
        status, body = await c.request("POST", "/api/v1/bookings", json.dumps(job).encode())
        code = json.loads(body).get("error", {}).get("code", "") if status >= 400 else ""
        return status, code

    results = await asyncio.gather(*(one(c, j) for c, j in zip(conns, jobs, strict=True)))
    statuses: dict[str, int] = {}
    for status, code in results:
        key = f"{status} {code}".strip()
        statuses[key] = statuses.get(key, 0) + 1
    return {"statuses": statuses, "ok": statuses.get("201", 0)}


def run_for(db: str, duration: float, workdir: Path) -> None:
    env = bench_env(ALLOWED_HOSTS="127.0.0.1,localhost", SMARTWORK_DATA_DIR=str(workdir / db))
    if db == "postgres":
        fresh_database(bb.PG_URL.format(name=BENCH_DB))
        env["DATABASE_URL"] = bb.PG_URL.format(name=BENCH_DB)
    else:
        env.pop("DATABASE_URL", None)
    info_path = workdir / f"{db}.json"
    subprocess.run([PY, __file__, "--setup", str(info_path)], env=env, check=True)
    info = json.loads(info_path.read_text())
    port = bb.free_port()
    log_path = workdir / f"{db}-granian.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [PY, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
             str(port), "--workers", "2", "--blocking-threads", "2", "--no-ws", "smartwork.config.wsgi:application"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    try:
        bb.wait_ready(port)
        time.sleep(1.5)
        print(f"\n== {db}: {len(info['jobs'])} distinct free desk slots; "
              f"setup {info['setup_seconds']} s")
        for kind, r in info["inprocess"].items():
            print(f"0. in-process booking_create paid by {kind:<7} {r['n']:>4} bookings  "
                  f"median {r['median_ms']:>6.2f} ms  {r['queries']} SQL queries")
        tokens, jobs = info["tokens"], info["jobs"]

        def me(i: int) -> Any:
            return ("GET", "/api/v1/me/credit", b"")

        async def main() -> None:
            await bb.load(port, tokens, CONNECTIONS, me, duration=1.0)  # warm-up
            # The same C client (wrk) as bench/bookings.py: the two cores go to the server
            # and the database, not to a Python client.
            before = bb.cpu_seconds(server.pid)
            pg_before = bb.pg_backend_cpu(BENCH_DB) if db == "postgres" else 0.0
            r1 = bb.wrk_load(port, tokens, CONNECTIONS, "POST", "/api/v1/bookings",
                             [json.dumps(j) for j in jobs], duration=duration,
                             workdir=workdir, body_tokens=info["job_tokens"])
            r1["cpu_ms"] = (bb.cpu_seconds(server.pid) - before) * 1000 / max(1, r1["n"])
            if db == "postgres":
                r1["pg_ms"] = (bb.pg_backend_cpu(BENCH_DB) - pg_before) * 1000 / max(1, r1["n"])
            print(bb.line("1. create booking paid by credit, 8 conn (wrk)", r1))
            if r1["errors"]:
                print("   5xx:", r1["errors"])
            r2 = await bb.race(port, tokens, info["race_jobs"])
            print(f"{'2. same-slot race, 8 x ' + str(r2['slots']) + ' slots':<46} "
                  f"exactly one booking per slot: {r2['one_winner_each']}  "
                  f"p99 {r2['p99']:.1f} ms  {r2['statuses']}")
            r3 = await credit_race(port, info["poor_tokens"], info["credit_race"])
            print(f"{'3. credit race, 20 bookings, room for 5':<46} "
                  f"exactly 5 succeed: {r3['ok'] == 5}  {r3['statuses']}")

        asyncio.run(main())
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    check = subprocess.run([PY, "-m", "smartwork.config.cli", "check-ledgers"], env=env,
                           capture_output=True, text=True, cwd=ROOT)
    print(f"   check-ledgers (exit {check.returncode}): {check.stdout.strip()} "
          f"{check.stderr.strip()}")
    locked = log_path.read_text(errors="replace").count("database is locked")
    print(f"   'database is locked' in the server log: {locked}")
    if db == "postgres":
        drop_database(bb.PG_URL.format(name=BENCH_DB))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", type=Path)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
        return
    workdir = Path(tempfile.mkdtemp(prefix="sw-bench-credits-"))
    try:
        for db in ("postgres", "sqlite"):
            if args.only and db != args.only:
                continue
            run_for(db, args.duration, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ncores: {os.cpu_count()}  python {sys.version.split()[0]}  (one run per figure)")


if __name__ == "__main__":
    main()
