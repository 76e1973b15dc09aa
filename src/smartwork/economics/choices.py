"""States and constants of the economics app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CostKind(models.TextChoices):
    RENT = "rent", _("Rent")
    STAFF = "staff", _("Staff")
    SERVICES = "services", _("Services")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")
    # A subsidy lowers the costs (a public grant, usually with an end date).
    SUBSIDY = "subsidy", _("Subsidy")


class CostBasis(models.TextChoices):
    FIXED = "fixed", _("per month")
    PER_DESK = "per_desk", _("per desk and month")


class WhatIfChange(models.TextChoices):
    KIND_PRICE = "kind_price", _("Price of a kind of resource in a centre")
    CREDIT_HOUR_VALUE = "credit_hour_value", _("Credit-hour value")
    COMMISSION = "commission", _("Network commission")


# Sane bounds of a pricing what-if: a price moves between -90 % and +300 %; the
# credit-hour value between a quarter and four times today's; the commission
# between 0 and 60 %; an elasticity between -5 and 0 (demand falls when the price
# rises: a positive elasticity has the wrong sign).
PRICE_CHANGE_MIN = Decimal("-90")
PRICE_CHANGE_MAX = Decimal("300")
HOUR_VALUE_FACTOR_MIN = Decimal("0.25")
HOUR_VALUE_FACTOR_MAX = Decimal("4")
COMMISSION_MAX = Decimal("60")
ELASTICITY_MIN = Decimal("-5")
WINDOWS = (3, 6, 12)
# A cost is at most a million a month: beyond, it is a typo.
COST_MAX = Decimal("1000000")
# The network economics report covers at most two years of months.
MAX_MONTHS = 24
