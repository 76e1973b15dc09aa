from __future__ import annotations

import datetime as dt
from typing import Any

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.wellbeing import services
from smartwork.wellbeing.models import Survey

TODAY = dt.date(2026, 3, 10)


def who5(raw_each: int) -> dict[str, int]:
    return {f"who5_{i}": raw_each for i in range(1, 6)}


def full_answers(who5_each: int = 3, iso: int = 2, dig: int = 2, wlb: int = 4, prod: int = 7,
                 sec: int = 1) -> dict[str, int]:
    return {**who5(who5_each), "iso_1": iso, "dig_1": dig, "wlb_1": wlb, "prod_1": prod,
            "sec_mfa": sec, "sec_updates": sec, "sec_backup": sec, "sec_lock": sec,
            "sec_network": sec}


def survey(company: Any, admin: Any, *, opens_on: dt.date = TODAY, days: int = 14,
           indicators: list[str] | None = None, title: str = "March pulse") -> Survey:
    return services.survey_create(
        actor=admin, company=company, title=title, opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=days),
        indicators=indicators or ["who5", "isolation", "digital_overload", "work_life_balance",
                                  "productivity_self", "it_security"])


def staff(company: Any, n: int, team: Team | None = None) -> list[Any]:
    people = [testing.make_user(company=company, network=company.network) for _ in range(n)]
    if team is not None:
        TeamMembership.objects.bulk_create([TeamMembership(team=team, user=p) for p in people])
    return people
