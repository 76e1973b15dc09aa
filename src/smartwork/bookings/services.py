"""Writes for bookings: create (one, any desk, series), move, cancel, check in,
release no-shows, complete.

Lock, re-check, write in one transaction. The database is the last guard: on
PostgreSQL the exclusion constraint `booking_no_overlap` refuses two live
bookings on one resource at one time (its violation becomes a 409); on SQLite
every write transaction is BEGIN IMMEDIATE, so the re-check inside it is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings import company_rules, payment, sql
from smartwork.bookings.choices import (
    CHECK_IN_EARLY_MINUTES,
    LIVE_STATES,
    MAX_SERIES_OCCURRENCES,
    BookingState,
    CheckInVia,
    ConflictPolicy,
    PaymentMethod,
    SeriesKind,
    Slot,
)
from smartwork.bookings.locks import sqlite_writer_queue
from smartwork.bookings.models import Booking, BookingSeries, CalendarFeed, new_feed_token
from smartwork.bookings.periodic import each_locked
from smartwork.bookings.rules import (
    calendars_for,
    check_centre_open_to,
    check_resource_active,
    date_problem,
)
from smartwork.bookings.slots import Span, check_slot_kind, slot_span, to_local
from smartwork.core import fastsql
from smartwork.core.audit import audit_entry, audit_log
from smartwork.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotAuthenticated
from smartwork.core.outbox import task_enqueue_after_commit, task_row
from smartwork.core.permissions import allowed
from smartwork.network.choices import SLOT_KINDS, ResourceKind
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import bookable_network_ids

OVERLAP_CONSTRAINT = "booking_no_overlap"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _is_overlap(exc: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(exc)


def _slot_taken(resource: Resource, span: Span) -> Conflict:
    return Conflict(
        _("%(resource)s is already booked on %(date)s at that time.")
        % {"resource": resource.name, "date": span.date},
        code="slot_taken", data={"date": span.date.isoformat(), "resource_id": resource.pk},
    )


def _no_desk(centre: Centre, span: Span) -> Conflict:
    return Conflict(_("No desk is free in %(centre)s on %(date)s for that slot.")
                    % {"centre": centre.name, "date": span.date},
                    code="no_desk_free", data={"date": span.date.isoformat()})


def _overlapping(resource_ids: Sequence[int] | QuerySet[Any, Any], start: dt.datetime, end: dt.datetime,
                 exclude: int | None = None) -> Any:
    qs = Booking.objects.filter(resource_id__in=resource_ids, state__in=LIVE_STATES,
                                start__lt=end, end__gt=start)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


# --- Who books for whom ---------------------------------------------------------


def _member_for(*, actor: Any, member: User | None, centre: Centre) -> tuple[User, bool]:
    """The member the booking is for, and whether someone else booked it for them."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    if member is None or member.pk == actor.pk:
        return actor, False
    if allowed(actor, "centre.front_desk", centre=centre):
        return member, True
    if member.company_id and allowed(actor, "company.book_for_staff", company=member.company_id):
        return member, True
    raise Forbidden(_("You may not book for this person."), code="not_in_scope",
                    fields={"member_id": [_("Outside your scope.")]})


def _may_manage(actor: Any, booking: Booking) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk in (booking.member_id, booking.booked_by_id):
        return True
    if allowed(actor, "centre.front_desk", centre=booking.centre):
        return True
    company_id = booking.member.company_id
    return bool(company_id and allowed(actor, "company.book_for_staff", company=company_id))


def _target(*, resource: Resource | None, centre: Centre | None) -> tuple[Centre, Resource | None]:
    if resource is not None:
        return resource.centre, resource
    if centre is None:
        raise InvalidInput(_("Give a resource, or a centre to book any desk there."),
                           code="resource_required",
                           fields={"resource_id": [_("Required without centre_id.")]})
    return centre, None


@dataclass
class Prepared:
    member: User
    on_behalf: bool
    centre: Centre
    resource: Resource | None
    kind: str


