"""Booking services against a real database: rules, states, payment, audit, mail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from smartwork.accounts.choices import OrganisationKind
from smartwork.bookings import services
from smartwork.bookings.choices import BookingState, CheckInVia, ConflictPolicy, SeriesKind
from smartwork.bookings.models import Booking, BookingSeries
from smartwork.bookings.qr import checkin_token_for
from smartwork.bookings.tests.factories import booking_row, workday
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.core.models import AuditEntry
from smartwork.network.choices import AllianceStatus, LabelStatus
from smartwork.network.models import Alliance, Closure

T = dt.time
pytestmark = pytest.mark.django_db


def code_of(excinfo) -> str:
    return excinfo.value.code


def test_member_books_a_desk_paid_as_you_go(member, desk, django_capture_on_commit_callbacks):
    day = workday(2)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=member, resource=desk, slot="morning", on=day)
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert booking.member == member and booking.booked_by == member
    assert booking.centre_id == desk.centre_id
    assert booking.price_net == Decimal("15.00") and booking.vat_rate == Decimal("21.00")
    assert AuditEntry.objects.filter(action="booking.created", object_id=str(booking.pk)).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert mail.outbox[0].attachments[0][2] == "text/calendar"


def test_full_day_and_room_prices(member, desk, room):
    day = workday(2)
    full = services.booking_create(actor=member, resource=desk, slot="full_day", on=day)
    ranged = services.booking_create(actor=member, resource=room, slot="range", on=day,
                                     start_time=T(10, 0), end_time=T(11, 30))
    assert full.price_net == Decimal("25.00")
    assert ranged.price_net == Decimal("30.00")


def test_the_same_desk_twice_is_a_conflict(member, company, desk):
    other = testing.make_user(company=company, network=company.network)
    day = workday(2)
    services.booking_create(actor=member, resource=desk, slot="morning", on=day)
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=other, resource=desk, slot="full_day", on=day)
    assert code_of(exc) == "slot_taken" and exc.value.status == 409
    # the afternoon does not overlap the morning
    services.booking_create(actor=other, resource=desk, slot="afternoon", on=day)


def test_any_desk_picks_a_free_one_until_none_is_left(member, company, centre):
    day = workday(2)
    desks = set()
    for _ in range(8):
        someone = testing.make_user(company=company, network=company.network)
        b = services.booking_create(actor=someone, centre=centre, slot="morning", on=day)
        desks.add(b.resource_id)
    assert len(desks) == 8
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, centre=centre, slot="morning", on=day)
    assert code_of(exc) == "no_desk_free"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"slot": "range", "start_time": T(9, 0), "end_time": T(10, 0)}, "slot_not_for_resource"),
    ({"slot": "morning", "on_offset": -2}, "in_past"),
    ({"slot": "morning", "on_offset": 200}, "beyond_booking_window"),
    ({"slot": "morning", "weekday": 5}, "outside_opening_hours"),
])
def test_desk_rules(member, desk, kwargs, code):
    kwargs = dict(kwargs)
    offset = kwargs.pop("on_offset", 2)
    weekday = kwargs.pop("weekday", None)
    if weekday is not None:
        day = dt.date.today() + dt.timedelta(days=1)
        while day.weekday() != weekday:
            day += dt.timedelta(days=1)
    else:
        day = dt.date.today() + dt.timedelta(days=offset)
        while day.weekday() > 4:
            day += dt.timedelta(days=1 if offset > 0 else -1)
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, resource=desk, on=day, **kwargs)
    assert code_of(exc) == code
    assert not Booking.objects.exists()


@pytest.mark.parametrize(("start", "end", "code"), [
    (T(9, 10), T(10, 0), "off_grid"),
    (T(10, 0), T(9, 0), "end_before_start"),
    (T(7, 0), T(9, 0), "outside_opening_hours"),
    (T(17, 0), T(18, 15), "outside_opening_hours"),
    (None, T(9, 0), "range_incomplete"),
])
def test_room_rules(member, room, start, end, code):
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, resource=room, slot="range", on=workday(2),
                                start_time=start, end_time=end)
    assert code_of(exc) == code


def test_room_needs_a_range(member, room):
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, resource=room, slot="morning", on=workday(2))
    assert code_of(exc) == "slot_not_for_resource"


def test_closure_inactive_resource_and_label(member, centre, desk):
    day = workday(3)
    Closure.objects.create(centre=centre, start_date=day, end_date=day, reason="Works")
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, resource=desk, slot="morning", on=day)
    assert code_of(exc) == "centre_closed"
    desk.is_active = False
    desk.save()
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
    assert code_of(exc) == "resource_inactive"
    centre.label_status = LabelStatus.SUSPENDED
    centre.save()
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=member, centre=centre, slot="morning", on=workday(2))
    assert code_of(exc) == "centre_not_labelled"


def test_members_of_other_networks_need_an_alliance(outsider, centre, desk):
    with pytest.raises(DomainError) as exc:
        services.booking_create(actor=outsider, resource=desk, slot="morning", on=workday(2))
    assert code_of(exc) == "network_not_allowed" and exc.value.status == 403
    Alliance.objects.create(network_a=centre.network, network_b=outsider.network,
                            starts_on=dt.date.today() - dt.timedelta(days=1),
                            status=AllianceStatus.ACTIVE)
    assert services.booking_create(actor=outsider, resource=desk, slot="morning", on=workday(2))


def test_receptionist_books_a_walk_in(receptionist, member, desk):
    # a walk-in during the current slot is allowed while the slot is not over
    booking = services.booking_create(actor=receptionist, member=member, resource=desk,
                                      slot="morning", on=workday(2))
    assert booking.member == member and booking.booked_by == receptionist


def test_company_admin_books_for_an_employee_who_is_told(
        company_admin, member, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=company_admin, member=member, resource=desk,
                                          slot="morning", on=workday(2))
    assert booking.member == member
    assert mail.outbox[0].to == [member.email] and mail.outbox[0].cc == [company_admin.email]
    assert str(company_admin) in mail.outbox[0].body


def test_booking_for_someone_outside_your_scope_is_refused(company_admin, member, outsider,
                                                            desk):
    stranger = testing.make_user(network=member.network)
    for actor, target in ((company_admin, stranger), (member, stranger), (outsider, member)):
        with pytest.raises(DomainError) as exc:
            services.booking_create(actor=actor, member=target, resource=desk, slot="morning",
                                    on=workday(2))
        assert code_of(exc) == "not_in_scope"
    assert not Booking.objects.exists()


# --- Series ---------------------------------------------------------------------


def test_weekly_series_skips_the_conflicting_dates(member, company, desk,
                                                   django_capture_on_commit_callbacks):
    first = workday(1, weekday=1)
    dates = services.weekly_dates(first, 4)
    other = testing.make_user(company=company, network=company.network)
    services.booking_create(actor=other, resource=desk, slot="full_day", on=dates[2])
    with django_capture_on_commit_callbacks(execute=True):
        result = services.series_create(actor=member, resource=desk, slot="full_day",
                                        dates=dates, kind=SeriesKind.WEEKLY,
                                        conflict_policy=ConflictPolicy.SKIP)
    assert [b.start.date() for b in result.bookings] == [dates[0], dates[1], dates[3]]
    assert [row["date"] for row in result.skipped] == [dates[2].isoformat()]
    assert result.skipped[0]["code"] == "slot_taken"
    assert result.series.occurrences.count() == 3
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 1


def test_all_or_nothing_series_books_nothing_on_a_conflict(member, company, centre, desk):
    dates = [workday(1), workday(2)]
    Closure.objects.create(centre=centre, start_date=dates[1], end_date=dates[1], reason="Works")
    with pytest.raises(DomainError) as exc:
        services.series_create(actor=member, resource=desk, slot="morning", dates=dates)
    assert code_of(exc) == "series_conflicts" and exc.value.status == 409
    assert exc.value.data["conflicts"][0]["code"] == "centre_closed"
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()


def test_series_any_desk_rooms_and_cancel(member, room):
    dates = [workday(1), workday(2), workday(3)]
    result = services.series_create(actor=member, resource=room, slot="range", dates=dates,
                                    start_time=T(9, 0), end_time=T(10, 0))
    assert len(result.bookings) == 3
    cancelled = services.series_cancel(series=result.series, actor=member, reason="Project over")
    assert len(cancelled) == 3
    assert set(result.series.occurrences.values_list("state", flat=True)) == {"cancelled"}


# --- Cancel, move ---------------------------------------------------------------


def test_cancel_in_time_owes_nothing_and_is_idempotent(member, desk,
                                                       django_capture_on_commit_callbacks):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(3))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, actor=member, reason="Sick")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == member
    assert booking.cancel_reason == "Sick" and booking.price_net == Decimal("0.00")
    assert booking.sequence == 1
    assert "STATUS:CANCELLED" in str(mail.outbox[-1].attachments[0][1])
    again = services.booking_cancel(booking=booking, actor=member, reason="again")
    assert again.cancel_reason == "Sick"
    assert AuditEntry.objects.filter(action="booking.cancelled").count() == 1
    # the place is free again
    assert services.booking_create(actor=member, resource=desk, slot="morning", on=workday(3))


def test_late_cancellation_keeps_the_price(member, desk):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(3))
    services.booking_cancel(booking=booking, actor=member,
                            now=booking.start - dt.timedelta(hours=2))
    booking.refresh_from_db()
    assert booking.price_net == Decimal("15.00")


def test_strangers_may_not_cancel(member, outsider, desk):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(3))
    with pytest.raises(DomainError) as exc:
        services.booking_cancel(booking=booking, actor=outsider)
    assert code_of(exc) == "forbidden"


def test_move_to_another_desk_and_time(member, company, centre, desk):
    other_desk = centre.resources.filter(kind="desk").exclude(pk=desk.pk).first()
    day = workday(3)
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=day)
    moved = services.booking_move(booking=booking, actor=member, resource=other_desk,
                                  slot="full_day")
    assert moved.resource == other_desk and moved.slot == "full_day"
    assert moved.price_net == Decimal("25.00") and moved.sequence == 1
    blocker = testing.make_user(company=company, network=company.network)
    services.booking_create(actor=blocker, resource=desk, slot="morning", on=day)
    with pytest.raises(DomainError) as exc:
        services.booking_move(booking=moved, actor=member, resource=desk)
    assert code_of(exc) == "slot_taken"


# --- Check-in, no-show, completion ---------------------------------------------


def test_reception_check_in_is_idempotent(member, receptionist, desk):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
    at = booking.start + dt.timedelta(minutes=5)
    first = services.booking_check_in(booking=booking, actor=receptionist,
                                      via=CheckInVia.RECEPTION, now=at)
    again = services.booking_check_in(booking=booking, actor=receptionist,
                                      via=CheckInVia.RECEPTION, now=at + dt.timedelta(minutes=9))
    assert first.state == again.state == BookingState.CHECKED_IN
    assert again.checked_in_at == at
    assert AuditEntry.objects.filter(action="booking.checked_in").count() == 1
    with pytest.raises(DomainError):
        services.booking_check_in(booking=booking, actor=member, via=CheckInVia.RECEPTION, now=at)


def test_check_in_too_early(member, desk):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
    with pytest.raises(DomainError) as exc:
        services.booking_check_in(booking=booking, actor=member, via=CheckInVia.WIFI,
                                  now=booking.start - dt.timedelta(hours=3))
    assert code_of(exc) == "too_early"


def test_qr_code_checks_in_and_rotates_daily(member, centre, desk):
    booking = services.booking_create(actor=member, resource=desk, slot="morning", on=workday(2))
    at = booking.start + dt.timedelta(minutes=10)
    yesterday = checkin_token_for(centre=centre, now=at - dt.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        services.booking_check_in_qr(member=member, token=yesterday, now=at)
    assert code_of(exc) == "invalid_checkin_code"
    token = checkin_token_for(centre=centre, now=at)
    with pytest.raises(DomainError):
        services.booking_check_in_qr(member=member, token=token[:-1] + "0", now=at)
    checked = services.booking_check_in_qr(member=member, token=token, now=at)
    assert checked.pk == booking.pk and checked.checked_in_via == CheckInVia.QR


def test_no_show_release_is_idempotent(member, company, centre, desk):
    day = workday(2)
    late = booking_row(member=member, resource=desk, on=day)
    present = booking_row(member=member, resource=centre.resources.filter(kind="desk")
                          .exclude(pk=desk.pk).first(), on=day, state=BookingState.CHECKED_IN)
    Booking.objects.filter(pk=late.pk).update(created_at=late.start - dt.timedelta(days=1))
    assert services.bookings_release_no_shows(now=late.start + dt.timedelta(minutes=29)) == 0
    at = late.start + dt.timedelta(minutes=31)
    assert services.bookings_release_no_shows(now=at) == 1
    assert services.bookings_release_no_shows(now=at) == 0
    late.refresh_from_db()
    present.refresh_from_db()
    assert late.state == BookingState.NO_SHOW and late.no_show_at == at
    assert present.state == BookingState.CHECKED_IN
    assert AuditEntry.objects.filter(action="booking.no_show").count() == 1
    # the desk is released: someone else may take it (the slot has not ended)
    other = testing.make_user(company=company, network=company.network)
    assert services.booking_create(actor=other, resource=desk, slot="morning", on=day, now=at)
    # completion at the end of the slot
    assert services.bookings_complete(now=present.end) == 1
    assert services.bookings_complete(now=present.end) == 0
    present.refresh_from_db()
    assert present.state == BookingState.COMPLETED


def test_walk_in_booked_after_the_start_gets_the_grace_from_its_creation(member, desk):
    booking = booking_row(member=member, resource=desk, on=workday(2))
    Booking.objects.filter(pk=booking.pk).update(created_at=booking.start + dt.timedelta(hours=1))
    assert services.bookings_release_no_shows(
        now=booking.start + dt.timedelta(minutes=80)) == 0
    assert services.bookings_release_no_shows(
        now=booking.start + dt.timedelta(minutes=95)) == 1


def test_management_commands(member, desk):
    from django.core.management import call_command

    booking_row(member=member, resource=desk, on=workday(2))
    call_command("release_no_shows")
    call_command("complete_bookings")


def test_calendar_feed_reset_revokes_the_old_token(member):
    feed = services.calendar_feed_get_or_create(member=member)
    old = feed.token
    assert services.calendar_feed_get_or_create(member=member).token == old
    assert services.calendar_feed_reset(member=member).token != old


def test_allied_company_fixture_sanity(network):
    org = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)
    assert org.network == network and timezone.now()
