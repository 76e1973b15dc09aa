"""Approval step and one-desk-per-member benchmark, in process (the services, no server).

    .venv/bin/python bench/approvals.py [--n 40] [--only postgres|sqlite]

For each database (PostgreSQL on 127.0.0.1:5432 in a fresh `sw_appr_bench`, then a
fresh SQLite file): one centre with 60 desks, a company holding 10,000 h whose policy
caps the pool at one half-day per employee and month with the approval step, and N
employees. Printed: median and p90 milliseconds and SQL statements of

1. `booking_create` paid by credit (under the cap) — with the member check (the new
   member lock and overlap query) and, interleaved, with the check switched off, to
   show what the rule costs;
2. `booking_create` beyond the cap -> `pending_approval`;
3. `booking_create` refused `member_already_booked`;
4. `booking_approve` (credit taken, cap waived);
5. `bookings_expire_pending` over N x 5 lapsed pending bookings (total and per row),
   then a second run (must release nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchenv import PG_URL, bench_env, drop_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BENCH_DB = "sw_appr_bench"


def _stats(samples: list[tuple[float, int]]) -> str:
    ms = sorted(s[0] for s in samples)
    queries = statistics.median(s[1] for s in samples)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"median {statistics.median(ms):6.1f} ms  p90 {p90:6.1f} ms  {queries:.0f} SQL"


def run(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    import django

    django.setup()
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartwork.bookings import approvals, services
    from smartwork.bookings.choices import BookingState
    from smartwork.bookings.models import Booking
    from smartwork.core import testing
    from smartwork.core.errors import Conflict
    from smartwork.credits import services as credit_services
    from smartwork.network.models import Resource

    call_command("migrate", verbosity=0)
    network = testing.make_network()
    centre = testing.make_centre(network=network, desks=60, rooms=1)
    company = testing.make_organisation(network=network)
    admin = testing.make_company_admin(company)
    operator = testing.make_operator(network)
    credit_services.credit_purchase_create(actor=operator, company=company, hours=10_000,
                                           price_net=Decimal("50000.00"))
    credit_services.credit_policy_set(actor=admin, company=company,
                                      pool_cap_minutes_per_month=240,
                                      approval_beyond_cap=True, approval_hold_hours=48)
    people = [testing.make_user(company=company, network=network) for _ in range(n)]
    desks = list(Resource.objects.filter(centre=centre, kind="desk").order_by("name"))

    # working days of one month, far enough ahead
    start = dt.date.today() + dt.timedelta(days=5)
    start = credit_services.add_months(start, 1).replace(day=1)
    days = [start + dt.timedelta(days=i) for i in range(28)]
    days = [d for d in days if d.weekday() < 5 and d.month == start.month]

    def timed(fn: Any) -> tuple[float, int, Any]:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = fn()
            elapsed = (time.perf_counter() - t0) * 1000
        return elapsed, len(ctx.captured_queries), result

    real_check = services._check_member_free
    with_check: list[tuple[float, int]] = []
    without_check: list[tuple[float, int]] = []
    for i, person in enumerate(people):
        # first booking of the month for this person: paid by credit, under the cap
        on = days[0] if i % 2 == 0 else days[1]
        desk = desks[i // 2]
        if i % 4 < 2:
            ms, q, b = timed(lambda p=person, d=desk, o=on: services.booking_create(
                actor=p, resource=d, slot="morning", on=o, notify=False))
            with_check.append((ms, q))
        else:
            services._check_member_free = lambda **kw: None  # type: ignore[assignment]
            try:
                ms, q, b = timed(lambda p=person, d=desk, o=on: services.booking_create(
                    actor=p, resource=d, slot="morning", on=o, notify=False))
            finally:
                services._check_member_free = real_check  # type: ignore[assignment]
            without_check.append((ms, q))
        assert b.state == BookingState.CONFIRMED, b.state
    print(f"  1. booking_create by credit, member check on   {_stats(with_check)}")
    print(f"     the same, member check off (comparison)     {_stats(without_check)}")

    pending_samples: list[tuple[float, int]] = []
    pending: list[Booking] = []
    for i, person in enumerate(people):
        ms, q, b = timed(lambda p=person, i=i: services.booking_create(
            actor=p, resource=desks[i // 2], slot="morning", on=days[2 + i % 2], notify=False))
        assert b.state == BookingState.PENDING_APPROVAL, b.state
        pending_samples.append((ms, q))
        pending.append(b)
    print(f"  2. booking_create beyond the cap -> pending    {_stats(pending_samples)}")

    refused: list[tuple[float, int]] = []
    for i, person in enumerate(people):
        def again(p: Any = person, i: int = i) -> str:
            try:
                services.booking_create(actor=p, resource=desks[-1 - i % 10], slot="full_day",
                                        on=days[2 + i % 2], notify=False)
            except Conflict as exc:
                return exc.code
            return "booked"
        ms, q, code = timed(again)
        assert code == "member_already_booked", code
        refused.append((ms, q))
    print(f"  3. refused member_already_booked             {_stats(refused)}")

    approved: list[tuple[float, int]] = []
    for b in pending:
        ms, q, done = timed(lambda b=b: approvals.booking_approve(booking=b, actor=admin))
        assert done.state == BookingState.CONFIRMED
        approved.append((ms, q))
    print(f"  4. booking_approve                           {_stats(approved)}")

    # lapsed pending rows, written straight (the job's cost, not the booking's)
    lapsed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    rows = []
    for k in range(n * 5):
        person = people[k % n]
        on = days[4 + (k // n) % (len(days) - 4)]
        desk = desks[(k % n) // 2 + 30 * ((k % n) % 2)]
        b = Booking(member=person, booked_by=person, resource=desk, centre=centre, slot="morning",
                    start=dt.datetime.combine(on, dt.time(8, 30), tzinfo=dt.UTC),
                    end=dt.datetime.combine(on, dt.time(12, 30), tzinfo=dt.UTC),
                    state=BookingState.PENDING_APPROVAL, hold_until=lapsed,
                    payment_method="credit")
        rows.append(b)
    Booking.objects.bulk_create(rows)
    t0 = time.perf_counter()
    released = approvals.bookings_expire_pending()
    total = (time.perf_counter() - t0) * 1000
    t1 = time.perf_counter()
    second = approvals.bookings_expire_pending()
    again_ms = (time.perf_counter() - t1) * 1000
    print(f"  5. expiry job: {released} lapsed released in {total:.0f} ms "
          f"({total / max(released, 1):.2f} ms/row); second run {second} in {again_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    parser.add_argument("--run", action="store_true")
    args = parser.parse_args()
    if args.run:
        run(args.n)
        return
    workdir = Path(tempfile.mkdtemp(prefix="sw-bench-approvals-"))
    try:
        for db in ("postgres", "sqlite"):
            if args.only and db != args.only:
                continue
            env = bench_env(SMARTWORK_DATA_DIR=str(workdir / db))
            if db == "postgres":
                fresh_database(PG_URL.format(name=BENCH_DB))
                env["DATABASE_URL"] = PG_URL.format(name=BENCH_DB)
            else:
                env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
            print(f"{db}: n={args.n}, load average {os.getloadavg()[0]:.1f}")
            subprocess.run([PY, __file__, "--run", "--n", str(args.n)], env=env, check=True)
            if db == "postgres":
                drop_database(PG_URL.format(name=BENCH_DB))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"cores: {os.cpu_count()}  python {sys.version.split()[0]}  "
          f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