def _prepare(*, actor: Any, member: User | None, resource: Resource | None,
             centre: Centre | None, slot: str, first_date: dt.date) -> Prepared:
    centre, resource = _target(resource=resource, centre=centre)
    member, on_behalf = _member_for(actor=actor, member=member, centre=centre)
    kind = resource.kind if resource is not None else ResourceKind.DESK
    check_slot_kind(kind, slot)
    # The alliance query only when the centre is not in the member's own network.
    allowed_networks = ({centre.network_id} if centre.network_id == member.network_id
                        else bookable_network_ids(member=member, on=first_date))
    check_centre_open_to(member=member, centre=centre, allowed_networks=allowed_networks,
                         on=first_date)
    if resource is not None:
        check_resource_active(resource)
    return Prepared(member, on_behalf, centre, resource, kind)


# --- Create ---------------------------------------------------------------------


def _check_member_free(*, member: User, span: Span, exclude: int | None = None,
                       yours: bool = False) -> None:
    """A member holds one desk or private office at a time; a meeting or telepresence
    room may overlap it. Checked under the member's lock (taken before any resource
    lock), inside the booking's transaction, so two requests at once cannot both pass."""
    sql.lock_member(member.pk)
    other = sql.member_desk_at(member.pk, span.start, span.end, sorted(SLOT_KINDS),
                               exclude=exclude)
    if other is not None:
        booking_id, resource_name, centre_name = other
        # Said to the member themselves in the second person; to whoever books for them,
        # with their name.
        text = (_("You already hold a desk at that time (%(resource)s, %(centre)s).") if yours
                else _("%(member)s already has a desk booked at that time "
                       "(%(resource)s, %(centre)s)."))
        raise Conflict(
            text % {"member": member, "resource": resource_name, "centre": centre_name},
            code="member_already_booked",
            data={"booking_id": booking_id, "date": span.date.isoformat()},
        )


def _lock_resource(resource_id: int) -> None:
    """Serialise writers of one resource (PostgreSQL row lock; on SQLite the
    IMMEDIATE transaction already holds the database's write lock). Without it two
    partly overlapping inserts can deadlock inside the exclusion constraint check."""
    if connection.features.has_select_for_update:
        # No ordering (Resource's default orders by centre, a join) and `of=self`: lock
        # the resource row only, never the centre row every booking's FK check shares.
        list(Resource.objects.select_for_update(of=("self",), no_key=True).filter(pk=resource_id)
             .order_by().values_list("pk"))


class _Replan(Exception):
    """The planned payment failed after its UPDATE may have locked the planned account:
    `booking_create` rolls back and books again without a plan, so that the payment
    locks its accounts in one statement, in primary-key order (credits/locks.py)."""


