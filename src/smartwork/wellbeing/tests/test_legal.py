"""The legal library: an entry without a source stores nothing; overdue reviews flagged;
who reads which network's entries."""

from __future__ import annotations

import datetime as dt

import pytest

from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.wellbeing import legal
from smartwork.wellbeing.models import LegalEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)

GOOD = {"language": "fr", "topic": "structural", "title": "CCT 85", "summary": "…",
        "source_title": "CCT n° 85", "source_issuer": "CNT", "source_date": "2005-11-09",
        "source_url": "https://www.cnt-nar.be/", "checked_on": "2026-12-01",
        "review_by": "2027-12-01"}


def test_an_entry_without_a_source_is_refused(network, operator):
    with pytest.raises(InvalidInput) as exc:
        legal.legal_entry_create(actor=operator, network=network,
                                 **{**GOOD, "source_title": "", "source_url": ""})
    assert {"source_title", "source_url"} <= set(exc.value.fields)
    assert "official source" in exc.value.message
    assert not LegalEntry.objects.exists()


def test_only_the_operator_writes(network, company_admin, member):
    for actor in (company_admin, member):
        with pytest.raises(Forbidden):
            legal.legal_entry_create(actor=actor, network=network, **GOOD)


def test_seed_three_languages_and_overdue_flag(network, operator, company_admin, outsider):
    assert legal.legal_seed(actor=operator, network=network, today=TODAY) == 9
    assert legal.legal_seed(actor=operator, network=network, today=TODAY) == 0
    rows = legal.legal_list(actor=company_admin, language="nl", today=TODAY)
    assert len(rows) == 3
    overdue = [r["entry"].title for r in rows if r["overdue"]]
    assert overdue == ["Verplicht telewerk tijdens de coronacrisis (cao nr. 149)"]
    assert len(legal.legal_overdue(actor=operator, network=network, today=TODAY)) == 3
    assert legal.legal_list(actor=outsider, today=TODAY) == []
    entry = LegalEntry.objects.get(language="fr", topic="obligations")
    legal.legal_entry_update(actor=operator, entry=entry, checked_on=TODAY,
                             review_by=TODAY + dt.timedelta(days=365))
    assert len(legal.legal_overdue(actor=operator, network=network, today=TODAY)) == 2


def test_api_create_refuses_without_source_and_lists(api, network, operator, company_admin):
    r = api(operator).post("/wellbeing/legal", {**GOOD, "network": network.pk,
                                                "source_issuer": ""})
    assert r.status_code == 422 and "source_issuer" in r.json()["error"]["fields"]
    r = api(operator).post("/wellbeing/legal", {**GOOD, "network": network.pk})
    assert r.status_code == 201, r.content
    r = api(company_admin).get("/wellbeing/legal", {"language": "fr"})
    assert [e["title"] for e in r.json()["items"]] == ["CCT 85"]
    assert r.json()["items"][0]["source"]["url"] == "https://www.cnt-nar.be/"
    other_op = testing.make_operator(testing.make_network())
    r = api(other_op).post("/wellbeing/legal", {**GOOD, "network": network.pk})
    assert r.status_code == 403


def test_policy_document_pdf_in_the_company_language(network, operator, company,
                                                      company_admin, member):
    from smartwork.wellbeing.policy_document import policy_html, policy_pdf
    from smartwork.workplans.policy import policy_version_create

    legal.legal_seed(actor=operator, network=network, today=TODAY)
    policy_version_create(actor=company_admin, company=company, remote_days=2,
                          effective_from=dt.date(2026, 1, 5), anchor_days=[1],
                          today=dt.date(2026, 1, 1))
    company.language = "nl"
    company.save()
    html = policy_html(actor=company_admin, company=company)
    assert "Telewerkbeleid" in html and "Structureel telewerk (cao nr. 85)" in html
    assert "dinsdag" in html.lower()  # the anchor day, in Dutch
    assert policy_pdf(actor=company_admin, company=company).startswith(b"%PDF")
    with pytest.raises(Forbidden):
        policy_html(actor=member, company=company)


@pytest.mark.parametrize("value", ["a\x00b", "xx", "\u00b2"])
def test_the_legal_pages_take_an_odd_language_as_the_readers(network, operator, company,
                                                             company_admin, value):
    """?language= is one of the library's languages or ignored: a NUL byte reached
    PostgreSQL's query (a 500), another word showed an empty library."""
    from django.test import Client
    from django.utils.html import escape

    from smartwork.workplans.policy import policy_version_create

    legal.legal_seed(actor=operator, network=network, today=TODAY)
    policy_version_create(actor=company_admin, company=company, remote_days=2,
                          effective_from=dt.date(2026, 1, 5), today=dt.date(2026, 1, 1))
    reader = Client()
    reader.force_login(operator)
    page = reader.get("/wellbeing/legal/", {"language": value}, HTTP_ACCEPT_LANGUAGE="en")
    entry = LegalEntry.objects.filter(language="en").order_by("pk").first()
    assert page.status_code == 200 and escape(entry.title) in page.content.decode()
    admin = Client()
    admin.force_login(company_admin)
    pdf = admin.get(f"/wellbeing/company/{company.pk}/policy.pdf", {"language": value})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
