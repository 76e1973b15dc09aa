"""The cost shown before booking (`credits.quote.booking_quote`) is what the booking then
charges, for every kind of payer; a booking the engine would refuse is refused alike, in
the second person; and a quote leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.core.errors import DomainError
from smartwork.core.models import AuditEntry
from smartwork.credits import services
from smartwork.credits.models import LedgerEntry, PaygCharge
from smartwork.credits.quote import booking_quote
from smartwork.credits.tests.factories import allotments_of_every_kind, book, buy, employee, workday

pytestmark = pytest.mark.django_db


def quote_then_book(member, centre, *, on=None, slot="morning"):
    on = on or workday()
    before = (Booking.objects.count(), LedgerEntry.objects.count(), PaygCharge.objects.count(),
              AuditEntry.objects.count(), len(mail.outbox))
    quote = booking_quote(actor=member, centre=centre, slot=slot, on=on)
    # The quote left nothing: no booking, no ledger line, no charge, no audit, no mail.
    assert (Booking.objects.count(), LedgerEntry.objects.count(), PaygCharge.objects.count(),
            AuditEntry.objects.count(), len(mail.outbox)) == before
    booking = book(member, centre, on=on, slot=slot)
    booking.refresh_from_db()
    return quote, booking


def test_company_pool_pays_as_quoted(company, centre):
    pool = buy(company, hours=10)
    member = employee(company)
    quote, booking = quote_then_book(member, centre)
    assert (quote.method, quote.payer, quote.account_kind) == ("credit", "company", "pool")
    assert quote.minutes == booking.credit_minutes > 0
    entry = LedgerEntry.objects.get(booking=booking)
    assert entry.account_id == pool.pk
    assert quote.left_after_minutes == entry.balance_after
    assert quote.price_net is None and booking.price_net is None


def test_the_members_allotment_pays_as_quoted(company, company_admin, centre):
    member = employee(company)
    shares = allotments_of_every_kind(company, company_admin, centre, member)
    quote, booking = quote_then_book(member, centre)
    entry = LedgerEntry.objects.get(booking=booking)
    assert quote.account_kind == "allotment" and entry.allotment is not None
    assert entry.account_id == shares["mine"].account_id
    assert quote.minutes == -entry.amount_minutes == booking.credit_minutes
    assert quote.left_after_minutes == entry.balance_after
    assert "allotment" in " ".join(quote.reasons)


def test_membership_hours_pay_as_quoted(network, centre, operator):
    member = testing.make_user(network=network)
    plan = services.membership_plan_create(actor=operator, network=network, name="Flex",
                                           monthly_fee_net=Decimal("90.00"), included_hours=40)
    services.membership_start(actor=member, member=member, plan=plan)
    on = workday()
    if on.month != dt.date.today().month:  # hours of this month only
        pytest.skip("the next working day falls in the next month")
    quote, booking = quote_then_book(member, centre, on=on)
    assert (quote.method, quote.payer, quote.source) == ("membership", "member", "Flex")
    assert booking.payment_method == "membership" and quote.minutes == booking.credit_minutes
    assert quote.left_after_minutes == LedgerEntry.objects.get(booking=booking).balance_after


def test_pay_as_you_go_for_an_independent_is_charged_as_quoted(network, centre):
    member = testing.make_user(network=network)
    quote, booking = quote_then_book(member, centre, slot="full_day")
    charge = PaygCharge.objects.get(booking=booking)
    assert (quote.method, quote.payer) == ("payg", "member")
    assert quote.price_net == charge.price_net == booking.price_net == Decimal("25.00")
    assert quote.vat_rate == charge.vat_rate
    assert quote.price_gross == Decimal("25.00") * (1 + charge.vat_rate / 100)
    assert "membership" in " ".join(quote.reasons)


def test_overage_billed_to_the_company_is_charged_as_quoted(company, company_admin, centre):
    services.credit_policy_set(actor=company_admin, company=company, allow_overage=True)
    member = employee(company)
    quote, booking = quote_then_book(member, centre)
    charge = PaygCharge.objects.get(booking=booking)
    assert (quote.method, quote.payer) == ("payg", "company")
    assert charge.bill_to == "company" and quote.price_net == charge.price_net


def test_beyond_the_cap_the_quote_says_it_waits_for_approval(company, company_admin, centre):
    buy(company, hours=10)
    services.credit_policy_set(actor=company_admin, company=company,
                               pool_cap_minutes_per_month=240, approval_beyond_cap=True)
    member = employee(company)
    first = workday()
    book(member, centre, on=first)  # 4 h: the month's cap
    second = first + dt.timedelta(days=1)
    while second.weekday() >= 5 or second.month != first.month:
        second += dt.timedelta(days=1)
        if second.month != first.month:
            pytest.skip("no second working day this month")
    quote, booking = quote_then_book(member, centre, on=second)
    assert quote.pending_approval and booking.state == "pending_approval"
    assert quote.minutes == 240


@pytest.mark.parametrize(("language", "words"), [
    ("en", "You already"), ("fr", "Vous avez déjà"), ("nl", "Je hebt al"),
    ("de", "Sie haben bereits")])
def test_a_second_desk_the_same_day_is_refused_in_the_second_person(network, centre,
                                                                      language, words):
    member = testing.make_user(network=network)
    on = workday()
    book(member, centre, on=on, slot="full_day")
    with translation.override(language), pytest.raises(DomainError) as caught:
        booking_quote(actor=member, centre=centre, slot="morning", on=on)
    assert words in caught.value.message


def test_beyond_the_booking_window_is_refused(network, centre):
    member = testing.make_user(network=network)
    far = dt.date.today() + dt.timedelta(days=network.booking_window_days + 7)
    with pytest.raises(DomainError) as caught:
        booking_quote(actor=member, centre=centre, slot="morning", on=far)
    assert caught.value.code == "too_far_ahead" or "ahead" in caught.value.message
