from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartwork.core.forms import DayField


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40,
        help_text=_("The 6 digits of your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}))


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by the app"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}))


class PolicyForm(forms.Form):
    staff_required = forms.BooleanField(label=_("Require two-factor login"), required=False)
    grace_until = DayField(label=_("They may still put it off until"), required=False)
