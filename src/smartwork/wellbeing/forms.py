from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartwork.wellbeing import instruments


class ScheduleForm(forms.Form):
    active = forms.BooleanField(label=_("Send a pulse survey every month"), required=False)
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28,
                                      initial=1)
    open_days = forms.IntegerField(label=_("Open for (days)"), min_value=1, max_value=28,
                                   initial=14)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    indicators = forms.MultipleChoiceField(label=_("Questions"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [  # type: ignore[attr-defined]
            (k, instruments.indicator_name(k)) for k in instruments.instruments()]
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=13)


def answer_form(keys: list[str], language: str | None, data: Any = None) -> forms.Form:
    """One radio group per item, in the person's language."""
    form = forms.Form(data)
    for block in instruments.questionnaire(keys, language):
        for item in block["items"]:
            form.fields[item["key"]] = forms.TypedChoiceField(
                label=item["text"], coerce=int, widget=forms.RadioSelect,
                choices=[(str(v), label) for v, label in item["choices"]], required=False)
    return form
