"""Walk-in guests at the front desk: a person who is not a member yet is registered,
booked a desk for today and checked in, in one transaction, and pays either

- on the spot (`desk`): pay-as-you-go at the centre's price, marked paid at the desk.
  The charge gets its receipt at once: an invoice for the guest with the charge's line,
  issued (numbered from the operator's gapless sequence) and paid by a `Payment` of
  method `desk`, recorded the way billing records every payment (`payments._apply`,
  audited). The charge is marked `paid_at`, so the month's invoice run leaves it out;
- or by their company (`company`), when the company allows guests
  (`CompanyCreditPolicy.guests_allowed`): the pay-as-you-go charge is billed to the
  company, on its monthly invoice, like overage. The guest is not on the company's staff.

The guest gets a login invitation afterwards: an outbox mail, written in the same
transaction, with a link to choose a password (Django's password-reset token, made when
the mail is sent, never stored). Anything refused (no desk free, the guest's email
already a member's, no desk price at the centre) rolls everything back: no user, no
booking, no invoice number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.choices import OrganisationKind
from smartwork.accounts.models import Organisation, User
from smartwork.accounts.scopes import organisation_network_ids
from smartwork.billing.choices import LineSource, MatchedBy, PaymentMethod
from smartwork.billing.models import Invoice, Payment
from smartwork.billing.payments import _apply
from smartwork.billing.services import LineDraft, _issue_locked, invoice_draft_create
from smartwork.bookings.choices import CheckInVia
from smartwork.bookings.locks import sqlite_writer_queue
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import zone
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.mail import mail_later
from smartwork.core.permissions import require
from smartwork.network.models import Centre

PAID_AT_DESK = "desk"
PAID_BY_COMPANY = "company"
PAYERS = (PAID_AT_DESK, PAID_BY_COMPANY)
GUEST_MAIL = "smartwork.billing.walkins.guest_invitation_mail_send"


@dataclass
class WalkIn:
    guest: User
    booking: Booking
    receipt: Invoice | None  # paid at the desk: the invoice issued and paid at once
    payment: Payment | None


def guest_companies(*, centre: Centre) -> list[Organisation]:
    """The customer companies of the centre's network that allow guests."""
    from smartwork.credits.models import CompanyCreditPolicy

    ids = CompanyCreditPolicy.objects.filter(
        guests_allowed=True, company__kind=OrganisationKind.COMPANY,
        company__is_active=True).values_list("company_id", flat=True)
    return [org for org in Organisation.objects.filter(pk__in=list(ids)).order_by("legal_name")
            if centre.network_id in organisation_network_ids(org)]


def _check_company(company: Organisation, centre: Centre) -> None:
    from smartwork.credits.models import CompanyCreditPolicy

    allows = CompanyCreditPolicy.objects.filter(company=company, guests_allowed=True).exists()
    if (company.kind != OrganisationKind.COMPANY or not company.is_active or not allows
            or centre.network_id not in organisation_network_ids(company)):
        raise InvalidInput(_("This company does not pay for guests here."),
                           code="company_no_guests",
                           fields={"company": [_("This company does not pay for guests.")]})


def _guest_is_member() -> Conflict:
    return Conflict(_("This email is already a member's: book them as a member."),
                    code="guest_is_member",
                    fields={"email": [_("Already a member: use the member walk-in.")]})


def _today(centre: Centre, now: dt.datetime) -> dt.date:
    return now.astimezone(zone(centre.timezone)).date()


