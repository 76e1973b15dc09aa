"""Walk-in guests at the front desk (billing/walkins.py): registered, booked, checked in
and paid at the desk with a receipt, or billed to a company that allows guests; the
login invitation; refusals roll everything back."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import InvoiceState, PaymentMethod
from smartwork.billing.lines import lines_gather
from smartwork.billing.models import Invoice, Payment
from smartwork.billing.walkins import guest_walk_in_create
from smartwork.bookings import selectors as booking_selectors
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from smartwork.credits.models import CompanyCreditPolicy, PaygCharge

pytestmark = pytest.mark.django_db

BXL = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=BXL)  # a Tuesday, the morning under way


@pytest.fixture
def centre(network):
    return testing.make_centre(network=network, desks=2, name="Namur Centre")


@pytest.fixture
def receptionist(centre):
    return testing.make_centre_staff(centre, role=Role.RECEPTIONIST)


def walk_in(receptionist, centre, email="ana@example.org", **extra):
    args = {"first_name": "Ana", "last_name": "Lopes", "slot": "full_day",
            "paid_by": "desk", "now": NOW, **extra}
    return guest_walk_in_create(actor=receptionist, centre=centre, email=email, **args)


def test_a_guest_is_booked_checked_in_and_paid_at_the_desk_with_a_receipt(
        network, centre, receptionist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = walk_in(receptionist, centre, email="Ana@Example.org", language="nl")
    guest = User.objects.get(email="ana@example.org")
    assert result.guest == guest and guest.company_id is None
    assert guest.network_id == network.pk and guest.language == "nl"
    assert not guest.has_usable_password()
    booking = Booking.objects.get(member=guest)
    assert booking.state == BookingState.CHECKED_IN and booking.booked_by == receptionist
    assert booking.payment_method == "payg" and booking.price_net == Decimal("25.00")
    # The receipt: an invoice for the guest, issued, numbered and paid at the desk.
    receipt = Invoice.objects.get(customer_member=guest)
    assert receipt == result.receipt and receipt.number is not None
    assert receipt.state == InvoiceState.PAID and receipt.amount_due == Decimal("0.00")
    assert receipt.total_gross == Decimal("30.25")
    payment = Payment.objects.get(invoice=receipt)
    assert payment.method == PaymentMethod.DESK and payment.amount == Decimal("30.25")
    assert payment.actor == receptionist
    charge = PaygCharge.objects.get(booking=booking)
    assert charge.paid_at is not None and charge.bill_to == "member"
    assert receipt.lines.get().source_key == f"payg_charge:{charge.pk}"
    # The month's invoice run does not bill it a second time.
    lines = lines_gather(network=network, period=period_parse("2026-12"))
    assert not [c for c in lines if c.kind == "member" and c.customer_id == guest.pk]
    # The login invitation, in the guest's language, with a link to choose a password.
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", mail.outbox[0].body)
    assert link is not None and "Namur Centre" in mail.outbox[0].body
    assert "wachtwoord" in mail.outbox[0].body


def test_the_invitation_link_lets_the_guest_choose_a_password_and_log_in(
        client, centre, receptionist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk_in(receptionist, centre)
    path = re.search(r"https?://[^/]+(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    r = client.get(path, follow=True)
    assert r.status_code == 200
    r = client.post(r.redirect_chain[-1][0], {"new_password1": "a-long-pass-9876",
                                              "new_password2": "a-long-pass-9876"})
    assert r.status_code == 302
    assert client.login(username="ana@example.org", password="a-long-pass-9876")


def test_a_company_that_allows_guests_pays_on_its_monthly_invoice(api, network, centre,
                                                                   receptionist):
    company = testing.make_organisation(network=network, legal_name="Acme")
    admin = testing.make_company_admin(company)
    r = api(admin).put(f"/companies/{company.pk}/credit-policy", {"guests_allowed": True})
    assert r.status_code == 200 and r.json()["guests_allowed"] is True
    result = walk_in(receptionist, centre, paid_by="company", company=company)
    assert result.receipt is None and result.payment is None
    charge = PaygCharge.objects.get(booking=result.booking)
    assert (charge.bill_to, charge.company, charge.paid_at) == ("company", company, None)
    assert result.guest.company_id is None  # a guest, not on the company's staff
    lines = lines_gather(network=network, period=period_parse("2026-12"))
    acme = next(c for c in lines if c.kind == "org" and c.customer_id == company.pk)
    assert [ln.unit_price for ln in acme.lines] == [Decimal("25.00")]


def test_a_company_that_does_not_allow_guests_is_refused(network, centre, receptionist):
    company = testing.make_organisation(network=network, legal_name="Acme")
    CompanyCreditPolicy.objects.create(company=company, guests_allowed=False)
    with pytest.raises(InvalidInput) as exc:
        walk_in(receptionist, centre, paid_by="company", company=company)
    assert exc.value.code == "company_no_guests" and "company" in exc.value.fields
    assert not User.objects.filter(email="ana@example.org").exists()


def test_double_booking_is_prevented_and_everything_rolled_back(network, centre, receptionist):
    walk_in(receptionist, centre, email="one@example.org")
    walk_in(receptionist, centre, email="two@example.org")
    numbers = list(Invoice.objects.values_list("number", flat=True))
    with pytest.raises(DomainError) as exc:
        walk_in(receptionist, centre, email="three@example.org")
    assert exc.value.code == "no_desk_free"
    # No user, no booking, no invoice number taken by the refused walk-in.
    assert not User.objects.filter(email="three@example.org").exists()
    assert list(Invoice.objects.values_list("number", flat=True)) == numbers
    assert sorted(numbers) == [1, 2]
    # The same guest twice: refused, they are a member now.
    with pytest.raises(Conflict) as exc2:
        walk_in(receptionist, centre, email="one@example.org")
    assert exc2.value.code == "guest_is_member" and "email" in exc2.value.fields
    assert Booking.objects.filter(centre=centre).count() == 2


def test_only_the_centres_staff_register_guests(network, centre):
    other = testing.make_centre(network=network)
    stranger = testing.make_centre_staff(other, role=Role.RECEPTIONIST)
    with pytest.raises(Forbidden):
        walk_in(stranger, centre)
    assert not User.objects.filter(email="ana@example.org").exists()


def test_expected_on_the_desk_counts_the_rows_of_the_list(network, centre, receptionist):
    member = testing.make_user(network=network)
    later = testing.make_user(network=network)
    from smartwork.bookings.services import booking_cancel, booking_create

    on = NOW.date()
    kept = booking_create(actor=member, centre=centre, slot="afternoon", on=on, now=NOW)
    gone = booking_create(actor=later, centre=centre, slot="afternoon", on=on, now=NOW)
    booking_cancel(booking=gone, actor=later, now=NOW)
    walk_in(receptionist, centre)
    day = booking_selectors.front_desk_day(actor=receptionist, centre=centre, on=on, now=NOW)
    assert [b.pk for b in day.expected] == [kept.pk]
    assert {b.pk for b in day.expected} <= {b.pk for b in day.arrivals}
    assert gone.pk not in {b.pk for b in day.arrivals}
    assert len(day.arrivals) == 2 and len(day.present) == 1


def test_api_registers_a_guest_and_answers_the_receipt(api, network):
    centre = testing.make_centre(
        network=network, hours=(dt.time(0, 0), dt.time(23, 59)), weekdays=tuple(range(7)),
        morning_start=dt.time(0, 0), morning_end=dt.time(12, 0),
        afternoon_start=dt.time(12, 0), afternoon_end=dt.time(23, 59))
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    r = api(receptionist).post(f"/centres/{centre.pk}/walk-ins", {
        "email": "api.guest@example.org", "first_name": "Jo", "last_name": "Guest",
        "slot": "full_day", "paid_by": "desk"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["receipt_number"] and Decimal(body["amount_paid"]) == Decimal("30.25")
    r = api(receptionist).post(f"/centres/{centre.pk}/walk-ins", {
        "email": "not an email", "last_name": "X"})
    assert r.status_code == 422 and "email" in r.json()["error"]["fields"]
