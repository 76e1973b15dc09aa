"""The floor plan page of a 200-desk floor: server time of one member's GET of
/centres/<slug>/plan/ (the availability of every place, the page rendered), in process.

    .venv/bin/python bench/floorplan.py [--database-url postgres://.../sw_bench_fp] [--n 60]

On a fresh database (default a throw-away SQLite file): a centre with 200 desks and 4 rooms,
all placed on one plan, a third of the desks booked that day. Then `--n` GETs through
Django's test client (the whole middleware stack, the view, the template), after 5 warm-up
ones. Prints wall and CPU time per request (median, p90, max). Target: ≤ 150 ms server time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchenv import in_process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    in_process(database_url=args.database_url, prefix="sw-fp-",
               allowed_hosts="testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from django.test import Client

    from smartwork.bookings import floorplans
    from smartwork.bookings.demo_floorplan import namur_svg
    from smartwork.bookings.tests.factories import booking_row, workday
    from smartwork.core import testing
    from smartwork.network.models import Resource

    network = testing.make_network(name="Bench")
    centre = testing.make_centre(network=network, desks=200, rooms=4)
    manager = testing.make_centre_staff(centre)
    plan = floorplans.floorplan_upload(actor=manager, centre=centre, name="Floor", level=0,
                                       data=namur_svg(desks=200))
    resources = list(Resource.objects.filter(centre=centre).order_by("kind", "name"))
    floorplans.floorplan_place(actor=manager, plan=plan, positions={
        r.pk: (1 + (i % 20) * 4.9, 2 + (i // 20) * 9.5) for i, r in enumerate(resources)})
    on = workday(1)
    others = [testing.make_user(network=network) for _ in range(67)]
    desks = [r for r in resources if r.kind == "desk"]
    for member, desk in zip(others, desks[::3], strict=False):
        booking_row(member=member, resource=desk, on=on, slot="full_day")
    member = testing.make_user(network=network)
    client = Client()
    client.force_login(member)
    url = f"/centres/{centre.slug}/plan/?plan={plan.pk}&date={on.isoformat()}&slot=full_day"
    for _ in range(5):
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert page.count('class="place free') >= 130, page.count('class="place free')
    walls, cpus = [], []
    for _ in range(args.n):
        w0, c0 = time.perf_counter(), time.process_time()
        client.get(url, secure=True)
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)

    def line(name: str, values: list[float]) -> str:
        values = sorted(values)
        return (f"{name}: median {statistics.median(values):.1f} ms, "
                f"p90 {values[int(len(values) * 0.9) - 1]:.1f} ms, max {values[-1]:.1f} ms")

    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"floor plan page, 204 places (200 desks, 4 rooms), {db}, {args.n} requests")
    print(line("wall", walls))
    print(line("CPU (this process)", cpus))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
