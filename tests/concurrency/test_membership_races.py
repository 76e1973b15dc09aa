"""A member subscribes to a plan at the moment they accept a company's invitation: they
end up an employee whose membership, if one was made, ends with its month.

Real threads, each with its own database connection, on whichever database the run
uses. Both services lock the member's row: the subscription re-reads the employer
under that lock, the acceptance ends a membership written before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from smartwork.accounts.models import Invitation
from smartwork.accounts.services import invitation_accept, invitation_token
from smartwork.core import testing
from smartwork.core.errors import Forbidden
from smartwork.credits.models import Membership
from smartwork.credits.services import membership_plan_create, membership_start

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def test_subscribing_while_joining_a_company_leaves_no_renewing_membership():
    network = testing.make_network()
    company = testing.make_organisation(kind="company", network=network)
    plan = membership_plan_create(actor=testing.make_operator(network), network=network,
                                  name="Flex", monthly_fee_net=Decimal("99"), included_hours=8)
    outcomes = []
    for _ in range(ROUNDS):
        person = testing.make_user(network=network)  # read before: no company yet
        invitation = Invitation.objects.create(
            company=company, email=person.email,
            expires_at=timezone.now() + dt.timedelta(days=1))
        token = invitation_token(invitation)
        started, joined = testing.run_together([
            lambda person=person: membership_start(actor=person, member=person, plan=plan),
            lambda token=token: invitation_accept(token=token),
        ])
        assert not isinstance(joined, Exception), joined
        assert joined.company_id == company.pk
        live = list(Membership.objects.filter(member=person).values_list("state", flat=True))
        if isinstance(started, Forbidden):
            assert started.code == "company_employee" and live == []
            outcomes.append("refused")
        else:
            assert not isinstance(started, Exception), started
            assert live == ["cancelling"]
            outcomes.append("ends with its month")
    assert len(outcomes) == ROUNDS
