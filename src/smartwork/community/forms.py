"""Forms of the community pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartwork.accounts.choices import Language
from smartwork.community.choices import MESSAGE_MAX_LENGTH, EventKind
from smartwork.core.forms import DayField
from smartwork.web.forms import date_input, time_input


class ProfileForm(forms.Form):
    listed = forms.BooleanField(label=_("Show me in the members' directory"), required=False)
    centre = forms.ChoiceField(label=_("My usual centre"), required=False)
    show_company = forms.BooleanField(label=_("Show my company"), required=False)
    skills = forms.CharField(label=_("Skills"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    show_skills = forms.BooleanField(label=_("Show my skills"), required=False)
    looking_for = forms.CharField(label=_("What I am looking for"), max_length=300,
                                  required=False, widget=forms.Textarea(attrs={"rows": 2}))
    show_looking_for = forms.BooleanField(label=_("Show what I am looking for"),
                                          required=False)

    def __init__(self, *args: Any, centres: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(str(c.pk), c.name) for c in centres]]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=MESSAGE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5}))


class DirectoryFilterForm(forms.Form):
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    q = forms.CharField(label=_("Name, skill or need"), max_length=100, required=False)

    def __init__(self, *args: Any, centres: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All centres")), *[(str(c.pk), c.name) for c in centres]]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    language = forms.ChoiceField(label=_("Language of the event"), choices=Language.choices)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    date = DayField(label=_("Date"), widget=date_input())
    start_time = forms.TimeField(label=_("Start"), widget=time_input())
    end_time = forms.TimeField(label=_("End"), widget=time_input())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    room = forms.ChoiceField(label=_("Meeting room (booked for the event)"), required=False)

    def __init__(self, *args: Any, rooms: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["room"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No room")), *[
            (str(r.pk), f"{r.name} ({r.capacity})") for r in rooms]]
