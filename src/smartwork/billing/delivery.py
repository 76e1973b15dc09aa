"""Delivery of issued invoices and credit notes: by email (PDF, plus the UBL for a Peppol
recipient) or over Peppol through the operator's access point (billing/peppol.py).

Each (invoice, channel) has one `InvoiceDelivery` row holding its state (queued, sent,
delivered, failed with a reason) and an append-only `InvoiceDeliveryEvent` per change.

An attempt runs in three steps, so that no network call happens inside a transaction
and two workers never send the same document at once:
1. claim: lock the row, re-check it is due, count the attempt and push
   `next_attempt_at` a lease ahead (commit);
2. work: validate the UBL with the official rules, then mail it or hand it to the
   access point (no transaction, no lock held);
3. record: lock the row again and write the outcome, unless another claim came since.

A failure that may pass (an access point down, a mail server refusing for now) is
retried with back-off by the periodic job `billing.deliveries_process`; one that will
not (an invalid document, a receiver the network does not know) waits for the
operator, who sees it on the deliveries page and retries it when the cause is fixed.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.billing.choices import DeliveryChannel, DeliveryState, InvoiceKind
from smartwork.billing.labels import labels_for
from smartwork.billing.models import BillingProfile, Invoice, InvoiceDelivery, InvoiceDeliveryEvent
from smartwork.billing.peppol import (
    DOCUMENT_TYPES,
    AccessPointError,
    access_point_configured,
    access_point_get,
)
from smartwork.billing.ubl import invoice_ubl, peppol_receiver
from smartwork.billing.validation import EInvoiceInvalid, ubl_assert_valid
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.permissions import require

log = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt; after the last, the operator decides.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15),
           dt.timedelta(hours=1), dt.timedelta(hours=3), dt.timedelta(hours=6),
           dt.timedelta(hours=12), dt.timedelta(hours=24))
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claimed attempt may run before another worker may take the row again.
LEASE = dt.timedelta(minutes=5)
# How often a document the access point accepted is asked about, and for how long.
POLL_EVERY = dt.timedelta(minutes=10)
POLL_FOR = dt.timedelta(days=2)


def delivery_target(*, invoice: Invoice) -> tuple[str, str] | None:
    """(channel, receiver) for the invoice's customer, or None when it cannot be reached.

    The customer's `BillingProfile.delivery_channel` decides: `email`, `peppol`, or
    `auto` (the default): Peppol when the customer is a Peppol recipient and the operator
    has an access point, email otherwise. A private member has no Peppol identifier and
    is always mailed."""
    data = invoice.customer_data or {}
    profile = BillingProfile.objects.filter(
        Q(organisation_id=invoice.customer_organisation_id)
        if invoice.customer_organisation_id else Q(member_id=invoice.customer_member_id)
    ).only("delivery_channel").first()
    channel = profile.delivery_channel if profile else DeliveryChannel.AUTO
    receiver, email = peppol_receiver(data), data.get("email") or ""
    if channel == DeliveryChannel.PEPPOL and receiver:
        return DeliveryChannel.PEPPOL, receiver
    if channel == DeliveryChannel.AUTO and receiver and access_point_configured():
        return DeliveryChannel.PEPPOL, receiver
    if email:
        return DeliveryChannel.EMAIL, email
    return None


def _event(delivery: InvoiceDelivery, *, detail: str = "", actor: Any = None) -> None:
    InvoiceDeliveryEvent.objects.create(delivery=delivery, state=delivery.state,
                                        attempt=delivery.attempts, detail=detail[:2000],
                                        actor=actor if getattr(actor, "pk", None) else None)


def invoice_delivery_queue(*, invoice_id: int, actor: Any = None) -> InvoiceDelivery | None:
    """Queue the delivery of an issued document on its customer's channel (idempotent:
    an existing delivery on that channel is returned as it is). None: no way to reach
    the customer (no email, no Peppol identifier)."""
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.number is None:
        raise InvalidInput(_("A draft is not delivered."), code="invoice_draft")
    target = delivery_target(invoice=invoice)
    if target is None:
        return None
    channel, receiver = target
    existing = InvoiceDelivery.objects.filter(invoice_id=invoice_id, channel=channel).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            delivery = InvoiceDelivery.objects.create(
                invoice_id=invoice_id, channel=channel, receiver=receiver,
                state=DeliveryState.QUEUED, next_attempt_at=timezone.now())
            _event(delivery, detail=receiver, actor=actor)
    except IntegrityError:  # queued meanwhile by another process
        return InvoiceDelivery.objects.get(invoice_id=invoice_id, channel=channel)
    return delivery


def invoice_deliver(*, actor: Any, invoice: Invoice) -> InvoiceDelivery:
    """The operator sends an issued invoice (again) on its customer's current channel:
    queued now, attempted by a task after commit."""
    require(actor, "network.billing", network=invoice.network_id)
    delivery = invoice_delivery_queue(invoice_id=invoice.pk, actor=actor)
    if delivery is None:
        raise InvalidInput(_("This customer has neither an email address nor a Peppol "
                             "identifier."), code="delivery_no_address")
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _enqueue_attempt(delivery_id))
    return delivery


def _claim(delivery_id: int, now: dt.datetime) -> InvoiceDelivery | None:
    with transaction.atomic():
        delivery = (InvoiceDelivery.objects.select_for_update()
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.next_attempt_at is None or \
                delivery.next_attempt_at > now or delivery.state == DeliveryState.DELIVERED:
            return None
        if delivery.state != DeliveryState.SENT:  # a send, not a status poll
            delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
        return delivery


def _record(claimed: InvoiceDelivery, *, state: str, reason: str = "",
            next_at: dt.datetime | None = None, message_id: str | None = None,
            detail: str = "") -> InvoiceDelivery:
    with transaction.atomic():
        delivery = InvoiceDelivery.objects.select_for_update().get(pk=claimed.pk)
        if delivery.attempts != claimed.attempts or delivery.next_attempt_at != \
                claimed.next_attempt_at:
            return delivery  # retried or claimed again meanwhile: that attempt records
        changed = delivery.state != state or reason != delivery.reason
        delivery.state, delivery.reason, delivery.next_attempt_at = state, reason, next_at
        if message_id is not None:
            delivery.message_id = message_id
        delivery.save()
        if changed or detail:
            _event(delivery, detail=detail or reason)
        if state == DeliveryState.FAILED and next_at is None:
            audit_log(actor=None, action="invoice.delivery_failed", obj=delivery.invoice,
                      data={"channel": delivery.channel, "reason": reason[:500]})
    return delivery


def _retry_at(attempts: int, now: dt.datetime) -> dt.datetime | None:
    return now + BACKOFF[attempts - 1] if attempts < MAX_ATTEMPTS else None


def _validated_ubl(invoice: Invoice) -> bytes:
    xml = invoice_ubl(invoice)
    ubl_assert_valid(xml=xml, document=invoice.display_number)
    return xml


def _send_email(invoice: Invoice, to: str) -> str:
    from smartwork.billing.pdf import invoice_pdf

    labels = labels_for(invoice.language)
    message = EmailMessage(
        subject=f"{labels['subject']} {invoice.display_number}",
        body=f"{labels['body']} {invoice.display_number}.\n\n{invoice.issuer_data.get('name')}",
        from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
    )
    message.attach(f"{invoice.display_number}.pdf", invoice_pdf(invoice), "application/pdf")
    if invoice.has_einvoice:
        message.attach(f"{invoice.display_number}.xml", _validated_ubl(invoice),
                       "application/xml")
    message.send()
    return _("Mailed to %(to)s.") % {"to": to}


def _send_peppol(invoice: Invoice, receiver: str) -> tuple[str, str]:
    xml = _validated_ubl(invoice)
    root = "CreditNote" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    receipt = access_point_get().send(
        document=xml, receiver=receiver, sender=peppol_receiver(invoice.issuer_data),
        document_type=DOCUMENT_TYPES[root],
        idempotency_key=f"{invoice.issuer_id}:{invoice.display_number}")
    return receipt.message_id, receipt.status


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None
                     ) -> InvoiceDelivery | None:
    """One attempt (or status poll) of a due delivery; None when it was not due."""
    from smartwork.billing.services import invoice_mark_sent

    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    invoice = Invoice.objects.select_related("credited_invoice").prefetch_related(
        "lines").get(pk=claimed.invoice_id)
    try:
        if claimed.state == DeliveryState.SENT:
            return _poll(claimed, now)
        if claimed.channel == DeliveryChannel.EMAIL:
            detail = _send_email(invoice, claimed.receiver)
            delivery = _record(claimed, state=DeliveryState.SENT, detail=detail)
        else:
            message_id, status = _send_peppol(invoice, claimed.receiver)
            delivered = status == "delivered"
            delivery = _record(
                claimed, state=DeliveryState.DELIVERED if delivered else DeliveryState.SENT,
                next_at=None if delivered else now + POLL_EVERY, message_id=message_id,
                detail=_("Access point transmission %(id)s.") % {"id": message_id})
    except EInvoiceInvalid as exc:
        return _record(claimed, state=DeliveryState.FAILED, reason=exc.message)
    except AccessPointError as exc:
        return _record(claimed, state=DeliveryState.FAILED, reason=str(exc),
                       next_at=_retry_at(claimed.attempts, now) if exc.retryable else None)
    except (smtplib.SMTPException, OSError) as exc:
        return _record(claimed, state=DeliveryState.FAILED, reason=f"Mail: {exc}",
                       next_at=_retry_at(claimed.attempts, now))
    if delivery.state in (DeliveryState.SENT, DeliveryState.DELIVERED):
        invoice_mark_sent(invoice_id=invoice.pk)
    return delivery


def _poll(claimed: InvoiceDelivery, now: dt.datetime) -> InvoiceDelivery:
    """Ask the access point where an accepted document stands."""
    try:
        receipt = access_point_get().status(message_id=claimed.message_id)
    except AccessPointError as exc:
        log.warning("Peppol status of %s: %s", claimed.message_id, exc)
        receipt = None
    if receipt is not None and receipt.status == "delivered":
        return _record(claimed, state=DeliveryState.DELIVERED, next_at=None)
    if receipt is not None and receipt.status == "failed":
        return _record(claimed, state=DeliveryState.FAILED,
                       reason=receipt.reason or _("The access point could not deliver it."))
    if now - claimed.created_at > POLL_FOR:
        return _record(claimed, state=DeliveryState.FAILED,
                       reason=_("No delivery confirmation from the access point in two days."))
    return _record(claimed, state=DeliveryState.SENT, next_at=now + POLL_EVERY)


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(InvoiceDelivery.objects.filter(
        next_attempt_at__lte=now,
        state__in=(DeliveryState.QUEUED, DeliveryState.FAILED, DeliveryState.SENT),
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def deliveries_process(*, now: dt.datetime | None = None) -> int:
    """The periodic job: every due delivery gets its attempt (idempotent: each row is
    claimed under its lock, so two workers, or two runs, never send one twice)."""
    done = 0
    now = now or timezone.now()
    for delivery_id in deliveries_due(now=now):
        if delivery_attempt(delivery_id=delivery_id, now=now) is not None:
            done += 1
    return done


def delivery_retry(*, actor: Any, delivery: InvoiceDelivery) -> InvoiceDelivery:
    """The operator's retry of a failed delivery: queued again now, attempts from zero."""
    require(actor, "network.billing", network=delivery.invoice.network_id)
    with transaction.atomic():
        locked = InvoiceDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.state != DeliveryState.FAILED:
            raise Conflict(_("Only a failed delivery is retried."), code="delivery_not_failed")
        locked.state, locked.attempts, locked.next_attempt_at = (
            DeliveryState.QUEUED, 0, timezone.now())
        locked.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        _event(locked, detail=_("Retried by the operator."), actor=actor)
        audit_log(actor=actor, action="invoice.delivery_retried", obj=locked.invoice,
                  data={"delivery": locked.pk, "channel": locked.channel})
        delivery_id = locked.pk
        transaction.on_commit(lambda: _enqueue_attempt(delivery_id))
    return locked


def _enqueue_attempt(delivery_id: int) -> None:
    from smartwork.billing.tasks import delivery_attempt_task

    delivery_attempt_task.enqueue(delivery_id=delivery_id)
