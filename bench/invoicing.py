"""Invoicing benchmark on PostgreSQL: a month with 1,000 companies and 2 million bookings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_bench_invoicing \
        .venv/bin/python bench/invoicing.py [--companies 1000] [--bookings 2000000]
        [--payg-share 0.15] [--workers 2] [--regenerate]

Targets (issue 6): the query that gathers the lines <= 0.5 s; the whole run with
PDFs and UBL for 1,000 invoices <= 120 s on a 2-core machine. Since issue 15 every UBL
is validated with the official Peppol rules when it is issued and again before it is
sent (in the document workers here); `--validation-only N` times that validation alone.

The data (made once with COPY, kept between runs unless --regenerate):
- one network, 250 labelled centres of 200 desks each (50,000 desks);
- 1,000 companies, 10 employees each, each company using 8 centres;
- 2,000,000 bookings in October 2026, every (desk, day, half-day) slot used at most
  once (the exclusion constraint holds); a share of them (--payg-share, default 15 %)
  is pay-as-you-go billed to the company (overage), the rest paid by credit;
- one credit purchase per company in October.
The run: every company gets one invoice (credit purchase + overage lines grouped by
centre). Invoices are issued in one process (one transaction each); their PDF and
UBL are then rendered by `--workers` processes, as the task workers would.
Each run starts from empty billing tables (TRUNCATE: issued invoices cannot be
deleted row by row, by design).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
os.environ.setdefault("SMARTWORK_TESTING", "1")  # immediate tasks, no SECRET_KEY needed

CENTRES = 250
DESKS = 200
EMPLOYEES = 10
CENTRES_PER_COMPANY = 8
SLUG = "bench-invoicing"
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


def workdays(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    out = []
    while day.month == month:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def generate(companies: int, bookings: int, payg_share: float) -> None:
    from django.db import connection, transaction

    from smartwork.accounts.choices import OrganisationKind
    from smartwork.accounts.models import Organisation, User
    from smartwork.core import testing
    from smartwork.network.choices import LabelStatus, ResourceKind
    from smartwork.network.models import Centre, Network, Price, Resource

    t0 = time.perf_counter()
    rng = random.Random(6)
    with transaction.atomic():
        operator = Organisation.objects.create(
            legal_name="Bench Operator SA", kind=OrganisationKind.NETWORK_OPERATOR,
            enterprise_number=testing.enterprise_number(9_000_001), vat_number="",
            street="Rue du Banc 1", postcode="5000", city="Namur", email="ops@bench.example",
            iban="BE71096123456769", bic="GKCCBEBB")
        operator.vat_number = "BE" + operator.enterprise_number
        operator.peppol_id = operator.enterprise_number
        operator.save()
        network = Network.objects.create(name="Bench network", slug=SLUG, operator=operator)
        centre_ops = Organisation.objects.bulk_create([
            Organisation(legal_name=f"Centre operator {i}", kind=OrganisationKind.CENTRE_OPERATOR,
                         enterprise_number=testing.enterprise_number(9_100_000 + i),
                         city="Namur", postcode="5000", street=f"Place {i}")
            for i in range(CENTRES)])
        centres = Centre.objects.bulk_create([
            Centre(network=network, operator=centre_ops[i], name=f"Centre {i:03d}",
                   slug=f"bench-centre-{i}", street=f"Place {i}", postcode="5000", city="Namur",
                   lat=Decimal("50.46"), lon=Decimal("4.87"), label_status=LabelStatus.LABELLED)
            for i in range(CENTRES)])
        Price.objects.bulk_create([
            Price(centre=c, resource_kind=ResourceKind.DESK, valid_from=dt.date(2020, 1, 1),
                  per_half_day=Decimal("15.00"), per_day=Decimal("25.00")) for c in centres])
        Resource.objects.bulk_create([
            Resource(centre=c, kind=ResourceKind.DESK, name=f"Desk {d:03d}")
            for c in centres for d in range(DESKS)], batch_size=5000)
        customers = Organisation.objects.bulk_create([
            Organisation(legal_name=f"Company {i:04d} SA", kind=OrganisationKind.COMPANY,
                         network=network, enterprise_number=testing.enterprise_number(9_200_000 + i),
                         peppol_id=testing.enterprise_number(9_200_000 + i),
                         street=f"Avenue {i}", postcode="1000", city="Bruxelles",
                         language=("fr", "nl", "en")[i % 3], email=f"billing{i}@bench.example")
            for i in range(companies)], batch_size=1000)
        users = User.objects.bulk_create([
            User(email=f"e{c.pk}-{j}@bench.example", first_name=f"E{j}", last_name=f"C{c.pk}",
                 company=c, network=network, password="!")
            for c in customers for j in range(EMPLOYEES)], batch_size=5000)
    print(f"  reference data in {time.perf_counter() - t0:.1f} s")

    desks = list(Resource.objects.filter(centre__network=network).order_by("centre_id", "pk")
                 .values_list("pk", "centre_id"))
    staff: dict[int, list[int]] = {}
    for u in users:
        staff.setdefault(u.company_id, []).append(u.pk)
    by_centre: dict[int, list[int]] = {c.pk: [] for c in centres}
    for company in customers:
        for centre in rng.sample(centres, CENTRES_PER_COMPANY):
            by_centre[centre.pk].append(company.pk)
    days = workdays(2026, 10)
    halves = (("morning", 8, 30, 12, 30), ("afternoon", 13, 30, 17, 30))
    slots = [(desk, centre, day, half) for day in days for half in halves
             for desk, centre in desks]
    if bookings > len(slots):
        sys.exit(f"Only {len(slots)} free slots for {bookings} bookings.")
    rng.shuffle(slots)
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM bookings_booking")
        first_id = cur.fetchone()[0] + 1
    t1 = time.perf_counter()
    now = dt.datetime(2026, 9, 20, tzinfo=dt.UTC).isoformat()
    booking_cols = ("id, member_id, booked_by_id, resource_id, centre_id, slot, start, \"end\", "
                    "state, checked_in_via, cancel_reason, payment_method, price_net, vat_rate, "
                    "credit_minutes, sequence, note, created_at, updated_at")
    charge_cols = ("booking_id, member_id, bill_to, company_id, centre_id, slot, resource_kind, "
                   "price_net, vat_rate, service_date, created_at")
    payg = 0
    with connection.cursor() as cur:
        # Generated rows are consistent by construction: skip the per-row foreign-key
        # triggers while loading, as pg_restore does (the exclusion constraint and the
        # indexes still apply). Needs a superuser, as on this machine.
        cur.execute("SET session_replication_role = replica")
    with connection.cursor() as cur, \
            cur.copy(f"COPY bookings_booking ({booking_cols}) FROM STDIN") as copy:
        charges = io.StringIO()
        for n, (desk, centre, day, (slot, h1, m1, h2, m2)) in enumerate(slots[:bookings]):
            company = rng.choice(by_centre[centre]) if by_centre[centre] else customers[0].pk
            member = rng.choice(staff[company])
            start = dt.datetime(day.year, day.month, day.day, h1, m1, tzinfo=TZ).isoformat()
            end = dt.datetime(day.year, day.month, day.day, h2, m2, tzinfo=TZ).isoformat()
            pk = first_id + n
            if rng.random() < payg_share:
                payg += 1
                copy.write_row((pk, member, member, desk, centre, slot, start, end, "completed",
                                "", "", "payg", "15.00", "21.00", 0, 0, "", now, now))
                charges.write(f"{pk}\t{member}\tcompany\t{company}\t{centre}\t{slot}\tdesk\t15.00\t21.00\t"
                              f"{day.isoformat()}\t{now}\n")
            else:
                copy.write_row((pk, member, member, desk, centre, slot, start, end, "completed",
                                "", "", "credit", None, None, 240, 0, "", now, now))
    with connection.cursor() as cur:
        with cur.copy(f"COPY credits_paygcharge ({charge_cols}) FROM STDIN") as copy:
            copy.write(charges.getvalue())
        cur.execute("SELECT setval(pg_get_serial_sequence('bookings_booking', 'id'), "
                    "(SELECT MAX(id) FROM bookings_booking))")
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE")
    print(f"  {bookings} bookings ({payg} pay-as-you-go) in {time.perf_counter() - t1:.1f} s")

    from smartwork.credits.models import CreditPurchase

    CreditPurchase.objects.bulk_create([
        CreditPurchase(company=c, network=network, minutes=500 * 60, price_net=Decimal("2750.00"),
                       vat_rate=Decimal("21.00"), purchased_on=dt.date(2026, 10, 1 + i % 28),
                       valid_from=dt.date(2026, 10, 1), valid_until=dt.date(2027, 9, 30))
        for i, c in enumerate(customers)], batch_size=1000)


def reset_billing() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE billing_invoiceline, billing_payment, billing_invoice, "
                    "billing_invoicerun, billing_invoicesequence RESTART IDENTITY CASCADE")


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def render(ids: list[int]) -> tuple[int, float, float]:
    import django

    django.setup()
    from smartwork.billing.models import Invoice
    from smartwork.billing.pdf import invoice_pdf
    from smartwork.billing.ubl import invoice_ubl
    from smartwork.billing.validation import ubl_assert_valid

    size = 0
    db0 = backend_cpu()
    for invoice in Invoice.objects.filter(pk__in=ids).select_related(
            "credited_invoice").prefetch_related("lines"):
        xml = invoice_ubl(invoice)
        # As the delivery does before the document leaves (billing/delivery.py).
        ubl_assert_valid(xml=xml, document=invoice.display_number)
        size += len(invoice_pdf(invoice)) + len(xml)
    return size, process_cpu(), backend_cpu() - db0


def validation_cost(n: int) -> None:
    """The official validation alone (XSD + CEN + Peppol stylesheets), per invoice."""
    from smartwork.billing.models import Invoice
    from smartwork.billing.ubl import invoice_ubl
    from smartwork.billing.validation import ubl_fatal, ubl_validate

    invoices = list(Invoice.objects.order_by("pk").select_related("credited_invoice")
                    .prefetch_related("lines")[:n])
    if not invoices:
        sys.exit("Issue the invoices first (run the benchmark once).")
    t = time.perf_counter()
    ubl_validate(xml=invoice_ubl(invoices[0]))  # compiles the stylesheets
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    docs = [invoice_ubl(i) for i in invoices]
    build = time.perf_counter() - t
    c = time.process_time()
    t = time.perf_counter()
    fatal = sum(len(ubl_fatal(xml=x)) for x in docs)
    took, cpu = time.perf_counter() - t, time.process_time() - c
    lines = sum(len(i.lines.all()) for i in invoices) / len(invoices)
    print(f"Validation of {len(docs)} invoices ({lines:.1f} lines each, "
          f"{sum(map(len, docs)) / len(docs) / 1000:.1f} kB): first call with compilation "
          f"{compile_s:.2f} s; UBL built in {build / len(docs) * 1000:.1f} ms each; "
          f"validated in {took / len(docs) * 1000:.1f} ms each wall, "
          f"{cpu / len(docs) * 1000:.1f} ms CPU; {fatal} fatal findings; {load()}")


def render_documents(ids: list[int], workers: int) -> float:
    from django.db import connection

    t = time.perf_counter()
    chunks = [ids[i::workers] for i in range(workers)]
    connection.close()
    # Spawned, not forked: this process has run SaxonC (validation at issue), whose
    # runtime does not survive a fork (billing/validation.py).
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(render, chunks))
    took = time.perf_counter() - t
    size = sum(r[0] for r in results)
    cpu, db = sum(r[1] for r in results), sum(r[2] for r in results)
    n = max(len(ids), 1)
    print(f"PDF + UBL for {len(ids)} invoices with {workers} workers: {took:.1f} s wall "
          f"({took / n:.3f} s per invoice), CPU {cpu:.1f} s in the workers "
          f"({cpu / n * 1000:.0f} ms per invoice) + {db:.1f} s in PostgreSQL; "
          f"{size / 1e6:.1f} MB; {load()}")
    return took


def overlapped(network: object, period: object, workers: int) -> None:
    """The run as in production: each invoice's documents are rendered by `workers`
    processes (the task workers) as soon as it is committed, while the run goes on."""
    from django.db import connection

    from smartwork.billing.models import Invoice
    from smartwork.billing.run import invoice_run

    reset_billing()
    print(f"Overlapped run ({load()})")
    connection.close()
    t = time.perf_counter()
    futures = []
    # Spawned, not forked: the workers start while this process holds a connection.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        last = {"pk": 0}

        def submit(done: int, total: int) -> None:
            if done % 25 and done != total:
                return
            ids = list(Invoice.objects.filter(pk__gt=last["pk"]).order_by("pk")
                       .values_list("pk", flat=True))
            if ids:
                last["pk"] = ids[-1]
                futures.append(pool.submit(render, ids))

        result = invoice_run(actor=None, network=network, period=period,  # type: ignore[arg-type]
                             today=dt.date(2026, 11, 2), send=False, check_permission=False,
                             progress=submit)
        issued = time.perf_counter() - t
        results = [f.result() for f in futures]
    took = time.perf_counter() - t
    print(f"Whole run, documents rendered while issuing: {len(result.created)} invoices issued "
          f"in {issued:.1f} s, all documents done after {took:.1f} s (target <= 120 s); "
          f"{sum(r[0] for r in results) / 1e6:.1f} MB; {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--bookings", type=int, default=2_000_000)
    parser.add_argument("--payg-share", type=float, default=0.15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--documents-only", type=int, metavar="N", default=0,
                        help="Only render the PDF and UBL of N invoices already issued.")
    parser.add_argument("--overlap", action="store_true",
                        help="Then run again, rendering the documents while issuing.")
    parser.add_argument("--overlap-only", action="store_true",
                        help="Only the overlapped run (after the gather timings).")
    parser.add_argument("--validation-only", type=int, metavar="N", default=0,
                        help="Only time the official validation of N issued invoices.")
    parser.add_argument("--generate-only", action="store_true",
                        help="Make the data (if missing) and stop.")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.db import connection

    from smartwork.billing.calc import period_parse
    from smartwork.billing.lines import lines_gather, payg_querysets, payg_rows
    from smartwork.billing.run import invoice_run
    from smartwork.network.models import Network

    if args.regenerate and Network.objects.filter(slug=SLUG).exists():
        sys.exit("Drop the database to regenerate (issued invoices are immutable by design).")
    if not Network.objects.filter(slug=SLUG).exists():
        print("Generating data ...")
        generate(args.companies, args.bookings, args.payg_share)
    if args.generate_only:
        return
    if args.validation_only:
        validation_cost(args.validation_only)
        return
    network = Network.objects.get(slug=SLUG)
    period = period_parse("2026-10")
    if args.documents_only:
        from smartwork.billing.models import Invoice

        ids = list(Invoice.objects.filter(network=network).order_by("pk")
                   .values_list("pk", flat=True)[:args.documents_only])
        render_documents(ids, args.workers)
        return
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM bookings_booking WHERE centre_id IN "
                    "(SELECT id FROM network_centre WHERE network_id = %s)", [network.pk])
        n_bookings = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM credits_paygcharge")
        n_charges = cur.fetchone()[0]
    print(f"Data: {n_bookings} bookings, {n_charges} pay-as-you-go charges, "
          f"{args.companies} companies")

    print(f"Gather ({load()})")
    timings = []
    for _ in range(5):
        t = time.perf_counter()
        rows = payg_rows(network=network, period=period)
        timings.append(time.perf_counter() - t)
    print(f"Gather query (pay-as-you-go lines, {len(rows)} grouped rows): "
          f"best {min(timings):.3f} s, median {statistics.median(timings):.3f} s")
    for qs in payg_querysets(network=network, period=period):
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in cur.fetchall())
        print("  plan:\n    " + plan.replace("\n", "\n    "))
    t = time.perf_counter()
    customers = lines_gather(network=network, period=period)
    gather_all = time.perf_counter() - t
    print(f"All lines gathered (3 queries): {gather_all:.3f} s, {len(customers)} customers, "
          f"{sum(len(c.lines) for c in customers)} lines")

    if args.overlap_only:
        overlapped(network, period, args.workers)
        return
    reset_billing()
    print(f"Issuing ({load()})")
    t, cpu, db = time.perf_counter(), process_cpu(), backend_cpu()
    result = invoice_run(actor=None, network=network, period=period, today=dt.date(2026, 11, 2),
                         send=False, check_permission=False)
    issue_time = time.perf_counter() - t
    cpu, db = process_cpu() - cpu, backend_cpu() - db
    n = max(len(result.created), 1)
    print(f"Issued {len(result.created)} invoices (gather included) in {issue_time:.1f} s wall "
          f"({issue_time / n * 1000:.0f} ms per invoice), CPU {cpu:.1f} s in Python + {db:.1f} s "
          f"in PostgreSQL; {load()}")
    docs_time = render_documents(result.created, args.workers)
    if args.overlap:
        overlapped(network, period, args.workers)
    print(f"Whole run, issue then documents: {issue_time + docs_time:.1f} s (target <= 120 s); "
          f"gather query {min(timings):.3f} s (target <= 0.5 s)")


if __name__ == "__main__":
    main()
