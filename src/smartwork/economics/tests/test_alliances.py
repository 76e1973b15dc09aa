"""Alliances in the operator's pages: terms, roaming each way, clearing statements;
propose, accept (the other side), end; an alliance with oneself is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from smartwork.core import testing
from smartwork.network.models import Alliance

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def propose(c, other, **extra):
    return c.post("/economics/network/alliances/", {
        "form": "propose", "other_network_id": str(other.pk), "starts_on": "2026-01-01",
        "ends_on": "", "clearing_hour_rate": "5.50", **extra})


def test_propose_accept_and_end(network, operator):
    other = testing.make_network(name="Mobispot test")
    other_operator = testing.make_operator(other)
    mine = client_for(operator)
    assert mine.get("/economics/network/alliances/").status_code == 200
    r = propose(mine, other)
    assert r.status_code == 302
    alliance = Alliance.objects.get()
    assert (alliance.status, alliance.clearing_hour_rate) == ("proposed", Decimal("5.50"))
    page = mine.get("/economics/network/alliances/").content.decode()
    assert "Mobispot test" in page and 'value="active"' not in page  # we proposed it
    theirs = client_for(other_operator)
    page = theirs.get("/economics/network/alliances/").content.decode()
    assert 'value="active"' in page
    r = theirs.post("/economics/network/alliances/", {"form": "status",
                                                      "alliance": str(alliance.pk),
                                                      "status": "active"})
    assert r.status_code == 302
    alliance.refresh_from_db()
    assert alliance.status == "active"
    mine.post("/economics/network/alliances/", {"form": "status", "alliance": str(alliance.pk),
                                                "status": "ended"})
    alliance.refresh_from_db()
    assert alliance.status == "ended"


def test_an_alliance_with_oneself_is_refused(network, operator):
    r = propose(client_for(operator), network)
    assert r.status_code == 200
    assert "two different networks" in r.content.decode()
    assert not Alliance.objects.exists()


def test_an_unknown_alliance_is_404_and_others_refused(network, operator, manager, company_admin):
    other = testing.make_network(name="Elsewhere")
    third = testing.make_network(name="Third")
    foreign = Alliance.objects.create(network_a=other, network_b=third,
                                      starts_on=dt.date(2026, 1, 1))
    r = client_for(operator).post("/economics/network/alliances/", {
        "form": "status", "alliance": str(foreign.pk), "status": "ended"})
    assert r.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "proposed"
    for user in (manager, company_admin):
        assert client_for(user).get("/economics/network/alliances/").status_code == 403


def test_roaming_each_way_and_the_clearing_statement(network, operator, month):
    from smartwork.billing.tests.test_books import close
    from smartwork.economics import alliances

    for period in month["periods"]:
        close(period, network, operator, month["other"], month["other_operator"])
    after = month["periods"][-1].end + dt.timedelta(days=1)
    ours = alliances.alliances_of(actor=operator, network=network, today=after)
    (row,) = ours["alliances"]
    # 240 min of our member in the allied network, at 5.00: we owe 20.00.
    assert (row["hours_out"], row["hours_in"], row["net"]) == (4.0, 0.0, Decimal("-20.00"))
    (statement,) = ours["statements"]
    assert statement["we_owe"] and statement["net"] == Decimal("20.00")
    theirs = alliances.alliances_of(actor=month["other_operator"], network=month["other"],
                                    today=after)
    assert theirs["alliances"][0]["hours_in"] == 4.0
    page = client_for(operator).get("/economics/network/alliances/").content.decode()
    assert 'id="clearing-statements"' in page
