"""In-process profile of the booking engine's two hot routes (issue #4).

Goes through Django's whole WSGI stack with the test client (middleware, ninja,
Bearer token, the service, the payment step, audit, the mail task row), on a fresh
database with the demo network, and prints per request: CPU time (process time, so
a busy machine inflates it less than wall time), SQL statements, and optionally the
top of a cProfile. PostgreSQL: pass --database-url; default a throw-away SQLite file.

    .venv/bin/python bench/bookings_profile.py [--database-url postgres://...] \
        [--n 300] [--profile create|availability]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

from benchenv import in_process

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", choices=["create", "availability", "me"], default=None)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--credits", action="store_true",
                        help="bench/credits.py's data: employees paying by company credit")
    parser.add_argument("--policy", action="store_true",
                        help="with --credits: the employees' company has a smart-working "
                             "policy (workplans), every check run, none refusing")
    args = parser.parse_args()
    workdir = in_process(database_url=args.database_url, prefix="sw-perf-profile-",
                         allowed_hosts="testserver,127.0.0.1")
    sys.path.insert(0, str(ROOT / "bench"))
    import json

    if args.credits:
        import credits as bench  # bench/credits.py: employees paying by credit
    else:
        import bookings as bench  # bench/bookings.py: the same data set

    info_path = workdir / "info.json"
    bench.setup(info_path)
    info = json.loads(info_path.read_text())
    if args.policy:
        _smartwork_policy(info["tokens"][0])

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    tokens, jobs = info["tokens"], info["jobs"]
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {t}") for t in tokens]
    for c in clients[1:]:
        # One handler, as in a server worker: each Client would load the middleware again
        # on its first request, inside the measured loop.
        c.handler = clients[0].handler
    avail_path = (f"/api/v1/centres/{info.get('centre_id')}/availability"
                  f"?date={info.get('avail_date')}&slot=morning&kind=desk")
    counter = iter(range(10**9))

    def create() -> int:
        i = next(counter)
        response = clients[i % len(clients)].post("/api/v1/bookings", json.dumps(jobs[i]),
                                                  content_type="application/json")
        return response.status_code

    def backend_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def avail() -> int:
        return clients[0].get(avail_path).status_code

    def me() -> int:
        # The floor: the same stack (middleware, ninja, Bearer token) around one small read.
        return clients[0].get("/api/v1/me").status_code

    scenarios = ([("create", create)] + ([] if args.credits else [("availability", avail)])
                 + [("me", me)])
    for name, fn in scenarios:
        for _ in range(20):  # warm-up: imports, first connection, caches
            fn()
        statuses: dict[int, int] = {}
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries = [q["sql"] for q in ctx.captured_queries]
        pg0 = backend_cpu()
        t_cpu, t_wall = time.process_time(), time.perf_counter()
        # Process time, not wall time: what costs CPU, not what waits for the database.
        prof = cProfile.Profile(time.process_time) if args.profile == name else None
        if prof:
            prof.enable()
        for _ in range(args.n):
            s = fn()
            statuses[s] = statuses.get(s, 0) + 1
        if prof:
            prof.disable()
        cpu = (time.process_time() - t_cpu) * 1000 / args.n
        wall = (time.perf_counter() - t_wall) * 1000 / args.n
        pg = (backend_cpu() - pg0) * 1000 / args.n
        print(f"{name:<13} {args.n} req  CPU {cpu:5.2f} ms/req  wall {wall:5.2f} ms/req  "
              f"{len(queries)} SQL/req  {statuses}"
              + (f"  PostgreSQL backend CPU {pg:5.2f} ms/req" if args.database_url else ""))
        for q in queries:
            print("     ", q[:150])
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
    if args.database_url and not args.keep:
        connection.close()
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _smartwork_policy(token: str) -> None:
    """A policy for the token's company whose checks all run and never refuse: every day
    a working day, 7 remote days a week, no anchor day, every place allowed."""
    from django.utils import timezone

    from smartwork.accounts.services import api_token_authenticate
    from smartwork.core import testing
    from smartwork.workplans.policy import policy_version_create

    member = api_token_authenticate(raw=token)
    assert member is not None and member.company is not None
    admin = testing.make_company_admin(member.company)
    policy_version_create(actor=admin, company=member.company, effective_from=timezone.localdate(),
                          working_days=list(range(7)), remote_days=7, anchor_days=[])


if __name__ == "__main__":
    main()
