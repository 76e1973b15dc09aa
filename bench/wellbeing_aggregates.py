"""Benchmark: pulse-survey aggregates of a 2,000-person company, PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sw_wellbeing_bench \
        .venv/bin/python bench/wellbeing_aggregates.py

Creates (once) the database, migrates it and fills it with one company of 2,000
employees in 40 teams, 60 monthly surveys (five years) of the six default indicators,
and 102,000 responses (85 % of the staff each month) with their 612,000 indicator
scores, written by SQL generate_series. Then times, five runs each, median and max:
the company's results over the five years (every survey, per indicator and per team
with the folding), over the last twelve months, and the operator's network view
(per month and company). Prints the figures recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
os.environ.setdefault("SMARTWORK_DEMO", "1")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be created and filled).")

import psycopg

url = os.environ["DATABASE_URL"]
dbname = url.rsplit("/", 1)[1]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
        admin.execute(f'CREATE DATABASE "{dbname}"')

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

call_command("migrate", verbosity=0)

from smartwork.accounts.models import Team, TeamMembership, User  # noqa: E402
from smartwork.core import testing  # noqa: E402
from smartwork.wellbeing import selectors  # noqa: E402
from smartwork.wellbeing.models import IndicatorScore, Survey, SurveyResponse  # noqa: E402

PEOPLE, TEAMS, MONTHS = 2000, 40, 60
KEYS = ["who5", "isolation", "digital_overload", "work_life_balance", "productivity_self",
        "it_security"]


@transaction.atomic
def fill() -> tuple[User, object]:
    admin = User.objects.filter(email="bench-admin@example.org").first()
    if admin is not None:
        return admin, admin.company
    network = testing.make_network(name="Bench network")
    company = testing.make_organisation(network=network, legal_name="Bench company")
    admin = testing.make_company_admin(company, email="bench-admin@example.org")
    User.objects.bulk_create([User(email=f"p{i}@bench.example.org", company=company,
                                   network=network) for i in range(PEOPLE - 1)], batch_size=1000)
    teams = Team.objects.bulk_create([Team(company=company, name=f"Team {t:02d}")
                                      for t in range(TEAMS)])
    people = list(User.objects.filter(company=company).order_by("pk"))
    TeamMembership.objects.bulk_create([TeamMembership(team=teams[i % TEAMS], user=u)
                                        for i, u in enumerate(people)], batch_size=2000)
    first = dt.date(2021, 1, 1)
    surveys = []
    for m in range(MONTHS):
        opens = dt.date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1)
        surveys.append(Survey(company=company, title=f"Pulse {opens:%Y-%m}", origin="scheduled",
                              period=f"{opens:%Y-%m}", opens_on=opens,
                              closes_on=opens + dt.timedelta(days=13), indicators=KEYS))
    Survey.objects.bulk_create(surveys)
    sr, sc = SurveyResponse._meta.db_table, IndicatorScore._meta.db_table
    tm = TeamMembership._meta.db_table
    with connection.cursor() as cur:
        # 85 % of the staff answer each survey (a deterministic pseudo-random pick).
        cur.execute(f"""
            INSERT INTO {sr} (survey_id, company_id, team_id, respondent, submitted_on, answers)
            SELECT s.id, s.company_id, m.team_id, md5(u.id::text || '-bench'), s.opens_on, '{{}}'
            FROM wellbeing_survey s
            JOIN accounts_user u ON u.company_id = s.company_id
            JOIN {tm} m ON m.user_id = u.id
            WHERE s.company_id = %s AND (hashtext(u.id::text || '-' || s.id::text) & 1023) < 870
        """, [company.pk])
        cur.execute(f"""
            INSERT INTO {sc} (response_id, survey_id, company_id, team_id, indicator, score)
            SELECT r.id, r.survey_id, r.company_id, r.team_id, k.key,
                   (abs(hashtext(r.id::text || k.key)) %% 21) * 5
            FROM {sr} r CROSS JOIN unnest(%s::text[]) AS k(key)
            WHERE r.company_id = %s
        """, [KEYS, company.pk])
        cur.execute("ANALYZE")
    return admin, company


def timed(label: str, fn: object, runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    print(f"{label:<58} median {statistics.median(times) * 1000:7.1f} ms"
          f"   max {max(times) * 1000:7.1f} ms")


def main() -> None:
    admin, company = fill()
    operator = testing.make_operator(company.network)  # type: ignore[attr-defined]
    responses = SurveyResponse.objects.filter(company=company).count()
    scores = IndicatorScore.objects.filter(company=company).count()
    print(f"{PEOPLE} people, {TEAMS} teams, {MONTHS} surveys, {responses} responses, "
          f"{scores} indicator scores")
    data = selectors.company_results(actor=admin, company=company)
    print(f"check: {len(data['surveys'])} surveys, {len(data['teams'])} team rows, "
          f"who5 first mean {data['series']['who5'][0]['mean']}")
    timed("company results, 5 years (all surveys, teams folded)",
          lambda: selectors.company_results(actor=admin, company=company))
    timed("company results, last 12 months",
          lambda: selectors.company_results(actor=admin, company=company,
                                            date_from=dt.date(2025, 1, 1)))
    timed("network results (operator, per month and company)",
          lambda: selectors.network_results(actor=operator,
                                            network=company.network))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
