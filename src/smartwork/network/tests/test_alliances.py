"""How an alliance moves: the invited network accepts a proposal, either side ends it,
an ended alliance stays ended (services, under the alliance's row lock)."""

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.core import testing
from smartwork.core.errors import Conflict
from smartwork.network.services import alliance_create, alliance_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides(network, operator):
    other = testing.make_network(name="Other network")
    return operator, testing.make_operator(other), other


def _propose(network, operator, other):
    return alliance_create(actor=operator, network=network, other=other,
                           starts_on=dt.date(2026, 1, 1), ends_on=None,
                           clearing_hour_rate=Decimal("5.00"))


def test_the_proposer_cannot_accept_its_own_proposal(network, sides):
    mine, theirs, other = sides
    alliance = _propose(network, mine, other)
    with pytest.raises(Conflict) as refused:
        alliance_set_status(actor=mine, alliance=alliance, status="active")
    assert refused.value.code == "alliance_own_proposal"
    alliance.refresh_from_db()
    assert alliance.status == "proposed"
    assert alliance_set_status(actor=theirs, alliance=alliance, status="active").status == "active"


def test_either_side_ends_it_and_an_ended_alliance_stays_ended(network, sides):
    mine, theirs, other = sides
    alliance = _propose(network, mine, other)
    alliance_set_status(actor=theirs, alliance=alliance, status="active")
    assert alliance_set_status(actor=mine, alliance=alliance, status="ended").status == "ended"
    for status in ("active", "proposed"):
        with pytest.raises(Conflict) as refused:
            alliance_set_status(actor=theirs, alliance=alliance, status=status)
        assert refused.value.code == "alliance_status"