def _insert(*, p: Prepared, actor: User, span: Span, payment_method: str, note: str,
            series: BookingSeries | None, notify_kind: str | None = None,
            planned: bool = True) -> Booking:
    """Lock, re-check, insert one booking inside the caller's transaction, then audit,
    mail (`notify_kind`) and payment.

    The payment is planned first, from reads (payment.booking_payment_plan), so the row
    is written with its payment fields; then the member and the resource are locked
    (one statement), the row is written unless its resource or its member is taken
    (one statement), and the payment, the audit entry and the mail task are written
    last, together (one statement on PostgreSQL): a credit account that the whole staff
    of a company shares is locked from that statement to the commit only. A plan that
    no longer holds writes nothing, and the payment step decides after the write.

    Any desk: the free desks are tried in a stable order (so locks are always taken in
    the same order), each locked and re-checked, the first still free is taken.
    """
    draft = fastsql.new(
        Booking, member=p.member, booked_by=actor, resource=p.resource, centre=p.centre, series=series,
        slot=span.slot, start=span.start, end=span.end, payment_method=payment_method,
        note=note,
    )
    plan = payment.booking_payment_plan(booking=draft, kind=p.kind) if planned else None
    if plan is not None:
        plan.apply(draft)
    booking = _write_first_free(p=p, draft=draft, span=span)
    # The company's rules (bookings/company_rules.py), under the member's lock: a refusal
    # raises and rolls the booking back; an approval holds it for the company's decision.
    approval = company_rules.check_rules(booking=booking, kind=p.kind, actor=actor) \
        if company_rules.rules() else None
    audit = audit_entry(actor=actor, action="booking.created", obj=booking, data={
        "member": p.member.pk, "resource": booking.resource_id, "slot": span.slot,
        "start": span.start.isoformat(), "end": span.end.isoformat(),
        "on_behalf": p.on_behalf, "series": series.pk if series else None,
    })
    if approval is None and plan is not None:
        if _pay_as_planned(booking=booking, plan=plan, actor=actor, audit=audit,
                           notify_kind=notify_kind):
            return booking
        if series is None and getattr(plan, "account_id", None) is not None:
            # Not taken: its UPDATE may hold the planned account's row (PostgreSQL keeps
            # the lock of a row it waited for and found short), and paying otherwise may
            # lock an account below it. Start again without a plan (a series has locked
            # every account it may touch first: `_lock_for_series`).
            raise _Replan
    if plan is not None:
        # The plan no longer holds (nothing of it was written): the payment step decides.
        booking.payment_method, booking.credit_minutes = payment_method, 0
        booking.price_net = booking.vat_rate = None
        fastsql.update(booking, ("payment_method", "credit_minutes", "price_net", "vat_rate"))
    fastsql.insert(audit)
    try:
        if approval is not None:
            raise approval
        payment.booking_payment_take(booking=booking, actor=actor)
    except payment.ApprovalRequired as exc:
        from smartwork.bookings.approvals import booking_hold_for_approval

        booking_hold_for_approval(booking=booking, actor=actor, hold_hours=exc.hold_hours,
                                  reason=exc.reason, message=str(exc.message))
    if notify_kind is not None:
        _notify(notify_kind if booking.state == BookingState.CONFIRMED else "pending_approval",
                booking_id=booking.pk)
    return booking


def _write_first_free(*, p: Prepared, draft: Booking, span: Span) -> Booking:
    """Lock and write `draft` on its resource, or on the first free desk of the centre:
    the member and the resource locked in one statement, the row written unless its
    resource or (desks and offices) its member is taken, in one more. Only when it is
    refused is the member's other booking looked up, to say which rule refused it."""
    member_rule = p.kind in SLOT_KINDS
    if p.resource is not None:
        candidates = [p.resource]
    else:
        busy = _overlapping(
            Resource.objects.filter(centre=p.centre, kind=ResourceKind.DESK).values("pk"),
            span.start, span.end,
        ).values("resource_id")
        candidates = list(Resource.objects.filter(
            centre=p.centre, kind=ResourceKind.DESK, is_active=True,
        ).exclude(pk__in=busy).order_by("name", "pk")[:20])
    member_known_free = not member_rule
    for i, resource in enumerate(candidates):
        sql.lock_member_and_resource(p.member.pk if member_rule and i == 0 else None, resource.pk)
        draft.resource = resource
        if sql.insert_if_free(draft, member_kinds=sorted(SLOT_KINDS) if member_rule else ()):
            return draft
        if not member_known_free:  # the resource or the member? (ours from now on)
            _check_member_free(member=p.member, span=span, yours=not p.on_behalf)
            member_known_free = True
    if not member_known_free:
        _check_member_free(member=p.member, span=span, yours=not p.on_behalf)
    if p.resource is not None:
        raise _slot_taken(p.resource, span)
    raise _no_desk(p.centre, span)


def _pay_as_planned(*, booking: Booking, plan: Any, actor: User, audit: Any,
                    notify_kind: str | None) -> bool:
    """The planned payment with the audit entry and the mail task row, in one statement.
    False: the plan no longer holds, nothing was written."""
    from smartwork.bookings.tasks import booking_mail

    task = None if notify_kind is None else task_row(booking_mail, notify_kind, booking.pk, None)
    rows: list[Any] = [audit] if task is None else [audit, task]
    if not payment.booking_payment_take_planned(booking=booking, plan=plan, actor=actor,
                                                rows=rows):
        return False
    if notify_kind is not None and task is None:  # another task backend: after commit
        _notify(notify_kind, booking_id=booking.pk)
    return True


