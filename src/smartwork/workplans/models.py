"""Smart working for companies (issue 18): the policy (append-only versions per
company, with team overrides, and the employees' acknowledgements), team leads,
the weekly plan, team days, the activity analysis and the equipment inventory.

Policies' versions and acknowledgements are append-only: the models refuse an
update or a delete, and the database does too (migration 0002's triggers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartwork.workplans.choices import (
    DEFAULT_WORKING_DAYS,
    BestPlace,
    CapMode,
    EquipmentKind,
    Place,
    RuleAction,
    TeamDayPlace,
    TeamEventKind,
)


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("append-only: write a new row instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("append-only: rows are never deleted")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("append-only: write a new row instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("append-only: rows are never deleted")


class TeamLead(models.Model):
    """A team's lead (a member of the team): plans team days and sees the team week."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="leads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="led_teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_lead_unique")]

    def __str__(self) -> str:
        return f"{self.user} leads {self.team}"


class PolicyVersion(AppendOnly):
    """One version of a company's smart-working policy (team None), or of a team's
    override. In force from `effective_from` until the next version of the same
    scope takes effect. Never edited: a change is a new version."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="smartwork_policies")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="policy_versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField(_("effective from"))
    working_days = models.JSONField(default=list)  # weekdays 0 (Monday) .. 6
    # Remote days a week: together (remote_days) or home and centres separately.
    cap_mode = models.CharField(max_length=10, choices=CapMode.choices, default=CapMode.TOGETHER)
    remote_days = models.PositiveSmallIntegerField(_("remote days per week"), default=0)
    home_days = models.PositiveSmallIntegerField(_("home days per week"), null=True, blank=True)
    centre_days = models.PositiveSmallIntegerField(_("centre days per week"), null=True, blank=True)
    anchor_days = models.JSONField(default=list)  # weekdays everyone is at the head office
    allowed_places = models.JSONField(default=list)  # AllowedPlace values
    core_start = models.TimeField(null=True, blank=True)
    core_end = models.TimeField(null=True, blank=True)
    disconnect_start = models.TimeField(null=True, blank=True)  # no mails from smartwork
    disconnect_end = models.TimeField(null=True, blank=True)
    # Texts in each language: {"en": "...", "fr": "...", "nl": "..."}
    confidentiality = models.JSONField(default=dict, blank=True)
    equipment_rules = models.JSONField(default=dict, blank=True)
    on_anchor_day = models.CharField(max_length=10, choices=RuleAction.choices,
                                     default=RuleAction.REFUSE)
    beyond_remote_days = models.CharField(max_length=10, choices=RuleAction.choices,
                                          default=RuleAction.REFUSE)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "team", "-effective_from"]
        indexes = [models.Index(fields=["company", "effective_from"], name="wp_policy_company_from")]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], condition=Q(team__isnull=True),
                                    name="wp_policy_company_number"),
            models.UniqueConstraint(fields=["team", "number"], condition=Q(team__isnull=False),
                                    name="wp_policy_team_number"),
            models.UniqueConstraint(fields=["company", "effective_from"],
                                    condition=Q(team__isnull=True), name="wp_policy_company_from_u"),
            models.UniqueConstraint(fields=["team", "effective_from"],
                                    condition=Q(team__isnull=False), name="wp_policy_team_from_u"),
            models.CheckConstraint(condition=Q(remote_days__lte=7), name="wp_policy_remote_le_7"),
            models.CheckConstraint(
                condition=Q(core_start__isnull=True) | Q(core_end__isnull=True)
                | Q(core_start__lt=F("core_end")), name="wp_policy_core_in_order"),
        ]

    def __str__(self) -> str:
        scope = f"team {self.team_id}" if self.team_id else f"company {self.company_id}"
        return f"{scope} policy v{self.number} from {self.effective_from}"

    def text(self, field: str, language: str) -> str:
        """A text of the policy in `language`, else English, else any."""
        texts: dict[str, str] = getattr(self, field) or {}
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")

    @property
    def working_days_list(self) -> list[int]:
        return list(self.working_days or DEFAULT_WORKING_DAYS)


class PolicyTeamDay(AppendOnly):
    """A team day of a policy version: the team meets on this weekday, at the head
    office or in a centre."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="team_days")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    place = models.CharField(max_length=12, choices=TeamDayPlace.choices)
    centre = models.ForeignKey("network.Centre", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "team", "weekday"], name="wp_team_day_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="wp_team_day_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} meets on {self.weekday}"


