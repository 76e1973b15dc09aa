"""Bookings beyond an employee's monthly cap, waiting for the company's approval.

When the company's credit policy asks for it (`approval_beyond_cap`), the payment
step raises `payment.ApprovalRequired` instead of refusing a booking the monthly
cap stops; the booking engine then calls `booking_hold_for_approval`, in the
booking's transaction: the booking is `pending_approval`, live (it holds its
resource: LIVE_STATES and the PostgreSQL exclusion constraint include it), has
consumed no credit and holds its slot until `hold_until` (the policy's hours,
never past its start).

- `booking_approve`: the company admin (or the network's operator) approves; the
  company's credit pays with the cap waived for this booking (the balance never
  goes below zero: 409 `insufficient_credit` and the booking stays pending) and
  the booking is `confirmed`.
- `booking_reject`: with a reason; the booking is `cancelled` with that reason.
- `bookings_expire_pending`: the periodic job cancels the pending bookings whose
  hold has lapsed; each row is locked and re-checked, so running it twice or at
  once does nothing more.

Every step writes its audit entry and mails the member after commit (the admins
are told when a request arrives).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings import payment
from smartwork.bookings.choices import BookingState, PaymentMethod
from smartwork.bookings.locks import sqlite_writer_queue
from smartwork.bookings.models import Booking
from smartwork.bookings.periodic import each_locked
from smartwork.bookings.slots import to_local
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated
from smartwork.core.permissions import allowed

# Who decides: the admins of the member's company and the operator of its network.
APPROVE_ACTION = "company.credit"
EXPIRED_REASON = "Not approved in time"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _notify(kind: str, booking_id: int) -> None:
    from smartwork.bookings.tasks import booking_mail
    from smartwork.core.outbox import task_enqueue_after_commit

    # In the decision's transaction (core/outbox.py): sent once it commits, retried.
    task_enqueue_after_commit(booking_mail, kind, booking_id, None)


def _locked(booking: Booking) -> Booking:
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("centre__network", "resource", "member")
            .get(pk=booking.pk))


def may_decide(actor: Any, booking: Booking) -> bool:
    """May this person approve or reject the booking's request?"""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not booking.member.company_id:
        return False
    # The company row (not its id): the operator's scope is the company's network.
    return allowed(actor, APPROVE_ACTION, company=booking.member.company)


def _require_decider(actor: Any, booking: Booking) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if not may_decide(actor, booking):
        raise Forbidden(_("Only the company's admin approves or rejects this request."),
                        code="forbidden")


def booking_hold_for_approval(*, booking: Booking, actor: Any, hold_hours: int,
                              now: dt.datetime | None = None, reason: str = "pool_cap",
                              message: str | None = None) -> Booking:
    """Store a just-inserted booking as waiting for approval (inside its transaction).

    When the one booking may decide (the company admin booking for an employee), the
    booking is approved at once instead: paid with the cap waived, confirmed.

    A booking that starts before any hold could run (a walk-in beyond the cap) is
    refused with 409 `pool_cap_reached`: there is no time left to decide."""
    now = _now(now)
    if actor is not None and getattr(actor, "pk", None) != booking.member_id and may_decide(
            actor, booking):
        # The company's admin (or operator) booking for an employee decides at once.
        payment.booking_payment_take_approved(booking=booking, actor=actor)
        booking.approved_at, booking.approved_by = now, actor
        booking.save(update_fields=["approved_at", "approved_by", "updated_at"])
        audit_log(actor=actor, action="booking.approved", obj=booking, data={
            "member": booking.member_id, "credit_minutes": booking.credit_minutes,
            "when_booked": True})
        return booking
    hold_until = min(now + dt.timedelta(hours=hold_hours), booking.start)
    if hold_until <= now:
        if reason != "pool_cap":  # a company rule (bookings/company_rules.py)
            raise Conflict(
                _("%(why)s It starts too soon to wait for your company's approval.")
                % {"why": message or ""}, code=f"{reason}_too_soon",
                data={"hold_hours": hold_hours, "reason": reason})
        raise Conflict(
            _("This booking is beyond your monthly limit on the company's credit and starts "
              "too soon to wait for your company's approval."),
            code="pool_cap_reached", data={"hold_hours": hold_hours})
    booking.state = BookingState.PENDING_APPROVAL
    booking.hold_until = hold_until
    booking.payment_method = PaymentMethod.CREDIT
    booking.credit_minutes = 0
    booking.price_net = booking.vat_rate = None
    booking.save(update_fields=["state", "hold_until", "payment_method", "credit_minutes",
                                "price_net", "vat_rate", "updated_at"])
    audit_log(actor=actor, action="booking.approval_requested", obj=booking, data={
        "member": booking.member_id, "hold_until": hold_until.isoformat(),
        "company": booking.member.company_id, "reason": reason,
    })
    return booking