def _notify(kind: str, booking_id: int | None = None, series_id: int | None = None) -> None:
    """The confirmation mail, sent after commit (with the database task backend, the task
    row is written in the booking's own transaction: core/outbox.py)."""
    from smartwork.bookings.tasks import booking_mail

    task_enqueue_after_commit(booking_mail, kind, booking_id, series_id)


def booking_create(
    *, actor: User, slot: str, on: dt.date, resource: Resource | None = None,
    centre: Centre | None = None, member: User | None = None,
    start_time: dt.time | None = None, end_time: dt.time | None = None,
    payment_method: str = PaymentMethod.PAYG, note: str = "", now: dt.datetime | None = None,
    notify: bool = True,
) -> Booking:
    """Book `resource` (or any free desk of `centre`) for `member` (default: the actor).

    `notify=False` (the demo loader) sends no confirmation mail."""
    now = _now(now)
    p = _prepare(actor=actor, member=member, resource=resource, centre=centre, slot=slot,
                 first_date=on)
    span = slot_span(p.centre, on, slot, start_time, end_time)
    calendar = sql.calendar_of(p.centre, on, on)
    problem = date_problem(span=span, centre=p.centre, calendar=calendar, now=now,
                           window_days=p.centre.network.booking_window_days)
    if problem is not None:
        raise problem

    try:
        try:
            with sqlite_writer_queue(), transaction.atomic():
                return _insert(p=p, actor=actor, span=span, payment_method=payment_method,
                               note=note, series=None,
                               notify_kind="confirmed" if notify else None)
        except _Replan:
            with sqlite_writer_queue(), transaction.atomic():
                return _insert(p=p, actor=actor, span=span, payment_method=payment_method,
                               note=note, series=None,
                               notify_kind="confirmed" if notify else None, planned=False)
    except IntegrityError as exc:
        if _is_overlap(exc):
            raise (_slot_taken(p.resource, span) if p.resource
                   else _no_desk(p.centre, span)) from exc
        raise


@dataclass
class SeriesResult:
    series: BookingSeries
    bookings: list[Booking] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def weekly_dates(first: dt.date, weeks: int) -> list[dt.date]:
    return [first + dt.timedelta(weeks=i) for i in range(weeks)]


def _conflict_row(on: dt.date, exc: DomainError) -> dict[str, str]:
    return {"date": on.isoformat(), "code": exc.code, "message": exc.message}


def _lock_for_series(*, p: Prepared, days: list[dt.date]) -> None:
    """A series pays for its occurrences in one transaction. PostgreSQL: lock first, in
    the order single bookings take them, the member, the resources it may book (its
    resource, or every active desk of the centre by name), then every credit account
    that may pay one of `days` (credits/locks.py), so that no occurrence takes a lock
    below one the series already holds. SQLite: the IMMEDIATE transaction is the lock
    (the accounts are still noted, for the lock-order check)."""
    if connection.features.has_select_for_update:
        if p.kind in SLOT_KINDS:
            sql.lock_member(p.member.pk)
        if p.resource is not None:
            sql.lock_resource(p.resource.pk)
        else:
            list(Resource.objects.select_for_update(no_key=True).filter(
                centre=p.centre, kind=ResourceKind.DESK, is_active=True,
            ).order_by("name", "pk").values_list("pk", flat=True))
    payment.booking_payment_lock(member=p.member, centre=p.centre, days=days)


