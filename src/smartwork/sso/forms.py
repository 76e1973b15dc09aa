from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SsoEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your work email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class SsoSettingsForm(forms.Form):
    issuer = forms.URLField(label=_("Issuer URL"), max_length=300,
                            help_text=_("For example https://login.microsoftonline.com/"
                                        "<tenant>/v2.0"))
    client_id = forms.CharField(label=_("Client id"), max_length=200)
    client_secret = forms.CharField(
        label=_("Client secret"), max_length=500, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again; leave empty to keep it."))
    domains = forms.CharField(label=_("Email domains"), max_length=2000,
                              help_text=_("Separated by commas: example.com, example.be"))
    leaver_claim = forms.CharField(
        label=_("Leaver claim"), max_length=100, required=False,
        help_text=_("A claim of the ID token that is true for someone who has left "
                    "(optional)."))
    enabled = forms.BooleanField(label=_("Employees log in through this provider"),
                                 required=False, initial=True)
