"""The one place where a booking is paid for.

Every entry point runs INSIDE the booking's transaction, after the booking row
is written: raising a DomainError here (say, not enough credit) rolls the
booking back. The time-credit app (smartwork.credits.payment) decides how the
booking is paid (docs/credits.md), through the payer it registers
(bookings/company_rules.py; bookings imports nothing of credits):

- a company employee pays with the company's time credit (minutes written to the
  ledger; payment_method "credit", credit_minutes set, no price); when it runs
  out the booking is refused (409 insufficient_credit) unless the company allows
  overage, then it is pay-as-you-go billed to the company;
- another member pays with their membership's included hours ("membership"),
  then pay-as-you-go: the centre's price in force on the booking's date is
  copied onto the booking and a PaygCharge says who is billed.
- release: a cancellation before the network's deadline gives the minutes back
  (cancellation_refund entries) or drops the charge (price_net 0.00); late,
  nothing is given back.
- no-show: consumed; the booking entry or the charge stays as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from smartwork.bookings import company_rules
from smartwork.bookings.choices import Slot
from smartwork.bookings.models import Booking
from smartwork.bookings.slots import to_local
from smartwork.core import fastsql
from smartwork.core.errors import Conflict
from smartwork.core.money import money_round
from smartwork.network.models import Price


def price_on(*, centre_id: int, resource_kind: str, on: dt.date) -> Price | None:
    """`network.selectors.centre_price_on` in one plain statement (every booking reads it)."""
    with fastsql.cursor() as cursor:
        cursor.execute(f"SELECT {fastsql.columns(Price)[0]} FROM network_price "  # noqa: S608
                       "WHERE centre_id = %s AND resource_kind = %s AND valid_from <= %s "
                       "ORDER BY valid_from DESC LIMIT 1",
                       [centre_id, str(resource_kind), connection.ops.adapt_datefield_value(on)])
        row = cursor.fetchone()
    return None if row is None else fastsql.from_row(Price, row)


class ApprovalRequired(Conflict):
    """Raised by the payment step when the employee's monthly cap stops the booking and
    the company wants to approve such bookings: the booking engine catches it and
    stores the booking `pending_approval` (bookings/approvals.py). Nothing has been
    written by the payment step when it is raised. Anywhere it is not caught (a move)
    it is a plain 409."""

    code = "approval_required"

    def __init__(self, *, minutes: int, hold_hours: int, message: str | None = None,
                 reason: str = "pool_cap") -> None:
        super().__init__(
            message or _("This booking is beyond your monthly limit on the company's credit "
                         "and needs your company's approval."),
            data={"wanted_minutes": minutes, "hold_hours": hold_hours, "reason": reason},
        )
        self.minutes = minutes
        self.hold_hours = hold_hours
        # What asks for the approval: "pool_cap" (credits) or a company rule's code.
        self.reason = reason


def booking_price(*, booking: Booking) -> tuple[Decimal | None, Decimal | None]:
    """(net price, VAT rate) of a booking at its centre's price on its date."""
    centre = booking.centre
    on = to_local(booking.start, centre.timezone).date()
    price = price_on(centre_id=centre.pk, resource_kind=booking.resource.kind, on=on)
    return price_amount(price, slot=booking.slot, start=booking.start, end=booking.end)


def price_amount(price: Price | None, *, slot: str, start: dt.datetime,
                 end: dt.datetime) -> tuple[Decimal | None, Decimal | None]:
    """(net price, VAT rate) of a slot or a time range at `price` (None: no price)."""
    if price is None:
        return None, None
    if slot == Slot.FULL_DAY:
        amount = price.per_day
        if amount is None and price.per_half_day is not None:
            amount = price.per_half_day * 2
    elif slot in (Slot.MORNING, Slot.AFTERNOON):
        amount = price.per_half_day
    else:
        seconds = Decimal(int((end - start).total_seconds()))
        amount = None if price.per_hour is None else price.per_hour * seconds / Decimal(3600)
    if amount is None:
        return None, price.vat_rate
    return money_round(amount), price.vat_rate


def booking_payment_take(*, booking: Booking, actor: Any) -> None:
    company_rules.payer().take(booking=booking, actor=actor)


def booking_payment_plan(*, booking: Booking, kind: str) -> Any:
    """How the booking about to be written will be paid (credits.payment.PaymentPlan),
    or None when only `booking_payment_take` can tell, after the write."""
    return company_rules.payer().plan(booking=booking, kind=kind)


def booking_payment_take_planned(*, booking: Booking, plan: Any, actor: Any,
                                 rows: list[Any]) -> bool:
    """Write the planned payment of the just-written booking with `rows` (its audit entry
    and mail task) in one statement. False: the plan no longer holds, nothing written;
    pay with `booking_payment_take`."""
    return company_rules.payer().take_planned(booking=booking, plan=plan, actor=actor, rows=rows)


def booking_payment_release(*, booking: Booking, actor: Any, refund: bool) -> None:
    company_rules.payer().release(booking=booking, actor=actor, refund=refund)


def booking_payment_lock(*, member: Any, centre: Any, days: list[Any],
                         bookings: list[Booking] | None = None) -> None:
    """Lock what paying for several bookings in one transaction may touch, at once."""
    company_rules.payer().lock(member=member, centre=centre, days=days, bookings=bookings)


def booking_payment_no_show(*, booking: Booking) -> None:
    company_rules.payer().no_show(booking=booking)


def booking_payment_take_approved(*, booking: Booking, actor: Any) -> None:
    """An approved booking (beyond the cap, or beyond a smart-working rule): the
    company's credit pays, the cap waived."""
    company_rules.payer().take_approved(booking=booking, actor=actor)
