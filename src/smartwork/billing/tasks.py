"""Tasks: the invoice mail after commit, and the daily overdue reminders (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from smartwork.billing.labels import labels_for
from smartwork.billing.models import Invoice
from smartwork.core import periodic


@task()
def invoice_send(invoice_id: int) -> None:
    """Mail an issued invoice now (see invoice_mail_send); the invoice run sends through
    the outbox with retries instead (core/mail.py)."""
    invoice_mail_send(invoice_id=invoice_id)


def invoice_mail_send(*, invoice_id: int) -> None:
    """Mail the PDF and the Peppol UBL of an issued invoice, then mark it sent."""
    from smartwork.billing.pdf import invoice_pdf
    from smartwork.billing.services import invoice_mark_sent
    from smartwork.billing.ubl import invoice_ubl

    invoice = Invoice.objects.select_related("credited_invoice").prefetch_related(
        "lines").get(pk=invoice_id)
    to = invoice.customer_data.get("email")
    if not to:
        return
    labels = labels_for(invoice.language)
    message = EmailMessage(
        subject=f"{labels['subject']} {invoice.display_number}",
        body=f"{labels['body']} {invoice.display_number}.\n\n{invoice.issuer_data.get('name')}",
        from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
    )
    message.attach(f"{invoice.display_number}.pdf", invoice_pdf(invoice), "application/pdf")
    message.attach(f"{invoice.display_number}.xml", invoice_ubl(invoice), "application/xml")
    message.send()
    invoice_mark_sent(invoice_id=invoice.pk)


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


PERIODIC_JOBS = [(overdue_reminders, 24 * 3600, "billing.overdue_reminders")]

for _job, _seconds, _name in PERIODIC_JOBS:
    periodic.register(_job, every_seconds=_seconds, name=_name)
