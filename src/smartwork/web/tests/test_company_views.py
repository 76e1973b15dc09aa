"""Company admin pages and the member's credit and WiFi pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from smartwork.accounts.models import Invitation, Team, User
from smartwork.credits.models import Allotment
from smartwork.credits.services import credit_package_create

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def package(network, operator):
    return credit_package_create(actor=operator, network=network, name="100 hours", hours=100,
                                 price_net=Decimal("550.00"))


def test_company_admin_invites_and_the_invitee_joins(company_admin, company,
                                                     django_capture_on_commit_callbacks):
    client = client_for(company_admin)
    assert client.get(reverse("web:company_home"))["Location"] == reverse(
        "web:company_staff", args=[company.pk])
    url = reverse("web:company_staff", args=[company.pk])
    response = client.post(url, {"inv-email": "not-an-email", "invite": "1"})
    assert response.status_code == 200 and 'value="not-an-email"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"inv-email": "new@example.org", "inv-first_name": "Nina",
                                     "invite": "1"})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="new@example.org").exists()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/accept" in line)
    path = link.split("127.0.0.1:8000")[-1]
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    token = path.split("token=")[1]
    response = anonymous.post(reverse("web:invitation_accept"),
                              {"token": token, "first_name": "Nina", "last_name": "Nova",
                               "password": "a-long-secret-9"})
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").company_id == company.pk


def test_csv_import_reports_each_bad_row(company_admin, company):
    client = client_for(company_admin)
    bad = SimpleUploadedFile("staff.csv", b"email,first_name,last_name\nnope,A,B\nok@example.org,C,D\n",
                             content_type="text/csv")
    response = client.post(reverse("web:company_staff", args=[company.pk]),
                           {"csv-file": bad, "import": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "import-report" in body and "nope" in body
    assert not User.objects.filter(email="ok@example.org").exists()
    good = SimpleUploadedFile("staff.csv", b"email,first_name,last_name\nok@example.org,C,D\n",
                              content_type="text/csv")
    assert client.post(reverse("web:company_staff", args=[company.pk]),
                       {"csv-file": good, "import": "1"}).status_code == 302
    assert User.objects.filter(email="ok@example.org", company=company).exists()


def test_teams_and_leavers(company_admin, company, member):
    client = client_for(company_admin)
    url = reverse("web:company_teams", args=[company.pk])
    assert client.post(url, {"team-name": "Sales", "create_team": "1"}).status_code == 302
    team = Team.objects.get(company=company, name="Sales")
    client.post(url, {"team": team.pk, "user": member.pk, "add_member": "1"})
    assert team.memberships.filter(user=member).exists()
    client.post(reverse("web:staff_deactivate", args=[company.pk, member.pk]))
    member.refresh_from_db()
    assert member.is_active is False


def test_buy_credit_allot_and_export_the_ledger(company_admin, company, member, package):
    client = client_for(company_admin)
    url = reverse("web:company_credit", args=[company.pk])
    assert client.post(url, {"buy-package": package.pk, "buy": "1"}).status_code == 302
    response = client.post(url, {"allot-hours": "100000", "allot-member": member.pk,
                                 "allot-period": "whole", "allot-at_period_end": "return",
                                 "allot": "1"})
    assert response.status_code == 200 and "allot-form" in response.content.decode()
    assert not Allotment.objects.exists()
    assert client.post(url, {"allot-hours": "10", "allot-member": member.pk,
                             "allot-period": "whole", "allot-at_period_end": "return",
                             "allot": "1"}).status_code == 302
    assert Allotment.objects.get(member=member).minutes_per_period == 600
    csv = client.get(reverse("web:company_ledger", args=[company.pk]), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and b"allotment" in csv.content
    page = client_for(member).get(reverse("web:my_credit")).content.decode()
    assert "10\u00a0h" in page


def test_company_pages_refused_to_others(member, company, outsider):
    assert client_for(member).get(reverse("web:company_staff", args=[company.pk])
                                  ).status_code == 403
    assert client_for(outsider).get(reverse("web:company_credit", args=[company.pk])
                                    ).status_code == 403
    assert client_for(member).get(reverse("web:company_home")).status_code == 403


def test_member_wifi_password_shown_once(member):
    client = client_for(member)
    assert "Create my WiFi login" in client.get(reverse("web:my_wifi")).content.decode()
    response = client.post(reverse("web:my_wifi_password"))
    assert 'id="wifi-password"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert 'id="wifi-password"' not in client.get(reverse("web:my_wifi")).content.decode()


def test_the_superuser_chooses_any_company_and_opens_its_pages(client, db):
    from smartwork.accounts.models import User
    from smartwork.core import testing as t

    network = t.make_network()
    acme = t.make_organisation(network=network, legal_name="Acme")
    globex = t.make_organisation(network=network, legal_name="Globex")
    boss = User.objects.create_superuser("root@example.org", "pass-1234")
    client.force_login(boss)
    page = client.get("/company/")
    html = page.content.decode()
    assert page.status_code == 200 and "Acme" in html and "Globex" in html
    assert 'href="/company/' in client.get("/").content.decode()  # "Companies" in the menu
    html = client.get("/company/", {"q": "glob"}).content.decode()
    assert "Globex" in html and "Acme" not in html
    for path in ("staff", "teams", "credit", "ledger", "bookings", "approvals"):
        assert client.get(f"/company/{acme.pk}/{path}/").status_code == 200, path
    # An admin of one company goes straight to its pages.
    client.force_login(t.make_company_admin(globex))
    assert client.get("/company/")["Location"] == f"/company/{globex.pk}/staff/"


@pytest.mark.parametrize("value", ["\u00b2", "x", "1\x00", str(2**63)])
def test_adding_to_a_team_refuses_an_odd_team_id(company_admin, company, member, value):
    """The team's id is read as plain digits within 64 bits: "²" or a letter made the
    query raise (a 500); now it is no team, the page again, nobody added."""
    client = client_for(company_admin)
    url = reverse("web:company_teams", args=[company.pk])
    team = Team.objects.create(company=company, name="Sales")
    answer = client.post(url, {"team": value, "user": member.pk, "add_member": "1"})
    assert answer.status_code in (200, 302)
    assert not team.memberships.exists()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_invitee_keeps_the_language_they_accept_in(company_admin, company, language):
    """A new account takes the page's language (not the default French), and the login
    that follows sets it, as a password login does."""
    from django.conf import settings

    from smartwork.accounts.services import invitation_create

    _invitation, token = invitation_create(actor=company_admin, company=company,
                                           email=f"new-{language}@example.org")
    anonymous = Client()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = anonymous.post(reverse("web:invitation_accept"),
                              {"token": token, "first_name": "Nina",
                               "last_name": "Nova", "password": "a-long-secret-9"})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert User.objects.get(email=f"new-{language}@example.org").language == language
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert anonymous.get(reverse("web:home")).status_code == 200


def test_an_invitee_with_an_account_in_use_keeps_their_saved_language(company_admin, company):
    from django.conf import settings

    from smartwork.accounts.services import invitation_create
    from smartwork.core import testing

    person = testing.make_user(email="used@example.org", language="fr")
    _invitation, token = invitation_create(actor=company_admin, company=company,
                                           email=person.email)
    anonymous = Client()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = anonymous.post(reverse("web:invitation_accept"),
                              {"token": token, "first_name": "",
                               "last_name": "", "password": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "fr" and person.company_id == company.pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
