"""Presence across a network: who is in now, the day's check-ins and WiFi sessions per
centre, each centre's day in its own time zone; the operator's only."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.insights.selectors import network_presence, network_presence_csv
from smartwork.wifi.models import PresenceSession
from smartwork.wifi.services import nas_create
from smartwork.wifi.tests.helpers import make_booking

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=BRUSSELS)  # a Wednesday


@pytest.fixture
def day(network, centre, operator):
    """At the centre: Ann checked in and on WiFi (one person), Bob left at 9:00; Carl's
    check-in of yesterday does not count today."""
    nas, _ = nas_create(actor=operator, centre=centre, name="AP", address="10.9.9.1")
    ann = testing.make_user(network=network, first_name="Ann", last_name="A")
    bob = testing.make_user(network=network, first_name="Bob", last_name="B")
    carl = testing.make_user(network=network, first_name="Carl", last_name="C")
    booking = make_booking(member=ann, centre=centre, start=NOW - dt.timedelta(hours=1),
                           state="checked_in")
    booking.checked_in_at = NOW - dt.timedelta(minutes=50)
    booking.save()
    yesterday = make_booking(member=carl, centre=centre, start=NOW - dt.timedelta(days=1),
                             state="completed")
    yesterday.checked_in_at = NOW - dt.timedelta(days=1)
    yesterday.save()
    PresenceSession.objects.create(member=ann, centre=centre, nas=nas, acct_session_id="a",
                                   started_at=NOW - dt.timedelta(minutes=45),
                                   last_update_at=NOW)
    PresenceSession.objects.create(member=bob, centre=centre, nas=nas, acct_session_id="b",
                                   started_at=NOW - dt.timedelta(hours=2),
                                   ended_at=NOW - dt.timedelta(hours=1), last_update_at=NOW)
    return {"ann": ann, "bob": bob, "carl": carl}


def test_now_and_the_day_per_centre(operator, network, centre, day):
    empty = testing.make_centre(network=network, name="Zzz Centre")
    report = network_presence(actor=operator, network_id=network.pk, now=NOW)
    rows = {r["centre"].pk: r for r in report["centres"]}
    here = rows[centre.pk]
    assert [p["member"] for p in here["in_now"]] == [day["ann"]]  # once, though twice seen
    assert here["in_now"][0]["via"] == "check_in"
    assert (here["check_ins"], here["wifi_sessions"], here["wifi_members"]) == (1, 2, 2)
    assert rows[empty.pk]["in_now"] == [] and rows[empty.pk]["check_ins"] == 0
    assert report["totals"] == {"in_now": 1, "check_ins": 1, "wifi_sessions": 2}
    csv = network_presence_csv(report).splitlines()
    assert len(csv) == 4 and sum(line.endswith(",yes") for line in csv) == 2
    # Only WiFi: Ann is in through her open session.
    wifi = network_presence(actor=operator, network_id=network.pk, now=NOW, kind="wifi",
                            centre_id=centre.pk)
    assert wifi["centres"][0]["in_now"][0]["via"] == "wifi"
    assert wifi["totals"]["check_ins"] == 0
    # Yesterday: Carl's check-in, nobody "in now".
    before = network_presence(actor=operator, network_id=network.pk, now=NOW,
                              on=NOW.date() - dt.timedelta(days=1))
    assert before["totals"] == {"in_now": 0, "check_ins": 1, "wifi_sessions": 0}


def test_a_centre_far_west_has_its_own_day(operator, network, day):
    west = testing.make_centre(network=network, name="West", timezone="America/New_York")
    person = testing.make_user(network=network)
    # 10:00 in Brussels is 04:00 in New York; a check-in at 23:30 New York time the
    # evening before is yesterday there, though it is today in Brussels (05:30).
    late = make_booking(member=person, centre=west, start=NOW - dt.timedelta(hours=5),
                        state="completed")
    late.checked_in_at = NOW - dt.timedelta(hours=4, minutes=30)
    late.save()
    rows = {r["centre"].pk: r for r in network_presence(
        actor=operator, network_id=network.pk, now=NOW)["centres"]}
    assert rows[west.pk]["check_ins"] == 0
    assert rows[west.pk]["day"] == dt.date(2026, 3, 4)
    assert network_presence(actor=operator, network_id=network.pk, now=NOW,
                            on=dt.date(2026, 3, 3), centre_id=west.pk)["totals"]["check_ins"] == 1


def test_only_the_operator(manager, company_admin, member, network, outsider, centre):
    for user in (manager, company_admin, member, outsider):
        with pytest.raises(Forbidden):
            network_presence(actor=user, network_id=network.pk)
    operator = testing.make_operator(network)
    other = testing.make_centre(network=outsider.network)
    with pytest.raises(InvalidInput):
        network_presence(actor=operator, network_id=network.pk, centre_id=other.pk)
    with pytest.raises(InvalidInput):
        network_presence(actor=operator, network_id=network.pk, kind="teleport")
