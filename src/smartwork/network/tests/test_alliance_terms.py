"""An alliance's terms (issue #21, part 4): which centres each side opens to the other's
members, and the settlement period; stored, validated, audited, and used by roaming
(booking, finder) and by clearing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from smartwork.billing.calc import period_parse
from smartwork.billing.clearing import clearings_create, settlement_period_of
from smartwork.billing.models import ClearingStatement
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.credits.tests.factories import book, buy, workday
from smartwork.network import selectors
from smartwork.network.services import alliance_create, alliance_set_status, alliance_terms_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def allied(network, operator):
    other = testing.make_network(name="Allied network")
    theirs = testing.make_operator(other)
    open_c = testing.make_centre(network=other, name="Open abroad")
    shut_c = testing.make_centre(network=other, name="Shut abroad")
    alliance = alliance_create(actor=operator, network=network, other=other,
                               starts_on=dt.date(2024, 1, 1), clearing_hour_rate=Decimal("5.00"),
                               settlement_period="monthly")
    alliance_set_status(actor=theirs, alliance=alliance, status="active")
    return {"other": other, "theirs": theirs, "open": open_c, "shut": shut_c,
            "alliance": alliance}


def test_terms_name_the_open_centres_and_roaming_follows_them(network, company, member,
                                                              allied, api):
    buy(company, hours=50)
    # No centre named: every labelled centre of the ally is open.
    assert selectors.member_may_book_at(member=member, centre=allied["shut"], on=workday())
    alliance_terms_set(actor=allied["theirs"], alliance=allied["alliance"],
                       settlement_period="quarterly", clearing_hour_rate=Decimal("5.50"),
                       open_centre_ids=[allied["open"].pk])
    alliance = allied["alliance"]
    alliance.refresh_from_db()
    assert alliance.settlement_period == "quarterly"
    assert alliance.clearing_hour_rate == Decimal("5.50")
    assert selectors.member_may_book_at(member=member, centre=allied["open"], on=workday())
    assert not selectors.member_may_book_at(member=member, centre=allied["shut"], on=workday())
    with pytest.raises(Forbidden) as refused:
        book(member, allied["shut"])
    assert refused.value.code == "centre_not_in_alliance"
    assert book(member, allied["open"]).credit_minutes == 240
    listed = {c.pk for c in selectors.centre_list(filters=selectors.CentreFilters(
        bookable_by=member))}
    assert allied["open"].pk in listed and allied["shut"].pk not in listed
    # Our own centres stay open to our members whatever the ally names.
    assert selectors.member_may_book_at(
        member=member, centre=testing.make_centre(network=network), on=workday())
    entry = AuditEntry.objects.filter(action="alliance.terms_changed").latest("id")
    assert entry.data["before"]["settlement_period"] == "monthly"
    assert entry.data["after"]["open_centres"] == [allied["open"].pk]
    body = api(allied["theirs"]).get(f"/networks/{network.pk}/alliances").json()[0]
    assert body["settlement_period"] == "quarterly"
    assert body["open_centre_ids"] == [allied["open"].pk]


def test_bad_terms_are_refused_and_nothing_stored(network, operator, allied, api):
    alliance = allied["alliance"]
    foreign = testing.make_centre(network=testing.make_network())
    for kwargs, field in (
        ({"settlement_period": "weekly"}, "settlement_period"),
        ({"open_centre_ids": [foreign.pk]}, "open_centre_ids"),
        ({"clearing_hour_rate": Decimal("-1")}, "clearing_hour_rate"),
    ):
        data = {"settlement_period": "monthly", "clearing_hour_rate": Decimal("5.00"),
                "open_centre_ids": [], **kwargs}
        with pytest.raises(InvalidInput) as refused:
            alliance_terms_set(actor=operator, alliance=alliance, **data)
        assert field in refused.value.fields
    response = api(operator).put(f"/alliances/{alliance.pk}/terms", {
        "settlement_period": "yearly", "clearing_hour_rate": "5.00", "open_centre_ids": []})
    assert response.status_code == 422
    assert "settlement_period" in response.json()["error"]["fields"]
    alliance.refresh_from_db()
    assert alliance.settlement_period == "monthly" and not alliance.open_centres.exists()
    manager = testing.make_centre_staff(allied["open"])
    with pytest.raises(Forbidden):
        alliance_terms_set(actor=manager, alliance=alliance, settlement_period="monthly",
                           clearing_hour_rate=Decimal("5.00"))
    alliance_set_status(actor=operator, alliance=alliance, status="ended")
    with pytest.raises(Conflict):
        alliance_terms_set(actor=operator, alliance=alliance, settlement_period="quarterly",
                           clearing_hour_rate=Decimal("5.00"))


def test_a_quarterly_alliance_is_cleared_once_over_the_quarter(network, operator, company,
                                                             member, allied):
    alliance = allied["alliance"]
    alliance_terms_set(actor=operator, alliance=alliance, settlement_period="quarterly",
                       clearing_hour_rate=Decimal("5.00"))
    buy(company, hours=50)
    day = workday(3)
    book(member, allied["open"], on=day)                       # 240 min abroad
    book(member, allied["open"], on=workday(4), slot="afternoon")  # 240 more
    use = period_parse(day.strftime("%Y-%m"))
    quarter = settlement_period_of("quarterly", use)
    last_month = period_parse(quarter.end.strftime("%Y-%m"))
    after = quarter.end + dt.timedelta(days=40)
    if last_month != use:  # not the quarter's last month: nothing to clear yet
        assert clearings_create(actor=operator, network=network, period=use, today=after) == []
    [statement] = clearings_create(actor=operator, network=network, period=last_month,
                                   today=after)
    assert (statement.period_start, statement.period_end) == (quarter.start, quarter.end)
    assert quarter.start.month in (1, 4, 7, 10) and quarter.end.month in (3, 6, 9, 12)
    # 8 h at 5.00, our members abroad: we owe the ally 40.00.
    assert statement.a_in_b_minutes == 480 and statement.net_amount == Decimal("40.00")
    assert statement.debtor_id == network.pk
    assert ClearingStatement.objects.count() == 1
    assert clearings_create(actor=operator, network=network, period=last_month,
                            today=after) == []
    assert settlement_period_of("quarterly", period_parse("2026-11")).start == dt.date(2026, 10, 1)
    assert settlement_period_of("monthly", period_parse("2026-11")) == period_parse("2026-11")


def test_the_alliances_page_shows_and_changes_the_terms(network, operator, allied):
    mine = testing.make_centre(network=network, name="Our Namur")
    client = Client()
    client.force_login(operator)
    page = client.get("/economics/network/alliances/").content.decode()
    assert "Settlement period" in page and "every labelled centre" in page
    a = allied["alliance"]
    response = client.post("/economics/network/alliances/", {
        "form": "terms", "alliance": a.pk, f"t{a.pk}-settlement_period": "quarterly",
        f"t{a.pk}-clearing_hour_rate": "-2", f"t{a.pk}-open_centre_ids": [mine.pk]})
    assert response.status_code == 200  # the form again, with the error under the field
    a.refresh_from_db()
    assert a.settlement_period == "monthly"
    response = client.post("/economics/network/alliances/", {
        "form": "terms", "alliance": a.pk, f"t{a.pk}-settlement_period": "quarterly",
        f"t{a.pk}-clearing_hour_rate": "5.00", f"t{a.pk}-open_centre_ids": [mine.pk]})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.settlement_period == "quarterly"
    assert list(a.open_centres.values_list("pk", flat=True)) == [mine.pk]
    page = client.get("/economics/network/alliances/").content.decode()
    assert "Our Namur" in page and "Quarterly" in page
