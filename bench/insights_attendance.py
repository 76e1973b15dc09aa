"""Benchmark: attendance of one company over a year, 2 million bookings, PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_insights_bench \
        .venv/bin/python bench/insights_attendance.py

Creates (once) the database, migrates it and fills it with 100 centres x 40
desks, 20,000 members in 50 companies, about 2.09 million bookings over 2025
(every desk, every weekday, morning and afternoon; 90 % completed with a
check-in 0-39 minutes after the start, 5 % no-show, 5 % cancelled) and 300,000 WiFi presence sessions, all written by SQL
generate_series. Builds the presence summary (`insights_presenceday`) once and
times that rebuild; times an incremental refresh after 1,000 bookings and 200
sessions changed; then times the attendance report of the largest company
(2,000 members, about 10 % of the rows) for the year 2025: the SQL aggregation
on the summary (its staleness check included) and the whole selector (privacy
folding and names included), with the PostgreSQL backend's CPU seconds.
Prints the figures recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
os.environ.setdefault("SMARTWORK_DEMO", "1")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be created and filled).")

import psycopg

url = os.environ["DATABASE_URL"]
dbname = url.rsplit("/", 1)[1]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
        admin.execute(f'CREATE DATABASE "{dbname}"')

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

call_command("migrate", verbosity=0)

from django.utils.timezone import now as django_now  # noqa: E402

from smartwork.accounts.choices import OrganisationKind  # noqa: E402
from smartwork.accounts.models import Organisation, User  # noqa: E402
from smartwork.bookings.models import Booking  # noqa: E402
from smartwork.core import testing  # noqa: E402
from smartwork.insights import selectors, summary  # noqa: E402
from smartwork.insights.attendance import Scope, presence  # noqa: E402
from smartwork.insights.models import PresenceSummaryState  # noqa: E402
from smartwork.insights.periods import parse_period  # noqa: E402
from smartwork.network.models import Centre, Resource  # noqa: E402

CENTRES, DESKS, COMPANIES, MEMBERS = 100, 40, 50, 20000


def fill() -> None:
    t0 = time.perf_counter()
    network = testing.make_network(name="Bench network")
    for i in range(CENTRES):
        testing.make_centre(network=network, desks=DESKS, rooms=0, name=f"Bench centre {i}",
                            lat=49.6 + (i % 10) * 0.18, lon=2.8 + (i // 10) * 0.33)
    companies = [testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                           legal_name=f"Bench company {i}")
                 for i in range(COMPANIES)]
    # The first company is the big one: 2,000 of the 20,000 members.
    users = []
    for i in range(MEMBERS):
        company = companies[0] if i % 10 == 0 else companies[1 + i % (COMPANIES - 1)]
        users.append(User(email=f"bench{i}@example.org", company=company, network=network,
                          password="!", first_name="B", last_name=str(i)))
    User.objects.bulk_create(users, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("""
            CREATE TEMP TABLE bench_users AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts_user
            WHERE email LIKE 'bench%%@example.org';
            CREATE TEMP TABLE bench_res AS
            SELECT row_number() OVER (ORDER BY r.id) - 1 AS n, r.id, r.centre_id
            FROM network_resource r JOIN network_centre c ON c.id = r.centre_id
            WHERE c.network_id = %s;
        """, [network.pk])
        cur.execute("""
            INSERT INTO bookings_booking (member_id, booked_by_id, resource_id, centre_id, slot,
                "start", "end", state, checked_in_at, checked_in_via, cancelled_at, cancel_reason,
                payment_method, credit_minutes, sequence, note, created_at, updated_at)
            SELECT u.id, u.id, r.id, r.centre_id, s.slot,
                   (d.day + s.t0) AT TIME ZONE 'Europe/Brussels',
                   (d.day + s.t1) AT TIME ZONE 'Europe/Brussels',
                   CASE WHEN hs %% 20 = 0 THEN 'no_show' WHEN hs %% 20 = 1 THEN 'cancelled'
                        ELSE 'completed' END,
                   CASE WHEN hs %% 20 > 1 THEN (d.day + s.t0 + (hs %% 40) * interval '1 minute')
                        AT TIME ZONE 'Europe/Brussels' END,
                   '', CASE WHEN hs %% 20 = 1 THEN now() END, '', 'credit', 240, 0, '', now(), now()
            FROM bench_res r
            CROSS JOIN (SELECT day::timestamp AS day FROM generate_series(
                '2025-01-01'::date, '2025-12-31'::date, interval '1 day') day
                WHERE extract(isodow FROM day) < 6) d
            CROSS JOIN (VALUES ('morning', interval '8 hours 30 minutes', interval '12 hours 30 minutes', 0),
                               ('afternoon', interval '13 hours 30 minutes', interval '17 hours 30 minutes', 1)) s(slot, t0, t1, k)
            CROSS JOIN LATERAL (SELECT abs(hashtext(r.id::text || '/' || d.day::text || s.slot)) AS h,
                                       abs(hashtext(s.slot || d.day::text || '/' || r.id::text)) AS hs) hh
            JOIN bench_users u ON u.n = (hh.h %% %s)
        """, [MEMBERS])
    print(f"bookings filled in {time.perf_counter() - t0:.1f} s")


def fill_wifi() -> None:
    t0 = time.perf_counter()
    network = Organisation.objects.get(legal_name="Bench company 0").network
    with connection.cursor() as cur:
        cur.execute("""
            DROP TABLE IF EXISTS bench_users;
            CREATE TEMP TABLE bench_users AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts_user
            WHERE email LIKE 'bench%%@example.org';
        """)
        cur.execute("""
            INSERT INTO wifi_nas (centre_id, name, address, secret_encrypted,
                                  require_message_authenticator, is_active, created_at, updated_at)
            SELECT c.id, 'bench-ap', '10.' || (c.id / 250) || '.' || (c.id %% 250) || '.1', 'x',
                   true, true, now(), now()
            FROM network_centre c WHERE c.network_id = %s
        """, [network.pk])
        cur.execute("""
            INSERT INTO wifi_presencesession (member_id, centre_id, nas_id, acct_session_id,
                started_at, ended_at, last_update_at, input_octets, output_octets, stop_cause)
            SELECT u.id, n.centre_id, n.id, 'bench-' || g,
                   ('2025-01-01'::timestamp + (g %% 365) * interval '1 day' + interval '8 hours'
                    + (g %% 300) * interval '1 minute') AT TIME ZONE 'Europe/Brussels',
                   ('2025-01-01'::timestamp + (g %% 365) * interval '1 day' + interval '11 hours'
                    + (g %% 300) * interval '1 minute') AT TIME ZONE 'Europe/Brussels',
                   now(), 0, 0, ''
            FROM generate_series(1, 300000) g
            JOIN bench_users u ON u.n = (g::bigint * 7919) %% %s
            JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, centre_id FROM wifi_nas
                  WHERE name = 'bench-ap') n ON n.n = g %% %s
        """, [MEMBERS, CENTRES])
        cur.execute("ANALYZE")
    print(f"WiFi sessions filled in {time.perf_counter() - t0:.1f} s")


if not Organisation.objects.filter(legal_name="Bench company 0").exists():
    fill()
from smartwork.wifi.models import Nas, PresenceSession  # noqa: E402

if not PresenceSession.objects.filter(acct_session_id__startswith="bench-").exists():
    Nas.objects.filter(name="bench-ap").delete()
    fill_wifi()

company = Organisation.objects.get(legal_name="Bench company 0")
period = parse_period("2025")
n_bookings = Booking.objects.count()
with connection.cursor() as cur:
    cur.execute("SELECT count(*) FROM bookings_booking b JOIN accounts_user u ON u.id = b.member_id"
                " WHERE u.company_id = %s", [company.pk])
    company_bookings = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM wifi_presencesession")
    sessions = cur.fetchone()[0]
print(f"bookings: {n_bookings:,} (company: {company_bookings:,}); wifi sessions: {sessions:,};"
      f" centres: {Centre.objects.count()}, desks: {Resource.objects.count():,}")

def backend_cpu_s() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same
    machine): on a shared, overloaded machine wall time mostly measures the
    queue for a core, CPU time measures the work."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now() -> tuple[float, float, float]:
    """(wall, this process's CPU, the backend's CPU) seconds."""
    return time.perf_counter(), time.process_time(), backend_cpu_s()


def since(mark: tuple[float, float, float]) -> str:
    wall, cpu, backend = cpu_now()
    return (f"{wall - mark[0]:.2f} s wall, {cpu - mark[1]:.2f} s Python CPU, "
            f"{backend - mark[2]:.2f} s PostgreSQL CPU")


if not PresenceSummaryState.objects.filter(watermark__isnull=False).exists() or "--rebuild" in sys.argv:
    mark = cpu_now()
    built = summary.presence_summary_refresh(rebuild=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE insights_presenceday")
    print(f"summary rebuilt: {built.rows:,} rows for {built.members:,} members in {since(mark)}")
# The fill stamped 2 million rows a few minutes before the rebuild's watermark:
# a first refresh would re-read them (the margin for late commits) and write the
# same rows. Nothing else writes to this database: move the watermark past the
# fill, as that first refresh would.
PresenceSummaryState.objects.filter(pk=1).update(
    watermark=django_now() + summary.MARGIN)
mark = cpu_now()
nothing = summary.presence_summary_refresh()
print(f"refresh with nothing new: {nothing.members} members, {nothing.rows} rows in {since(mark)}")
with connection.cursor() as cur:
    # Spread over the table (and so over members and days): every 2,088th booking,
    # every 1,500th session.
    cur.execute("UPDATE bookings_booking SET updated_at = now() WHERE id % 2088 = 0")
    cur.execute("UPDATE wifi_presencesession SET last_update_at = now() WHERE id % 1500 = 0")
mark = cpu_now()
changed = summary.presence_summary_refresh()
print(f"refresh after ~1,000 bookings and 200 sessions changed: {changed.members} members,"
      f" {changed.rows} rows in {since(mark)}")

sql_times, full_times, cpu_times = [], [], []
for _run in range(5):
    cpu0 = backend_cpu_s()
    t = time.perf_counter()
    result = presence(scope=Scope("company", company.pk), period=period)
    sql_times.append(time.perf_counter() - t)
    cpu_times.append(backend_cpu_s() - cpu0)
    t = time.perf_counter()
    report = selectors.attendance_build(scope=Scope("company", company.pk), period=period,
                                        aggregate_only=True)
    full_times.append(time.perf_counter() - t)
print(f"company presence: {result.total_seconds / 3600:,.0f} h, {result.people} people, "
      f"{result.visits:,} visits")
print(f"SQL aggregation: first {sql_times[0]:.3f} s, median {statistics.median(sql_times):.3f} s")
print(f"whole report:    first {full_times[0]:.3f} s, median {statistics.median(full_times):.3f} s")
print(f"PostgreSQL backend CPU for the SQL: median {statistics.median(cpu_times):.3f} s")
print(f"load average during the run: {os.getloadavg()}")
print(f"target <= 1 s: {'met' if statistics.median(full_times) <= 1 else 'NOT met'}")
