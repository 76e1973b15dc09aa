"""Tasks: the delivery of an invoice after commit, its retries (every minute) and the
daily overdue reminders (periodic jobs are idempotent)."""

from __future__ import annotations

from django.tasks import task

from smartwork.core import periodic


@task()
def invoice_send(invoice_id: int) -> None:
    """Deliver an issued invoice on its customer's channel: queued, then tried at once
    (the periodic job retries what fails; billing/delivery.py)."""
    from smartwork.billing.delivery import delivery_attempt, invoice_delivery_queue

    delivery = invoice_delivery_queue(invoice_id=invoice_id)
    if delivery is not None:
        delivery_attempt(delivery_id=delivery.pk)


@task()
def delivery_attempt_task(delivery_id: int) -> None:
    from smartwork.billing.delivery import delivery_attempt

    delivery_attempt(delivery_id=delivery_id)


@task()
def deliveries_process() -> int:
    from smartwork.billing.delivery import deliveries_process as process

    return process()


@task()
def invoice_run_task(run_id: int) -> int:
    """Run a recorded invoicing run (the operator's button); returns invoices issued."""
    from smartwork.billing.calc import Period
    from smartwork.billing.models import InvoiceRun
    from smartwork.billing.run import invoice_run

    run = InvoiceRun.objects.select_related("network", "actor").get(pk=run_id)
    result = invoice_run(actor=run.actor, network=run.network,
                         period=Period(run.period_start, run.period_end), run=run,
                         check_permission=False)
    return len(result.created)


@task()
def overdue_reminders() -> int:
    from smartwork.billing.payments import invoices_remind_overdue

    return invoices_remind_overdue()


PERIODIC_JOBS = [(overdue_reminders, 24 * 3600, "billing.overdue_reminders"),
                 (deliveries_process, 60, "billing.deliveries_process")]

for _job, _seconds, _name in PERIODIC_JOBS:
    periodic.register(_job, every_seconds=_seconds, name=_name)
