"""The monthly invoicing run of a network: one invoice per customer, each its own transaction.

Idempotent: each periodic invoice carries a billing key (network, period,
customer) that is unique in the database, so a second run, or two runs at once,
bill nothing twice. Crash-safe: an invoice is created, numbered and issued in
one transaction; a crash loses at most the invoice in flight (its number goes
back to the sequence) and the next run picks up the customers still missing.
The mail with the PDF leaves after commit (a task receiving the invoice id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.billing.calc import Period
from smartwork.billing.choices import RunState
from smartwork.billing.lines import CustomerLines, lines_gather
from smartwork.billing.models import Invoice, InvoiceRun
from smartwork.billing.services import _issue_locked, invoice_draft_create
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput
from smartwork.core.permissions import require
from smartwork.network.models import Network

# A live run beats at least every 2 % of its customers; one silent this long is dead.
RUN_STALE_AFTER = dt.timedelta(minutes=10)


@dataclass
class RunResult:
    run_id: int
    created: list[int]
    skipped: int
    customers: int


def invoice_run(
    *, actor: Any, network: Network, period: Period, today: dt.date | None = None,
    issue_date: dt.date | None = None, send: bool = True,
    progress: Callable[[int, int], None] | None = None, check_permission: bool = True,
    run: InvoiceRun | None = None,
) -> RunResult:
    """Invoice every customer of a network for an ended period."""
    if run is None:
        run = invoice_run_create(actor=actor, network=network, period=period, today=today,
                                 check_permission=check_permission)
    issue_date = issue_date or today or timezone.localdate()
    created: list[int] = []
    skipped = 0
    try:
        customers = lines_gather(network=network, period=period)
        keys = {c.billing_key(network_id=network.pk, period=period): c for c in customers}
        done = set(Invoice.objects.filter(billing_key__in=list(keys)).values_list(
            "billing_key", flat=True))
        total = len(customers)
        InvoiceRun.objects.filter(pk=run.pk).update(customers_total=total,
                                                    heartbeat_at=timezone.now())
        # The customers and the issuer in three queries, not three per invoice.
        network = Network.objects.select_related("operator").get(pk=network.pk)
        orgs = Organisation.objects.in_bulk([c.customer_id for c in customers if c.kind == "org"])
        members = User.objects.in_bulk([c.customer_id for c in customers if c.kind == "member"])
        step = max(1, total // 50)
        for index, (key, customer) in enumerate(keys.items(), start=1):
            if key in done:
                skipped += 1
            else:
                invoice_id = _invoice_one(
                    network=network, period=period, run=run, key=key, customer=customer,
                    org=orgs.get(customer.customer_id) if customer.kind == "org" else None,
                    member=members.get(customer.customer_id) if customer.kind == "member"
                    else None, actor=actor, issue_date=issue_date, send=send)
                if invoice_id is None:
                    skipped += 1
                else:
                    created.append(invoice_id)
            if index % step == 0 or index == total:
                InvoiceRun.objects.filter(pk=run.pk).update(
                    customers_done=index, invoices_created=len(created),
                    heartbeat_at=timezone.now())
            if progress:
                progress(index, total)
    except BaseException as exc:
        InvoiceRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000],
            invoices_created=len(created))
        raise
    InvoiceRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE, finished_at=timezone.now(), invoices_created=len(created))
    audit_log(actor=actor, action="invoice_run.finished", obj=run, network_id=network.pk,
              data={"period": period.label, "created": len(created), "skipped": skipped})
    return RunResult(run_id=run.pk, created=created, skipped=skipped, customers=len(keys))


def invoice_run_create(*, actor: Any, network: Network, period: Period,
                       today: dt.date | None = None, check_permission: bool = True) -> InvoiceRun:
    """Check that the period may be invoiced and record the run about to start."""
    if check_permission:
        require(actor, "network.billing", network=network)
    today = today or timezone.localdate()
    if not period.has_ended(today):
        raise InvalidInput(
            _("The period %(period)s has not ended yet: it cannot be invoiced.")
            % {"period": period.label},
            code="period_open", fields={"period": _("Not ended yet.")},
        )
    now = timezone.now()
    run = InvoiceRun.objects.create(network=network, period_start=period.start,
                                    period_end=period.end, heartbeat_at=now,
                                    actor=actor if getattr(actor, "pk", None) else None)
    audit_log(actor=actor, action="invoice_run.started", obj=run, network_id=network.pk,
              data={"period": period.label})
    _interrupted_runs_close(run=run, actor=actor, now=now)
    return run


def _interrupted_runs_close(*, run: InvoiceRun, actor: Any, now: dt.datetime) -> None:
    """Mark failed the runs of the same period still "running" that gave no sign of life
    for RUN_STALE_AFTER: their process was killed. This run resumes their work (each
    invoice is whole or absent, so there is nothing to repair)."""
    stale = now - RUN_STALE_AFTER
    for old in InvoiceRun.objects.filter(
        network_id=run.network_id, period_start=run.period_start, state=RunState.RUNNING,
        heartbeat_at__lt=stale,
    ).exclude(pk=run.pk):
        updated = InvoiceRun.objects.filter(pk=old.pk, state=RunState.RUNNING).update(
            state=RunState.FAILED, finished_at=now,
            error=f"Interrupted: no progress since {old.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC; "
                  f"resumed by run {run.pk}.")
        if updated:
            audit_log(actor=actor, action="invoice_run.interrupted", obj=old,
                      network_id=run.network_id, data={"resumed_by": run.pk})


def invoice_run_start(*, actor: Any, network: Network, period: Period) -> InvoiceRun:
    """The operator's button: record the run, then run it in a task after commit."""
    with transaction.atomic():
        run = invoice_run_create(actor=actor, network=network, period=period)
        run_id = run.pk
        transaction.on_commit(lambda: _enqueue_run(run_id))
    return run


