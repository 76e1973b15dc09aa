"""The SEPA payout file: executed on a TARGET2 business day, a 24-hour message id."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from smartwork.billing.calc import target2_closed, target2_next_business_day
from smartwork.billing.settlement import payout_message_id

D = dt.date


@pytest.mark.parametrize(("after", "expected"), [
    (D(2026, 12, 4), D(2026, 12, 7)),    # Friday -> Monday (not Sunday 6 December)
    (D(2026, 12, 5), D(2026, 12, 7)),    # Saturday -> Monday
    (D(2026, 12, 24), D(2026, 12, 28)),  # 25 and 26 December closed, then the weekend
    (D(2026, 12, 31), D(2027, 1, 4)),    # 1 January closed, then the weekend
    (D(2027, 3, 25), D(2027, 3, 30)),    # Good Friday 26 March, Easter Monday 29 March 2027
    (D(2027, 4, 30), D(2027, 5, 3)),     # 1 May 2027 is a Saturday anyway
    (D(2026, 11, 10), D(2026, 11, 11)),  # 11 November: a Belgian holiday, not a TARGET one
])
def test_next_target2_business_day(after, expected):
    assert target2_next_business_day(after) == expected
    assert not target2_closed(expected)


def test_message_id_uses_a_24_hour_clock():
    afternoon = dt.datetime(2026, 12, 7, 14, 5, 9, tzinfo=ZoneInfo("Europe/Brussels"))
    assert payout_message_id(afternoon).startswith("20261207140509-")
    assert len(payout_message_id(afternoon)) <= 35