def series_create(
    *, actor: User, slot: str, dates: Sequence[dt.date], kind: str = SeriesKind.DATES,
    resource: Resource | None = None, centre: Centre | None = None, member: User | None = None,
    start_time: dt.time | None = None, end_time: dt.time | None = None,
    conflict_policy: str = ConflictPolicy.ALL_OR_NOTHING,
    payment_method: str = PaymentMethod.PAYG, note: str = "", now: dt.datetime | None = None,
    notify: bool = True,
) -> SeriesResult:
    """Several dates (or a weekly repeat) at once, one booking per date.

    Conflicts are found per date. All-or-nothing refuses the whole series with
    the list of conflicting dates (409 `series_conflicts`); skip books the rest.
    """
    now = _now(now)
    days = sorted(set(dates))
    if not days:
        raise InvalidInput(_("Give at least one date."), code="no_dates",
                           fields={"dates": [_("Required.")]})
    if len(days) > MAX_SERIES_OCCURRENCES:
        raise InvalidInput(_("At most %(n)d dates in one series.") % {"n": MAX_SERIES_OCCURRENCES},
                           code="too_many_dates", fields={"dates": [_("Too many dates.")]})
    p = _prepare(actor=actor, member=member, resource=resource, centre=centre, slot=slot,
                 first_date=days[0])
    calendar = calendars_for([p.centre.pk], date_from=days[0], date_to=days[-1])[p.centre.pk]
    window = p.centre.network.booking_window_days
    spans: list[Span] = []
    skipped: list[dict[str, str]] = []
    for on in days:
        try:
            span = slot_span(p.centre, on, slot, start_time, end_time)
        except InvalidInput as exc:
            if exc.code in ("off_grid", "end_before_start", "range_incomplete"):
                raise
            skipped.append(_conflict_row(on, exc))
            continue
        problem = date_problem(span=span, centre=p.centre, calendar=calendar, now=now,
                               window_days=window)
        if problem is not None:
            skipped.append(_conflict_row(on, problem))
        else:
            spans.append(span)

    def refuse(rows: list[dict[str, str]]) -> Conflict:
        return Conflict(
            _("%(n)d of the dates cannot be booked; nothing was booked.") % {"n": len(rows)},
            code="series_conflicts", data={"conflicts": rows},
        )

    if skipped and conflict_policy == ConflictPolicy.ALL_OR_NOTHING:
        raise refuse(skipped)
    with sqlite_writer_queue(), transaction.atomic():
        series = BookingSeries.objects.create(
            member=p.member, booked_by=actor, resource=p.resource, centre=p.centre, kind=kind,
            slot=slot, start_time=start_time if slot == Slot.RANGE else None,
            end_time=end_time if slot == Slot.RANGE else None,
            dates=[d.isoformat() for d in days], conflict_policy=conflict_policy,
        )
        result = SeriesResult(series=series)
        _lock_for_series(p=p, days=[span.date for span in spans])
        for span in spans:
            try:
                with transaction.atomic():
                    result.bookings.append(_insert(p=p, actor=actor, span=span,
                                                   payment_method=payment_method, note=note,
                                                   series=series))
            except Conflict as exc:
                skipped.append(_conflict_row(span.date, exc))
            except IntegrityError as exc:
                if not _is_overlap(exc):
                    raise
                skipped.append({"date": span.date.isoformat(), "code": "slot_taken",
                                "message": _("Already booked at that time.")})
        skipped.sort(key=lambda row: row["date"])
        if skipped and conflict_policy == ConflictPolicy.ALL_OR_NOTHING:
            raise refuse(skipped)
        if not result.bookings:
            raise refuse(skipped)
        series.skipped = skipped
        series.save(update_fields=["skipped"])
        result.skipped = skipped
        audit_log(actor=actor, action="booking_series.created", obj=series, data={
            "member": p.member.pk, "booked": len(result.bookings), "skipped": len(skipped),
        }, network_id=p.centre.network_id)
        if notify:
            _notify("series_confirmed", series_id=series.pk)
    return result


# --- Change, cancel -------------------------------------------------------------


def _locked(booking: Booking) -> Booking:
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("centre__network", "resource", "member")
            .get(pk=booking.pk))


