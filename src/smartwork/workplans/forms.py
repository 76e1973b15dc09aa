"""The pages' forms: they parse; the services decide (their errors land on the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from smartwork.core.forms import DayField
from smartwork.workplans.choices import (
    AllowedPlace,
    BestPlace,
    CapMode,
    EquipmentKind,
    Place,
    RuleAction,
    TeamEventKind,
)

WEEKDAY_CHOICES = [(i, WEEKDAYS[i]) for i in range(7)]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PolicyForm(forms.Form):
    team = forms.TypedChoiceField(label=_("For"), coerce=int, required=False, empty_value=None)
    effective_from = DayField(label=_("Effective from"), widget=DATE)
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"), choices=WEEKDAY_CHOICES, coerce=int,
        widget=forms.CheckboxSelectMultiple, initial=[0, 1, 2, 3, 4])
    cap_mode = forms.ChoiceField(label=_("Remote days are capped"), choices=CapMode.choices)
    remote_days = forms.IntegerField(label=_("Remote days per week"), min_value=0, max_value=7)
    home_days = forms.IntegerField(label=_("Home days per week (separate caps)"), min_value=0,
                                   max_value=7, required=False)
    centre_days = forms.IntegerField(label=_("Centre days per week (separate caps)"),
                                     min_value=0, max_value=7, required=False)
    anchor_days = forms.TypedMultipleChoiceField(
        label=_("Anchor days (everyone at the head office)"), choices=WEEKDAY_CHOICES,
        coerce=int, widget=forms.CheckboxSelectMultiple, required=False)
    allowed_places = forms.MultipleChoiceField(
        label=_("Places allowed"), choices=AllowedPlace.choices,
        widget=forms.CheckboxSelectMultiple, initial=list(AllowedPlace.values))
    core_start = forms.TimeField(label=_("Core hours from"), required=False, widget=TIME)
    core_end = forms.TimeField(label=_("Core hours to"), required=False, widget=TIME)
    disconnect_start = forms.TimeField(label=_("No mails from"), required=False, widget=TIME)
    disconnect_end = forms.TimeField(label=_("No mails until"), required=False, widget=TIME)
    on_anchor_day = forms.ChoiceField(label=_("A centre booking on an anchor day is"),
                                      choices=RuleAction.choices)
    beyond_remote_days = forms.ChoiceField(
        label=_("A centre booking beyond the week's remote days is"), choices=RuleAction.choices)
    confidentiality_en = forms.CharField(label=_("Confidentiality rules (English)"),
                                         widget=forms.Textarea(attrs={"rows": 2}), required=False)
    confidentiality_fr = forms.CharField(label=_("Confidentiality rules (French)"),
                                         widget=forms.Textarea(attrs={"rows": 2}), required=False)
    confidentiality_nl = forms.CharField(label=_("Confidentiality rules (Dutch)"),
                                         widget=forms.Textarea(attrs={"rows": 2}), required=False)
    equipment_en = forms.CharField(label=_("Equipment rules (English)"),
                                   widget=forms.Textarea(attrs={"rows": 2}), required=False)
    equipment_fr = forms.CharField(label=_("Equipment rules (French)"),
                                   widget=forms.Textarea(attrs={"rows": 2}), required=False)
    equipment_nl = forms.CharField(label=_("Equipment rules (Dutch)"),
                                   widget=forms.Textarea(attrs={"rows": 2}), required=False)
    team_day_team = forms.TypedChoiceField(label=_("Team day: team"), coerce=int, required=False,
                                           empty_value=None)
    team_day_weekday = forms.TypedChoiceField(label=_("Team day: weekday"), coerce=int,
                                              choices=[("", "—"), *WEEKDAY_CHOICES],
                                              required=False, empty_value=None)
    team_day_centre = forms.TypedChoiceField(label=_("Team day: centre (empty: head office)"),
                                             coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], centres: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("The whole company")), *teams]  # type: ignore[attr-defined]
        self.fields["team_day_team"].choices = [("", "—"), *teams]  # type: ignore[attr-defined]
        self.fields["team_day_centre"].choices = [("", _("Head office")), *centres]  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        team_days = []
        if d.get("team_day_team") and d.get("team_day_weekday") is not None:
            team_days.append({"team_id": d["team_day_team"], "weekday": d["team_day_weekday"],
                              "place": "centre" if d.get("team_day_centre") else "head_office",
                              "centre_id": d.get("team_day_centre")})
        return {
            "effective_from": d["effective_from"], "working_days": d["working_days"],
            "cap_mode": d["cap_mode"], "remote_days": d["remote_days"],
            "home_days": d.get("home_days"), "centre_days": d.get("centre_days"),
            "anchor_days": d.get("anchor_days") or [], "allowed_places": d["allowed_places"],
            "core_start": d.get("core_start"), "core_end": d.get("core_end"),
            "disconnect_start": d.get("disconnect_start"),
            "disconnect_end": d.get("disconnect_end"),
            "on_anchor_day": d["on_anchor_day"], "beyond_remote_days": d["beyond_remote_days"],
            "confidentiality": {lang: d.get(f"confidentiality_{lang}") or ""
                                for lang in ("en", "fr", "nl")},
            "equipment_rules": {lang: d.get(f"equipment_{lang}") or ""
                                for lang in ("en", "fr", "nl")},
            "team_days": team_days,
        }


class DayForm(forms.Form):
    day = DayField(widget=DATE)
    place = forms.ChoiceField(label=_("Where"), choices=Place.choices)


class BookDeskForm(forms.Form):
    day = DayField(widget=DATE)
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres  # type: ignore[attr-defined]


class TeamDayForm(forms.Form):
    day = DayField(label=_("Day"), widget=DATE)
    kind = forms.ChoiceField(label=_("Book"), choices=TeamEventKind.choices)
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    room = forms.TypedChoiceField(label=_("Meeting room (for a room)"), coerce=int,
                                  required=False, empty_value=None)
    start_time = forms.TimeField(label=_("From (a room)"), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("To (a room)"), required=False, widget=TIME)

    def __init__(self, *args: Any, centres: list[tuple[int, str]],
                 rooms: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres  # type: ignore[attr-defined]
        self.fields["room"].choices = [("", "—"), *rooms]  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Activity"), max_length=150)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    job_role = forms.CharField(label=_("Job role"), max_length=100, required=False)
    time_share = forms.IntegerField(label=_("Share of the time (%)"), min_value=0, max_value=100,
                                    initial=0)
    needs_head_office = forms.BooleanField(label=_("Needs the head office"), required=False)
    centre_ok = forms.BooleanField(label=_("Can be done at a centre"), required=False,
                                   initial=True)
    home_ok = forms.BooleanField(label=_("Can be done at home"), required=False, initial=True)
    needs_quiet = forms.BooleanField(label=_("Needs quiet"), required=False)
    needs_colleagues = forms.BooleanField(label=_("Needs colleagues"), required=False)
    confidential = forms.BooleanField(label=_("Handles confidential data"), required=False)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Every team")), *teams]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    time_share = forms.IntegerField(label=_("Share of my time (%)"), min_value=0, max_value=100)
    best_place = forms.ChoiceField(label=_("Where I do it best"), choices=BestPlace.choices)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EquipmentKind.choices)
    label = forms.CharField(label=_("Label"), max_length=150)
    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False)


class HandOutForm(forms.Form):
    user = forms.TypedChoiceField(label=_("To"), coerce=int)
    on = DayField(label=_("Handed out on"), widget=DATE)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = people  # type: ignore[attr-defined]


class SignForm(forms.Form):
    name = forms.CharField(label=_("Your full name, as signature"), max_length=200)
