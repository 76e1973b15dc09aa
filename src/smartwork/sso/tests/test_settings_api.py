"""The company admin's single sign-on settings, through the API and the page: the
secret is write-only and encrypted, every change audited (never the secret), a domain
belongs to one company, bad input answers 4xx naming the field."""

from __future__ import annotations

import json

import pytest

from smartwork.accounts.choices import OrganisationKind
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.sso.models import CompanySso
from smartwork.sso.selectors import sso_for_email

BODY = {"issuer": "https://login.example.com/tenant/v2.0", "client_id": "smartwork",
        "client_secret": "very-secret-value", "domains": ["Acme.example", "@acme.be"]}


def test_the_admin_connects_the_provider_and_never_reads_the_secret_back(api, company,
                                                                         company_admin):
    client = api(company_admin)
    empty = client.get(f"/companies/{company.pk}/sso")
    assert empty.status_code == 200 and empty.json()["connected"] is False
    assert empty.json()["redirect_uri"] == "http://testserver/login/sso/callback/"
    response = client.put(f"/companies/{company.pk}/sso", BODY)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["connected"] and body["client_secret_set"] is True
    assert body["domains"] == ["acme.be", "acme.example"]
    assert "very-secret-value" not in json.dumps(body)
    got = client.get(f"/companies/{company.pk}/sso").json()
    assert "very-secret-value" not in json.dumps(got) and "client_secret" not in got
    entry = AuditEntry.objects.get(action="company.sso_configured")
    assert entry.actor_id == company_admin.pk and entry.network_id == company.network_id
    assert "very-secret-value" not in json.dumps(entry.data)
    assert "client_secret" in entry.data["changed"]
    # Without a secret the stored one stays.
    sealed = CompanySso.objects.get().client_secret_encrypted
    again = client.put(f"/companies/{company.pk}/sso", {**BODY, "client_secret": None,
                                                        "enabled": False})
    assert again.status_code == 200 and again.json()["enabled"] is False
    assert CompanySso.objects.get().client_secret_encrypted == sealed
    assert sso_for_email(email="x@acme.be") is None  # switched off: no routing
    assert client.delete(f"/companies/{company.pk}/sso").status_code == 204
    assert not CompanySso.objects.exists()
    assert AuditEntry.objects.filter(action="company.sso_disconnected").exists()


def test_the_first_connection_needs_a_secret(api, company, company_admin):
    response = api(company_admin).put(f"/companies/{company.pk}/sso",
                                      {**BODY, "client_secret": None})
    assert response.status_code == 422
    assert "client_secret" in response.json()["error"]["fields"]


@pytest.mark.parametrize("field,value", [("issuer", "not a url"), ("client_id", " "),
                                         ("domains", ["no_domain"]), ("domains", []),
                                         ("leaver_claim", "has space")])
def test_bad_input_names_the_field(api, company, company_admin, field, value):
    response = api(company_admin).put(f"/companies/{company.pk}/sso", {**BODY, field: value})
    assert response.status_code == 422
    assert field in json.dumps(response.json()["error"]["fields"])


def test_a_domain_belongs_to_one_company(api, company, company_admin, network):
    other = testing.make_organisation(kind=OrganisationKind.COMPANY, network=network,
                                      legal_name="Other SA")
    assert api(company_admin).put(f"/companies/{company.pk}/sso", BODY).status_code == 200
    response = api(testing.make_company_admin(other)).put(
        f"/companies/{other.pk}/sso", {**BODY, "domains": ["other.example", "ACME.EXAMPLE"]})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "domain_taken"
    assert "acme.example" in response.json()["error"]["message"]
    assert sso_for_email(email="a@acme.example").company_id == company.pk


def test_the_operator_does_not_manage_a_companys_sign_on(api, company, operator):
    assert api(operator).put(f"/companies/{company.pk}/sso", BODY).status_code == 403


def test_the_settings_page_saves_and_keeps_the_secret_hidden(client, company, company_admin):
    client.force_login(company_admin)
    page = client.get(f"/company/{company.pk}/sso/")
    assert page.status_code == 200
    assert b"/login/sso/callback/" in page.content
    form = {"issuer": BODY["issuer"], "client_id": "smartwork", "client_secret": "pw-123456",
            "domains": "acme.example, acme.be", "leaver_claim": "", "enabled": "on"}
    response = client.post(f"/company/{company.pk}/sso/", form)
    assert response.status_code == 302
    page = client.get(f"/company/{company.pk}/sso/")
    assert b"pw-123456" not in page.content
    assert b"acme.be, acme.example" in page.content
    bad = client.post(f"/company/{company.pk}/sso/", {**form, "domains": "nope"})
    assert bad.status_code == 200 and b"nope" in bad.content
