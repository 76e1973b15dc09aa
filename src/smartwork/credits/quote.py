"""What a booking would cost, and who would pay, before the member confirms it.

One source of truth: the quote *is* the booking, made by the booking engine and paid by
`credits.payment` exactly as a confirmed booking would be (`booking_create`, then the
payment plan or `booking_pay`), inside a transaction that is then rolled back. Nothing
is computed a second time, so the price shown is the price charged; a rule that would
refuse the booking (the booking window, a desk already held that day, a closure, a
company rule) refuses the quote with the same message. The mails the booking would send
are scheduled on commit, so they are dropped with the rollback; so are its audit entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.money import tax_compute
from smartwork.credits.choices import AccountKind, PaygBillTo, PaymentMethod
from smartwork.credits.models import LedgerEntry, PaygCharge
from smartwork.network.models import Centre, Resource


class _RollBack(Exception):  # control flow: never leaves this module
    pass


@dataclass
class BookingQuote:
    """How the booking would be paid. `method` is a PaymentMethod; `payer` says who:
    'company' (its credit or, beyond it, its invoice), 'member'."""

    method: str
    payer: str
    pending_approval: bool
    minutes: int = 0
    price_net: Decimal | None = None
    vat_rate: Decimal | None = None
    price_gross: Decimal | None = None
    account_kind: str = ""  # AccountKind of the account the minutes come from
    left_after_minutes: int | None = None  # on that account, after this booking
    source: str = ""  # the allotment's holder, the team, the purchase or the plan
    resource_kind: str = ""
    reasons: list[str] = field(default_factory=list)  # why, in the second person


def booking_quote(*, actor: User, centre: Centre, slot: str, on: dt.date,
                  resource: Resource | None = None, start_time: dt.time | None = None,
                  end_time: dt.time | None = None, member: User | None = None) -> BookingQuote:
    """The booking `booking_create` would make with these arguments, described and
    undone. Raises the DomainError the booking would raise."""
    from smartwork.bookings.locks import sqlite_writer_queue
    from smartwork.bookings.services import booking_create

    found: list[BookingQuote] = []
    try:
        with sqlite_writer_queue(), transaction.atomic():
            booking = booking_create(actor=actor, member=member, centre=centre, slot=slot,
                                     on=on, resource=resource, start_time=start_time,
                                     end_time=end_time, notify=False)
            found.append(_describe(booking))
            raise _RollBack
    except _RollBack:
        pass
    return found[0]


def _describe(booking: Any) -> BookingQuote:
    from smartwork.bookings.choices import BookingState

    pending = booking.state == BookingState.PENDING_APPROVAL
    kind = booking.resource.kind
    if pending:
        # Nothing is taken until the company's admin approves; then its credit pays.
        minutes = _minutes(booking)
        return BookingQuote(
            method=PaymentMethod.CREDIT, payer="company", pending_approval=True,
            minutes=minutes, resource_kind=kind,
            reasons=[_("This booking is beyond your monthly limit on your company's credit: "
                       "it waits for your company's approval, and its credit pays if it is "
                       "approved.")])
    if booking.payment_method in (PaymentMethod.CREDIT, PaymentMethod.MEMBERSHIP):
        entry = (LedgerEntry.objects.filter(booking=booking)
                 .select_related("account", "allotment__team", "allotment__member",
                                 "account__purchase__package", "account__membership__plan")
                 .order_by("-id").first())
        quote = BookingQuote(
            method=booking.payment_method,
            payer="company" if booking.payment_method == PaymentMethod.CREDIT else "member",
            pending_approval=False, minutes=booking.credit_minutes, resource_kind=kind)
        if entry is not None:
            quote.account_kind = entry.account.kind
            quote.left_after_minutes = entry.account.balance_minutes  # read after the take
            quote.source, reason = _source(entry, booking.member)
            quote.reasons.append(reason)
        return quote
    charge = PaygCharge.objects.filter(booking=booking).first()
    to_company = charge is not None and charge.bill_to == PaygBillTo.COMPANY
    quote = BookingQuote(method=PaymentMethod.PAYG, payer="company" if to_company else "member",
                         pending_approval=False, price_net=booking.price_net,
                         vat_rate=booking.vat_rate, resource_kind=kind)
    if booking.price_net is not None:
        quote.price_gross = tax_compute(net=booking.price_net,
                                        rate_percent=booking.vat_rate or Decimal(0)).gross
    if to_company:
        quote.reasons.append(_("Your company's credit cannot pay for this booking (none left "
                               "for you here); your company allows going over, so it pays "
                               "the centre's price on its monthly invoice."))
    elif booking.member.company_id is not None:
        quote.reasons.append(_("Your company's credit does not pay for this booking: you pay "
                               "as you go, at the centre's price, on your monthly invoice."))
    else:
        quote.reasons.append(_("You have no membership hours for this booking: you pay as you "
                               "go, at the centre's price, on your monthly invoice."))
    if booking.price_net is None:
        quote.reasons.append(_("The centre has no price for this; nothing is charged."))
    return quote


def _minutes(booking: Any) -> int:
    from smartwork.credits.payment import booking_cost_minutes

    return booking_cost_minutes(booking=booking)


def _source(entry: LedgerEntry, member: User) -> tuple[str, str]:
    """Which account pays, and the sentence saying it."""
    account = entry.account
    if account.kind == AccountKind.MEMBERSHIP:
        plan = account.membership.plan.name
        return plan, _("Your membership “%(plan)s” pays with its hours of this month.") % {
            "plan": plan}
    allotment = entry.allotment
    if allotment is not None:
        if allotment.member_id == member.pk:
            return str(_("you")), _("Your company's credit pays, from the hours set aside for "
                                    "you (your allotment).")
        if allotment.team is not None:
            team = allotment.team.name
            return team, _("Your company's credit pays, from the hours of your team "
                           "“%(team)s”.") % {"team": team}
        return str(_("everyone in the company")), _(
            "Your company's credit pays, from hours set aside for everyone in the company.")
    package = account.purchase.package.name if account.purchase and account.purchase.package \
        else ""
    return package, _("Your company's credit pays, from its shared pool.")


@dataclass
class SeriesQuoteDate:
    """One date of a series: `quote` when it would be booked (on `resource_name`),
    else the service's refusal (`code`, `message`)."""

    date: dt.date
    quote: BookingQuote | None = None
    resource_name: str = ""
    code: str = ""
    message: str = ""


