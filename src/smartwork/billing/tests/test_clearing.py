"""Clearing across a change of an alliance's settlement period: every day used is cleared
once, never twice and never not at all, whatever the order the months are cleared in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import pairwise

import pytest

from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import ClearedRoaming, ClearingStatement
from smartwork.core import testing
from smartwork.credits.models import RoamingUsage
from smartwork.credits.tests.factories import book, buy, employee, workday
from smartwork.network.services import alliance_create, alliance_set_status, alliance_terms_set

pytestmark = pytest.mark.django_db

# One half-day (240 min) abroad on each of these days; at 5.00 an hour, 20.00 each.
USE_DAYS = (dt.date(2026, 1, 15), dt.date(2026, 2, 16), dt.date(2026, 3, 16))
OWED = Decimal("60.00")


@pytest.fixture
def allied(network, operator, company):
    """A monthly alliance and our members' roaming abroad on USE_DAYS."""
    other = testing.make_network(name="Allied network")
    theirs = testing.make_operator(other)
    away = testing.make_centre(network=other, name="Abroad")
    alliance = alliance_create(actor=operator, network=network, other=other,
                               starts_on=dt.date(2024, 1, 1), clearing_hour_rate=Decimal("5.00"),
                               settlement_period="monthly")
    alliance_set_status(actor=theirs, alliance=alliance, status="active")
    buy(company, hours=50)
    for offset, day in enumerate(USE_DAYS):
        # (a member holds one desk at a time: one colleague per day)
        booking = book(employee(company), away, on=workday(3 + offset))
        RoamingUsage.objects.filter(booking=booking).update(service_date=day)
    assert RoamingUsage.objects.count() == len(USE_DAYS)
    return {"alliance": alliance, "other": other, "away": away}


def clear(operator, network, month: str) -> list[ClearingStatement]:
    period = period_parse(month)
    return clearings_create(actor=operator, network=network, period=period,
                            today=period.end + dt.timedelta(days=1))


def set_period(operator, alliance, settlement_period: str) -> None:
    alliance_terms_set(actor=operator, alliance=alliance, settlement_period=settlement_period,
                       clearing_hour_rate=alliance.clearing_hour_rate)


def assert_every_day_cleared_once(alliance) -> list[ClearingStatement]:
    """The statements follow one another day after day, and together they clear what was
    owed for every day used."""
    statements = list(ClearingStatement.objects.filter(alliance=alliance).order_by("period_start"))
    cleared = sum((s.net_amount for s in statements), Decimal(0))
    assert cleared == OWED, f"cleared {cleared} of {OWED}: {spans(statements)}"
    for before, after in pairwise(statements):
        assert after.period_start == before.period_end + dt.timedelta(days=1), (before, after)
    assert statements[0].period_start <= USE_DAYS[0] and statements[-1].period_end >= USE_DAYS[-1]
    return statements


def spans(statements) -> list[tuple[dt.date, dt.date]]:
    return [(s.period_start, s.period_end) for s in statements]


