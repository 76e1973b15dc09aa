"""The right to disconnect (issue 18 §2): the hours of a company's policy in which
smartwork sends its people no mail.

`core.mail` asks `quiet_until(user_id, at)` before it delivers a mail that names its
reader (`mail_later(..., quiet_for=user_id)`); inside the reader's quiet hours the mail
waits until they end. The hours are the policy version in force for the person (a team's
override first), read in the network's time zone; a window may cross midnight
(19:00–07:00). A day that is not one of the policy's working days is quiet all day: the
mail waits for the end of the window on the next working day (Monday 07:00).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from smartwork.workplans.models import PolicyVersion


def _in_window(t: dt.time, start: dt.time, end: dt.time) -> bool:
    if start < end:
        return start <= t < end
    return t >= start or t < end  # across midnight


def quiet_end(*, version: PolicyVersion | None, at: dt.datetime) -> dt.datetime | None:
    """When the quiet hours of `version` around `at` end (aware, in UTC's instant), or
    None when `at` is a moment mails may be sent."""
    if version is None or version.disconnect_start is None or version.disconnect_end is None:
        return None
    start, end = version.disconnect_start, version.disconnect_end
    if start == end:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(zone)
    working = set(version.working_days_list)
    if local.weekday() in working and not _in_window(local.time(), start, end):
        return None
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        candidate = dt.datetime.combine(day, end, tzinfo=zone)
        if candidate > local and day.weekday() in working:
            return candidate
    return None  # a policy with no working day: never hold forever


def quiet_until(user_id: int, at: dt.datetime) -> dt.datetime | None:
    """`core.mail`'s hook: the end of this person's quiet hours, if `at` is in them."""
    from smartwork.accounts.models import User
    from smartwork.workplans.policy import policy_for_member

    member = User.objects.filter(pk=user_id).only("pk", "company_id").first()
    if member is None:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    version = policy_for_member(member=member, on=at.astimezone(zone).date())
    return quiet_end(version=version, at=at)
