from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from smartwork.accounts.models import Invitation, Team, TeamMembership, User
from smartwork.accounts.services import invitation_token
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.core.tests.errors import assert_error
from smartwork.credits.models import Membership

pytestmark = pytest.mark.django_db


def upload(api_client, company, text, name="staff.csv"):
    return api_client.client.post(
        f"/api/v1/companies/{company.pk}/staff/import",
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def _subscriber(operator, network, email):
    """An independent member of `network` with a membership of their own."""
    from decimal import Decimal

    from smartwork.credits.services import membership_plan_create, membership_start

    person = testing.make_user(email=email, network=network)
    plan = membership_plan_create(actor=operator, network=network, name="Flex",
                                  monthly_fee_net=Decimal("99"), included_hours=8)
    membership_start(actor=person, member=person, plan=plan)
    return person


class TestInvitations:
    def test_admin_invites_and_a_new_person_accepts(self, api, company, company_admin,
                                                    django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                        {"email": "New.Person@Example.org", "first_name": "Ann"})
        assert r.status_code == 201, r.content
        assert r.json()["email"] == "new.person@example.org"
        assert len(mail.outbox) == 1 and "/invitations/accept?token=" in mail.outbox[0].body
        token = mail.outbox[0].body.split("token=")[1].split()[0]
        r = api().post("/invitations/accept", {"token": token, "password": "a-long-pass-9876",
                                               "last_name": "Smith"})
        assert r.status_code == 200, r.content
        user = User.objects.get(email="new.person@example.org")
        assert user.company == company and user.network == company.network
        assert user.check_password("a-long-pass-9876") and user.first_name == "Ann"
        assert AuditEntry.objects.filter(action="invitation.accepted").exists()
        # A link works once.
        assert_error(api().post("/invitations/accept", {"token": token, "password": "x"}), 409,
                     code="already_accepted")

    def test_existing_independent_is_linked_without_a_new_password(self, api, company,
                                                                     company_admin):
        person = testing.make_user(email="free@example.org")
        r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                    {"email": "free@example.org"})
        token = invitation_token(Invitation.objects.get(pk=r.json()["id"]))
        r = api().post("/invitations/accept", {"token": token})
        assert r.status_code == 200, r.content
        person.refresh_from_db()
        assert person.company == company and person.check_password("pass-1234")

    def test_an_independents_membership_ends_with_its_month_on_joining(self, api, company,
                                                                         company_admin, operator):
        # The member keeps the month paid for; the company's credit pays from now on.
        person = _subscriber(operator, company.network, "free@example.org")
        r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                    {"email": "free@example.org"})
        token = invitation_token(Invitation.objects.get(pk=r.json()["id"]))
        assert api().post("/invitations/accept", {"token": token}).status_code == 200
        membership = Membership.objects.get(member=person)
        assert membership.state == "cancelling"
        assert membership.ends_on == membership.periods.get().ends_on
        entry = AuditEntry.objects.get(action="membership.cancelled")
        assert entry.actor_id == person.pk and entry.data["reason"] == "company_employee"
        assert entry.data["company"] == company.pk

    def test_a_refused_acceptance_leaves_the_membership_alone(self, api, company,
                                                              company_admin, operator):
        person = _subscriber(operator, company.network, "free@example.org")
        r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                    {"email": "free@example.org"})
        token = invitation_token(Invitation.objects.get(pk=r.json()["id"]))
        elsewhere = testing.make_organisation(kind="company", network=company.network)
        User.objects.filter(pk=person.pk).update(company=elsewhere)
        assert api().post("/invitations/accept", {"token": token}).status_code == 409
        assert Membership.objects.get(member=person).state == "active"

    def test_expired_forged_and_withdrawn_links(self, api, company, company_admin):
        r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                    {"email": "late@example.org"})
        invitation = Invitation.objects.get(pk=r.json()["id"])
        token = invitation_token(invitation)
        assert_error(api().post("/invitations/accept", {"token": token + "x", "password": "p"}),
                     422, field="token", code="invalid_token")
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1))
        assert_error(api().post("/invitations/accept",
                                {"token": token, "password": "a-long-pass-9876"}),
                     422, code="invitation_expired")
        # A token signed long ago fails on its own age, whatever the row says.
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() + dt.timedelta(days=1))
        with mock.patch("django.core.signing.time.time",
                        return_value=time.time() - 15 * 86400):
            old_token = invitation_token(invitation)
        assert_error(api().post("/invitations/accept",
                                {"token": old_token, "password": "a-long-pass-9876"}),
                     422, code="invitation_expired")
        # Re-inviting withdraws the first invitation.
        api(company_admin).post(f"/companies/{company.pk}/invitations",
                                {"email": "late@example.org"})
        assert_error(api().post("/invitations/accept",
                                {"token": token, "password": "a-long-pass-9876"}),
                     422, code="invalid_token")
        assert not User.objects.filter(email="late@example.org").exists()

    def test_weak_password_refused_nothing_created(self, api, company, company_admin):
        r = api(company_admin).post(f"/companies/{company.pk}/invitations",
                                    {"email": "weak@example.org"})
        token = invitation_token(Invitation.objects.get(pk=r.json()["id"]))
        assert_error(api().post("/invitations/accept", {"token": token, "password": "123"}), 422,
                     field="password")
        assert_error(api().post("/invitations/accept", {"token": token}), 422, field="password")
        assert not User.objects.filter(email="weak@example.org").exists()

    def test_operator_onboards_an_admin_by_invitation(self, api, company, operator,
                                                      company_admin):
        url = f"/companies/{company.pk}/invitations"
        assert_error(api(company_admin).post(url, {"email": "hr2@example.org", "as_admin": True}),
                     403)
        r = api(operator).post(url, {"email": "hr2@example.org", "as_admin": True})
        assert r.status_code == 201 and r.json()["as_admin"] is True
        token = invitation_token(Invitation.objects.get(pk=r.json()["id"]))
        assert api().post("/invitations/accept",
                          {"token": token, "password": "a-long-pass-9876"}).status_code == 200
        hr2 = User.objects.get(email="hr2@example.org")
        assert api(hr2).get(f"/companies/{company.pk}/staff").status_code == 200

    def test_bad_input(self, api, company, company_admin, network):
        assert_error(api(company_admin).post(f"/companies/{company.pk}/invitations",
                                             {"email": "not-an-email"}), 422, field="email")
        other = testing.make_organisation(kind="company", network=network)
        testing.make_user(email="taken@example.org", company=other)
        assert_error(api(company_admin).post(f"/companies/{company.pk}/invitations",
                                             {"email": "taken@example.org"}), 409,
                     code="employee_of_another_company")
        assert not Invitation.objects.exists()

    def test_roles(self, api, company, company_admin, operator, manager, receptionist, member,
                   outsider, network):
        url = f"/companies/{company.pk}/invitations"
        for who in (company_admin, operator):
            r = api(who).post(url, {"email": f"x{who.pk}@example.org"})
            assert r.status_code == 201, r.content
            assert api(who).get(url).json()["count"] >= 1
        other_admin = testing.make_company_admin(testing.make_organisation(kind="company",
                                                                           network=network))
        for who in (manager, receptionist, member, outsider, other_admin):
            assert_error(api(who).post(url, {"email": "y@example.org"}), 403)
            assert_error(api(who).get(url), 403)
        assert_error(api().post(url, {"email": "y@example.org"}), 401)


