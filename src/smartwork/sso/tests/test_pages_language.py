"""The single sign-on pages in French, Dutch and German without a word of the
interface's English (the same finder as the translation walk, web/tests/pages.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.sso.services import sso_configure
from smartwork.web.tests.pages import EnglishFinder


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_login_and_settings_pages_are_translated(company, company_admin, language):
    sso_configure(actor=company_admin, company=company, issuer="https://idp.example",
                  client_id="smartwork", client_secret="x", domains="acme.example",
                  leaver_claim="employee_left")
    finder = EnglishFinder(language)
    anonymous = Client()
    anonymous.cookies["django_language"] = language
    login = anonymous.get("/login/").content.decode()
    assert 'formaction="/login/sso/"' in login
    admin = Client()
    admin.force_login(company_admin)
    admin.cookies["django_language"] = language
    settings_page = admin.get(f"/company/{company.pk}/sso/").content.decode()
    assert finder.find(login) == []
    assert finder.find(settings_page) == []
    invalid = admin.post(f"/company/{company.pk}/sso/", {"issuer": "x", "client_id": "",
                                                          "domains": "no"}).content.decode()
    assert finder.find(invalid) == []
