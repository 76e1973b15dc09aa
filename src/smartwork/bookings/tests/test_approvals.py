"""Bookings beyond an employee's monthly cap: pending, approved, rejected, lapsed; and
one desk per member at a time. Through the real services and the API, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from smartwork.bookings import approvals, services
from smartwork.bookings.choices import BookingState, ConflictPolicy
from smartwork.bookings.models import Booking
from smartwork.bookings.tests.factories import booking_row
from smartwork.core import testing
from smartwork.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.credits import services as credit_services
from smartwork.credits.models import LedgerEntry
from smartwork.credits.selectors import ledger_check
from smartwork.credits.tests.factories import balance, book, buy, employee, other_company

pytestmark = pytest.mark.django_db

HALF_DAY = 240  # minutes a morning costs with the network's defaults


@pytest.fixture(autouse=True)
def ledgers_stay_clean():
    yield
    assert ledger_check().problems == []


def month_days(n: int, offset: int = 4) -> list[dt.date]:
    """n working days of one calendar month, at least `offset` days ahead."""
    start = dt.date.today() + dt.timedelta(days=offset)
    while True:
        days = [start + dt.timedelta(days=i) for i in range(31)]
        days = [d for d in days if d.weekday() < 5 and d.month == start.month]
        if len(days) >= n:
            return days[:n]
        start = credit_services.add_months(start, 1).replace(day=1)


@pytest.fixture
def approval(company, company_admin):
    """A pool of 100 h, a cap of one half-day a month per employee, approval beyond it."""
    pool = buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True, approval_hold_hours=48)
    return pool


def pending_booking(member, centre, day) -> Booking:
    booking = book(member, centre, on=day)
    assert booking.state == BookingState.PENDING_APPROVAL
    return booking


# --- Pending ---------------------------------------------------------------------


def test_beyond_the_cap_a_booking_waits_holding_its_slot(approval, company_admin, centre, member,
                                                        django_capture_on_commit_callbacks):
    first, second = month_days(2)
    confirmed = book(member, centre, on=first)
    assert confirmed.state == BookingState.CONFIRMED and confirmed.credit_minutes == HALF_DAY
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pending = book(member, centre, on=second)
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL
    assert pending.credit_minutes == 0 and pending.payment_method == "credit"
    assert pending.price_net is None
    expected_hold = min(pending.created_at + dt.timedelta(hours=48), pending.start)
    assert abs((pending.hold_until - expected_hold).total_seconds()) < 5
    assert balance(approval) == 6000 - HALF_DAY  # nothing taken for the pending one
    assert not LedgerEntry.objects.filter(booking=pending).exists()
    assert AuditEntry.objects.filter(action="booking.approval_requested",
                                     object_id=str(pending.pk)).exists()
    # the member is told it waits; the company's admin that a request is there
    to_member = [m for m in mail.outbox if m.to == [member.email]]
    to_admin = [m for m in mail.outbox if m.to == [company_admin.email]]
    assert len(to_member) == 1 and "approval" in to_member[0].subject.lower()
    assert len(to_admin) == 1 and f"/company/{member.company_id}/approvals/" in to_admin[0].body
    # it holds the resource: nobody else gets that desk then
    other = employee(member.company)
    with pytest.raises(Conflict) as exc:
        services.booking_create(actor=other, resource=pending.resource, slot="morning",
                                on=second)
    assert exc.value.code == "slot_taken"


def test_without_the_approval_step_the_cap_refuses(company, company_admin, centre, member):
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY)
    first, second = month_days(2)
    book(member, centre, on=first)
    with pytest.raises(Conflict) as exc:
        book(member, centre, on=second)
    assert exc.value.code == "pool_cap_reached"
    assert Booking.objects.filter(member=member).count() == 1


def test_overage_without_approval_is_still_pay_as_you_go(company, company_admin, centre, member):
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY, allow_overage=True)
    first, second = month_days(2)
    book(member, centre, on=first)
    assert book(member, centre, on=second).payment_method == "payg"


def test_the_hold_never_runs_past_the_start(company, company_admin, centre, member):
    buy(company, hours=100)
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True, approval_hold_hours=24 * 14)
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    assert pending.hold_until == pending.start  # 14 days would run past it


def test_a_walk_in_beyond_the_cap_has_no_time_to_wait(approval, centre, member):
    book(member, centre, on=month_days(1)[0])
    # the booking starts an hour from "now": the hold would end at once -> refused
    span_start = Booking.objects.get(member=member).start
    with pytest.raises(Conflict) as exc:
        approvals.booking_hold_for_approval(
            booking=Booking(member=member, start=span_start), actor=member, hold_hours=48,
            now=span_start + dt.timedelta(minutes=5))
    assert exc.value.code == "pool_cap_reached"


def test_pending_cannot_be_checked_in_nor_released_as_no_show(approval, centre, member):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    with pytest.raises(DomainError) as exc:
        services.booking_check_in(booking=pending, actor=member, via="api",
                                  now=pending.start + dt.timedelta(minutes=5))
    assert exc.value.code == "not_checkable"
    with pytest.raises(DomainError):
        services.booking_check_in_present(member=member, centre=centre, via="qr", actor=member,
                                          now=pending.start + dt.timedelta(minutes=5))
    services.bookings_release_no_shows(now=pending.start + dt.timedelta(hours=2))
    assert not Booking.objects.filter(pk=pending.pk, state=BookingState.NO_SHOW).exists()
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL


def test_each_occurrence_of_a_series_decides_on_its_own(approval, centre, member):
    days = month_days(3)
    result = services.series_create(actor=member, centre=centre, slot="morning", dates=days,
                                    conflict_policy=ConflictPolicy.ALL_OR_NOTHING)
    states = [b.state for b in sorted(result.bookings, key=lambda b: b.start)]
    assert states == [BookingState.CONFIRMED, BookingState.PENDING_APPROVAL,
                      BookingState.PENDING_APPROVAL]
    services.series_cancel(series=result.series, actor=member)
    assert set(Booking.objects.values_list("state", flat=True)) == {BookingState.CANCELLED}


def test_the_member_may_withdraw_a_pending_booking(approval, centre, member):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    cancelled = services.booking_cancel(booking=pending, actor=member, reason="not needed")
    assert cancelled.state == BookingState.CANCELLED
    assert not LedgerEntry.objects.filter(booking=pending).exists()


# --- Approve ---------------------------------------------------------------------


def test_the_admin_approves_the_credit_is_taken_beyond_the_cap(
        approval, company_admin, centre, member, django_capture_on_commit_callbacks):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = approvals.booking_approve(booking=pending, actor=company_admin)
    assert done.state == BookingState.CONFIRMED and done.credit_minutes == HALF_DAY
    assert done.approved_by == company_admin and done.approved_at is not None
    assert balance(approval) == 6000 - 2 * HALF_DAY
    assert AuditEntry.objects.filter(action="booking.approved", object_id=str(done.pk)).exists()
    [message] = mail.outbox
    assert message.to == [member.email] and "approved" in message.subject.lower()
    assert message.attachments and message.attachments[0][0] == f"booking-{done.pk}.ics"
    # approving twice changes nothing more
    again = approvals.booking_approve(booking=pending, actor=company_admin)
    assert again.state == BookingState.CONFIRMED and balance(approval) == 6000 - 2 * HALF_DAY
    # once confirmed it can be checked in
    checked = services.booking_check_in(booking=done, actor=member, via="api",
                                        now=done.start + dt.timedelta(minutes=5))
    assert checked.state == BookingState.CHECKED_IN


def test_the_networks_operator_may_approve(approval, centre, member, network):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    done = approvals.booking_approve(booking=pending, actor=testing.make_operator(network))
    assert done.state == BookingState.CONFIRMED


@pytest.mark.parametrize("who", ["member", "other_admin", "manager", "colleague"])
def test_who_may_not_approve(approval, centre, member, network, who):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    actor = {
        "member": lambda: member,
        "other_admin": lambda: testing.make_company_admin(other_company(network)),
        "manager": lambda: testing.make_centre_staff(centre),
        "colleague": lambda: employee(member.company),
    }[who]()
    with pytest.raises(Forbidden):
        approvals.booking_approve(booking=pending, actor=actor)
    with pytest.raises(Forbidden):
        approvals.booking_reject(booking=pending, actor=actor, reason="no")
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL


def test_approval_fails_clearly_when_the_pool_cannot_pay(company, company_admin, centre, member):
    pool = buy(company, hours=8)  # 480 min
    credit_services.credit_policy_set(actor=company_admin, company=company,
                                      pool_cap_minutes_per_month=HALF_DAY,
                                      approval_beyond_cap=True)
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    book(employee(company), centre, on=first)  # a colleague takes the rest
    assert balance(pool) == 0
    with pytest.raises(Conflict) as exc:
        approvals.booking_approve(booking=pending, actor=company_admin)
    assert exc.value.code == "insufficient_credit" and "reject" in exc.value.message
    pending.refresh_from_db()
    assert pending.state == BookingState.PENDING_APPROVAL and balance(pool) == 0


def test_an_admin_booking_for_an_employee_beyond_the_cap_is_approved_at_once(
        approval, company_admin, centre, member):
    first, second = month_days(2)
    book(member, centre, on=first)
    booking = services.booking_create(actor=company_admin, member=member, centre=centre,
                                      slot="morning", on=second)
    assert booking.state == BookingState.CONFIRMED and booking.credit_minutes == HALF_DAY
    assert booking.approved_by == company_admin
    assert balance(approval) == 6000 - 2 * HALF_DAY


# --- Reject, expiry --------------------------------------------------------------


def test_the_admin_rejects_with_a_reason(approval, company_admin, centre, member,
                                         django_capture_on_commit_callbacks):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    with pytest.raises(InvalidInput) as exc:
        approvals.booking_reject(booking=pending, actor=company_admin, reason="  ")
    assert exc.value.code == "reason_required"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = approvals.booking_reject(booking=pending, actor=company_admin,
                                        reason="Over budget this month")
    assert done.state == BookingState.CANCELLED and done.cancel_reason == "Over budget this month"
    assert done.cancelled_by == company_admin
    assert AuditEntry.objects.filter(action="booking.rejected", object_id=str(done.pk)).exists()
    [message] = mail.outbox
    assert message.to == [member.email] and "Over budget this month" in message.body
    with pytest.raises(Conflict) as exc2:
        approvals.booking_approve(booking=done, actor=company_admin)
    assert exc2.value.code == "not_pending"
    # the slot is free again
    assert services.booking_create(actor=employee(member.company), resource=done.resource,
                                   slot="morning", on=second).state == BookingState.CONFIRMED


def test_a_lapsed_hold_is_released_once_by_the_job(approval, company_admin, centre, member,
                                                   django_capture_on_commit_callbacks):
    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    before = pending.hold_until - dt.timedelta(minutes=1)
    assert approvals.bookings_expire_pending(now=before) == 0
    later = pending.hold_until + dt.timedelta(minutes=1)
    with pytest.raises(Conflict) as exc:
        approvals.booking_approve(booking=pending, actor=company_admin, now=later)
    assert exc.value.code == "approval_expired"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert approvals.bookings_expire_pending(now=later) == 1
    assert approvals.bookings_expire_pending(now=later) == 0
    pending.refresh_from_db()
    assert pending.state == BookingState.CANCELLED
    assert pending.cancel_reason == approvals.EXPIRED_REASON
    assert AuditEntry.objects.filter(action="booking.approval_expired").count() == 1
    [message] = mail.outbox
    assert message.to == [member.email]


def test_the_expiry_job_is_registered():
    from smartwork.bookings import tasks
    from smartwork.core import periodic

    names = {name for _job, _s, name in tasks.PERIODIC_JOBS}
    assert "bookings.expire_pending_approvals" in names
    assert "bookings.expire_pending_approvals" in periodic._jobs


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_exclusion_constraint_counts_pending_bookings(member, centre, company):
    desk = centre.resources.filter(kind="desk").first()
    day = month_days(1)[0]
    booking_row(member=member, resource=desk, on=day, state=BookingState.PENDING_APPROVAL,
                hold_until=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        booking_row(member=employee(company), resource=desk, on=day)
    assert connection.vendor == "postgresql"


def test_a_pending_booking_needs_a_hold_time(member, centre):
    desk = centre.resources.filter(kind="desk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        booking_row(member=member, resource=desk, on=month_days(1)[0],
                    state=BookingState.PENDING_APPROVAL)


# --- One desk per member at a time -------------------------------------------------


def test_a_member_holds_one_desk_at_a_time(member, company, centre):
    day = month_days(1)[0]
    desks = list(centre.resources.filter(kind="desk").order_by("name")[:2])
    services.booking_create(actor=member, resource=desks[0], slot="morning", on=day)
    for kwargs in ({"resource": desks[1], "slot": "morning"},
                   {"resource": desks[1], "slot": "full_day"},
                   {"centre": centre, "slot": "morning"}):
        with pytest.raises(Conflict) as exc:
            services.booking_create(actor=member, on=day, **kwargs)
        assert exc.value.code == "member_already_booked"
    # another slot, another person, or a meeting room at the same time are fine
    services.booking_create(actor=member, resource=desks[1], slot="afternoon", on=day)
    services.booking_create(actor=employee(company), resource=desks[1], slot="morning", on=day)
    room = centre.resources.filter(kind="meeting_room").first()
    services.booking_create(actor=member, resource=room, slot="range", on=day,
                            start_time=dt.time(10, 0), end_time=dt.time(11, 0))


def test_a_desk_elsewhere_at_the_same_time_is_refused_too(member, network, centre):
    day = month_days(1)[0]
    other = testing.make_centre(network=network)
    services.booking_create(actor=member, centre=centre, slot="full_day", on=day)
    with pytest.raises(Conflict) as exc:
        services.booking_create(actor=member, centre=other, slot="afternoon", on=day)
    assert exc.value.code == "member_already_booked"


def test_a_cancelled_desk_frees_the_member(member, centre):
    day = month_days(1)[0]
    first = services.booking_create(actor=member, centre=centre, slot="morning", on=day)
    services.booking_cancel(booking=first, actor=member)
    assert services.booking_create(actor=member, centre=centre, slot="morning", on=day)


def test_a_move_onto_the_members_other_desk_time_is_refused(member, centre):
    first_day, second_day = month_days(2)
    services.booking_create(actor=member, centre=centre, slot="morning", on=first_day)
    later = services.booking_create(actor=member, centre=centre, slot="morning", on=second_day)
    with pytest.raises(Conflict) as exc:
        services.booking_move(booking=later, actor=member, on=first_day)
    assert exc.value.code == "member_already_booked"
    # moving within its own time (another desk) is fine
    desk = centre.resources.filter(kind="desk").exclude(pk=later.resource_id).first()
    assert services.booking_move(booking=later, actor=member, resource=desk).resource == desk


def test_a_series_skips_the_dates_the_member_holds_a_desk(member, centre):
    days = month_days(3)
    services.booking_create(actor=member, centre=centre, slot="morning", on=days[1])
    result = services.series_create(actor=member, centre=centre, slot="full_day", dates=days,
                                    conflict_policy=ConflictPolicy.SKIP)
    assert len(result.bookings) == 2
    assert [row["code"] for row in result.skipped] == ["member_already_booked"]


# --- API ---------------------------------------------------------------------------


def _error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    if code:
        assert body["code"] == code, body
    return body


def test_api_list_approve_reject_with_each_role(api, approval, company_admin, centre, member,
                                                network):
    days = month_days(3)
    book(member, centre, on=days[0])
    one = pending_booking(member, centre, days[1])
    two = pending_booking(member, centre, days[2])
    url = f"/companies/{member.company_id}/approvals"
    listed = api(company_admin).get(url)
    assert listed.status_code == 200
    assert [b["id"] for b in listed.json()["items"]] == [one.pk, two.pk]
    assert listed.json()["items"][0]["state"] == "pending_approval"
    assert listed.json()["items"][0]["hold_until"]
    assert api(testing.make_operator(network)).get(url).status_code == 200
    outsider_admin = testing.make_company_admin(other_company(network))
    _error(api(member).get(url), 403)
    _error(api(outsider_admin).get(url), 403)
    _error(api(testing.make_centre_staff(centre)).get(url), 403)
    _error(api().get(url), 401)
    _error(api(company_admin).get("/companies/999999/approvals"), 404)
    # the state filter
    mine = api(member).get("/bookings", {"state": "pending_approval"})
    assert {b["id"] for b in mine.json()["items"]} == {one.pk, two.pk}
    _error(api(member).get("/bookings", {"state": "waiting"}), 422)
    # approve / reject: refused roles
    _error(api(member).post(f"/bookings/{one.pk}/approve"), 403, "forbidden")
    _error(api(outsider_admin).post(f"/bookings/{one.pk}/approve"), 404)
    _error(api(member).post(f"/bookings/{two.pk}/reject", {"reason": "x"}), 403)
    _error(api(company_admin).post(f"/bookings/{two.pk}/reject", {}), 422)
    # allowed
    approved = api(company_admin).post(f"/bookings/{one.pk}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "confirmed"
    assert approved.json()["approved_by_id"] == company_admin.pk
    _error(api(company_admin).post(f"/bookings/{one.pk}/reject", {"reason": "late"}), 409,
           "not_pending")
    rejected = api(company_admin).post(f"/bookings/{two.pk}/reject", {"reason": "Budget"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "cancelled"
    assert rejected.json()["cancel_reason"] == "Budget"
    assert api(company_admin).get(url).json()["count"] == 0


def test_api_booking_answers_pending_and_member_already_booked(api, approval, centre, member):
    first, second = month_days(2)
    ok = api(member).post("/bookings", {"centre_id": centre.pk, "date": first.isoformat(),
                                        "slot": "morning"})
    assert ok.status_code == 201 and ok.json()["state"] == "confirmed"
    again = api(member).post("/bookings", {"centre_id": centre.pk, "date": first.isoformat(),
                                           "slot": "full_day"})
    _error(again, 409, "member_already_booked")
    pending = api(member).post("/bookings", {"centre_id": centre.pk,
                                             "date": second.isoformat(), "slot": "morning"})
    assert pending.status_code == 201 and pending.json()["state"] == "pending_approval"


def test_api_policy_has_the_approval_option(api, company, company_admin):
    url = f"/companies/{company.pk}/credit-policy"
    assert api(company_admin).get(url).json()["approval_hold_hours"] == 48
    put = api(company_admin).put(url, {"approval_beyond_cap": True, "approval_hold_hours": 24})
    assert put.status_code == 200, put.content
    assert put.json()["approval_beyond_cap"] is True and put.json()["approval_hold_hours"] == 24
    _error(api(company_admin).put(url, {"approval_hold_hours": 0}), 422)
    with pytest.raises(InvalidInput):
        credit_services.credit_policy_set(actor=company_admin, company=company,
                                          approval_hold_hours=24 * 15)


def test_openapi_documents_the_approval_routes(api, member):
    doc = api(member).get("/openapi.json").json()
    assert "/api/v1/companies/{company_id}/approvals" in doc["paths"]
    assert "/api/v1/bookings/{booking_id}/approve" in doc["paths"]
    reject = doc["paths"]["/api/v1/bookings/{booking_id}/reject"]["post"]
    assert reject["requestBody"]
    assert "examples" in str(doc["components"]["schemas"]["RejectIn"])


def test_the_expiry_command(approval, centre, member, capsys):
    from django.core.management import call_command

    first, second = month_days(2)
    book(member, centre, on=first)
    pending = pending_booking(member, centre, second)
    Booking.objects.filter(pk=pending.pk).update(hold_until=timezone.now()
                                                 - dt.timedelta(minutes=1))
    call_command("expire_approvals")
    assert "1 pending booking(s) released" in capsys.readouterr().out
    pending.refresh_from_db()
    assert pending.state == BookingState.CANCELLED


def test_the_mails_speak_the_readers_language(approval, company_admin, centre, member,
                                              django_capture_on_commit_callbacks):
    member.language = "fr"
    member.save(update_fields=["language"])
    company_admin.language = "nl"
    company_admin.save(update_fields=["language"])
    first, second = month_days(2)
    book(member, centre, on=first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pending = book(member, centre, on=second)
    to_member = next(m for m in mail.outbox if m.to == [member.email])
    to_admin = next(m for m in mail.outbox if m.to == [company_admin.email])
    assert to_member.subject.startswith("Réservation en attente d'approbation")
    assert "attend maintenant l'approbation" in to_member.body
    assert "goedkeuring" in to_admin.subject and "Keur ze hier goed" in to_admin.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.booking_reject(booking=pending, actor=company_admin, reason="Budget")
    assert mail.outbox[0].subject.startswith("Demande de réservation refusée")


def test_a_move_beyond_the_cap_is_refused_not_made_pending(approval, centre, member):
    first, second = month_days(2)
    book(member, centre, on=first)
    later_month = credit_services.add_months(first, 1).replace(day=1)
    while later_month.weekday() > 4:
        later_month += dt.timedelta(days=1)
    other = book(member, centre, on=later_month)  # next month's cap
    assert other.state == BookingState.CONFIRMED
    with pytest.raises(Conflict) as exc:
        services.booking_move(booking=other, actor=member, on=second)
    assert exc.value.code == "approval_required"
    other.refresh_from_db()
    assert other.state == BookingState.CONFIRMED and other.credit_minutes == HALF_DAY
