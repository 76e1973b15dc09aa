"""Throughput of 1, 2 and 3 `smartwork serve` processes behind HAProxy (issue #17 §6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_bench .venv/bin/python bench/cluster.py \
        [--duration 30] [--clients 8] [--servers 1,2,3]

The layout of tests/cluster (tests/cluster/harness.py): a fresh PostgreSQL database
migrated by `smartwork manage migrate`, N servers (`--workers 1 --threads 2` each)
behind Debian's HAProxy, one `smartwork worker` (it sends the booking mails to a local
SMTP sink). For each N, `--clients` threads go through the load balancer, each in a loop:
book a desk (a random desk, day and half-day in the next 60 days, with time credit),
read that centre's availability for the day, cancel the booking. Printed per N: requests
per second, p50/p99 latency, and CPU per request — of the servers (granian and its
worker, from /proc) and of the whole machine (every process: servers, PostgreSQL,
HAProxy, the worker and this client), in milliseconds.

On a 2-core machine the servers, PostgreSQL, HAProxy and the client share two cores:
more servers add processes, not cores, so this shows the overhead of the layout, not
its scaling (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster.harness import Client, Cluster, migrated_template  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, alive ones."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / CLK
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    for child in children:
        total += tree_cpu(int(child))
    return total


def machine_cpu() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(f) for i, f in enumerate(fields) if i not in (3, 4))  # not idle, iowait
    return busy / CLK


def drive(c: Cluster, *, seconds: float, clients: int, seed: int) -> dict[str, float]:
    data = c.data
    stop = threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def loop(i: int) -> None:
        rng = random.Random(seed * 100 + i)
        tokens = data["tokens"][i::clients]
        conns = [Client(port=c.lb_port, token=t) for t in tokens]
        mine: list[float] = []
        bad = 0
        while not stop.is_set():
            client = rng.choice(conns)
            day = dt.date.today() + dt.timedelta(days=rng.randint(1, 60))
            t0 = time.perf_counter()
            status, body = client.request("POST", "/api/v1/bookings", {
                "resource_id": rng.choice(data["desk_ids"]), "date": day.isoformat(),
                "slot": rng.choice(["morning", "afternoon"]), "payment_method": "credit"})
            mine.append(time.perf_counter() - t0)
            bad += status >= 500 or status == 0
            t0 = time.perf_counter()
            s2, _ = client.request(
                "GET", f"/api/v1/centres/{data['centre_id']}/availability?date={day}&kind=desk")
            mine.append(time.perf_counter() - t0)
            bad += s2 != 200
            if status == 201:
                t0 = time.perf_counter()
                s3, _ = client.request("POST", f"/api/v1/bookings/{json.loads(body)['id']}/cancel",
                                       {"reason": ""})
                mine.append(time.perf_counter() - t0)
                bad += s3 != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pids = [p.pid for name, p in c.procs.items() if name.startswith("server")]
    cpu0, mach0, t0 = sum(tree_cpu(p) for p in pids), machine_cpu(), time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    cpu = sum(tree_cpu(p) for p in pids) - cpu0
    mach = machine_cpu() - mach0
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n, "errors": errors[0], "rps": n / wall,
        "p50_ms": 1000 * latencies[n // 2], "p99_ms": 1000 * latencies[int(n * 0.99)],
        "server_cpu_ms_per_req": 1000 * cpu / n, "machine_cpu_ms_per_req": 1000 * mach / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--servers", default="1,2,3")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://… (the server to create the database on)")
    template = migrated_template(url)
    results = {}
    for n in [int(x) for x in args.servers.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            c = Cluster(tmp=Path(tmp), pg_url=url, servers=n, workers=1, members=64, desks=40,
                        wifi=0)
            try:
                c.create_database(template=template)
                c.prepare()
                c.start(radius=False)
                drive(c, seconds=5, clients=args.clients, seed=0)  # warm-up
                results[n] = drive(c, seconds=args.duration, clients=args.clients, seed=n)
            finally:
                c.stop()
                c.drop_database()
        r = results[n]
        print(f"{n} server(s): {r['rps']:.0f} req/s, p50 {r['p50_ms']:.0f} ms, "
              f"p99 {r['p99_ms']:.0f} ms, server CPU {r['server_cpu_ms_per_req']:.1f} ms/req, "
              f"machine CPU {r['machine_cpu_ms_per_req']:.1f} ms/req, "
              f"{r['errors']} errors of {r['requests']}", flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
