"""Money is a value: Decimal with two places, one rounding rule (half up)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):  # pragma: no cover - guarded against on purpose
        raise TypeError("Money is never a float")
    return value if isinstance(value, Decimal) else Decimal(value)


def money_round(value: Decimal | int | str) -> Decimal:
    """The one rounding function: to the cent, half up."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TaxSplit:
    net: Decimal
    tax: Decimal
    gross: Decimal


def tax_compute(*, net: Decimal, rate_percent: Decimal) -> TaxSplit:
    """Tax on a net amount at a rate in percent (21.00 for 21 %)."""
    net = money_round(net)
    tax = money_round(net * to_decimal(rate_percent) / Decimal(100))
    return TaxSplit(net=net, tax=tax, gross=net + tax)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", money_round(self.amount))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError("Cannot add amounts in different currencies")
        return Money(self.amount + other.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