class PolicyAcknowledgement(AppendOnly):
    """An employee has read and acknowledged a policy version (in a language)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT,
                                related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="policy_acknowledgements")
    language = models.CharField(max_length=5)
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="wp_ack_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.version_id}"


class PlanSettings(models.Model):
    """An employee's choices about their plan: whether colleagues see the centre's
    name (default: only the category), and the secret of their .ics feed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="plan_settings")
    show_centre_name = models.BooleanField(default=False)
    feed_token = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan settings of {self.user_id}"


class DayPlan(models.Model):
    """Where an employee plans to work on a day. Days with a centre booking need no
    row: the plan reads them from the bookings."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="day_plans")
    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    day = models.DateField()
    place = models.CharField(max_length=12, choices=Place.choices)
    centre = models.ForeignKey("network.Centre", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        indexes = [models.Index(fields=["company", "day"], name="wp_dayplan_company_day")]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="wp_dayplan_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.place}"


class TeamEvent(models.Model):
    """A team day booked for a whole team in one step: a meeting room or a block of
    desks in one centre; `results` says per person what was booked or what conflicted."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="events")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=TeamEventKind.choices)
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey("network.Resource", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    slot = models.CharField(max_length=10)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    results = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"Team day {self.team_id} {self.day}"


class Activity(models.Model):
    """An activity of a team or a job role, rated for where it can be done."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="activities")
    job_role = models.CharField(_("job role"), max_length=100, blank=True)
    name = models.CharField(_("activity"), max_length=150)
    needs_head_office = models.BooleanField(_("needs the head office"), default=False)
    centre_ok = models.BooleanField(_("can be done at a centre"), default=True)
    home_ok = models.BooleanField(_("can be done at home"), default=True)
    needs_quiet = models.BooleanField(_("needs quiet"), default=False)
    needs_colleagues = models.BooleanField(_("needs colleagues"), default=False)
    confidential = models.BooleanField(_("handles confidential data"), default=False)
    # Share of the team's time (percent) the admin estimates; answers refine it.
    time_share = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "job_role", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(time_share__lte=100), name="wp_activity_share"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityAnswer(models.Model):
    """An employee's own answer about an activity: the share of their time, where they
    do it best. Private: the company sees team aggregates of 5 people or more."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="activity_answers")
    time_share = models.PositiveSmallIntegerField()
    best_place = models.CharField(max_length=12, choices=BestPlace.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="wp_answer_unique"),
            models.CheckConstraint(condition=Q(time_share__lte=100), name="wp_answer_share"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.activity_id}"


class EquipmentItem(models.Model):
    """An item of a company's inventory (laptop, screen, headset, ...)."""

    company = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=EquipmentKind.choices)
    label = models.CharField(_("label"), max_length=150)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["company", "serial"], condition=~Q(serial=""),
                                    name="wp_equipment_serial_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.serial})" if self.serial else self.label


class EquipmentLoan(models.Model):
    """An item handed out to an employee on a date, returned on a date; the employee
    signs an acknowledgement (their typed name, the time)."""

    item = models.ForeignKey(EquipmentItem, on_delete=models.CASCADE, related_name="loans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="equipment_loans")
    handed_out_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handed_out_on", "-id"]
        constraints = [
            # One open loan per item.
            models.UniqueConstraint(fields=["item"], condition=Q(returned_on__isnull=True),
                                    name="wp_loan_one_open_per_item"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("handed_out_on")),
                name="wp_loan_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} to {self.user_id}"


__all__ = [
    "Activity", "ActivityAnswer", "AppendOnlyError", "DayPlan", "EquipmentItem",
    "EquipmentLoan", "Place", "PlanSettings", "PolicyAcknowledgement", "PolicyTeamDay",
    "PolicyVersion", "TeamEvent", "TeamLead",
]
