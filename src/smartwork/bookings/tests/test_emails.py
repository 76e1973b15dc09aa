"""The booking and approval mails are written in their reader's language (User.language),
subject, body, dates and attached event alike, with that language's date formats and
the centre's local times (bookings/emails.py, bookings/approval_mails.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from smartwork.bookings.approval_mails import send_approval_mail
from smartwork.bookings.choices import BookingState, ConflictPolicy, SeriesKind
from smartwork.bookings.emails import send_booking_mail, send_series_mail
from smartwork.bookings.models import BookingSeries
from smartwork.bookings.tests.factories import booking_row
from smartwork.core import testing
from smartwork.network.choices import ResourceKind

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2030, 12, 5)
BRUSSELS = ZoneInfo("Europe/Brussels")

# A morning at the centre (08:30–12:30, Brussels), as each language writes it.
WHEN = {
    "en": "Thursday, Dec. 5, 2030 08:30–12:30",
    "fr": "Jeudi 5 décembre 2030 08:30–12:30",
    "nl": "Donderdag 5 december 2030 08:30–12:30",
}
SUBJECTS = {
    ("en", "confirmed"): "Booking confirmed: Desk 01, Namur Centre, ",
    ("fr", "confirmed"): "Réservation confirmée : Desk 01, Namur Centre, ",
    ("nl", "confirmed"): "Boeking bevestigd: Desk 01, Namur Centre, ",
    ("en", "changed"): "Booking changed: Desk 01, Namur Centre, ",
    ("fr", "changed"): "Réservation modifiée : Desk 01, Namur Centre, ",
    ("nl", "changed"): "Boeking gewijzigd: Desk 01, Namur Centre, ",
    ("en", "cancelled"): "Booking cancelled: Desk 01, Namur Centre, ",
    ("fr", "cancelled"): "Réservation annulée : Desk 01, Namur Centre, ",
    ("nl", "cancelled"): "Boeking geannuleerd: Desk 01, Namur Centre, ",
}
BODIES = {
    ("en", "confirmed"): "Your booking is confirmed:",
    ("fr", "confirmed"): "Votre réservation est confirmée :",
    ("nl", "confirmed"): "Uw boeking is bevestigd:",
    ("en", "changed"): "Your booking has changed. It is now:",
    ("fr", "changed"): "Votre réservation a changé. Elle est maintenant :",
    ("nl", "changed"): "Uw boeking is gewijzigd. Ze is nu:",
    ("en", "cancelled"): "This booking is cancelled:",
    ("fr", "cancelled"): "Cette réservation est annulée :",
    ("nl", "cancelled"): "Deze boeking is geannuleerd:",
}
# The attached event's description: "Booking <pk> (<slot>), <state>".
EVENT = {"en": ("Booking", "Morning"), "fr": ("Réservation", "Matin"),
         "nl": ("Boeking", "Voormiddag")}


def _ics(message) -> str:
    content = message.attachments[0][1]
    text = content.decode() if isinstance(content, bytes) else content
    return text.replace("\r\n ", "")


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("kind", ["confirmed", "changed", "cancelled"])
def test_a_booking_mail_in_the_members_language(network, desk, language, kind):
    member = testing.make_user(network=network, language=language, first_name="Iris")
    state = BookingState.CANCELLED if kind == "cancelled" else BookingState.CONFIRMED
    booking = booking_row(member=member, resource=desk, on=THURSDAY, state=state,
                          cancelled_at=timezone.now() if kind == "cancelled" else None)
    send_booking_mail(kind=kind, booking_id=booking.pk)
    [message] = mail.outbox
    assert message.subject == SUBJECTS[language, kind] + WHEN[language]
    assert BODIES[language, kind] in message.body and WHEN[language] in message.body
    assert "2030-12-05" not in message.body and "Thu 05 Dec" not in message.body
    word, slot = EVENT[language]
    assert f"{word} {booking.pk} ({slot})" in _ics(message)


def test_the_language_is_the_members_not_the_one_active(network, desk):
    from django.utils import translation

    member = testing.make_user(network=network, language="nl")
    booking = booking_row(member=member, resource=desk, on=THURSDAY)
    with translation.override("fr"):
        send_booking_mail(kind="confirmed", booking_id=booking.pk)
        assert translation.get_language() == "fr"
    assert mail.outbox[0].subject.endswith(WHEN["nl"])


def test_times_are_the_centres_local_ones(network):
    centre = testing.make_centre(network=network, timezone="Europe/London")
    desk = centre.resources.filter(kind=ResourceKind.DESK).order_by("name").first()
    member = testing.make_user(network=network, language="fr")
    booking = booking_row(member=member, resource=desk, on=THURSDAY)
    send_booking_mail(kind="confirmed", booking_id=booking.pk)
    assert WHEN["fr"] in mail.outbox[0].body


@pytest.mark.parametrize("language, subject, skipped", [
    ("en", "Bookings confirmed: 2 dates at Namur Centre", "Dec. 6, 2030"),
    ("fr", "Réservations confirmées : 2 dates à Namur Centre", "6 décembre 2030"),
    ("nl", "Boekingen bevestigd: 2 data in Namur Centre", "6 december 2030"),
])
def test_a_series_mail_in_the_members_language(network, centre, desk, language, subject,
                                               skipped):
    member = testing.make_user(network=network, language=language)
    monday = THURSDAY + dt.timedelta(days=4)
    series = BookingSeries.objects.create(
        member=member, booked_by=member, resource=desk, centre=centre, kind=SeriesKind.DATES,
        slot="morning", dates=[THURSDAY.isoformat(), "2030-12-06", monday.isoformat()],
        conflict_policy=ConflictPolicy.SKIP,
        skipped=[{"date": "2030-12-06", "code": "slot_taken", "message": "Taken."}])
    for day in (THURSDAY, monday):
        booking_row(member=member, resource=desk, on=day, series=series)
    send_series_mail(series_id=series.pk)
    [message] = mail.outbox
    assert message.subject == subject
    assert WHEN[language] in message.body
    assert {"en": "Monday, Dec. 9, 2030", "fr": "Lundi 9 décembre 2030",
            "nl": "Maandag 9 december 2030"}[language] in message.body
    assert f"{skipped}: Taken." in message.body and "2030-12-06" not in message.body


@pytest.fixture
def pending(company, member, desk):
    """A booking waiting for the company's approval, its place held until the day before
    at 17:00 (Brussels)."""
    return booking_row(member=member, resource=desk, on=THURSDAY,
                       state=BookingState.PENDING_APPROVAL,
                       hold_until=dt.datetime(2030, 12, 4, 17, 0, tzinfo=BRUSSELS))


@pytest.mark.parametrize("language, subject, held", [
    ("en", "Booking waiting for approval: Desk 01, Namur Centre, ",
     "held for you until Dec. 4, 2030 17:00."),
    ("fr", "Réservation en attente d'approbation : Desk 01, Namur Centre, ",
     "réservée jusqu'au 4 décembre 2030 17:00."),
    ("nl", "Reservering wacht op goedkeuring: Desk 01, Namur Centre, ",
     "4 december 2030 17:00"),
])
def test_the_pending_mail_and_the_admins_request_each_in_their_readers_language(
        pending, member, company_admin, language, subject, held):
    member.language = language
    member.save(update_fields=["language"])
    company_admin.language = "nl" if language != "nl" else "fr"
    company_admin.save(update_fields=["language"])
    send_approval_mail(kind="pending_approval", booking_id=pending.pk)
    to_member = next(m for m in mail.outbox if m.to == [member.email])
    to_admin = next(m for m in mail.outbox if m.to == [company_admin.email])
    assert to_member.subject == subject + WHEN[language]
    assert WHEN[language] in to_member.body and held in to_member.body
    assert "2030-12-0" not in to_member.body
    # The admin reads the request in their own language, dates included.
    assert WHEN[company_admin.language] in to_admin.body
    assert "2030-12-05" not in to_admin.body


@pytest.mark.parametrize("kind, state, subjects", [
    ("approved", BookingState.CONFIRMED, {
        "en": "Booking approved: ", "fr": "Réservation approuvée : ",
        "nl": "Reservering goedgekeurd: "}),
    ("rejected", BookingState.CANCELLED, {
        "en": "Booking request rejected: ", "fr": "Demande de réservation refusée : ",
        "nl": "Reserveringsaanvraag geweigerd: "}),
    ("approval_expired", BookingState.CANCELLED, {
        "en": "Booking request lapsed: ", "fr": "Demande de réservation expirée : ",
        "nl": "Reserveringsaanvraag verlopen: "}),
])
@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_decision_mails_in_the_members_language(member, desk, kind, state, subjects,
                                                    language):
    member.language = language
    member.save(update_fields=["language"])
    cancelled = state == BookingState.CANCELLED
    booking = booking_row(member=member, resource=desk, on=THURSDAY, state=state,
                          cancel_reason="Budget" if cancelled else "",
                          cancelled_at=timezone.now() if cancelled else None)
    send_approval_mail(kind=kind, booking_id=booking.pk)
    [message] = mail.outbox
    assert message.subject.endswith(" Desk 01, Namur Centre, " + WHEN[language])
    assert message.subject.startswith(subjects[language])
    assert WHEN[language] in message.body and "2030-12-05" not in message.body
    if kind == "approved":
        word, slot = EVENT[language]
        assert f"{word} {booking.pk} ({slot})" in _ics(message)