CSV_OK = "email,first_name,last_name,team\nann@example.org,Ann,A,Sales\nbob@example.org,Bob,B,\n"


class TestImport:
    def test_good_file_creates_accounts_and_invitations(self, api, company, company_admin,
                                                        django_capture_on_commit_callbacks):
        Team.objects.create(company=company, name="Sales")
        with django_capture_on_commit_callbacks(execute=True):
            r = upload(api(company_admin), company, CSV_OK)
        assert r.status_code == 200, r.content
        assert r.json() == {"created": 2, "invited": 2, "already_staff": 0}
        ann = User.objects.get(email="ann@example.org")
        assert ann.company == company and not ann.has_usable_password()
        assert TeamMembership.objects.filter(user=ann, team__name="Sales").exists()
        assert len(mail.outbox) == 2

    def test_a_known_independent_keeps_the_membership_until_accepting(
            self, api, company, company_admin, operator, django_capture_on_commit_callbacks):
        # Importing a known person only invites them: they join, and their membership
        # is set to end, when they accept.
        person = _subscriber(operator, company.network, "ann@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            r = upload(api(company_admin), company, "email,first_name,last_name\n"
                                                    "ann@example.org,Ann,A\n")
        assert r.json() == {"created": 0, "invited": 1, "already_staff": 0}
        assert Membership.objects.get(member=person).state == "active"
        token = mail.outbox[-1].body.split("token=")[1].split()[0]
        assert api().post("/invitations/accept", {"token": token}).status_code == 200
        person.refresh_from_db()
        assert person.company == company
        assert Membership.objects.get(member=person).state == "cancelling"

    def test_every_bad_row_is_reported_and_nothing_imported(self, api, company, company_admin,
                                                            network):
        other = testing.make_organisation(kind="company", network=network)
        testing.make_user(email="elsewhere@example.org", company=other)
        text = ("email;first_name;last_name;team\n"
                "good@example.org;Good;Row;\n"
                "bad-email;No;Mail;\n"
                "dup@example.org;D;One;\n"
                "DUP@example.org;D;Two;\n"
                "elsewhere@example.org;E;W;\n"
                "noname@example.org;;X;\n"
                "team@example.org;T;T;Ghosts\n")
        error = assert_error(upload(api(company_admin), company, text), 422, code="csv_invalid")
        lines = {row["line"]: row["errors"] for row in error["data"]["rows"]}
        assert set(lines) == {3, 5, 6, 7, 8}
        assert "email" in lines[3] and "email" in lines[5] and "email" in lines[6]
        assert "first_name" in lines[7] and "team" in lines[8]
        assert not User.objects.filter(email="good@example.org").exists()
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize("text", [
        "", "mail,first_name,last_name\nx@example.org,a,b\n",
        "email,first_name,last_name,salary\nx@example.org,a,b,1\n",
        "email,first_name,last_name\n",
    ])
    def test_wrong_columns_or_empty_file(self, api, company, company_admin, text):
        assert_error(upload(api(company_admin), company, text), 422, code="csv_invalid")
        assert User.objects.filter(company=company).exclude(pk=company_admin.pk).count() == 0

    def test_not_utf8(self, api, company, company_admin):
        r = api(company_admin).client.post(
            f"/api/v1/companies/{company.pk}/staff/import",
            {"file": SimpleUploadedFile("s.csv", "email\n\xe9".encode("latin-1"))})
        assert_error(r, 422, code="csv_invalid")

    def test_roles(self, api, company, company_admin, operator, manager, member):
        assert upload(api(operator), company, CSV_OK.replace(",Sales", ",")).status_code == 200
        for who in (manager, member):
            assert_error(upload(api(who), company, CSV_OK), 403)