def _enqueue_run(run_id: int) -> None:
    from smartwork.billing.tasks import invoice_run_task

    invoice_run_task.enqueue(run_id=run_id)


def _invoice_one(*, network: Network, period: Period, run: InvoiceRun, key: str,
                 customer: CustomerLines, org: Organisation | None, member: User | None,
                 actor: Any, issue_date: dt.date, send: bool) -> int | None:
    """One customer's invoice in one transaction; None when another run made it first."""
    if org is None and member is None:
        raise InvalidInput(_("Customer %(id)s of the period no longer exists.")
                           % {"id": customer.customer_id}, code="customer_missing")
    try:
        with transaction.atomic():
            if Invoice.objects.filter(billing_key=key).exists():
                return None
            draft = invoice_draft_create(
                actor=actor, network=network, customer_organisation=org, customer_member=member,
                lines=customer.lines, period_start=period.start, period_end=period.end,
                run_id=run.pk, billing_key=key, check_permission=False,
            )
            # The draft row was inserted by this transaction: no other one can see it, so
            # it needs no lock and no reload before it is numbered.
            draft.network, draft.issuer = network, network.operator
            invoice = _issue_locked(draft, actor=actor, issue_date=issue_date)
            if send:
                # The outbox: the delivery row is written in this transaction (the
                # periodic job `billing.deliveries_process` finds it if the task is lost),
                # and the first attempt is queued for after the commit.
                from smartwork.billing.delivery import invoice_delivery_queue
                from smartwork.billing.tasks import delivery_attempt_task
                from smartwork.core.outbox import task_enqueue_after_commit

                delivery = invoice_delivery_queue(invoice_id=invoice.pk)
                if delivery is not None:
                    task_enqueue_after_commit(delivery_attempt_task, delivery.pk)
            return invoice.pk
    except IntegrityError:
        # The billing key (or a source key) was taken by a concurrent run meanwhile.
        if Invoice.objects.filter(billing_key=key).exists():
            return None
        raise
