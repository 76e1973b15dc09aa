"""Benchmark: the pages of issue #7 rendered through Django's test client, on a network of
30 centres with a busy day.

    .venv/bin/python bench/web_pages.py                    # embedded SQLite (a temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_web_bench .venv/bin/python bench/web_pages.py

Fills (once per run, in a fresh database) 30 centres x 20 desks, 3,000 independent
members, 1,200 bookings today (morning and afternoon of every desk, half of them checked
in), 2,000 WiFi sessions today (800 open), 6 membership plans and 6 credit packages, 20
access points at one centre. Then times each page (full page, htmx partial, CSV) over
20 requests after 3 warm-up ones: median and 95th percentile in ms, and the SQL queries
per request. Prints the table recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
os.environ.setdefault("SMARTWORK_DEMO", "1")
url = os.environ.get("DATABASE_URL", "")
if url.startswith("postgres"):
    import psycopg

    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
else:
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

call_command("migrate", verbosity=0)
setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]

from smartwork.accounts.models import User  # noqa: E402
from smartwork.bookings.models import Booking  # noqa: E402
from smartwork.bookings.slots import zone  # noqa: E402
from smartwork.core import testing  # noqa: E402
from smartwork.credits.services import (  # noqa: E402
    credit_package_create,
    membership_plan_create,
    membership_start,
)
from smartwork.network.choices import ResourceKind  # noqa: E402
from smartwork.network.models import Resource  # noqa: E402
from smartwork.wifi.models import PresenceSession  # noqa: E402
from smartwork.wifi.services import nas_create  # noqa: E402

CENTRES, DESKS, MEMBERS, SESSIONS = 30, 20, 3000, 2000


def fill() -> dict:
    t0 = time.perf_counter()
    network = testing.make_network(name="Bench network")
    centres = [testing.make_centre(network=network, desks=DESKS, rooms=0, name=f"Centre {i:02d}")
               for i in range(CENTRES)]
    operator = testing.make_operator(network)
    manager = testing.make_centre_staff(centres[0])
    User.objects.bulk_create([User(email=f"bench{i}@example.org", network=network, password="!",
                                   first_name="Member", last_name=f"{i:04d}")
                              for i in range(MEMBERS)], batch_size=1000)
    members = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    today = timezone.now().astimezone(zone(centres[0].timezone)).date()
    tz = zone(centres[0].timezone)
    morning = (dt.datetime.combine(today, dt.time(8, 30), tzinfo=tz),
               dt.datetime.combine(today, dt.time(12, 30), tzinfo=tz))
    afternoon = (dt.datetime.combine(today, dt.time(13, 30), tzinfo=tz),
                 dt.datetime.combine(today, dt.time(17, 30), tzinfo=tz))
    bookings, n = [], 0
    for resource in Resource.objects.filter(centre__in=centres, kind=ResourceKind.DESK):
        for start, end in (morning, afternoon):
            member = members[n % MEMBERS]
            checked = n % 2 == 0
            bookings.append(Booking(
                member=member, booked_by=member, resource=resource, centre_id=resource.centre_id,
                slot="range", start=start, end=end,
                state="checked_in" if checked else "confirmed",
                checked_in_at=start + dt.timedelta(minutes=10) if checked else None))
            n += 1
    Booking.objects.bulk_create(bookings, batch_size=1000)
    aps = [nas_create(actor=operator, centre=c, name="AP", address=f"10.{i}.0.0/24")[0]
           for i, c in enumerate(centres)]
    for i in range(19):
        nas_create(actor=manager, centre=centres[0], name=f"AP floor {i}",
                   address=f"10.200.{i}.0/24")
    now = timezone.now()
    start_of_day = dt.datetime.combine(today, dt.time(0), tzinfo=tz)
    PresenceSession.objects.bulk_create([
        PresenceSession(member=members[(i * 7) % MEMBERS], centre=aps[i % CENTRES].centre,
                        nas=aps[i % CENTRES], acct_session_id=f"s{i}",
                        started_at=max(start_of_day, now - dt.timedelta(minutes=5 + i % 300)),
                        ended_at=None if i % 5 < 2 else now - dt.timedelta(minutes=2),
                        last_update_at=now)
        for i in range(SESSIONS)], batch_size=1000)
    for i in range(6):
        membership_plan_create(actor=operator, network=network, name=f"Plan {i}",
                               monthly_fee_net=Decimal(40 + 20 * i), included_hours=8 * (i + 1),
                               centre=centres[i] if i % 2 else None)
        credit_package_create(actor=operator, network=network, name=f"Pack {i}",
                              hours=50 * (i + 1), price_net=Decimal(450 * (i + 1)))
    subscriber = members[0]
    from smartwork.credits.models import MembershipPlan

    membership_start(actor=subscriber, member=subscriber,
                     plan=MembershipPlan.objects.filter(centre__isnull=True).first())
    print(f"filled in {time.perf_counter() - t0:.1f} s: {len(bookings)} bookings, "
          f"{SESSIONS} sessions")
    return {"operator": operator, "manager": manager, "member": subscriber,
            "centre": centres[0]}


def timed(client: Client, path: str, headers: dict | None = None, runs: int = 20):
    headers = headers or {}
    for _ in range(3):
        assert client.get(path, **headers).status_code == 200, path
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(path, **headers)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    times.sort()
    return (statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries),
            len(response.content))


def main() -> None:
    users = fill()
    centre = users["centre"]
    cases = [
        ("presence, full page", "operator", "/network/presence/", {}),
        ("presence, htmx partial", "operator", "/network/presence/", {"HTTP_HX_REQUEST": "true"}),
        ("presence, CSV", "operator", "/network/presence/?format=csv", {}),
        ("presence, one centre", "operator", f"/network/presence/?centre={centre.pk}", {}),
        ("plans (operator)", "operator", "/staff/plans/", {}),
        ("credit packages", "operator", "/network/packages/", {}),
        ("access points, 20 NAS", "manager", f"/staff/centres/{centre.pk}/wifi/", {}),
        ("my membership", "member", "/membership/", {}),
    ]
    clients = {}
    for role in ("operator", "manager", "member"):
        clients[role] = Client()
        clients[role].force_login(users[role])
    print(f"database: {connection.vendor}; load average {os.getloadavg()}")
    print("| page | median ms | p95 ms | queries | bytes |")
    print("|---|---|---|---|---|")
    for name, role, path, headers in cases:
        median, p95, queries, size = timed(clients[role], path, headers)
        print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} | {size} |")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
