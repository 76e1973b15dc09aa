"""The demo's member and independent start with a favourite centre and desk, ones they
may book; the independent (last month's pay-as-you-go bookings) has past bookings to
book again."""

from __future__ import annotations

import pytest

from smartwork.bookings.book_again import recent_past_bookings
from smartwork.bookings.demo_favourites import DEMO_ROLES
from smartwork.bookings.favourite_selectors import favourite_marks
from smartwork.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_members_have_favourites_and_past_bookings():
    logins = [login for login in demo_load() if login.role in DEMO_ROLES]
    assert len(logins) == len(DEMO_ROLES)
    from smartwork.accounts.models import User

    again = []
    for login in logins:
        member = User.objects.get(email=login.email)
        centres, places = favourite_marks(member=member)
        assert len(centres) == 1 and len(places) == 1, login.email
        again += recent_past_bookings(member=member)
    assert again