def series_quote(*, actor: User, centre: Centre, slot: str, dates: list[dt.date],
                 resource: Resource | None = None, start_time: dt.time | None = None,
                 end_time: dt.time | None = None,
                 member: User | None = None) -> list[SeriesQuoteDate]:
    """The series `series_create` would make with these arguments, date by date: each
    date booked is described as `booking_quote` describes one booking (after the whole
    series is paid, so credit that runs out on the fifth date shows there), each date
    refused with the service's own reason; then all of it is undone.

    It is made with the policy that skips conflicts, so every date is described; with
    all-or-nothing the series is refused when any date is. Raises the DomainError that
    refuses the whole series (a centre not open to the member, a slot the resource does
    not take)."""
    from smartwork.bookings.choices import ConflictPolicy
    from smartwork.bookings.locks import sqlite_writer_queue
    from smartwork.bookings.services import series_create
    from smartwork.bookings.slots import to_local
    from smartwork.core.errors import Conflict

    rows: list[SeriesQuoteDate] = []
    try:
        with sqlite_writer_queue(), transaction.atomic():
            try:
                result = series_create(actor=actor, member=member, centre=centre,
                                       resource=resource, slot=slot, dates=dates,
                                       start_time=start_time, end_time=end_time,
                                       conflict_policy=ConflictPolicy.SKIP, notify=False)
            except Conflict as exc:
                if exc.code != "series_conflicts":
                    raise
                bookings, skipped = [], list(exc.data.get("conflicts", []))
            else:
                bookings, skipped = result.bookings, result.skipped
            for booking in bookings:
                rows.append(SeriesQuoteDate(
                    date=to_local(booking.start, booking.centre.timezone).date(),
                    quote=_describe(booking), resource_name=booking.resource.name))
            rows += [SeriesQuoteDate(date=dt.date.fromisoformat(row["date"]), code=row["code"],
                                     message=row["message"]) for row in skipped]
            raise _RollBack
    except _RollBack:
        pass
    return sorted(rows, key=lambda row: row.date)
