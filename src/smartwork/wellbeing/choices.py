from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    PRODUCTIVITY = "productivity", _("Productivity")
    SOCIAL = "social", _("Social well-being")
    SECURITY = "security", _("IT security")


class SurveyOrigin(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MANUAL = "manual", _("Created by the company")


class ModuleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Video")
    CHECKLIST = "checklist", _("Checklist")
    QUIZ = "quiz", _("Quiz")


class Topic(models.TextChoices):
    OBJECTIVES = "objectives", _("Working by objectives")
    DISCONNECT = "disconnect", _("Right to disconnect and digital overload")
    RITUALS = "rituals", _("Team rituals and meeting face to face")
    SECURITY = "security", _("Secure remote work")
    ERGONOMICS = "ergonomics", _("Ergonomics at home and in a centre")
    CENTRES = "centres", _("Working from a centre of the network")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    COMPANY = "company", _("The whole company")
    TEAMS = "teams", _("Some teams")
    NEWCOMERS = "newcomers", _("Newcomers")


class LegalTopic(models.TextChoices):
    STRUCTURAL = "structural", _("Structural telework")
    OCCASIONAL = "occasional", _("Occasional telework")
    OBLIGATIONS = "obligations", _("Employer's obligations")
    ALLOWANCES = "allowances", _("Allowances and costs")
    INSURANCE = "insurance", _("Insurance")
    WORKING_TIME = "working_time", _("Working time and disconnection")
    DATA = "data", _("Data protection")


LANGUAGES = (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"))