def test_monthly_then_quarterly_clears_february_and_march(network, operator, allied):
    alliance = allied["alliance"]
    clear(operator, network, "2026-01")
    set_period(operator, alliance, "quarterly")
    assert clear(operator, network, "2026-02") == []  # not the quarter's last month
    clear(operator, network, "2026-03")
    january, rest = assert_every_day_cleared_once(alliance)
    assert (january.period_start, january.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    # The first quarterly statement is shorter: from the day after January's.
    assert (rest.period_start, rest.period_end) == (dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    assert rest.settlement_period == "quarterly" and rest.a_in_b_minutes == 480
    assert "shorter" in rest.period_note and january.period_note == ""
    assert clear(operator, network, "2026-03") == []  # idempotent


def test_quarterly_then_monthly_in_february_clears_january(network, operator, allied):
    alliance = allied["alliance"]
    set_period(operator, alliance, "quarterly")
    assert clear(operator, network, "2026-01") == []  # not the quarter's last month
    set_period(operator, alliance, "monthly")          # in February
    clear(operator, network, "2026-02")
    clear(operator, network, "2026-03")
    first, march = assert_every_day_cleared_once(alliance)
    # January was part of the quarter never cleared: it goes with February.
    assert (first.period_start, first.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert first.a_in_b_minutes == 480 and "longer" in first.period_note
    assert spans([march]) == [(dt.date(2026, 3, 1), dt.date(2026, 3, 31))]
    assert march.period_note == ""


def test_months_cleared_out_of_order_are_neither_lost_nor_cleared_twice(network, operator,
                                                                      allied):
    alliance = allied["alliance"]
    [upto_feb] = clear(operator, network, "2026-02")  # January never cleared before
    assert spans([upto_feb]) == [(dt.date(2026, 1, 1), dt.date(2026, 2, 28))]
    assert clear(operator, network, "2026-01") == []  # already in February's statement
    set_period(operator, alliance, "quarterly")
    [march] = clear(operator, network, "2026-03")
    assert spans([march]) == [(dt.date(2026, 3, 1), dt.date(2026, 3, 31))]
    assert_every_day_cleared_once(alliance)
    # Both networks may draw up the clearing: the second finds it done.
    assert clear(testing.make_operator(allied["other"]), allied["other"], "2026-03") == []


def test_a_whole_quarter_is_one_statement(network, operator, allied):
    set_period(operator, allied["alliance"], "quarterly")
    [quarter] = clear(operator, network, "2026-03")
    assert spans([quarter]) == [(dt.date(2026, 1, 1), dt.date(2026, 3, 31))]
    assert quarter.period_note == ""
    assert_every_day_cleared_once(allied["alliance"])


def test_check_books_reports_a_gap_and_an_overlap(network, operator, allied):
    alliance = allied["alliance"]
    for month in ("2026-01", "2026-02", "2026-03"):
        clear(operator, network, month)

    def failures(month: str) -> list[str]:
        books = books_check(network=network, period=period_parse(month))
        return [f for f in books.failures if f.startswith(f"alliance {alliance.pk}:")]

    assert failures("2026-02") == [] and failures("2026-03") == []
    february = ClearingStatement.objects.filter(alliance=alliance, period_start=dt.date(2026, 2, 1))
    february.update(period_end=dt.date(2026, 3, 10))
    assert failures("2026-03") == [f"alliance {alliance.pk}: clearing statements overlap from "
                                   "2026-03-01 to 2026-03-10 (cleared twice)"]
    assert failures("2026-01") == []  # not this month's
    # (a statement is never deleted: what it took protects it)
    ClearedRoaming.objects.filter(statement__in=february).delete()
    february.delete()
    row = RoamingUsage.objects.get(service_date=USE_DAYS[1])
    assert failures("2026-02") == [
        f"alliance {alliance.pk}: no clearing statement from 2026-02-01 to 2026-02-28 "
        "(roaming never cleared)",
        f"alliance {alliance.pk}: 1 roaming rows of 2026-02 never cleared (recorded before "
        f"the statement ending 2026-03-31): {row.pk}"]


# --- Roaming recorded after its period's statement was drawn up ------------------------


def roam(company, away, day: dt.date):
    """A booking abroad recorded now, its roaming dated `day` (as a receptionist entering
    a past booking late); a half-day, 240 minutes."""
    booking = book(employee(company), away, on=workday(3))
    RoamingUsage.objects.filter(booking=booking).update(service_date=day)
    return booking


def test_a_late_booking_is_cleared_with_the_next_statement(network, operator, company, allied):
    [january] = clear(operator, network, "2026-01")
    assert january.a_in_b_minutes == 240
    # Entered after January's statement, for a day in January.
    roam(company, allied["away"], dt.date(2026, 1, 20))
    [february] = clear(operator, network, "2026-02")
    assert february.a_in_b_minutes == 480 and february.a_in_b_late_minutes == 240
    assert february.b_in_a_minutes == 0 and february.b_in_a_late_minutes == 0
    assert february.a_owes_b == Decimal("40.00") and february.net_amount == Decimal("40.00")
    assert january.a_in_b_late_minutes == 0
    [march] = clear(operator, network, "2026-03")
    assert march.a_in_b_minutes == 240 and march.a_in_b_late_minutes == 0
    cleared = sum((s.net_amount for s in (january, february, march)), Decimal(0))
    assert cleared == OWED + Decimal("20.00")


def test_a_late_refund_is_cleared_with_the_next_statement(network, operator, company, allied):
    from smartwork.bookings.services import booking_cancel

    alliance = allied["alliance"]
    [january] = clear(operator, network, "2026-01")
    [february] = clear(operator, network, "2026-02")
    assert february.a_owes_b == Decimal("20.00")
    # January's booking refunded after January was cleared: a negative row dated in
    # January, recorded now.
    used = RoamingUsage.objects.get(alliance=alliance, service_date=USE_DAYS[0])
    booking_cancel(booking=used.booking, actor=used.booking.member, reason="refund")
    refund = RoamingUsage.objects.get(alliance=alliance, minutes__lt=0)
    assert refund.service_date == USE_DAYS[0] and refund.minutes == -240
    [march] = clear(operator, network, "2026-03")
    # March's own 240 minutes less January's refund: nothing owed in March.
    assert march.a_in_b_minutes == 0 and march.a_in_b_late_minutes == -240
    assert march.a_owes_b == Decimal("0.00") and march.debtor_id is None
    cleared = sum((s.net_amount for s in (january, february, march)), Decimal(0))
    assert cleared == OWED - Decimal("20.00")


def test_a_late_refund_alone_reverses_the_debt(network, operator, company, allied):
    """A month with no roaming but a refund of an earlier one: the statement is drawn up,
    and the host network owes the home network back."""
    from smartwork.bookings.services import booking_cancel

    alliance = allied["alliance"]
    RoamingUsage.objects.filter(alliance=alliance, service_date=USE_DAYS[2]).update(
        service_date=dt.date(2026, 1, 16))  # nothing in March
    clear(operator, network, "2026-01")
    clear(operator, network, "2026-02")
    used = RoamingUsage.objects.filter(alliance=alliance, service_date=USE_DAYS[0]).first()
    booking_cancel(booking=used.booking, actor=used.booking.member, reason="refund")
    [march] = clear(operator, network, "2026-03")
    assert march.a_in_b_minutes == -240 and march.a_in_b_late_minutes == -240
    assert march.a_owes_b == Decimal("-20.00") and march.net_amount == Decimal("20.00")
    assert march.debtor_id == allied["other"].pk and march.creditor_id == network.pk


def test_a_row_for_a_later_period_waits_for_its_own_statement(network, operator, company,
                                                             allied):
    # Recorded before January is cleared, for a day in April.
    roam(company, allied["away"], dt.date(2026, 4, 7))
    [january] = clear(operator, network, "2026-01")
    [february] = clear(operator, network, "2026-02")
    [march] = clear(operator, network, "2026-03")
    assert [s.a_in_b_minutes for s in (january, february, march)] == [240, 240, 240]
    assert [s.a_in_b_late_minutes for s in (january, february, march)] == [0, 0, 0]
    [april] = clear(operator, network, "2026-04")
    assert april.a_in_b_minutes == 240 and april.a_in_b_late_minutes == 0


def test_check_books_waits_for_a_late_row_and_finds_one_never_cleared(network, operator,
                                                                     company, allied):
    alliance = allied["alliance"]

    def failures(month: str) -> list[str]:
        books = books_check(network=network, period=period_parse(month))
        return [f for f in books.failures if f"alliance {alliance.pk}" in f
                or f"clearing {alliance.pk}" in f]

    clear(operator, network, "2026-01")
    late = roam(company, allied["away"], dt.date(2026, 1, 20)).roaming_usages.get()
    # Recorded after January's statement: it waits for February's, no failure.
    assert failures("2026-01") == []
    [february] = clear(operator, network, "2026-02")
    assert failures("2026-01") == [] and failures("2026-02") == []
    assert ClearedRoaming.objects.get(usage=late).statement == february
    # Had February's statement not taken it (it was there: below its ledger mark) ...
    ClearedRoaming.objects.filter(usage=late).delete()
    assert failures("2026-01") == [
        f"alliance {alliance.pk}: 1 roaming rows of 2026-01 never cleared (recorded before "
        f"the statement ending 2026-02-28): {late.pk}"]
    # ... and a statement whose figures are not those of the rows it took.
    ClearedRoaming.objects.create(statement=february, usage=late)
    ClearingStatement.objects.filter(pk=february.pk).update(a_in_b_late_minutes=0)
    assert failures("2026-02") == [
        f"alliance {alliance.pk}: clearing 2026-02-01 to 2026-02-28 a in b late minutes: 0, "
        "its roaming rows 240"]
    # ... or a row taken by a statement that ended before its day.
    ClearingStatement.objects.filter(pk=february.pk).update(a_in_b_late_minutes=240)
    january = ClearingStatement.objects.get(alliance=alliance, period_end=dt.date(2026, 1, 31))
    ClearedRoaming.objects.filter(usage__service_date=USE_DAYS[1]).update(statement=january)
    assert (f"alliance {alliance.pk}: 1 roaming rows of 2026-02 cleared by a statement ending "
            "before their date or of another alliance") in failures("2026-02")


def test_statements_drawn_up_before_keep_what_they_cleared(network, operator, company,
                                                           allied):
    """Migration 0013: a statement drawn up before the statements recorded what they took
    is taken to have cleared the rows of its period there are then; one recorded later
    for its period goes with the next statement."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    clear(operator, network, "2026-01")
    clear(operator, network, "2026-02")
    # As before the migration: no ledger mark, nothing recorded as taken.
    ClearedRoaming.objects.all().delete()
    ClearingStatement.objects.update(usage_upto_id=None)

    class Editor:
        quote_name = staticmethod(connection.ops.quote_name)

        @staticmethod
        def execute(sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration = import_module("smartwork.billing.migrations.0013_clearing_takes_late_roaming")
    migration.link_earlier_statements(apps, Editor())
    by_statement = dict(ClearedRoaming.objects.values_list("usage__service_date",
                                                           "statement__period_start"))
    assert by_statement == {USE_DAYS[0]: dt.date(2026, 1, 1), USE_DAYS[1]: dt.date(2026, 2, 1)}
    roam(company, allied["away"], dt.date(2026, 1, 20))  # recorded after the migration
    [march] = clear(operator, network, "2026-03")
    assert march.a_in_b_minutes == 480 and march.a_in_b_late_minutes == 240
    assert ClearedRoaming.objects.count() == RoamingUsage.objects.count() == 4


@pytest.mark.parametrize("language, words", [
    ("en", "of which late from earlier periods: 4\u00a0h"),
    ("fr", "dont arriéré de périodes antérieures : 4\u00a0h"),
    ("nl", "waarvan laat uit eerdere perioden: 4\u00a0h"),
])
def test_the_late_minutes_are_shown_with_the_statement(network, operator, company, allied,
                                                       api, language, words):
    from django.test import Client

    clear(operator, network, "2026-01")
    roam(company, allied["away"], dt.date(2026, 1, 20))
    [february] = clear(operator, network, "2026-02")
    client = Client()
    client.force_login(operator)
    client.cookies["django_language"] = language
    page = client.get("/network/clearing/").content.decode()
    assert page.count(words) == 1, page
    economics = client.get("/economics/network/alliances/").content.decode()
    assert words.replace("4\u00a0h", "4.0") in economics.replace("4,0", "4.0")
    listed = {c["id"]: c for c in api(operator).get("/clearings").json()["items"]}
    assert (listed[february.pk]["a_in_b_minutes"], listed[february.pk]["a_in_b_late_minutes"],
            listed[february.pk]["b_in_a_late_minutes"]) == (480, 240, 0)


def test_the_clearing_command_shows_the_late_minutes(network, operator, company, allied):
    from io import StringIO

    from django.core.management import call_command

    clear(operator, network, "2026-01")
    roam(company, allied["away"], dt.date(2026, 1, 20))
    out = StringIO()
    call_command("clearing", period="2026-02", stdout=out)
    assert (f"of which late from earlier periods: {network.name} in Allied network: 240 min, "
            f"Allied network in {network.name}: 0 min") in out.getvalue()