class TestTeamsAndLeavers:
    def test_teams(self, api, company, company_admin, member, network):
        r = api(company_admin).post(f"/companies/{company.pk}/teams", {"name": "Sales"})
        assert r.status_code == 201, r.content
        team_id = r.json()["id"]
        assert_error(api(company_admin).post(f"/companies/{company.pk}/teams", {"name": "sales"}),
                     409, field="name")
        url = f"/companies/{company.pk}/teams/{team_id}/members"
        assert api(company_admin).post(url, {"user_id": member.pk}).status_code == 204
        stranger = testing.make_user(company=testing.make_organisation(kind="company",
                                                                       network=network))
        assert_error(api(company_admin).post(url, {"user_id": stranger.pk}), 422, field="user_id")
        staff = api(company_admin).get(f"/companies/{company.pk}/staff",
                                       {"team_id": team_id}).json()
        assert [s["id"] for s in staff["items"]] == [member.pk]
        assert api(company_admin).get(f"/companies/{company.pk}/teams").json()[0][
            "member_count"] == 1
        assert api(company_admin).delete(f"{url}/{member.pk}").status_code == 204
        assert_error(api(member).post(f"/companies/{company.pk}/teams", {"name": "X"}), 403)

    def test_leaver_bookings_cancelled_allotment_returned(self, api, company, company_admin,
                                                          centre, member):
        from smartwork.credits import services as credit
        from smartwork.credits.tests.factories import balance, book, buy

        pool = buy(company, hours=20)
        allotment = credit.allotment_create(actor=company_admin, company=company,
                                            minutes_per_period=480, member=member)
        booking = book(member, centre)
        assert balance(allotment.account) == 240
        r = api(company_admin).post(f"/companies/{company.pk}/staff/{member.pk}/deactivate")
        assert r.status_code == 200, r.content
        assert r.json() == {"bookings_cancelled": 1, "minutes_returned": 480}
        booking.refresh_from_db()
        member.refresh_from_db()
        assert booking.state == "cancelled" and not member.is_active
        assert balance(allotment.account) == 0 and balance(pool) == 1200
        assert_error(api(company_admin).post(
            f"/companies/{company.pk}/staff/{member.pk}/deactivate"), 409)

    def test_leaver_roles(self, api, company, company_admin, manager, member, outsider):
        url = f"/companies/{company.pk}/staff/{member.pk}/deactivate"
        for who in (manager, outsider, member):
            assert_error(api(who).post(url), 403)
        assert_error(api(company_admin).post(f"/companies/{company.pk}/staff/{outsider.pk}/deactivate"), 404)


