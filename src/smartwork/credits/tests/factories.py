"""Helpers for credit tests: buy credit, book, cancel, through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from smartwork.accounts.choices import OrganisationKind
from smartwork.bookings.tests.factories import workday as bookings_workday
from smartwork.core import testing
from smartwork.credits import services
from smartwork.credits.models import CreditAccount


def workday(offset: int = 3) -> dt.date:
    """A Monday-to-Friday date at least `offset` days ahead (after any cancellation
    deadline of 24 hours): bookings.tests.factories.workday, 3 by default."""
    return bookings_workday(offset)


def buy(company: Any, *, hours: int = 100, actor: Any = None, **extra: Any) -> CreditAccount:
    """Buy negotiated hours for a company (as its network's operator); return the pool."""
    actor = actor or testing.make_operator(company.network)
    purchase = services.credit_purchase_create(
        actor=actor, company=company, hours=hours, price_net=Decimal("600.00"), **extra)
    return purchase.accounts.get(kind="pool")


def employee(company: Any, **extra: Any) -> Any:
    return testing.make_user(company=company, network=company.network, **extra)


def other_company(network: Any) -> Any:
    return testing.make_organisation(kind=OrganisationKind.COMPANY, network=network)


def book(member: Any, centre: Any, *, on: dt.date | None = None, slot: str = "morning",
         resource: Any = None, **extra: Any) -> Any:
    from smartwork.bookings.services import booking_create

    if resource is None:
        return booking_create(actor=member, centre=centre, slot=slot, on=on or workday(), **extra)
    return booking_create(actor=member, resource=resource, slot=slot, on=on or workday(), **extra)


def balance(account: CreditAccount) -> int:
    account.refresh_from_db()
    return account.balance_minutes


def allotments_of_every_kind(company: Any, admin: Any, centre: Any, member: Any,
                             minutes: int = 240) -> dict[str, Any]:
    """A pool of 100 h and an allotment of each kind that may pay for `member` at
    `centre`: theirs, their team's, the centre's budget; and one for another centre."""
    from smartwork.accounts.models import Team, TeamMembership
    from smartwork.core import testing

    pool = buy(company, hours=100)
    team = Team.objects.create(company=company, name="Sales")
    TeamMembership.objects.create(team=team, user=member)

    def share(**to: Any) -> Any:
        return services.allotment_create(actor=admin, company=company,
                                         minutes_per_period=minutes, **to)

    return {"pool": pool, "mine": share(member=member), "ours": share(team=team),
            "budget": share(centres=[centre]),
            "elsewhere": share(centres=[testing.make_centre(network=centre.network)])}