def booking_approve(*, booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Approve a pending booking: the company's credit pays (cap waived), it is confirmed.

    Approving twice returns the confirmed booking unchanged."""
    now = _now(now)
    _require_decider(actor, booking)
    with sqlite_writer_queue(), transaction.atomic():
        locked = _locked(booking)
        if locked.state == BookingState.CONFIRMED and locked.approved_at is not None:
            return locked
        if locked.state != BookingState.PENDING_APPROVAL:
            raise Conflict(_("This booking is not waiting for approval (it is %(state)s).")
                           % {"state": locked.get_state_display()}, code="not_pending")
        if locked.hold_until is not None and locked.hold_until <= now:
            until = to_local(locked.hold_until, locked.centre.timezone)
            raise Conflict(_("This request has lapsed: the slot was held until %(until)s.")
                           % {"until": f"{date_format(until.date(), 'DATE_FORMAT')} "
                                       f"{until:%H:%M}"},
                           code="approval_expired")
        payment.booking_payment_take_approved(booking=locked, actor=actor)
        locked.state = BookingState.CONFIRMED
        locked.approved_at = now
        locked.approved_by = actor
        locked.sequence += 1
        locked.save(update_fields=["state", "approved_at", "approved_by", "sequence",
                                   "updated_at"])
        audit_log(actor=actor, action="booking.approved", obj=locked, data={
            "member": locked.member_id, "credit_minutes": locked.credit_minutes})
        _notify("approved", locked.pk)
    return locked


def booking_reject(*, booking: Booking, actor: User, reason: str,
                   now: dt.datetime | None = None) -> Booking:
    """Reject a pending booking, with a reason the member is told: it is cancelled."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the request is rejected."), code="reason_required",
                           fields={"reason": [_("Required.")]})
    _require_decider(actor, booking)
    with sqlite_writer_queue(), transaction.atomic():
        locked = _locked(booking)
        if locked.state != BookingState.PENDING_APPROVAL:
            raise Conflict(_("This booking is not waiting for approval (it is %(state)s).")
                           % {"state": locked.get_state_display()}, code="not_pending")
        locked.state = BookingState.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor
        locked.cancel_reason = reason[:300]
        locked.sequence += 1
        locked.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason",
                                   "sequence", "updated_at"])
        audit_log(actor=actor, action="booking.rejected", obj=locked, data={
            "member": locked.member_id, "reason": locked.cancel_reason})
        _notify("rejected", locked.pk)
    return locked


def bookings_expire_pending(*, now: dt.datetime | None = None) -> int:
    """Cancel every pending booking whose hold has lapsed; idempotent."""
    now = _now(now)

    def expire(booking: Booking) -> bool:
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = EXPIRED_REASON
        booking.sequence += 1
        booking.save(update_fields=["state", "cancelled_at", "cancel_reason", "sequence",
                                    "updated_at"])
        audit_log(actor=None, action="booking.approval_expired", obj=booking,
                  data={"hold_until": booking.hold_until.isoformat()
                        if booking.hold_until else None})
        _notify("approval_expired", booking.pk)
        return True

    return each_locked(
        Booking.objects.filter(state=BookingState.PENDING_APPROVAL, hold_until__lte=now),
        expire, state=BookingState.PENDING_APPROVAL, hold_until__lte=now)


__all__ = ["booking_approve", "booking_hold_for_approval", "booking_reject",
           "bookings_expire_pending", "may_decide"]