class TestOnboarding:
    def payload(self, network, **extra):
        data = {"legal_name": "Nouvelle SA", "kind": "company", "network_id": network.pk,
                "enterprise_number": "0403.170.701", "vat_number": "BE 0403.170.701",
                "street": "Rue Neuve 1", "postcode": "1000", "city": "Bruxelles",
                "language": "nl"}
        data.update(extra)
        return data

    def test_operator_onboards_a_company_with_checked_numbers(self, api, network, operator):
        r = api(operator).post("/organisations", self.payload(network))
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["enterprise_number"] == "0403170701"
        assert body["vat_number"] == "BE0403170701"
        assert body["peppol_endpoint"] == "0208:0403170701" and body["language"] == "nl"

    def test_bad_numbers_are_refused(self, api, network, operator):
        assert_error(api(operator).post("/organisations", self.payload(
            network, enterprise_number="0403.170.702")), 422, field="enterprise_number")
        assert_error(api(operator).post("/organisations", self.payload(
            network, vat_number="BE123")), 422, field="vat_number")

    def test_only_the_operator_onboards(self, api, network, company_admin, manager, member):
        for who in (company_admin, manager, member):
            assert_error(api(who).post("/organisations", self.payload(network)), 403)


def test_operator_deactivates_a_leaver(api, company, operator, centre, member):
    from smartwork.credits.tests.factories import book

    booking = book(member, centre)
    r = api(operator).post(f"/companies/{company.pk}/staff/{member.pk}/deactivate")
    assert r.status_code == 200 and r.json()["bookings_cancelled"] == 1
    booking.refresh_from_db()
    assert booking.state == "cancelled" and booking.cancel_reason == "left the company"
    assert AuditEntry.objects.filter(action="staff.deactivated", actor=operator).exists()