def booking_move(
    *, booking: Booking, actor: User, resource: Resource | None = None,
    on: dt.date | None = None, slot: str | None = None,
    start_time: dt.time | None = None, end_time: dt.time | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a confirmed booking to another resource of the same centre and/or another time."""
    now = _now(now)
    if not _may_manage(actor, booking):
        raise Forbidden(_("You may not change this booking."), code="forbidden")
    centre = booking.centre
    target = resource or booking.resource
    if target.centre_id != centre.pk:
        raise InvalidInput(_("A booking moves within its centre; cancel and book elsewhere."),
                           code="other_centre", fields={"resource_id": [_("Another centre.")]})
    check_resource_active(target)
    local_start = to_local(booking.start, centre.timezone)
    new_on = on or local_start.date()
    new_slot = slot or booking.slot
    check_slot_kind(target.kind, new_slot)
    if new_slot == Slot.RANGE and start_time is None and end_time is None and booking.slot == Slot.RANGE:
        start_time = local_start.time()
        end_time = to_local(booking.end, centre.timezone).time()
    span = slot_span(centre, new_on, new_slot, start_time, end_time)
    calendar = calendars_for([centre.pk], date_from=new_on, date_to=new_on)[centre.pk]
    problem = date_problem(span=span, centre=centre, calendar=calendar, now=now,
                           window_days=centre.network.booking_window_days)
    if problem is not None:
        raise problem
    try:
        with sqlite_writer_queue(), transaction.atomic():
            if target.kind in SLOT_KINDS:
                sql.lock_member(booking.member_id)  # member before booking and resource rows
            locked = _locked(booking)
            if locked.state != BookingState.CONFIRMED:
                raise Conflict(_("Only a confirmed booking can be changed."),
                               code="not_changeable")
            if target.kind in SLOT_KINDS:
                _check_member_free(member=locked.member, span=span, exclude=locked.pk,
                                   yours=getattr(actor, "pk", None) == locked.member_id)
            _lock_resource(target.pk)
            if _overlapping([target.pk], span.start, span.end, exclude=locked.pk).exists():
                raise _slot_taken(target, span)
            before = {"resource": locked.resource_id, "start": locked.start.isoformat(),
                      "end": locked.end.isoformat(), "slot": locked.slot}
            # Refund then pay again: every account either may touch locked first, at once
            # (credits/locks.py: one order per transaction).
            payment.booking_payment_lock(member=locked.member, centre=centre, days=[new_on],
                                         bookings=[locked])
            payment.booking_payment_release(booking=locked, actor=actor, refund=True)
            locked.resource, locked.slot, locked.start, locked.end = target, span.slot, span.start, span.end
            locked.sequence += 1
            locked.save(update_fields=["resource", "slot", "start", "end", "sequence",
                                       "updated_at"])
            _check_rules_on_move(booking=locked, kind=target.kind, actor=actor)
            payment.booking_payment_take(booking=locked, actor=actor)
            audit_log(actor=actor, action="booking.changed", obj=locked, data={
                "before": before, "after": {"resource": target.pk, "start": span.start.isoformat(),
                                            "end": span.end.isoformat(), "slot": span.slot}})
            _notify("changed", booking_id=locked.pk)
    except IntegrityError as exc:
        if _is_overlap(exc):
            raise _slot_taken(target, span) from exc
        raise
    return locked


def _check_rules_on_move(*, booking: Booking, kind: str, actor: Any) -> None:
    """The company's rules hold for the booking where it now is, as for a new booking
    (under the member's lock for desks and offices): a refusal raises and the move rolls
    back. A move the rules would send for approval is refused too: a moved booking stays
    confirmed, so the member books the new date instead, which the company approves."""
    if not company_rules.rules():
        return
    approval = company_rules.check_rules(booking=booking, kind=kind, actor=actor)
    if approval is not None:
        raise Conflict(
            _("%(reason)s Moving a booking there needs your company's approval: cancel this "
              "booking and book the new date, which goes to your company for approval.")
            % {"reason": approval.message}, code="move_needs_approval",
            data={"reason": approval.reason})


def booking_cancel(*, booking: Booking, actor: User, reason: str = "",
                   now: dt.datetime | None = None, notify: bool = True) -> Booking:
    """Cancel a confirmed booking (or withdraw one waiting for approval, which has
    consumed nothing); before the network's deadline nothing is owed."""
    now = _now(now)
    if not _may_manage(actor, booking):
        raise Forbidden(_("You may not cancel this booking."), code="forbidden")
    with sqlite_writer_queue(), transaction.atomic():
        locked = _locked(booking)
        if locked.state == BookingState.CANCELLED:
            return locked
        if locked.state not in (BookingState.CONFIRMED, BookingState.PENDING_APPROVAL):
            raise Conflict(_("A booking that is %(state)s cannot be cancelled.")
                           % {"state": locked.get_state_display()}, code="not_cancellable")
        if locked.end <= now:
            raise Conflict(_("This booking is over."), code="not_cancellable")
        deadline = locked.start - dt.timedelta(hours=locked.centre.network.cancellation_deadline_hours)
        refund = now <= deadline
        locked.state = BookingState.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor
        locked.cancel_reason = (reason or "")[:300]
        locked.sequence += 1
        locked.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason",
                                   "sequence", "updated_at"])
        payment.booking_payment_release(booking=locked, actor=actor, refund=refund)
        audit_log(actor=actor, action="booking.cancelled", obj=locked,
                  data={"reason": locked.cancel_reason, "in_time": refund})
        if notify:
            _notify("cancelled", booking_id=locked.pk)
    return locked


