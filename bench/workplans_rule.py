"""The smart-working policy check alone, against the booking it guards, in one process.

    .venv/bin/python bench/workplans_rule.py [--database-url postgres://...]

On a fresh database (default a throw-away SQLite file): a company with credit, an employee,
a centre. Then, interleaved in rounds (so that a busy machine weighs on both alike):
`booking_create` of a desk for a day (the whole service: the rule included), and the rule's
`check` alone on a written booking, for a company without a policy and with one (every check
run, none refusing). Prints the CPU time per call and the share of a booking.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from benchenv import in_process

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    in_process(database_url=args.database_url, prefix="sw-rule-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from decimal import Decimal

    from smartwork.bookings.services import booking_create
    from smartwork.core import testing
    from smartwork.credits.services import credit_purchase_create
    from smartwork.workplans.enforce import PolicyRule
    from smartwork.workplans.policy import policy_version_create

    network = testing.make_network()
    centre = testing.make_centre(network=network, desks=60, rooms=0)
    operator = testing.make_operator(network)
    companies = {}
    for key in ("plain", "policy"):
        company = testing.make_organisation(network=network, legal_name=f"Rule {key}")
        credit_purchase_create(actor=operator, company=company, hours=100_000,
                               price_net=Decimal("1000.00"))
        companies[key] = (company, [testing.make_user(company=company, network=network)
                                    for _ in range(40)])
    admin = testing.make_company_admin(companies["policy"][0])
    policy_version_create(actor=admin, company=companies["policy"][0],
                          effective_from=timezone.localdate(), working_days=list(range(7)),
                          remote_days=7, anchor_days=[])
    rule = PolicyRule()
    days = [timezone.localdate() + dt.timedelta(days=i) for i in range(1, 60)]
    days = [d for d in days if d.weekday() < 5]
    slot_iter = iter([(d, s) for d in days for s in ("morning", "afternoon")])
    samples: dict[str, list[float]] = {"booking": [], "check, no policy": [],
                                       "check, policy": []}
    written = {}
    for key in ("plain", "policy"):
        member = companies[key][1][0]
        d, s = next(slot_iter)
        written[key] = booking_create(actor=member, centre=centre, slot=s, on=d, notify=False)
    for _ in range(args.rounds):
        d, s = next(slot_iter)
        t = time.process_time()
        for member in companies["policy"][1]:
            booking_create(actor=member, centre=centre, slot=s, on=d, notify=False)
        samples["booking"].append((time.process_time() - t) * 1000 / 40)
        for key, label in (("plain", "check, no policy"), ("policy", "check, policy")):
            booking = written[key]
            t = time.process_time()
            for _ in range(200):
                rule.check(booking=booking, kind="desk", actor=booking.member)
            samples[label].append((time.process_time() - t) * 1000 / 200)
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    booking = statistics.median(samples["booking"])
    for label, values in samples.items():
        value = statistics.median(values)
        share = "" if label == "booking" else f"  = {value / booking * 100:4.1f} % of a booking"
        print(f"{vendor:<10} {label:<18} CPU {value:6.3f} ms/call (median of {args.rounds}){share}")
    if args.database_url:
        from django.db import connection

        connection.close()
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
