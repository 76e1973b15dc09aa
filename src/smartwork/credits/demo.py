"""Demo time credit: packages, purchases, teams, allotments, rules and memberships,
and one company (Brabant Design) that approves bookings beyond its pool cap, with a
request waiting on its Approvals page.

Runs after the bookings loader, inside the demo's transaction, through the real
services (it also pays the bookings loader's past four weeks, `_pay_the_history`) (so every balance is explained by ledger entries and audited). Dates
come from ctx["today"] only.

Adds to ctx:
    newcomer        User: the approval company's employee in no team (books from the pool)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartwork.accounts.services import team_create, team_member_add
from smartwork.core.errors import DomainError
from smartwork.credits import services
from smartwork.credits.models import MembershipPlan

PACKAGES = [  # name, hours, price excl. VAT
    ("Découverte 100 h", 100, Decimal("550.00")),
    ("Entreprise 500 h", 500, Decimal("2500.00")),
    ("Grand compte 1000 h", 1000, Decimal("4600.00")),
]
PURCHASES = {"large": "Grand compte 1000 h", "sme_namur": "Découverte 100 h",
             "sme_brussels": "Entreprise 500 h"}
TEAMS = {"large": ["Finance", "IT", "Field engineers"], "sme_namur": ["Studio"],
         "sme_brussels": ["Design"]}
# The company whose admin approves what goes beyond the pool's monthly cap, and its
# newest employee, in no team yet (so they book from the pool, capped).
APPROVALS = "sme_brussels"
# Bought on the first of last month, sized for the staff's bookings since (the history).
LAST_MONTH_PURCHASES = {"large": "Grand compte 1000 h", "sme_brussels": "Entreprise 500 h"}
APPROVAL_CAP_HOURS = 8  # a day a month from the pool; more waits for the admin
APPROVAL_HOLD_HOURS = 7 * 24


def load(ctx: dict[str, Any]) -> None:
    today: dt.date = ctx["today"]
    packages: dict[tuple[str, str], Any] = {}
    for key, network in ctx["networks"].items():
        operator = ctx["operators"][key]
        for name, hours, price in PACKAGES:
            packages[(key, name)] = services.credit_package_create(
                actor=operator, network=network, name=name, hours=hours, price_net=price)
        services.membership_plan_create(actor=operator, network=network, name="Flex 4 jours",
                                        monthly_fee_net=Decimal("89.00"), included_hours=32)
        services.membership_plan_create(actor=operator, network=network, name="Nomade 10 jours",
                                        monthly_fee_net=Decimal("199.00"), included_hours=80)
    pools = {}
    for key, company in ctx["companies"].items():
        admin = ctx["company_admins"][key]
        network_key = next(k for k, n in ctx["networks"].items() if n.pk == company.network_id)
        purchase = services.credit_purchase_create(
            actor=admin, company=company, package=packages[(network_key, PURCHASES[key])],
            valid_from=today, reference=f"PO-{today:%Y}-{company.pk:03d}")
        pools[key] = purchase.accounts.get(kind="pool")
        staff = [u for u in ctx["employees"][key] if u.pk != admin.pk]
        if key == APPROVALS:
            ctx["newcomer"] = staff.pop()
        teams = [team_create(actor=admin, company=company, name=name) for name in TEAMS[key]]
        for i, person in enumerate(staff):
            team_member_add(actor=admin, team=teams[i % len(teams)], user=person)
        # Every team gets hours each month; what is unused goes back to the pool.
        for team in teams:
            services.allotment_create(actor=admin, company=company, team=team,
                                      minutes_per_period=40 * 60, period="monthly",
                                      at_period_end="return")
    # Last month's purchases and memberships, then the bookings of the past four weeks
    # paid with them, before today's company rules exist (they did not then).
    _last_month_purchases(ctx, packages)
    _last_month_memberships(ctx)
    _pay_the_history(ctx)
    large, admin = ctx["companies"]["large"], ctx["company_admins"]["large"]
    walloon = ctx["centres"]["walloon"]
    # A centre budget, as the network's large accounts do: 100 h in two centres.
    services.allotment_create(actor=admin, company=large, minutes_per_period=100 * 60,
                              centres=walloon[:2])
    # The named member's own 16 hours a month, kept from month to month.
    services.allotment_create(actor=admin, company=large, member=ctx["member"],
                              minutes_per_period=16 * 60, period="monthly", at_period_end="keep")
    services.credit_policy_set(actor=admin, company=large, pool_cap_minutes_per_month=24 * 60,
                               allowed_resource_kinds=[])
    services.credit_policy_set(actor=ctx["company_admins"]["sme_namur"],
                               company=ctx["companies"]["sme_namur"], allow_overage=True,
                               # its visitors walk in at the front desk, billed to it
                               guests_allowed=True)
    services.credit_policy_set(actor=ctx["company_admins"][APPROVALS],
                               company=ctx["companies"][APPROVALS],
                               pool_cap_minutes_per_month=APPROVAL_CAP_HOURS * 60,
                               approval_beyond_cap=True, approval_hold_hours=APPROVAL_HOLD_HOURS)
    plans = {p.network_id: p for p in MembershipPlan.objects.filter(name="Flex 4 jours")}
    for person in ctx["independents"][:3]:
        plan = plans.get(person.network_id)
        if plan is not None:
            services.membership_start(actor=person, member=person, plan=plan, starts_on=today)
    _book_with_credit(ctx)
    _book_beyond_the_cap(ctx)


def _last_month_purchases(ctx: dict[str, Any], packages: dict[tuple[str, str], Any]) -> None:
    """Top-ups bought last month, so the demo has a closed month with credit to invoice.

    The service dates a purchase today (a customer cannot buy in the past); the demo
    moves the purchase and its pool back to a day of last month, as if bought then.
    The Namur SME bought nothing last month: its employees' bookings then were overage.
    """
    from smartwork.credits.models import CreditAccount, CreditPurchase

    end = ctx["today"].replace(day=1) - dt.timedelta(days=1)
    for key, package in LAST_MONTH_PURCHASES.items():
        company, admin = ctx["companies"][key], ctx["company_admins"][key]
        network_key = next(k for k, net in ctx["networks"].items() if net.pk == company.network_id)
        # On the first of last month: the four weeks of bookings the history holds
        # (`bookings.demo.HISTORY_DAYS`) all fall after it.
        day = end.replace(day=1)
        purchase = services.credit_purchase_create(
            actor=admin, company=company, package=packages[(network_key, package)],
            reference=f"PO-{day:%Y%m}-{company.pk:03d}")
        assert purchase.package is not None  # bought from a package just above
        valid_until = services.add_months(day, purchase.package.validity_months) \
            - dt.timedelta(days=1)
        CreditPurchase.objects.filter(pk=purchase.pk).update(
            purchased_on=day, valid_from=day, valid_until=valid_until)
        CreditAccount.objects.filter(purchase=purchase).update(valid_from=day,
                                                               valid_until=valid_until)


def _last_month_memberships(ctx: dict[str, Any]) -> None:
    """The other independents have been "Nomade 10 jours" members since last month.

    A membership starts today or later through the service; the demo moves its first
    month back to last month, then the monthly renewal opens this month's, as the
    daily job would have on the first of the month.
    """
    from smartwork.credits.models import CreditAccount, Membership, MembershipPeriod

    end = ctx["today"].replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    plans = {p.network_id: p for p in MembershipPlan.objects.filter(name="Nomade 10 jours")}
    for person in ctx["independents"][3:]:
        plan = plans.get(person.network_id)
        if plan is None:
            continue
        membership = services.membership_start(actor=person, member=person, plan=plan)
        Membership.objects.filter(pk=membership.pk).update(starts_on=start)
        MembershipPeriod.objects.filter(membership=membership).update(starts_on=start,
                                                                      ends_on=end)
        CreditAccount.objects.filter(pk=membership.account_id).update(valid_from=start,
                                                                      valid_until=end)
    services.membership_renew_due(today=ctx["today"])


def _pay_the_history(ctx: dict[str, Any]) -> None:
    """Pay every past booking the bookings loader wrote (completed or no-show), as the
    booking service would have when it was made: company credit valid that day, else
    membership hours, else pay-as-you-go (billed to the company when it allows
    overage). Oldest first, so credit runs out as it would have. A booking the
    service refuses (the company's credit ran out) was overage billed to the company. So every completed or no-show booking of the demo is paid
    by credit, a membership or a pay-as-you-go charge that the month's invoice run
    bills: what `smartwork check-books` checks."""
    from django.db import transaction

    from smartwork.bookings.choices import BookingState
    from smartwork.bookings.models import Booking
    from smartwork.credits.choices import PaygBillTo
    from smartwork.credits.models import LedgerEntry, PaygCharge
    from smartwork.credits.payment import booking_pay

    past = (Booking.objects.filter(pk__in=[b.pk for b in ctx.get("bookings", [])],
                                   state__in=[BookingState.COMPLETED, BookingState.NO_SHOW])
            .exclude(pk__in=PaygCharge.objects.values("booking_id"))
            .exclude(pk__in=LedgerEntry.objects.filter(booking__isnull=False)
                     .values("booking_id"))
            .select_related("member", "centre__network", "resource").order_by("start", "pk"))
    for booking in past:
        try:
            with transaction.atomic():
                booking_pay(booking=booking, actor=None)
        except DomainError:
            # The company's credit ran out: its staff's bookings then were overage,
            # billed to the company (as the Namur SME's are).
            if booking.price_net is None:
                continue
            company_id = booking.member.company_id
            PaygCharge.objects.create(
                booking=booking, member=booking.member,
                bill_to=PaygBillTo.COMPANY if company_id else PaygBillTo.MEMBER,
                company_id=company_id,
                centre=booking.centre, slot=booking.slot, resource_kind=booking.resource.kind,
                price_net=booking.price_net, vat_rate=booking.vat_rate or Decimal("0.00"),
                service_date=timezone.localtime(booking.start).date())


def _book_with_credit(ctx: dict[str, Any]) -> None:
    """Two bookings paid by credit for the named member, so their history is not empty."""
    from smartwork.bookings.services import booking_create

    member, centre = ctx["member"], ctx["centres"]["walloon"][0]
    day, made = ctx["today"] + dt.timedelta(days=7), 0
    for _ in range(20):
        if made == 2:
            break
        day += dt.timedelta(days=1)
        if day.weekday() > 4:
            continue
        try:
            booking_create(actor=member, centre=centre, slot="full_day" if made else "morning",
                           on=day)
            made += 1
        except DomainError:
            continue  # a closed day or a full centre: try the next one


def _book_beyond_the_cap(ctx: dict[str, Any]) -> None:
    """The newcomer books two full days next month: the first from the pool (the cap
    is one day), the second waits for the admin's approval (`pending_approval`), so
    the company's Approvals page has a request to decide."""
    from smartwork.bookings.services import booking_create
    from smartwork.core.geo import haversine_km
    from smartwork.network.choices import LabelStatus

    newcomer = ctx["newcomer"]
    centres = [c for c in ctx["centres"]["mobispot"] if c.label_status == LabelStatus.LABELLED
               and c.network_id == newcomer.network_id]
    centre = min(centres, key=lambda c: haversine_km(
        float(newcomer.home_lat), float(newcomer.home_lon), float(c.lat), float(c.lon)))
    # Next month: both days in one calendar month (the cap's), whatever today is.
    first = services.month_end(ctx["today"]) + dt.timedelta(days=1)
    made = 0
    for n in range((services.month_end(first) - first).days + 1):
        day = first + dt.timedelta(days=n)
        if made == 2:
            break
        if day.weekday() > 4:
            continue
        try:
            booking_create(actor=newcomer, centre=centre, slot="full_day", on=day, notify=False)
            made += 1
        except DomainError:
            continue  # a closed day: try the next one
