"""A backup taken under booking load restores everything committed before it started
(issue #17 §5), on SQLite (online backup API) and PostgreSQL (pg_dump).

Members book and cancel desks paid by credit, and the operator issues invoices, in
threads with their own connections, while `backup_create` runs. The ids of every
booking, ledger entry and invoice committed before the backup started are read first;
the archive is restored into a scratch database and each of them must be there. Then
`backup verify` restores it again and runs check-ledgers and check-books on the copy:
the snapshot is consistent (no ledger entry without its balance)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from smartwork.billing.models import Invoice
from smartwork.billing.tests.factories import billing_ready, issued_invoice, sqlite_flushable
from smartwork.bookings.models import Booking
from smartwork.core import backup, testing
from smartwork.core.errors import DomainError
from smartwork.credits.models import LedgerEntry
from smartwork.credits.tests.factories import buy, employee, workday

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

MEMBERS = 6
DAYS = 12


@pytest.fixture(autouse=True)
def _flushable(transactional_db):
    yield from sqlite_flushable()


def _ids(model: Any) -> set[int]:
    return set(model.objects.values_list("pk", flat=True))


def _scratch(tmp_path: Path) -> tuple[dict[str, Any], Any]:
    """A scratch database beside the test database, and a function reading ids from it."""
    db = dict(settings.DATABASES["default"])
    if connection.vendor == "sqlite":
        db["NAME"] = str(tmp_path / "restored.sqlite3")

        def read(table: str) -> set[int]:
            with sqlite3.connect(db["NAME"]) as conn:
                return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
        return db, read
    db["NAME"] = f"{db['NAME']}_restored"
    with backup._pg_connect(db, name="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')

    def read_pg(table: str) -> set[int]:
        with backup._pg_connect(db) as conn:
            return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}
    return db, read_pg


def test_backup_under_booking_load_restores_every_committed_row(tmp_path, settings):
    from smartwork.bookings.services import booking_cancel, booking_create

    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "centres").mkdir(parents=True)
    (tmp_path / "media" / "centres" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    centre = testing.make_centre(desks=MEMBERS, rooms=0)
    network = billing_ready(centre.network)
    company = testing.make_organisation(kind="company", network=network)
    operator = testing.make_operator(network)
    buy(company, hours=2000, actor=operator)
    members = [employee(company) for _ in range(MEMBERS)]
    issued_invoice(actor=operator, network=network, customer=company)
    days = [workday(3 + i) for i in range(DAYS)]
    stop = threading.Event()
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def count(what: str) -> None:
        with lock:
            outcomes[what] += 1

    def member_load(i: int) -> None:
        member = members[i]
        try:
            for n in range(DAYS * 2):
                if stop.is_set():
                    break
                try:
                    booking = booking_create(actor=member, centre=centre,
                                             slot="morning" if n % 2 else "afternoon",
                                             on=days[n // 2], payment_method="credit")
                    count("booked")
                    if n % 3 == 0:
                        booking_cancel(booking=booking, actor=member)
                        count("cancelled")
                except DomainError as exc:
                    count(exc.code)
        except Exception as exc:
            count(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    def invoice_load() -> None:
        try:
            while not stop.is_set():
                issued_invoice(actor=operator, network=network, customer=company)
                count("invoiced")
                time.sleep(0.05)  # leave the write lock to the bookings (SQLite)
        except Exception as exc:
            count(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=member_load, args=(i,)) for i in range(MEMBERS)]
    threads.append(threading.Thread(target=invoice_load))
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 60
        while outcomes["booked"] < MEMBERS * 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        committed = {Booking: _ids(Booking), LedgerEntry: _ids(LedgerEntry),
                     Invoice: _ids(Invoice)}
        result = backup.backup_create(out_dir=tmp_path / "backups")
        during = dict(outcomes)
        took = time.monotonic() - started
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=300)
    print(f"backup took {took:.1f} s; load while backing up:", during, "in all:", dict(outcomes))
    assert all(k in ("booked", "cancelled", "invoiced") or k.isidentifier()
               for k in outcomes), outcomes
    assert result.manifest["database"]["vendor"] == connection.vendor
    assert "media/centres/photo.jpg" in result.manifest["files"]
    assert len(committed[Booking]) >= MEMBERS * 2 and committed[Invoice]

    scratch, read = _scratch(tmp_path)
    try:
        restored = backup.backup_restore(archive=result.path, database=scratch,
                                         media_root=tmp_path / "restored-media")
        assert restored.media_files == 1
        assert (tmp_path / "restored-media" / "centres" / "photo.jpg").read_bytes() == (
            b"\xff\xd8 a photo")
        for model, ids in committed.items():
            missing = ids - read(model._meta.db_table)
            assert not missing, f"{model.__name__} {sorted(missing)[:10]} not restored"
    finally:
        if connection.vendor == "postgresql":
            with backup._pg_connect(scratch, name="postgres") as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch["NAME"]}" WITH (FORCE)')

    started = time.monotonic()
    verified = backup.backup_verify(archive=result.path)
    print(f"verify took {time.monotonic() - started:.1f} s")
    print(verified.output)
    assert verified.ok, verified.output
    assert "check-ledgers: ok" in verified.output