def series_cancel(*, series: BookingSeries, actor: User, reason: str = "",
                  now: dt.datetime | None = None) -> list[Booking]:
    """Cancel every confirmed (or pending) occurrence still to come."""
    now = _now(now)
    done = []
    for booking in (series.occurrences.select_related("centre__network", "member")
                    .filter(state__in=(BookingState.CONFIRMED, BookingState.PENDING_APPROVAL),
                            start__gt=now).order_by("start")):
        done.append(booking_cancel(booking=booking, actor=actor, reason=reason, now=now))
    audit_log(actor=actor, action="booking_series.cancelled", obj=series,
              data={"cancelled": [b.pk for b in done], "reason": reason},
              network_id=series.centre.network_id)
    return done


# --- Check-in -------------------------------------------------------------------


def booking_check_in(*, booking: Booking, actor: Any, via: str,
                     now: dt.datetime | None = None) -> Booking:
    """Mark a member present. Idempotent: checking in twice changes nothing more.

    reception: centre staff; qr / api: the member; wifi: the system (actor None)
    or the member.
    """
    now = _now(now)
    if via == CheckInVia.RECEPTION:
        if not allowed(actor, "centre.front_desk", centre=booking.centre):
            raise Forbidden(_("Only the centre's staff check people in."), code="forbidden")
    elif via in (CheckInVia.QR, CheckInVia.API):
        if actor is None or actor.pk != booking.member_id:
            raise Forbidden(_("Only the member checks in with the code."), code="forbidden")
    elif via == CheckInVia.WIFI:
        if actor is not None and actor.pk != booking.member_id:
            raise Forbidden(_("Only the member's own device checks them in."), code="forbidden")
    else:
        raise InvalidInput(_("Unknown check-in channel."), code="invalid",
                           fields={"via": [_("Unknown.")]})
    with sqlite_writer_queue(), transaction.atomic():
        locked = _locked(booking)
        if locked.state == BookingState.CHECKED_IN:
            return locked
        if locked.state != BookingState.CONFIRMED:
            raise Conflict(_("A booking that is %(state)s cannot be checked in.")
                           % {"state": locked.get_state_display()}, code="not_checkable")
        if now < locked.start - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES):
            raise Conflict(_("Too early to check in: come back at most %(n)d minutes before.")
                           % {"n": CHECK_IN_EARLY_MINUTES}, code="too_early")
        if now >= locked.end:
            raise Conflict(_("This booking is over."), code="not_checkable")
        locked.state = BookingState.CHECKED_IN
        locked.checked_in_at = now
        locked.checked_in_via = via
        locked.checked_in_by = actor if actor is not None else None
        locked.save(update_fields=["state", "checked_in_at", "checked_in_via", "checked_in_by",
                                   "updated_at"])
        audit_log(actor=actor, action="booking.checked_in", obj=locked, data={"via": via})
    return locked


