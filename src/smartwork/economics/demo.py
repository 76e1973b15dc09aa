"""Demo economics for the Walloon network: a year of activity and a year of costs.

The other loaders give billing one closed month (last month). So that a centre's
economics cover a year, this loader adds, for the eleven months before it, completed
pay-as-you-go bookings at the Walloon centres with their charges, exactly as the
bookings loader writes last month's (rows with their audit entries: past slots cannot
be booked through the service), by the network's independents (billed to them) and
the Namur SME's staff (billed to the company as overage). They are facts billing
would invoice if the operator ran those months; economics shows them as computed,
not settled. Demand differs per centre (some busy, some quiet).

Then the costs: set from what each centre is paid over the year, so that one centre
loses money (its regional grant ended three months ago), one breaks even and the
others earn.

Each centre gets, from twelve months ago: its rent (for the earning ones indexed six
months ago: a second version), its staff, services per desk; the losing centre also
had a grant, which ended three months ago.
Deterministic: the amounts follow from the demo's bookings, which are deterministic.

Adds to ctx:
    economics       {"losing": Centre, "break_even": Centre, "earning": [Centre]}
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils import timezone

from smartwork.core.models import AuditEntry
from smartwork.core.money import ZERO, money_round
from smartwork.economics import selectors, services, sources
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Resource

# Pay-as-you-go bookings a month per Walloon centre (by name order): busy to quiet.
DEMAND = (40, 34, 30, 26, 22, 18, 14, 9)
SEED = 21


def _months_back(day: dt.date, n: int) -> dt.date:
    day = day.replace(day=1)
    for _i in range(n):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return day


def _year_of_payg(ctx: dict[str, Any]) -> int:
    """Completed pay-as-you-go bookings and their charges in the 11 months before last."""
    from smartwork.bookings.choices import BookingState, CheckInVia, Slot
    from smartwork.bookings.models import Booking
    from smartwork.bookings.payment import booking_price
    from smartwork.bookings.rules import calendars_for
    from smartwork.bookings.slots import inside_hours, parts_of, slot_span
    from smartwork.credits.choices import PaygBillTo
    from smartwork.credits.models import PaygCharge

    rng = random.Random(SEED)
    today: dt.date = ctx["today"]
    network = ctx["networks"]["walloon"]
    centres = list(ctx["centres"]["walloon"])
    first, stop = _months_back(today, 12), _months_back(today, 1)
    sme = ctx["companies"]["sme_namur"]
    payers = ([(m, PaygBillTo.MEMBER, None) for m in ctx["independents"]
               if m.network_id == network.pk]
              + [(m, PaygBillTo.COMPANY, sme) for m in ctx["employees"]["sme_namur"]])
    calendars = calendars_for([c.pk for c in centres], date_from=first, date_to=stop)
    desks = {c.pk: list(Resource.objects.filter(centre=c, kind=ResourceKind.DESK,
                                                is_active=True).order_by("name"))
             for c in centres}
    days: list[dt.date] = []
    day = first
    while day < stop:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    taken: set[tuple[Any, ...]] = set()
    rows: list[tuple[Booking, str, Any, Decimal, Decimal]] = []
    month = first
    while month < stop:
        month_days = [d for d in days if d.year == month.year and d.month == month.month]
        for centre, wanted in zip(centres, DEMAND, strict=False):
            made = tries = 0
            while made < wanted and tries < wanted * 6 and desks[centre.pk]:
                tries += 1
                on = rng.choice(month_days)
                slot = rng.choice([Slot.MORNING, Slot.AFTERNOON, Slot.FULL_DAY])
                member, bill_to, company = rng.choice(payers)
                calendar = calendars[centre.pk]
                span = slot_span(centre, on, slot)
                if calendar.closure_reason(on) or not inside_hours(parts_of(span, centre),
                                                                   calendar.intervals(on)):
                    continue
                halves = [Slot.MORNING, Slot.AFTERNOON] if slot == Slot.FULL_DAY else [slot]
                if any((member.pk, on, h) in taken for h in halves):
                    continue  # one desk at a time per member
                free = [d for d in desks[centre.pk]
                        if all((d.pk, on, h) not in taken for h in halves)]
                if not free:
                    continue
                booking = Booking(member=member, booked_by=member, resource=free[0],
                                  centre=centre, slot=slot, start=span.start, end=span.end,
                                  state=BookingState.COMPLETED, checked_in_at=span.start,
                                  checked_in_via=CheckInVia.RECEPTION, completed_at=span.end,
                                  payment_method="payg")
                price_net, vat_rate = booking_price(booking=booking)
                if price_net is None or vat_rate is None:
                    continue
                booking.price_net, booking.vat_rate = price_net, vat_rate
                for h in halves:
                    taken.add((free[0].pk, on, h))
                    taken.add((member.pk, on, h))
                rows.append((booking, bill_to, company, price_net, vat_rate))
                made += 1
        month = _months_back(month + dt.timedelta(days=40), 0)
    created = Booking.objects.bulk_create([r[0] for r in rows])
    PaygCharge.objects.bulk_create([
        PaygCharge(booking=b, member=b.member, bill_to=bill_to, company=company,
                   centre=b.centre, slot=b.slot, resource_kind=ResourceKind.DESK,
                   price_net=price_net, vat_rate=vat_rate,
                   service_date=timezone.localtime(b.start).date())
        for b, (_, bill_to, company, price_net, vat_rate) in zip(created, rows, strict=True)])
    for b in created:
        Booking.objects.filter(pk=b.pk).update(created_at=b.start - dt.timedelta(days=3))
    AuditEntry.objects.bulk_create([
        AuditEntry(actor_id=b.member_id, action=f"booking.{action}", object_type="bookings.booking",
                   object_id=str(b.pk), object_repr=str(b)[:200], network_id=network.pk,
                   data={"demo": True, "payment": "payg"})
        for b in created for action in ("created", "checked_in", "completed")])
    return len(created)


def load(ctx: dict[str, Any]) -> None:
    _year_of_payg(ctx)
    network = ctx["networks"]["walloon"]
    operator = ctx["operators"]["walloon"]
    today: dt.date = ctx["today"]
    centres = list(ctx["centres"]["walloon"])
    months = selectors.month_range(today=today,
                                   since=selectors.first_activity(network=network))
    paid = {c.pk: ZERO for c in centres}
    for month in months:
        for cid, row in sources.centre_months(actor=operator, network=network, month=month,
                                              centre_ids=set(paid)).items():
            paid[cid] += row.payout
    ranked = sorted(centres, key=lambda c: (-paid[c.pk], c.name))
    losing, break_even = ranked[-1], ranked[len(ranked) // 2]
    year_ago, half_year_ago = _months_back(today, 12), _months_back(today, 6)
    grant_end = _months_back(today, 3) - dt.timedelta(days=1)
    n = Decimal(len(months))
    for centre in centres:
        monthly = money_round(paid[centre.pk] / n)  # what the centre is paid a month
        if centre == break_even:  # to the cent below: the year ends at zero, not a loss
            target = (paid[centre.pk] / n).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        elif centre == losing:
            target = money_round(monthly * Decimal("1.6") + Decimal("150"))
        else:
            target = money_round(monthly * Decimal("0.6"))
        desks = Resource.objects.filter(centre=centre, kind=ResourceKind.DESK,
                                        is_active=True).count() or 1
        per_desk = money_round(target * Decimal("0.15") / desks)
        rent = money_round(target * Decimal("0.5"))
        staff = target - rent - per_desk * desks
        earning = centre not in (losing, break_even)
        item = services.cost_item_create(
            actor=operator, centre=centre, kind="rent", label="Loyer / huur", basis="fixed",
            amount=money_round(rent * Decimal("0.96")) if earning else rent,
            starts_on=year_ago)
        if earning:  # indexed six months ago: a second version, the first one stays
            services.cost_version_add(actor=operator, item=item, basis="fixed", amount=rent,
                                      starts_on=half_year_ago, note="Indexation")
        services.cost_item_create(actor=operator, centre=centre, kind="staff",
                                  label="Accueil / onthaal", basis="fixed", amount=staff,
                                  starts_on=year_ago)
        services.cost_item_create(actor=operator, centre=centre, kind="services",
                                  label="Nettoyage, énergie, IT", basis="per_desk",
                                  amount=per_desk, starts_on=year_ago)
        if centre == losing:
            services.cost_item_create(
                actor=operator, centre=centre, kind="subsidy", label="Subside régional",
                basis="fixed", amount=money_round(target * Decimal("0.5")),
                starts_on=year_ago, ends_on=grant_end,
                note="Appel à projets de la Région wallonne")
    ctx["economics"] = {"losing": losing, "break_even": break_even,
                        "earning": [c for c in centres if c not in (losing, break_even)]}
