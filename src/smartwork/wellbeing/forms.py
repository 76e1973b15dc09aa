from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smartwork.core.forms import DayField, MonthDateField
from smartwork.wellbeing import instruments


class LanguageSelect(forms.Select):
    """A language chosen by its own name ("Nederlands"), each option marked with its
    `lang` so that screen readers read it in that language."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["lang"] = option["value"]
        return option


CONTENT_LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]


class ScheduleForm(forms.Form):
    active = forms.BooleanField(label=_("Send a pulse survey every month"), required=False)
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28,
                                      initial=1)
    open_days = forms.IntegerField(label=_("Open for (days)"), min_value=1, max_value=28,
                                   initial=14)


class QuestionForm(forms.Form):
    """A company's own question: its text in the languages the company writes in."""

    text_fr = forms.CharField(label=_("Question (French)"), required=False, max_length=300)
    text_nl = forms.CharField(label=_("Question (Dutch)"), required=False, max_length=300)
    text_de = forms.CharField(label=_("Question (German)"), required=False, max_length=300)
    text_en = forms.CharField(label=_("Question (English)"), required=False, max_length=300)
    scale = forms.ChoiceField(label=_("Answers"))
    family = forms.ChoiceField(label=_("Measures"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import Family
        from smartwork.wellbeing.own_questions import SCALES

        super().__init__(*args, **kwargs)
        self.fields["scale"].choices = list(SCALES.items())  # type: ignore[attr-defined]
        self.fields["family"].choices = Family.choices  # type: ignore[attr-defined]


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    opens_on = DayField(label=_("Opens on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    closes_on = DayField(label=_("Closes on"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    indicators = forms.MultipleChoiceField(label=_("Questions"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    questions = forms.TypedMultipleChoiceField(label=_("Your company's questions"),
                                               required=False, coerce=int,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, own: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [  # type: ignore[attr-defined]
            (k, instruments.indicator_name(k)) for k in instruments.instruments()]
        self.fields["questions"].choices = own or []  # type: ignore[attr-defined]
        if not own:
            del self.fields["questions"]
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=13)


def answer_form(keys: list[str], language: str | None, data: Any = None,
                own: list[dict[str, Any]] | None = None) -> forms.Form:
    """One radio group per item, in the person's language (the company's own questions
    `own` last)."""
    from smartwork.wellbeing import own_questions

    form = forms.Form(data)
    blocks = instruments.questionnaire(keys, language)
    own_block = own_questions.block(own or [], language)
    for block in [*blocks, *([own_block] if own_block else [])]:
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
    starts_on = DayField(label=_("Starts on"),
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    due_on = DayField(label=_("Due on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
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
        ("article", _("Article")), ("video", _("Video")), ("checklist", _("Checklist")),
        ("quiz", _("Quiz"))])
    language = forms.ChoiceField(label=_("Language"), choices=CONTENT_LANGUAGES,
                                 widget=LanguageSelect)
    topic = forms.ChoiceField(label=_("Topic"))
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    video_url = forms.CharField(label=_("Video link"), required=False)
    checklist = forms.CharField(label=_("Checklist items (one a line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    quiz = forms.CharField(
        label=_("Quiz questions"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One question a block, blocks apart by an empty line: the question on "
                    "its first line, then one answer a line, the correct one starting with "
                    "* and the others with -."))
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), required=False, min_value=1,
                                   max_value=100, initial=75)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import Topic

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = Topic.choices  # type: ignore[attr-defined]

    def clean_quiz(self) -> list[dict[str, Any]]:
        return parse_quiz(self.cleaned_data.get("quiz") or "")


def parse_quiz(text: str) -> list[dict[str, Any]]:
    """The quiz typed in the module form, as the service takes it: blocks apart by an empty
    line, a question and its answers (`* ` the correct one, `- ` the others). Whether each
    question has a correct answer is the service's check (one rule for page and API)."""
    questions: list[dict[str, Any]] = []
    errors: list[str] = []
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    for n, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        question = lines[0]
        choices: list[str] = []
        correct: int | None = None
        for line in lines[1:]:
            if line[:1] not in ("*", "-"):
                errors.append(str(_("Question %(n)s: start each answer with * (correct) or - "
                                    "(wrong).") % {"n": n}))
                break
            if line[0] == "*":
                if correct is not None:
                    errors.append(str(_("Question %(n)s: mark one correct answer only.")
                                      % {"n": n}))
                    break
                correct = len(choices)
            choices.append(line[1:].strip())
        questions.append({"question": question, "choices": choices, "correct": correct})
    if errors:
        raise forms.ValidationError(errors)
    return questions


class LegalForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=CONTENT_LANGUAGES,
                                 widget=LanguageSelect)
    topic = forms.ChoiceField(label=_("Topic"))
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=300)
    source_issuer = forms.CharField(label=_("Issuer"), required=False, max_length=200)
    source_date = DayField(label=_("Source date"), required=False,
                                  widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    source_url = forms.CharField(label=_("Source link"), required=False, max_length=500)
    checked_on = DayField(label=_("Checked on"), required=False,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    review_by = DayField(label=_("Review by"), required=False,
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from smartwork.wellbeing.choices import LegalTopic

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = LegalTopic.choices  # type: ignore[attr-defined]


class ObjectivesForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    month = MonthDateField(label=_("Month"))
    objectives_set = forms.IntegerField(label=_("Objectives set"), min_value=0, max_value=1000)
    objectives_met = forms.IntegerField(label=_("Objectives met"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = teams  # type: ignore[attr-defined]
