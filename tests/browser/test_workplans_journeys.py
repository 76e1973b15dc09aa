"""Smart working in the browser, in French and Dutch: the employee plans the week (htmx),
is refused a home day on the anchor day, books a desk from the plan and acknowledges the
policy; the company admin writes a policy (a weekend anchor day is refused inline, then
a valid version is saved) and reads the company's week; the team lead books a team day."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from smartwork.accounts.models import Team, TeamMembership
from smartwork.bookings.models import Booking
from smartwork.core import testing
from smartwork.credits.tests.factories import buy
from smartwork.workplans import policy as policy_services
from smartwork.workplans.models import DayPlan, PolicyAcknowledgement, PolicyVersion
from smartwork.workplans.tests.factories import policy, week_ahead
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"anchor": "jour d'ancrage", "booked": "Réservé", "ack": "J'ai lu cette politique",
           "acked": "Vous avez pris acte", "weekend": "ne peut pas tomber un week-end",
           "saved": "Version 1 enregistrée", "team_booked": "Jour d'équipe réservé",
           "secret": "Écran verrouillé"},
    "nl": {"anchor": "ankerdag", "booked": "Gereserveerd", "ack": "Ik heb dit beleid gelezen",
           "acked": "Je bevestigde deze versie", "weekend": "kan niet in het weekend vallen",
           "saved": "Versie 1 opgeslagen", "team_booked": "Teamdag gereserveerd",
           "secret": "Scherm vergrendelen"},
}


def _team(company: Any, member: Any, n: int = 4) -> Team:
    team = Team.objects.create(company=company, name="Finance")
    TeamMembership.objects.create(team=team, user=member)
    for i in range(n):
        TeamMembership.objects.create(team=team, user=testing.make_user(
            company=company, network=company.network, last_name=f"Collègue {i}"))
    return team


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_employee_plans_the_week_and_acknowledges_the_policy(site: Site, network, centre,
                                                                 company, company_admin, lang):
    t = TEXT[lang]
    buy(company, hours=100)
    member = testing.make_user(company=company, network=network, first_name="Marie",
                               last_name="Dupont", language=lang)
    _team(company, member)
    policy(company_admin, company, remote_days=2, anchor_days=(1,),
           confidentiality={"fr": "Écran verrouillé", "nl": "Scherm vergrendelen", "en": "Lock"})
    mon, tue, wed, *_ = week_ahead()
    page = site.page
    site.login(member)
    site.switch_language(lang)
    site.go(f"/smartworking/week/?week={mon.isoformat()}")
    row = page.locator(f"tr[data-day='{mon.isoformat()}']")
    row.locator("select[name=place]").select_option("home")
    row.locator("form[hx-post] button").click()
    expect(page.locator(f"tr[data-day='{mon.isoformat()}'] .place-home")).to_be_visible()
    assert DayPlan.objects.get(user=member, day=mon).place == "home"
    # Home on the anchor day: refused, with the reason, nothing stored.
    row = page.locator(f"tr[data-day='{tue.isoformat()}']")
    row.locator("select[name=place]").select_option("home")
    row.locator("form[hx-post] button").click()
    expect(page.locator("#week-error")).to_contain_text(t["anchor"])
    assert not DayPlan.objects.filter(user=member, day=tue).exists()
    # A desk at a centre from the plan, in one click.
    page.locator(f"tr[data-day='{wed.isoformat()}'] form.book-desk button").click()
    expect(page.locator(".messages")).to_contain_text(t["booked"])
    assert Booking.objects.filter(member=member, centre=centre).count() == 1
    expect(page.locator(f"tr[data-day='{wed.isoformat()}']")).to_contain_text(centre.name)
    site.shot(f"workplans-my-week-{lang}")
    # The policy in the member's language, acknowledged.
    site.go("/smartworking/policy/")
    expect(page.locator("#confidentiality")).to_contain_text(t["secret"])
    page.get_by_role("button", name=t["ack"]).click()
    expect(page.locator("#acknowledged")).to_contain_text(t["acked"])
    assert PolicyAcknowledgement.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_admin_writes_a_policy_and_the_lead_books_a_team_day(site: Site, browser, network,
                                                                 centre, company, company_admin,
                                                                 lang):
    t = TEXT[lang]
    buy(company, hours=200)
    lead = testing.make_user(company=company, network=network, first_name="Luc",
                             last_name="Lead", language=lang)
    team = _team(company, lead)
    policy_services.team_lead_assign(actor=company_admin, team=team, user=lead)
    page = site.page
    site.login(company_admin)
    site.switch_language(lang)
    site.go(f"/smartworking/company/{company.pk}/policy/")
    form = page.locator("#policy-form")
    form.locator("input[name=remote_days]").fill("2")
    form.locator("input[name=anchor_days][value='5']").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#policy-form")).to_contain_text(t["weekend"])
    assert not PolicyVersion.objects.exists()
    form = page.locator("#policy-form")
    form.locator("input[name=anchor_days][value='5']").uncheck()
    form.locator("input[name=anchor_days][value='1']").check()
    form.locator("select[name=team_day_team]").select_option(str(team.pk))
    form.locator("select[name=team_day_weekday]").select_option("3")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(t["saved"])
    assert PolicyVersion.objects.get().anchor_days == [1]
    site.shot(f"workplans-policy-{lang}")
    site.go(f"/smartworking/company/{company.pk}/week/")
    expect(page.locator("table.company-week")).to_contain_text("Finance")
    site.shot(f"workplans-company-week-{lang}")
    # On a phone each cell is labelled with its column's head: a day and its anchor-day
    # badge read apart ("mardi 1/12 · Jour d'ancrage"), not glued at the <br>.
    site.go(f"/smartworking/company/{company.pk}/week/?week={week_ahead()[0].isoformat()}")
    labels = page.locator("table.company-week tfoot td").evaluate_all(
        "cells => cells.map(c => c.dataset.label || '')")
    anchored = [label for label in labels if t["anchor"].lower() in label.lower()]
    assert anchored and all(" · " in label for label in anchored), labels

    # The team's lead books a block of desks for the whole team.
    lead_site = site
    lead_site.page.context.clear_cookies()
    lead_site.login(lead)
    lead_site.switch_language(lang)
    _mon, _tue, wed, *_ = week_ahead()
    lead_site.go(f"/smartworking/teams/{team.pk}/")
    form = page.locator("#team-day-form")
    form.locator("input[name=day]").fill(wed.isoformat())
    form.locator("select[name=kind]").select_option("desks")
    form.locator("select[name=centre]").select_option(str(centre.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator("#team-day-result")).to_contain_text(t["team_booked"])
    assert Booking.objects.filter(centre=centre).count() == 5
    lead_site.shot(f"workplans-team-day-{lang}")
