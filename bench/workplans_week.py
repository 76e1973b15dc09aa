"""Benchmark: the week views of smart working for a 2,000-person company, PostgreSQL.

    .venv/bin/python bench/workplans_week.py --database-url postgres://postgres@127.0.0.1:5432/sw_workplans_week

Creates the database afresh and fills it: one network of 40 labelled centres of 20
desks; one company of 2,000 employees in 80 teams of 25 (each with a lead), a policy
(2 remote days, Tuesday anchor day, a team day for every team); for 9 weeks around the
current one a day plan for every employee and working day (90,000 rows), 2,000
centre bookings (a full day each, completed or confirmed) in the current week and a WiFi
session for half of the completed ones; plus a second company of 500 people planned
the same way (noise the queries must skip). Then times, through Django's whole stack
(test client, session login, middleware, the API route, JSON), the median server time
of 30 requests of: one team's week as its lead, one team's week as the company's
admin, the company's week as its admin. Prints the figures of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from benchenv import in_process

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    in_process(database_url=args.database_url, prefix="sw-week-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    info = fill()
    print(f"data: {info['rows']}  ({time.perf_counter() - t0:.0f} s)")
    from django.test import Client

    lead, admin = Client(), Client()
    lead.force_login(info["lead"])
    admin.force_login(info["admin"])
    week = info["monday"].isoformat()
    cases = [
        ("team week, as its lead", lead, f"/api/v1/workplans/teams/{info['team'].pk}/week?week={week}"),
        ("team week, as the admin", admin,
         f"/api/v1/workplans/teams/{info['team'].pk}/week?week={week}"),
        ("company week, as the admin", admin,
         f"/api/v1/workplans/companies/{info['company'].pk}/week?week={week}"),
    ]
    for label, client, url in cases:
        for _ in range(3):
            assert client.get(url).status_code == 200
        times = []
        for _ in range(args.n):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        print(f"{label:<28} median {statistics.median(times):7.1f} ms  "
              f"p90 {sorted(times)[int(len(times) * 0.9)]:7.1f} ms  ({args.n} requests)")


def fill() -> dict[str, object]:
    from django.utils import timezone

    from smartwork.accounts.choices import OrganisationKind
    from smartwork.accounts.models import Team, TeamMembership, User
    from smartwork.bookings.models import Booking
    from smartwork.bookings.slots import slot_span
    from smartwork.core import testing
    from smartwork.network.models import Resource
    from smartwork.wifi.models import Nas, PresenceSession
    from smartwork.workplans.choices import Place
    from smartwork.workplans.enforce import week_of
    from smartwork.workplans.models import DayPlan, PlanSettings, TeamLead
    from smartwork.workplans.policy import policy_version_create

    rng = random.Random(18)
    network = testing.make_network(name="Bench network")
    centres = [testing.make_centre(network=network, desks=20, rooms=1, name=f"Bench centre {i}")
               for i in range(40)]
    desks = {c.pk: list(Resource.objects.filter(centre=c, kind="desk")) for c in centres}
    nas = {c.pk: Nas.objects.create(centre=c, name="ap", address=f"10.0.{i}.0/28",
                                    secret_encrypted="x") for i, c in enumerate(centres)}
    today = timezone.localdate()
    monday = week_of(today)[0]
    out: dict[str, object] = {"monday": monday}
    rows = {"plans": 0, "bookings": 0, "sessions": 0}
    free = [(c, desk, d) for c in centres for desk in desks[c.pk] for d in (0, 2, 3, 4)]
    rng.shuffle(free)
    for key, size in (("company", 2000), ("other", 500)):
        company = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                            legal_name=f"Bench {key} SA")
        users = User.objects.bulk_create([
            User(email=f"{key}{i}@bench.example", first_name=f"P{i}", last_name=f"{key}",
                 company=company, network=network, password="!") for i in range(size)])
        teams = Team.objects.bulk_create([Team(company=company, name=f"Team {t:02d}")
                                          for t in range(size // 25)])
        TeamMembership.objects.bulk_create([TeamMembership(team=teams[i // 25], user=u)
                                            for i, u in enumerate(users)])
        TeamLead.objects.bulk_create([TeamLead(team=t, user=users[i * 25])
                                      for i, t in enumerate(teams)])
        PlanSettings.objects.bulk_create([PlanSettings(user=u, feed_token=f"{key}-{u.pk}",
                                                       show_centre_name=(u.pk % 3 == 0))
                                          for u in users])
        admin = testing.make_company_admin(company)
        policy_version_create(actor=admin, company=company, effective_from=monday - dt.timedelta(weeks=4),
                              today=monday - dt.timedelta(weeks=4), remote_days=2,
                              anchor_days=[1], team_days=[
                                  {"team_id": t.pk, "weekday": 2 + (i % 3), "place": "head_office"}
                                  for i, t in enumerate(teams)])
        plans = []
        for week in range(-4, 5):
            start = monday + dt.timedelta(weeks=week)
            for u in users:
                remote = rng.sample([0, 2, 3, 4], 2)
                for d in range(5):
                    place = (Place.HEAD_OFFICE if d == 1 or d not in remote
                             else rng.choice([Place.HOME, Place.HOME, Place.CENTRE]))
                    plans.append(DayPlan(user=u, company=company,
                                         day=start + dt.timedelta(days=d), place=place))
        DayPlan.objects.bulk_create(plans, batch_size=5000)
        rows["plans"] += len(plans)
        take, free = free[:size], free[size:]  # one full day at a centre per person
        bookings, sessions = [], []
        for n, (centre, desk, d) in enumerate(take):
            member = users[n % size]
            span = slot_span(centre, monday + dt.timedelta(days=d), "full_day", None, None)
            done = monday + dt.timedelta(days=d) < today
            bookings.append(Booking(member=member, booked_by=member, resource=desk, centre=centre,
                                    slot="full_day", start=span.start, end=span.end,
                                    state="completed" if done else "confirmed",
                                    payment_method="payg", price_net=Decimal("25.00")))
            if done and n % 2 == 0:
                sessions.append(PresenceSession(
                    member=member, centre=centre, nas=nas[centre.pk], acct_session_id=f"{key}{n}",
                    started_at=span.start, ended_at=span.end, last_update_at=span.end))
        Booking.objects.bulk_create(bookings, batch_size=2000)
        PresenceSession.objects.bulk_create(sessions)
        rows["bookings"] += len(bookings)
        rows["sessions"] += len(sessions)
        if key == "company":
            out.update(company=company, admin=admin, team=teams[7], lead=users[7 * 25])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out["rows"] = rows
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
