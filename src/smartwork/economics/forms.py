"""Forms of the economics pages: they parse; the services decide (and their refusals
are shown under the fields)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartwork.economics.choices import CostBasis, CostKind

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.Field):
    """YYYY-MM, as a date (the first of the month)."""

    widget = forms.TextInput(attrs={"size": 7, "placeholder": "YYYY-MM"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("YYYY-MM"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        m = MONTH_RE.match(text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(_("A month is written YYYY-MM, for example 2026-10."))
        return dt.date(int(m.group(1)), int(m.group(2)), 1)


class RangeForm(forms.Form):
    date_from = forms.CharField(label=_("From"), max_length=7, required=False,
                                help_text=_("YYYY-MM"))
    date_to = forms.CharField(label=_("To"), max_length=7, required=False,
                              help_text=_("YYYY-MM"))


class CostVersionForm(forms.Form):
    basis = forms.ChoiceField(label=_("Basis"), choices=CostBasis.choices)
    # No bounds here: the service refuses a negative or huge amount with its reason.
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    starts_on = MonthField(label=_("From (month)"))
    ends_on = MonthField(label=_("Until (month)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_amount(self) -> Decimal:
        return self.cleaned_data["amount"]


class CostForm(CostVersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CostKind.choices)
    label = forms.CharField(label=_("Name"), max_length=150)
    field_order = ["kind", "label", "basis", "amount", "starts_on", "ends_on", "note"]