def guest_walk_in_create(
    *, actor: User, centre: Centre, email: str, first_name: str, last_name: str,
    slot: str, paid_by: str, company: Organisation | None = None, language: str = "",
    now: dt.datetime | None = None,
) -> WalkIn:
    """Register a walk-in guest, book them a free desk today at `centre` and check them
    in; paid at the desk (with a receipt) or billed to their company (module doc)."""
    from smartwork.accounts.services import user_create
    from smartwork.bookings.services import booking_check_in, booking_create
    from smartwork.credits.choices import PaygBillTo
    from smartwork.credits.models import PaygCharge

    require(actor, "centre.front_desk", centre=centre)
    email = (email or "").strip().lower()
    if paid_by not in PAYERS:
        raise InvalidInput(_("Choose who pays."), code="invalid_payer",
                           fields={"paid_by": [_("Choose who pays.")]})
    if not (first_name or "").strip() and not (last_name or "").strip():
        raise InvalidInput(_("Give the guest's name."), code="name_required",
                           fields={"last_name": [_("Give the guest's name.")]})
    if paid_by == PAID_BY_COMPANY:
        if company is None:
            raise InvalidInput(_("Choose the company that pays."), code="company_required",
                               fields={"company": [_("Choose the company that pays.")]})
        _check_company(company, centre)
    now = now or timezone.now()
    on = _today(centre, now)
    with sqlite_writer_queue(), transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            # Not who it is: the desk books a member with the member walk-in.
            raise _guest_is_member()
        try:
            with transaction.atomic():
                guest = user_create(email=email, actor=actor,
                                    first_name=first_name.strip()[:100],
                                    last_name=last_name.strip()[:100], network=centre.network,
                                    language=language or actor.language)
        except IntegrityError as exc:
            # Another desk registered the same email a moment before (the unique email
            # waited for its commit): the same answer as when it came first.
            raise _guest_is_member() from exc
        booking = booking_create(actor=actor, member=guest, centre=centre, slot=slot, on=on,
                                 now=now, notify=False)
        booking_check_in(booking=booking, actor=actor, via=CheckInVia.RECEPTION, now=now)
        charge = (PaygCharge.objects.select_for_update()
                  .filter(booking=booking, cancelled_at__isnull=True).first())
        if charge is None:
            raise Conflict(_("This centre has no desk price: a guest cannot pay here."),
                           code="no_price", fields={"slot": [_("No desk price at this centre.")]})
        receipt = payment = None
        if paid_by == PAID_BY_COMPANY:
            assert company is not None
            charge.bill_to, charge.company = PaygBillTo.COMPANY, company
            charge.save(update_fields=["bill_to", "company"])
        else:
            receipt, payment = _receipt(actor=actor, booking=booking, charge=charge, on=on)
            charge.paid_at = now
            charge.save(update_fields=["paid_at"])
        audit_log(actor=actor, action="walk_in.guest", obj=booking,
                  network_id=centre.network_id,
                  data={"guest": guest.pk, "paid_by": paid_by,
                        "company": company.pk if company else None,
                        "receipt": receipt.display_number if receipt else None})
        mail_later(GUEST_MAIL, user_id=guest.pk, centre_id=centre.pk)
    return WalkIn(guest=guest, booking=booking, receipt=receipt, payment=payment)


def _receipt(*, actor: User, booking: Booking, charge: Any,
             on: dt.date) -> tuple[Invoice, Payment]:
    """The invoice of one charge, issued and paid at the desk (inside the caller's
    transaction)."""
    from smartwork.billing.lines import line_text, vat_category_for

    centre = booking.centre
    network = centre.network
    language = booking.member.language or "fr"
    line = LineDraft(
        description=line_text("payg", {"kind": charge.resource_kind, "slot": charge.slot,
                                       "overage": False}, language)[:300],
        quantity=Decimal(1), unit_price=charge.price_net, vat_rate=charge.vat_rate,
        vat_category=vat_category_for(charge.vat_rate), centre_id=centre.pk,
        centre_name=centre.name, service_date=on, source_type=LineSource.BOOKING,
        source_id=charge.pk, source_key=f"payg_charge:{charge.pk}")
    draft = invoice_draft_create(actor=actor, network=network, customer_member=booking.member,
                                 lines=[line], period_start=on, period_end=on,
                                 check_permission=False)
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related(
        "network", "issuer", "customer_organisation", "customer_member").get(pk=draft.pk)
    invoice = _issue_locked(invoice, actor=actor, issue_date=on)
    payment = Payment(network_id=network.pk, amount=invoice.total_gross,
                      currency=invoice.currency, value_date=on, method=PaymentMethod.DESK,
                      counterparty_name=str(booking.member)[:140],
                      communication=invoice.structured_communication[:140], actor=actor)
    _apply(payment, invoice, MatchedBy.MANUAL)
    payment.save()
    audit_log(actor=actor, action="payment.recorded", obj=invoice,
              data={"amount": str(payment.amount), "state": invoice.state, "method": "desk"})
    return invoice, payment


def guest_receipt_get(*, actor: User, centre: Centre, invoice_id: int) -> Invoice:
    """A receipt issued at `centre`'s front desk, for its staff to print."""
    from smartwork.core.errors import NotFound

    require(actor, "centre.front_desk", centre=centre)
    invoice = Invoice.objects.filter(
        pk=invoice_id, network_id=centre.network_id, payments__method=PaymentMethod.DESK,
        lines__centre_id=centre.pk).distinct().first()
    if invoice is None:
        raise NotFound(_("No such receipt."))
    return invoice


def guest_invitation_mail_send(*, user_id: int, centre_id: int) -> None:
    """The guest's login invitation: a link to choose a password (run by the outbox; the
    token is made here). A guest who has a password meanwhile is not mailed."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import EmailMessage
    from django.utils import translation
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    guest = User.objects.filter(pk=user_id, is_active=True).first()
    centre = Centre.objects.filter(pk=centre_id).first()
    if guest is None or centre is None or guest.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(guest.pk))
    token = default_token_generator.make_token(guest)
    link = f"{settings.SMARTWORK['BASE_URL']}/password-reset/{uid}/{token}/"
    with translation.override(guest.language or "fr"):
        body = _(
            "Welcome to %(centre)s. You were registered at the front desk today.\n\n"
            "Choose a password to log in to smartwork, book desks and find your "
            "receipts:\n%(link)s\n"
        ) % {"centre": centre.name, "link": link}
        subject = _("Your smartwork login")
    EmailMessage(subject=subject, body=body, to=[guest.email]).send()
