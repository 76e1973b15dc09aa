from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smartwork.wellbeing import instruments


class LanguageSelect(forms.Select):
    """A language chosen by its own name ("Nederlands"), each option marked with its
    `lang` so that screen readers read it in that language."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["lang"] = option["value"]
        return option


CONTENT_LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]


class ScheduleForm(forms.Form):
    active = forms.BooleanField(label=_("Send a pulse survey every month"), required=False)
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28,
                                      initial=1)
    open_days = forms.IntegerField(label=_("Open for (days)"), min_value=1, max_value=28,
                                   initial=14)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
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


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    audience = forms.ChoiceField(label=_("For"))
    teams = forms.MultipleChoiceField(label=_("Teams"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("Starts on"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    modules = forms.MultipleChoiceField(label=_("Modules"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], modules: list[Any],
                 **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import Audience

        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = Audience.choices  # type: ignore[attr-defined]
        self.fields["teams"].choices = [(str(pk), name) for pk, name in teams]  # type: ignore[attr-defined]
        self.fields["modules"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), format_html('<span lang="{}">{}</span> ({}, {})', m.language, m.title,
                                    m.language.upper(), m.get_kind_display()))
            for m in modules]


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("article", _("Article")), ("video", _("Video")), ("checklist", _("Checklist"))])
    language = forms.ChoiceField(label=_("Language"), choices=CONTENT_LANGUAGES,
                                 widget=LanguageSelect)
    topic = forms.ChoiceField(label=_("Topic"))
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    video_url = forms.CharField(label=_("Video link"), required=False)
    checklist = forms.CharField(label=_("Checklist items (one a line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import Topic

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = Topic.choices  # type: ignore[attr-defined]


class LegalForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=CONTENT_LANGUAGES,
                                 widget=LanguageSelect)
    topic = forms.ChoiceField(label=_("Topic"))
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=300)
    source_issuer = forms.CharField(label=_("Issuer"), required=False, max_length=200)
    source_date = forms.DateField(label=_("Source date"), required=False,
                                  widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    source_url = forms.CharField(label=_("Source link"), required=False, max_length=500)
    checked_on = forms.DateField(label=_("Checked on"), required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    review_by = forms.DateField(label=_("Review by"), required=False,
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import LegalTopic

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = LegalTopic.choices  # type: ignore[attr-defined]