def booking_check_in_present(*, member: User, centre: Centre, via: str, actor: Any = None,
                             now: dt.datetime | None = None) -> Booking:
    """Check in the member's booking at a centre that runs now (QR, WiFi)."""
    now = _now(now)
    booking = (
        Booking.objects.select_related("centre__network", "member", "resource")
        .filter(member=member, centre=centre,
                state__in=(BookingState.CONFIRMED, BookingState.CHECKED_IN),
                start__lte=now + dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES), end__gt=now)
        .order_by("start").first()
    )
    if booking is None:
        from smartwork.core.errors import NotFound

        raise NotFound(_("You have no booking here now."), code="no_booking_now")
    return booking_check_in(booking=booking, actor=actor, via=via, now=now)


def booking_check_in_qr(*, member: User, token: str, now: dt.datetime | None = None) -> Booking:
    from smartwork.bookings.qr import checkin_token_verify

    now = _now(now)
    centre = checkin_token_verify(token=token, now=now)
    return booking_check_in_present(member=member, centre=centre, via=CheckInVia.QR,
                                    actor=member, now=now)


# --- Periodic: no-shows and completion ------------------------------------------


def no_show_deadline(booking: Booking) -> dt.datetime:
    """After the centre's grace period from the start (or from the booking, for a walk-in
    booked after the start); never later than the end."""
    grace = dt.timedelta(minutes=booking.centre.no_show_grace_minutes)
    return min(max(booking.start, booking.created_at) + grace, booking.end)


def bookings_release_no_shows(*, now: dt.datetime | None = None) -> int:
    """Mark no-show every confirmed booking past its deadline; idempotent."""
    now = _now(now)

    def release(booking: Booking) -> bool:
        if no_show_deadline(booking) > now:
            return False
        booking.state = BookingState.NO_SHOW
        booking.no_show_at = now
        booking.sequence += 1
        booking.save(update_fields=["state", "no_show_at", "sequence", "updated_at"])
        payment.booking_payment_no_show(booking=booking)
        audit_log(actor=None, action="booking.no_show", obj=booking,
                  data={"deadline": no_show_deadline(booking).isoformat()})
        return True

    return each_locked(Booking.objects.filter(state=BookingState.CONFIRMED, start__lte=now),
                       release, state=BookingState.CONFIRMED)


def bookings_complete(*, now: dt.datetime | None = None) -> int:
    """Complete every checked-in booking whose slot has ended; idempotent."""
    now = _now(now)

    def complete(booking: Booking) -> bool:
        booking.state = BookingState.COMPLETED
        booking.completed_at = now
        booking.save(update_fields=["state", "completed_at", "updated_at"])
        audit_log(actor=None, action="booking.completed", obj=booking, data={})
        return True

    return each_locked(Booking.objects.filter(state=BookingState.CHECKED_IN, end__lte=now),
                       complete, state=BookingState.CHECKED_IN, end__lte=now)


# --- Calendar feed --------------------------------------------------------------


def calendar_feed_get_or_create(*, member: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


def calendar_feed_reset(*, member: User) -> CalendarFeed:
    """A new secret: the old feed URL stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(member=member)
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
        audit_log(actor=member, action="calendar_feed.reset", obj=feed, data={})
    return feed


__all__ = [
    "SeriesResult", "booking_cancel", "booking_check_in", "booking_check_in_present",
    "booking_check_in_qr", "booking_create", "booking_move", "bookings_complete",
    "bookings_release_no_shows", "calendar_feed_get_or_create", "calendar_feed_reset",
    "series_cancel", "series_create", "weekly_dates",
]
