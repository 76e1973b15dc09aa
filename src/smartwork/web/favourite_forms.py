"""Forms of favourites and 'book again' (issue #20 §4): text to typed values only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartwork.core.forms import DayField
from smartwork.web.forms import date_input


class FavouriteToggleForm(forms.Form):
    """The hidden fields behind a star: what, and whether it should be a favourite."""

    centre = forms.IntegerField(required=False, min_value=1)
    resource = forms.IntegerField(required=False, min_value=1)
    favourite = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=int)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("centre") is None) == (data.get("resource") is None):
            raise forms.ValidationError(_("Give a centre or a desk or room, not both."))
        return data


class BookAgainForm(forms.Form):
    date = DayField(label=_("Date"), widget=date_input())
