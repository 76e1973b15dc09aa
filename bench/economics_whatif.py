"""What-if benchmark on PostgreSQL: a year of bookings of a 100-centre network.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_bench_economics \
        .venv/bin/python bench/economics_whatif.py [--rounds 5] [--regenerate]

Target (issue 21): a pricing what-if over 12 months of real bookings of a
100-centre network <= 2 s. Also timed: closing a centre, opening a site.

The data (made once with COPY, kept between runs unless --regenerate): one network,
100 labelled centres of 20 desks and 2 meeting rooms, 2,000 members of 100
companies; for the 12 months before the current one, each (desk, workday, half-day)
booked with probability 0.55 and each room twice a workday (2 h), 5 % cancelled;
paid 70 % by credit (240 min a half-day, 2 x 120 min for a room), 20 % pay-as-you-go
(15.00 a half-day, 40.00 a room booking), 10 % by membership.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
os.environ.setdefault("SMARTWORK_TESTING", "1")

CENTRES, DESKS, ROOMS, COMPANIES, STAFF = 100, 20, 2, 100, 20
SLUG = "bench-economics"
TZ = ZoneInfo("Europe/Brussels")


def ensure_database() -> None:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this benchmark is for PostgreSQL).")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def year_workdays(today: dt.date) -> list[dt.date]:
    end = today.replace(day=1)
    start = end.replace(year=end.year - 1)
    day, out = start, []
    while day < end:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def generate(today: dt.date) -> None:
    from django.db import connection, transaction

    from smartwork.accounts.choices import OrganisationKind
    from smartwork.accounts.models import Organisation, User
    from smartwork.core import testing
    from smartwork.network.choices import LabelStatus, ResourceKind
    from smartwork.network.models import Centre, Network, Resource

    rng = random.Random(21)
    t0 = time.perf_counter()
    with transaction.atomic():
        operator = Organisation.objects.create(
            legal_name="Bench Economics SA", kind=OrganisationKind.NETWORK_OPERATOR,
            enterprise_number=testing.enterprise_number(8_000_001), street="Rue 1",
            postcode="5000", city="Namur")
        network = Network.objects.create(name="Bench economics", slug=SLUG, operator=operator)
        ops = Organisation.objects.bulk_create([
            Organisation(legal_name=f"Op {i}", kind=OrganisationKind.CENTRE_OPERATOR,
                         enterprise_number=testing.enterprise_number(8_100_000 + i),
                         city="Namur", postcode="5000", street=f"Place {i}")
            for i in range(CENTRES)])
        centres = Centre.objects.bulk_create([
            Centre(network=network, operator=ops[i], name=f"Centre {i:03d}",
                   slug=f"bench-econ-{i}", street=f"Place {i}", postcode="5000", city="Namur",
                   lat=Decimal(str(round(49.6 + (i % 10) * 0.15, 4))),
                   lon=Decimal(str(round(3.0 + (i // 10) * 0.25, 4))),
                   label_status=LabelStatus.LABELLED) for i in range(CENTRES)])
        Resource.objects.bulk_create(
            [Resource(centre=c, kind=ResourceKind.DESK, name=f"Desk {d:02d}")
             for c in centres for d in range(DESKS)]
            + [Resource(centre=c, kind=ResourceKind.MEETING_ROOM, name=f"Room {d}", capacity=8)
               for c in centres for d in range(ROOMS)], batch_size=5000)
        companies = Organisation.objects.bulk_create([
            Organisation(legal_name=f"Company {i}", kind=OrganisationKind.COMPANY,
                         network=network, enterprise_number=testing.enterprise_number(8_200_000 + i),
                         street="Avenue", postcode="1000", city="Bruxelles")
            for i in range(COMPANIES)])
        users = User.objects.bulk_create([
            User(email=f"econ{c.pk}-{j}@bench.example", company=c, network=network, password="!",
                 home_lat=Decimal(str(round(49.5 + rng.random() * 1.6, 5))),
                 home_lon=Decimal(str(round(2.9 + rng.random() * 2.6, 5))))
            for c in companies for j in range(STAFF)], batch_size=5000)
    members = [u.pk for u in users]
    resources = list(Resource.objects.filter(centre__network=network).values_list(
        "pk", "centre_id", "kind"))
    now = dt.datetime.now(dt.UTC).isoformat()
    cols = ("member_id, booked_by_id, resource_id, centre_id, slot, start, \"end\", state, "
            "checked_in_via, cancel_reason, payment_method, price_net, vat_rate, credit_minutes, "
            "sequence, note, created_at, updated_at, cancelled_at")
    n = 0
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        with cur.copy(f"COPY bookings_booking ({cols}) FROM STDIN") as copy:
            for day in year_workdays(today):
                for pk, centre, kind in resources:
                    if kind == "desk":
                        windows = [("morning", (8, 30), (12, 30)),
                                   ("afternoon", (13, 30), (17, 30))]
                        windows = [w for w in windows if rng.random() < 0.55]
                        minutes, price = 240, "15.00"
                    else:
                        windows = [("hours", (9, 0), (11, 0)), ("hours", (14, 0), (16, 0))]
                        minutes, price = 240, "40.00"
                    for slot, (h1, m1), (h2, m2) in windows:
                        member = rng.choice(members)
                        start = dt.datetime(day.year, day.month, day.day, h1, m1, tzinfo=TZ)
                        end = dt.datetime(day.year, day.month, day.day, h2, m2, tzinfo=TZ)
                        r = rng.random()
                        state = "cancelled" if rng.random() < 0.05 else "completed"
                        if r < 0.7:
                            row = ("credit", None, None, minutes)
                        elif r < 0.9:
                            row = ("payg", price, "21.00", 0)
                        else:
                            row = ("membership", None, None, minutes)
                        copy.write_row((member, member, pk, centre, slot, start.isoformat(),
                                        end.isoformat(), state, "", "", *row, 0, "", now, now,
                                        now if state == "cancelled" else None))
                        n += 1
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE")
    print(f"  {n} bookings in {time.perf_counter() - t0:.1f} s")


def timed(label: str, call, rounds: int) -> list[float]:
    times = []
    for _i in range(rounds):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    print(f"{label:<58} best {min(times):.3f} s  median {statistics.median(times):.3f} s")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.utils import timezone

    from smartwork.accounts.models import User
    from smartwork.bookings.models import Booking
    from smartwork.economics import whatif
    from smartwork.network.models import Network

    today = timezone.localdate()
    network = Network.objects.filter(slug=SLUG).first()
    if network is not None and args.regenerate:
        sys.exit("--regenerate: drop the database first (bookings are PROTECTed).")
    if network is None:
        print("Generating the data (once):")
        generate(today)
        network = Network.objects.get(slug=SLUG)
    actor = User.objects.filter(email="bench-econ-admin@bench.example").first()
    if actor is None:
        actor = User.objects.create_superuser("bench-econ-admin@bench.example", "x" * 12)
    count = Booking.objects.filter(centre__network=network).count()
    centre = network.centres.order_by("pk").first()
    print(f"{count} bookings, {network.centres.count()} centres; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    timed("pricing: desk price +10 % in a centre, e = -0.5, 12 months",
          lambda: whatif.whatif_pricing(actor=actor, network=network, change="kind_price",
                                        months=12, centre_id=centre.pk, resource_kind="desk",
                                        change_pct="10", elasticity="-0.5"), args.rounds)
    timed("pricing: credit-hour value 7.00, 12 months",
          lambda: whatif.whatif_pricing(actor=actor, network=network,
                                        change="credit_hour_value", months=12,
                                        new_value="7.00"), args.rounds)
    timed("pricing: commission 20 %, 3 months",
          lambda: whatif.whatif_pricing(actor=actor, network=network, change="commission",
                                        months=3, new_value="20"), args.rounds)
    timed("closing a centre, 12 months",
          lambda: whatif.whatif_closing(actor=actor, network=network, centre_id=centre.pk,
                                        months=12), args.rounds)
    timed("opening a site (payout per booked hour over 12 months)",
          lambda: whatif.whatif_site(actor=actor, network=network, lat=50.3, lon=4.2, desks=15,
                                     monthly_costs="4000"), max(1, args.rounds // 2))


if __name__ == "__main__":
    main()
