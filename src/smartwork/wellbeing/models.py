"""Indicators and pulse surveys, team objectives, the awareness and training
programme, and the legal library.

Privacy by design: a survey response carries no link to its person, only a
pseudonym (`respondent`, an HMAC of the person and the company under a key derived
from the server's secret; `privacy.respondent_token`) so that the person can find
their own answers and trend again. Company reports read aggregates of at least
PRIVACY_MIN_GROUP respondents (selectors.py); no API, page or export returns the
pseudonym.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from smartwork.wellbeing.choices import (
    LANGUAGES,
    Audience,
    Family,
    LegalTopic,
    ModuleKind,
    SurveyOrigin,
    Topic,
)


class IndicatorSetting(models.Model):
    """A company's choice to switch a default indicator on or off (defaults in
    data/instruments.json apply where no row exists)."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    indicator = models.CharField(max_length=40)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "indicator"],
                                               name="wellbeing_indicator_setting_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.enabled}"


class SurveySchedule(models.Model):
    """A company's monthly pulse survey: opened on `day_of_month`, open `open_days`."""

    company = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                   related_name="+")
    active = models.BooleanField(default=True)
    day_of_month = models.PositiveSmallIntegerField(default=1)
    open_days = models.PositiveSmallIntegerField(default=14)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                                   name="wellbeing_schedule_day"),
            models.CheckConstraint(condition=Q(open_days__gte=1, open_days__lte=28),
                                   name="wellbeing_schedule_open_days"),
        ]

    def __str__(self) -> str:
        return f"day {self.day_of_month}"


class Survey(models.Model):
    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    title = models.CharField(_("title"), max_length=150)
    origin = models.CharField(max_length=20, choices=SurveyOrigin.choices)
    # "YYYY-MM" for the scheduled monthly survey (one per company and month), else "".
    period = models.CharField(max_length=7, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    indicators = models.JSONField(default=list)
    # The company's own questions asked in this survey, copied when it opens (their text
    # and scale as they were then): [{"key": "cq7", "text": {...}, "scale", "family"}].
    questions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the one job run that sends the invitations.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "period"], condition=~Q(period=""),
                                    name="wellbeing_survey_one_per_month"),
            models.CheckConstraint(condition=Q(opens_on__lte=F("closes_on")),
                                   name="wellbeing_survey_dates"),
        ]
        indexes = [models.Index(fields=["company", "opens_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """What a reader sees: a monthly survey's title is the system's words, said in the
        reader's language ("Enquête éclair décembre 2026"); the stored `title` is in
        the language of the worker that opened it. A company's own survey keeps its
        title as typed."""
        if self.origin == SurveyOrigin.SCHEDULED and self.period:
            return scheduled_title(self.period)
        return self.title


def scheduled_title(period: str) -> str:
    """The title of the monthly survey of `period` ("YYYY-MM"), in the active language."""
    month = dt.date(int(period[:4]), int(period[5:7]), 1)
    return translation.gettext("Pulse survey %(month)s") % {
        "month": formats.date_format(month, "YEAR_MONTH_FORMAT")}


class CompanyQuestion(models.Model):
    """A question a company adds to its pulse surveys, in its own words (not a validated
    instrument; the survey page says so). Never edited once asked: a company switches it
    off and writes a new one, so that its results keep their meaning."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    family = models.CharField(_("family"), max_length=20, choices=Family.choices)
    scale = models.CharField(_("answers"), max_length=20)
    text = models.JSONField(default=dict)  # language -> the question
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"cq{self.pk}"


class SurveyResponse(models.Model):
    """One person's answers to one survey, under a pseudonym (never a user id)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    # The respondent's team when they answered (their first team), for team aggregates.
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    respondent = models.CharField(max_length=64)
    submitted_on = models.DateField()  # a date, not a time: harder to match with logs
    answers = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "respondent"],
                                               name="wellbeing_one_response_per_person")]
        indexes = [models.Index(fields=["respondent"])]

    def __str__(self) -> str:
        return f"response {self.pk}"


class IndicatorScore(models.Model):
    """One instrument's 0-100 score in one response: what every aggregate reads."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="scores")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    indicator = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["company", "survey", "indicator"],
                                name="wellbeing_score_agg")]
        constraints = [models.CheckConstraint(condition=Q(score__lte=100),
                                              name="wellbeing_score_range")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.score}"


class TeamObjectives(models.Model):
    """Objectives a team set and met in a month, recorded by the company (a team
    figure, never a person's)."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    objectives_set = models.PositiveSmallIntegerField()
    objectives_met = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="wellbeing_objectives_month"),
            models.CheckConstraint(condition=Q(objectives_met__lte=F("objectives_set")),
                                   name="wellbeing_objectives_met_le_set"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.objectives_met}/{self.objectives_set}"


# --- Awareness and training ------------------------------------------------------


class Module(models.Model):
    """A module of the network's library (network set) or a company's own (company set)."""

    network = models.ForeignKey("network.Network", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=80, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    checklist = models.JSONField(default=list, blank=True)
    quiz = models.JSONField(default=list, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(network__isnull=False, company__isnull=True)
                           | Q(network__isnull=True, company__isnull=False)),
                name="wellbeing_module_one_owner"),
            models.CheckConstraint(condition=Q(pass_mark__lte=100),
                                   name="wellbeing_module_pass_mark"),
        ]

    def __str__(self) -> str:
        return self.title


class Campaign(models.Model):
    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    title = models.CharField(_("title"), max_length=150)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    newcomers_since = models.DateField(null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    remind_days_before = models.PositiveSmallIntegerField(default=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Each mail goes once: the job that flips the mark sends it.
    launch_mailed_at = models.DateTimeField(null=True, blank=True)
    reminder_mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(starts_on__lte=F("due_on")),
                                              name="wellbeing_campaign_dates")]

    def __str__(self) -> str:
        return self.title


class CampaignModule(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "module"],
                                               name="wellbeing_campaign_module_once")]

    def __str__(self) -> str:
        return f"{self.position}: {self.module_id}"


class Completion(models.Model):
    """A person finished a module of a campaign (quiz: passed)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "module", "user"],
                                               name="wellbeing_completion_once")]

    def __str__(self) -> str:
        return f"{self.module_id} by {self.user_id}"


# --- Legal library ---------------------------------------------------------------


class LegalEntry(models.Model):
    """A legal resource the operator curates, with its official source."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    topic = models.CharField(_("topic"), max_length=20, choices=LegalTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    source_title = models.CharField(_("source title"), max_length=300)
    source_issuer = models.CharField(_("issuer"), max_length=200)
    source_date = models.DateField(_("source date"))
    source_url = models.URLField(_("source link"), max_length=500)
    checked_on = models.DateField(_("checked on"))
    review_by = models.DateField(_("review by"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "topic", "title"]
        constraints = [models.CheckConstraint(condition=Q(checked_on__lte=F("review_by")),
                                              name="wellbeing_legal_review_after_check")]

    def __str__(self) -> str:
        return self.title


class HeadOffice(models.Model):
    """The desks of a company's head office, for the evaluation's real-estate effect."""

    company = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                   related_name="+")
    desks = models.PositiveIntegerField(_("desks at the head office"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.desks} desks"
