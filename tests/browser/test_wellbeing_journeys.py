"""Well-being in a real browser, in French and Dutch: a member answers the pulse
survey on a phone and passes the security quiz; a company admin reads the aggregates
and is told a survey needs a question; the operator reads the legal library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartwork.accounts.models import Team, TeamMembership
from smartwork.core import testing
from smartwork.wellbeing import legal, services, training
from smartwork.wellbeing.models import Completion, Module, SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _survey(company, admin, indicators=("who5", "isolation")):
    today = timezone.localdate()
    return services.survey_create(actor=admin, company=company, title="Pulse",
                                  opens_on=today - dt.timedelta(days=1),
                                  closes_on=today + dt.timedelta(days=5),
                                  indicators=list(indicators))


def test_member_answers_the_pulse_survey_on_a_phone_in_french(phone_site, company,
                                                              company_admin, member):
    survey = _survey(company, company_admin)
    page = phone_site.page
    phone_site.login(member)
    # On a phone the language buttons sit in the folded menu: set the language cookie.
    from django.conf import settings

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr",
                               "url": phone_site.base_url}])
    phone_site.go("/")
    card = page.locator(f"#pulse-{survey.pk}")
    expect(card).to_contain_text("Une minute pour votre enquête éclair")
    phone_site.shot("wellbeing-home-card-fr-phone", full_page=False)
    card.get_by_role("button", name="Répondre maintenant").click()
    expect(page.locator("h2").first).to_contain_text("Bien-être (WHO-5)")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".form-errors")).to_contain_text("Des réponses manquent")
    expect(page.locator("fieldset .errorlist").first).to_contain_text(
        "Répondez à cette question.")
    assert not SurveyResponse.objects.exists()
    for fieldset in page.locator("form.survey fieldset").all():
        fieldset.locator("label").nth(1).click()
    phone_site.shot("wellbeing-survey-fr-phone")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".messages")).to_contain_text("Merci")
    expect(page.locator("#mine-h")).to_have_text("Mes résultats")
    expect(page.locator("table")).to_contain_text("80")  # WHO-5: raw 4 x 5 items x 4
    assert SurveyResponse.objects.count() == 1
    phone_site.shot("wellbeing-my-results-fr-phone")


def test_member_passes_the_security_quiz_in_dutch(site, network, operator, company,
                                                  company_admin, member):
    training.library_seed(actor=operator, network=network)
    quiz = Module.objects.get(slug="security", language="nl")
    today = timezone.localdate()
    campaign = training.campaign_create(actor=company_admin, company=company,
                                        title="Veilig telewerken", audience="company",
                                        starts_on=today, due_on=today + dt.timedelta(days=7),
                                        module_ids=[quiz.pk])
    page = site.page
    site.login(member)
    site.switch_language("nl")
    site.go("/wellbeing/")
    page.get_by_role("link", name="Veilig telewerken").last.click()
    for i in range(4):
        page.locator(f"input[name=q{i}]").first.check()
    page.get_by_role("button", name="Mijn antwoorden nakijken").click()
    expect(page.locator(".msg.warning")).to_contain_text("75% is nodig")
    assert not Completion.objects.exists()
    for i, right in enumerate([1, 0, 1, 1]):
        page.locator(f"input[name=q{i}]").nth(right).check()
    site.shot("wellbeing-quiz-nl")
    page.get_by_role("button", name="Mijn antwoorden nakijken").click()
    expect(page.locator(".messages")).to_contain_text("Module afgerond")
    assert Completion.objects.filter(campaign=campaign, user=member).count() == 1


def test_company_admin_reads_aggregates_in_dutch(site, company, company_admin):
    team = Team.objects.create(company=company, name="Ops")
    people = [testing.make_user(company=company, network=company.network) for _ in range(6)]
    for person in people:
        TeamMembership.objects.create(team=team, user=person)
    today = timezone.localdate()
    for back, lift in ((62, -1), (31, 0), (1, 1)):
        opens = today - dt.timedelta(days=back)
        s = services.survey_create(actor=company_admin, company=company, title=f"{opens:%Y-%m}",
                                   opens_on=opens, closes_on=opens + dt.timedelta(days=5),
                                   indicators=["who5", "isolation"])
        for i, person in enumerate(people):
            answers = {f"who5_{k}": 2 + i % 2 + lift for k in range(1, 6)}
            services.survey_answer(actor=person, survey=s, answers={**answers, "iso_1": 3},
                                   today=opens)
    page = site.page
    site.login(company_admin)
    site.switch_language("nl")
    site.go(f"/wellbeing/company/{company.pk}/")
    expect(page.locator("table.results")).to_contain_text("50,0")  # (3 x 40 + 3 x 60) / 6, Dutch
    expect(page.locator("figure svg")).to_be_visible()
    form = page.locator("form").filter(has=page.locator("input[value=survey]"))
    for box in form.locator("input[type=checkbox]").all():
        box.uncheck()
    form.get_by_role("button", name="De enquête openen").click()
    expect(form.locator(".errorlist")).to_contain_text(
        "Een enquête heeft minstens één vraag nodig")
    site.shot("wellbeing-company-nl")


def test_operator_reads_the_legal_library_in_french(site, network, operator, company):
    legal.legal_seed(actor=operator, network=network)
    page = site.page
    site.login(operator)
    site.switch_language("fr")
    site.go("/wellbeing/legal/?language=fr")
    expect(page.locator("article.legal-entry")).to_have_count(3)
    expect(page.locator(".msg.warning")).to_contain_text("a dépassé sa date de révision")
    expect(page.locator("article.overdue")).to_contain_text("CCT n° 149")
    site.shot("wellbeing-legal-fr")
