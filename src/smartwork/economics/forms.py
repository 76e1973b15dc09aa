"""Forms of the economics pages: they parse; the services decide (and their refusals
are shown under the fields)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartwork.core.forms import DayField, MonthDateField, MonthField
from smartwork.economics.choices import CostBasis, CostKind, WhatIfChange
from smartwork.network.choices import ResourceKind, SettlementPeriod
from smartwork.web.forms import choice_field, date_input


class RangeForm(forms.Form):
    # Month pickers; the selectors read YYYY-MM.
    date_from = MonthField(label=_("From"), required=False)
    date_to = MonthField(label=_("To"), required=False)


class CostVersionForm(forms.Form):
    basis = forms.ChoiceField(label=_("Basis"), choices=CostBasis.choices)
    # No bounds here: the service refuses a negative or huge amount with its reason.
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    # Core's month picker, as the first day of the month.
    starts_on = MonthDateField(label=_("From (month)"))
    ends_on = MonthDateField(label=_("Until (month)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_amount(self) -> Decimal:
        return self.cleaned_data["amount"]


class CostForm(CostVersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CostKind.choices)
    label = forms.CharField(label=_("Name"), max_length=150)
    field_order = ["kind", "label", "basis", "amount", "starts_on", "ends_on", "note"]


MONTH_CHOICES = [(3, _("last 3 months")), (6, _("last 6 months")), (12, _("last 12 months"))]


class PricingForm(forms.Form):
    change = forms.ChoiceField(label=_("What changes"), choices=WhatIfChange.choices)
    months = forms.TypedChoiceField(label=_("Over"), choices=MONTH_CHOICES, coerce=int,
                                    initial=12)
    centre_id = forms.TypedChoiceField(label=_("Centre"), coerce=int, required=False,
                                       empty_value=None)
    resource_kind = forms.ChoiceField(label=_("Kind of resource"), required=False,
                                      choices=[("", "—"), *ResourceKind.choices])
    change_pct = forms.DecimalField(label=_("Price change (%)"), required=False,
                                    max_digits=7, decimal_places=2)
    new_value = forms.DecimalField(label=_("New credit-hour value or commission (%)"),
                                   required=False, max_digits=8, decimal_places=2)
    elasticity = forms.DecimalField(label=_("Assumed price elasticity (optional)"),
                                    required=False, max_digits=5, decimal_places=2,
                                    help_text=_("An assumption, e.g. -0.5: a price ten percent "
                                                "higher, about five percent fewer bookings."))

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "centre_id").choices = [("", "—"), *centres]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    town = forms.ChoiceField(label=_("Town"), required=False,
                             help_text=_("Or give the coordinates below."))
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180,
                           max_value=180)
    desks = forms.IntegerField(label=_("Desks"), min_value=1, max_value=500, initial=10)
    monthly_costs = forms.DecimalField(label=_("Costs per month"), max_digits=12,
                                       decimal_places=2)
    radius_km = forms.FloatField(label=_("Radius (km)"), initial=15, min_value=1,
                                 max_value=100)
    days_per_week = forms.DecimalField(label=_("Days a week at the site (assumption)"),
                                       initial=1, max_digits=3, decimal_places=1)

    def __init__(self, *args: Any, towns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "town").choices = [("", "—"), *towns]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("town") and (data.get("lat") is None or data.get("lon") is None):
            raise forms.ValidationError(_("Choose a town or give latitude and longitude."))
        return data


class ClosingForm(forms.Form):
    centre_id = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    months = forms.TypedChoiceField(label=_("Over"), choices=MONTH_CHOICES, coerce=int,
                                    initial=12)

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "centre_id").choices = centres


class AllianceForm(forms.Form):
    other_network_id = forms.TypedChoiceField(label=_("Allied network"), coerce=int)
    starts_on = DayField(label=_("Starts on"), widget=date_input())
    ends_on = DayField(label=_("Ends on"), required=False, widget=date_input())
    clearing_hour_rate = forms.DecimalField(label=_("Clearing rate per credit hour"),
                                            max_digits=8, decimal_places=2, min_value=0,
                                            initial=Decimal("5.00"))
    settlement_period = forms.ChoiceField(label=_("Settlement period"),
                                          choices=SettlementPeriod.choices,
                                          initial=SettlementPeriod.MONTHLY, required=False)
    open_centre_ids = forms.TypedMultipleChoiceField(
        label=_("Our centres open to the ally's members"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every labelled centre."))

    def __init__(self, *args: Any, networks: list[tuple[int, str]],
                 centres: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "other_network_id").choices = networks
        choice_field(self, "open_centre_ids").choices = centres or []


class AllianceTermsForm(forms.Form):
    """The terms of an alliance: clearing rate, settlement period, our open centres."""

    clearing_hour_rate = forms.DecimalField(label=_("Clearing rate per credit hour"),
                                            max_digits=8, decimal_places=2, min_value=0)
    settlement_period = forms.ChoiceField(label=_("Settlement period"),
                                          choices=SettlementPeriod.choices)
    open_centre_ids = forms.TypedMultipleChoiceField(
        label=_("Our centres open to the ally's members"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every labelled centre."))

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "open_centre_ids").choices = centres
