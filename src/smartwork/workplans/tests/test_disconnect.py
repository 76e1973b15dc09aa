"""The right to disconnect: mails that smartwork sends on its own schedule or on someone
else's action wait for the end of the reader's quiet hours (workplans/disconnect.py,
core/mail.py); mails to people without such hours go at once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from smartwork.core import mail as outbox
from smartwork.core import testing
from smartwork.workplans.disconnect import quiet_end, quiet_until
from smartwork.workplans.tests.factories import policy

BXL = ZoneInfo("Europe/Brussels")


def _version(start: str, end: str, days: tuple[int, ...] = (0, 1, 2, 3, 4)) -> SimpleNamespace:
    return SimpleNamespace(disconnect_start=dt.time.fromisoformat(start),
                           disconnect_end=dt.time.fromisoformat(end),
                           working_days_list=list(days))


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # December 2026: the 8th is a Tuesday.
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=BXL)


@pytest.mark.parametrize(("at", "expected"), [
    (_at(8, 20), _at(9, 7)),     # Tuesday evening → Wednesday 07:00
    (_at(8, 6, 59), _at(8, 7)),  # Tuesday early morning → Tuesday 07:00
    (_at(8, 19), _at(9, 7)),     # the window's first minute is quiet
    (_at(8, 7), None),           # its end is not
    (_at(8, 12), None),          # working hours
    (_at(11, 20), _at(14, 7)),   # Friday evening → Monday 07:00
    (_at(12, 12), _at(14, 7)),   # Saturday noon: not a working day → Monday 07:00
])
def test_quiet_end_across_midnight_and_the_weekend(at, expected):
    assert quiet_end(version=_version("19:00", "07:00"), at=at) == expected


def test_a_window_inside_the_day_and_no_window():
    lunch = _version("12:00", "14:00", days=tuple(range(7)))
    assert quiet_end(version=lunch, at=_at(8, 13)) == _at(8, 14)
    assert quiet_end(version=lunch, at=_at(8, 14, 30)) is None
    assert quiet_end(version=_version("09:00", "09:00"), at=_at(8, 9)) is None
    assert quiet_end(version=None, at=_at(8, 20)) is None


@pytest.mark.django_db
def test_the_hook_reads_the_policy_in_force_for_the_person(company, company_admin, member):
    now = timezone.now()
    assert quiet_until(member.pk, now) is None  # no policy yet
    local = now.astimezone(BXL)
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    policy(company_admin, company, working_days=list(range(7)),
           disconnect_start=start, disconnect_end=end)
    until = quiet_until(member.pk, now)
    assert until is not None and now < until <= now + dt.timedelta(hours=1, minutes=1)
    assert outbox.quiet_until(user_id=member.pk, at=now) == until  # registered in core
    outsider = testing.make_user(network=company.network)
    assert quiet_until(outsider.pk, now) is None


@pytest.mark.django_db(transaction=True)
def test_survey_invitations_wait_for_the_end_of_quiet_hours(settings, company, company_admin,
                                                             member):
    """With the database task backend: the worker puts a survey invitation back until the
    reader's window ends, without counting an attempt; another company's staff, with no
    such hours, get theirs at once."""
    from django_tasks_db.models import DBTaskResult

    from smartwork.wellbeing.emails import send_survey_invitations
    from smartwork.wellbeing.tests.helpers import survey

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    local = timezone.now().astimezone(BXL)
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    policy(company_admin, company, working_days=list(range(7)),
           disconnect_start=start, disconnect_end=end)
    other_company = testing.make_organisation(network=company.network)
    other_admin = testing.make_company_admin(other_company)
    other = testing.make_user(company=other_company, network=company.network)
    quiet_survey = survey(company, company_admin)
    open_survey = survey(other_company, other_admin)
    assert send_survey_invitations(survey_id=quiet_survey.pk) == 2  # member + admin
    assert send_survey_invitations(survey_id=open_survey.pk) == 2
    mail.outbox.clear()
    call_command("db_worker", "--batch", "--no-reload", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([other.email, other_admin.email])
    held = DBTaskResult.objects.filter(task_path=outbox.MAIL_TASK_PATH, status="READY")
    assert sorted(r.args_kwargs["args"][3] for r in held) == sorted(
        [member.pk, company_admin.pk])
    for row in held:
        assert row.args_kwargs["args"][2] == 1  # still the first attempt
        assert row.run_after > timezone.now() + dt.timedelta(minutes=30)

    # The window is over (here: no quiet hours any more, and the rows are due): sent.
    held.update(run_after=timezone.now() - dt.timedelta(seconds=1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox, "_QUIET_HOURS", [])
        call_command("db_worker", "--batch", "--no-reload", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox[2:]) == sorted([member.email, company_admin.email])
