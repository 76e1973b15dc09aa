from __future__ import annotations

import datetime as dt

from django.utils import timezone

from smartwork.accounts.models import User
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Centre


def make_booking(*, member: User, centre: Centre, start: dt.datetime | None = None,
                 hours: float = 4, state: str = "confirmed"):
    """A booking row as the bookings app stores it (its rules are tested there)."""
    from smartwork.bookings.models import Booking

    start = start or timezone.now() - dt.timedelta(minutes=10)
    resource = centre.resources.filter(kind=ResourceKind.DESK).order_by("pk").first()
    return Booking.objects.create(
        member=member, booked_by=member, resource=resource, centre=centre, slot="range",
        start=start, end=start + dt.timedelta(hours=hours), state=state,
        cancelled_at=timezone.now() if state == "cancelled" else None,
    )


def give_credit(company, hours: int = 100):
    """The company buys hours for the network; its pool is open to its staff."""
    from decimal import Decimal

    from smartwork.core import testing
    from smartwork.credits.services import credit_package_create, credit_purchase_create

    operator = testing.make_operator(company.network)
    package = credit_package_create(actor=operator, network=company.network,
                                    name=f"Pack {company.pk}", hours=hours,
                                    price_net=Decimal("500.00"))
    admin = testing.make_company_admin(company)
    return credit_purchase_create(actor=admin, company=company, package=package,
                                  valid_from=timezone.localdate() - dt.timedelta(days=30),
                                  validity_months=24)
