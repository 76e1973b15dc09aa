"""Pure calculations: periods, line amounts, the VAT breakdown, structured communications.

Rounding happens only through core.money.money_round (half up, to the cent):
each line net is rounded once, and VAT is computed once per VAT rate on the sum
of the line nets at that rate (EN 16931 BR-CO-17), never per line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum.be import ogm_vcs

from smartwork.core.errors import InvalidInput
from smartwork.core.money import ZERO, money_round, tax_compute

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"

    def has_ended(self, today: dt.date) -> bool:
        return today > self.end


def period_parse(value: str, *, field: str = "period") -> Period:
    """'2026-10' -> the month of October 2026."""
    match = PERIOD_RE.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(_("A period is a month written YYYY-MM, for example 2026-10."),
                           fields={field: _("Expected YYYY-MM.")})
    year, month = int(match.group(1)), int(match.group(2))
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def line_net(*, quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money_round(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True, slots=True)
class VatGroup:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    groups: tuple[VatGroup, ...]


def totals_compute(lines: Iterable[tuple[str, Decimal, Decimal]]) -> Totals:
    """From (vat category, vat rate, line net) triples: totals and the breakdown per rate."""
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for category, rate, net in lines:
        key = (category, Decimal(rate).quantize(Decimal("0.01")))
        taxable[key] = taxable.get(key, ZERO) + money_round(net)
    groups = []
    for (category, rate), amount in sorted(taxable.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        split = tax_compute(net=amount, rate_percent=rate)
        groups.append(VatGroup(category=category, rate=rate, taxable=split.net, tax=split.tax))
    net = sum((g.taxable for g in groups), ZERO)
    vat = sum((g.tax for g in groups), ZERO)
    return Totals(net=net, vat=vat, gross=net + vat, groups=tuple(groups))


# --- Belgian structured communication (OGM/VCS) ----------------------------------


def communication_make(*, year: int, number: int) -> str:
    """Twelve digits from the invoice's year and number, with their check digits."""
    base = f"{year % 100:02d}{number:08d}"
    return base + ogm_vcs.calc_check_digits(base)


def communication_format(digits: str) -> str:
    return f"+++{ogm_vcs.format(digits)}+++" if digits else ""


_OGM_IN_TEXT = re.compile(r"(?<!\d)(\d{3})\D{0,3}(\d{4})\D{0,3}(\d{5})(?!\d)")


def communication_find(text: str) -> str | None:
    """The valid structured communication in a free text, if there is one."""
    for match in _OGM_IN_TEXT.finditer(text or ""):
        digits = "".join(match.groups())
        if ogm_vcs.is_valid(digits):
            return digits
    return None


# --- TARGET2 business days -----------------------------------------------------------


def target2_closed(day: dt.date) -> bool:
    """TARGET2 (T2) is closed on Saturdays, Sundays, 1 January, Good Friday, Easter
    Monday, 1 May, 25 and 26 December (ECB calendar): no SEPA transfer settles then."""
    from dateutil.easter import easter

    if day.weekday() >= 5 or (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        return True
    sunday = easter(day.year)
    return day in (sunday - dt.timedelta(days=2), sunday + dt.timedelta(days=1))


def target2_next_business_day(after: dt.date) -> dt.date:
    """The first TARGET2 business day after `after`."""
    day = after + dt.timedelta(days=1)
    while target2_closed(day):
        day += dt.timedelta(days=1)
    return day
