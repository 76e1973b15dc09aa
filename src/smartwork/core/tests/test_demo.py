"""The demo data: deterministic, complete, and usable through the API by every role."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase

from smartwork.accounts.choices import CompanySize, OrganisationKind, Role
from smartwork.accounts.models import Organisation, RoleAssignment, User
from smartwork.accounts.validators import clean_enterprise_number, clean_vat_number
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core.models import AuditEntry
from smartwork.credits.models import CompanyCreditPolicy
from smartwork.demo import DEMO_PASSWORD, WALLOON_SLUG, demo_load, demo_present
from smartwork.demo.load import MOBISPOT_SLUG
from smartwork.network.choices import AllianceStatus, LabelStatus, ResourceKind
from smartwork.network.models import (
    Alliance,
    Centre,
    Closure,
    Inspection,
    LabelEvent,
    Network,
    OpeningHours,
    Price,
    Resource,
)
from smartwork.network.selectors import member_may_book_at


def fingerprint() -> str:
    """A digest of the demo's rows by their natural keys (primary keys and
    timestamps differ from one load to the next; the data must not)."""
    rows: dict[str, object] = {
        "networks": sorted(Network.objects.values_list(
            "slug", "name", "operator__legal_name", "commission_rate", "credit_hour_value",
            "booking_window_days", "cancellation_deadline_hours")),
        "alliances": sorted(Alliance.objects.values_list(
            "network_a__slug", "network_b__slug", "status", "starts_on", "clearing_hour_rate")),
        "centres": sorted(Centre.objects.values_list(
            "network__slug", "slug", "name", "street", "postcode", "city", "lat", "lon",
            "label_status", "services", "operator__legal_name", "operator__sector",
            "address_is_demo", "email")),
        "resources": sorted(Resource.objects.values_list(
            "centre__slug", "kind", "name", "capacity", "equipment", "is_active")),
        "prices": sorted(Price.objects.values_list(
            "centre__slug", "resource_kind", "per_half_day", "per_day", "per_hour", "vat_rate",
            "valid_from")),
        "hours": sorted(OpeningHours.objects.values_list("centre__slug", "weekday", "opens",
                                                         "closes")),
        "closures": sorted(Closure.objects.values_list("centre__slug", "start_date", "end_date",
                                                       "reason")),
        "inspections": sorted(Inspection.objects.values_list(
            "centre__slug", "visited_on", "passed", "checklist", "inspector_name")),
        "label_events": sorted(LabelEvent.objects.values_list(
            "centre__slug", "from_status", "to_status", "reason")),
        "organisations": sorted(Organisation.objects.values_list(
            "legal_name", "kind", "sector", "size", "enterprise_number", "vat_number", "iban",
            "peppol_id", "network__slug", "head_office_town", "head_office_lat",
            "head_office_lon", "city")),
        "users": sorted(User.objects.values_list(
            "email", "first_name", "last_name", "company__legal_name", "network__slug",
            "home_town", "home_lat", "home_lon", "commute_mode", "language", "is_superuser",
            "is_staff")),
        "roles": sorted(RoleAssignment.objects.values_list(
            "user__email", "role", "network__slug", "centre__slug", "organisation__legal_name"),
            key=repr),
        "audit_actions": sorted(Counter(AuditEntry.objects.values_list(
            "action", flat=True)).items()),
        # Every smartwork model's row count, so the apps' own loaders count too.
        "counts": sorted(
            (model._meta.label, model.objects.count())
            for model in apps.get_models()
            if model.__module__.startswith("smartwork.")
        ),
    }
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


@pytest.mark.django_db
def test_loading_twice_gives_the_same_data():
    savepoint = transaction.savepoint_create()
    demo_load()
    first = fingerprint()
    transaction.savepoint_rollback(savepoint)
    assert not demo_present()
    demo_load()
    assert fingerprint() == first


class TestDemo(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.logins = demo_load()
        cls.walloon = Network.objects.get(slug=WALLOON_SLUG)
        cls.mobispot = Network.objects.get(slug=MOBISPOT_SLUG)
        cls.member = User.objects.get(email=next(
            login.email for login in cls.logins if login.role == "member (employee)"))

    def test_loading_onto_a_loaded_demo_is_refused_and_changes_nothing(self):
        before = fingerprint()
        with pytest.raises(RuntimeError, match="loaded already"):
            demo_load()
        assert fingerprint() == before

    def test_the_demo_command_keeps_a_loaded_demo_and_prints_the_logins(self):
        out = io.StringIO()
        call_command("demo", "--no-serve", stdout=out)
        text = out.getvalue()
        assert "loaded already" in text
        for login in self.logins:
            assert login.email in text
        assert f"password for all: {DEMO_PASSWORD}" in text
        assert Network.objects.filter(slug=WALLOON_SLUG).count() == 1

    def client_for(self, email: str) -> Client:
        client = Client()
        # The real password check, not force_login: the printed password works.
        assert client.login(username=email, password=DEMO_PASSWORD), email
        return client

    def centres_via_api(self, network: Network, **extra: str) -> dict:
        response = self.client_for(self.member.email).get(
            "/api/v1/centres", {"network": network.pk, "limit": 100, **extra})
        assert response.status_code == 200, response.content
        return response.json()

    def test_walloon_network_lists_8_labelled_centres_with_150_desks(self):
        body = self.centres_via_api(self.walloon, format="full")
        assert body["count"] == 8
        assert {c["label_status"] for c in body["items"]} == {LabelStatus.LABELLED}
        assert sum(c["desk_count"] for c in body["items"]) == 150
        assert all(14 <= c["desk_count"] <= 26 for c in body["items"])
        assert self.walloon.operator.legal_name == "Euro Green IT"

    def test_walloon_centres_have_rooms_hours_prices_and_a_passed_inspection(self):
        for centre in Centre.objects.filter(network=self.walloon, label_tier="full",
                                            host_company__isnull=True):
            kinds = set(centre.resources.values_list("kind", flat=True))
            assert {ResourceKind.DESK, ResourceKind.MEETING_ROOM,
                    ResourceKind.TELEPRESENCE_ROOM} <= kinds, centre
            assert centre.opening_hours.exists() and centre.prices.exists(), centre
            assert centre.address_is_demo
            inspection = centre.inspections.get()
            assert inspection.passed
            event = centre.label_events.get(to_status=LabelStatus.LABELLED)
            assert event.inspection_id == inspection.pk
        sectors = set(Centre.objects.filter(network=self.walloon).values_list(
            "operator__sector", flat=True))
        assert sectors == {"public", "private"}

    def test_label_changes_and_inspections_are_in_the_audit_log(self):
        labelled = Centre.objects.filter(label_status=LabelStatus.LABELLED).count()
        assert AuditEntry.objects.filter(action="centre.label_changed").count() == labelled
        assert AuditEntry.objects.filter(action="centre.inspected").count() == (
            Inspection.objects.count())
        assert AuditEntry.objects.filter(action="resource.created").count() == (
            Resource.objects.count())

    def test_mobispot_has_about_30_brussels_sites_some_labelled_some_candidates(self):
        body = self.centres_via_api(self.mobispot)
        assert 28 <= body["count"] <= 32
        statuses = Counter(c["label_status"] for c in body["items"])
        assert statuses[LabelStatus.LABELLED] >= 15
        assert statuses[LabelStatus.CANDIDATE] >= 5
        for item in body["items"]:
            # The Brussels-Capital Region's extent.
            assert 50.76 <= float(item["lat"]) <= 50.92, item
            assert 4.24 <= float(item["lon"]) <= 4.49, item
        for centre in Centre.objects.filter(network=self.mobispot,
                                            label_status=LabelStatus.LABELLED):
            desks = centre.resources.filter(kind=ResourceKind.DESK, is_active=True).count()
            assert desks >= 8, centre
            assert centre.inspections.order_by("-visited_on").first().passed, centre
        communes = set(Centre.objects.filter(network=self.mobispot).values_list("city",
                                                                                 flat=True))
        assert len(communes) == 19

    def test_works_center_is_a_small_coworking_with_restaurant_priced_by_half_day_and_day(self):
        works = Centre.objects.get(name__startswith="Works Center")
        assert 8 <= works.resources.filter(kind=ResourceKind.DESK).count() <= 12
        assert works.resources.filter(kind=ResourceKind.MEETING_ROOM).exists()
        assert works.resources.filter(kind=ResourceKind.TELEPRESENCE_ROOM).exists()
        assert {"restaurant", "meeting_room", "telepresence"} <= set(works.services)
        desk = works.prices.get(resource_kind=ResourceKind.DESK)
        assert desk.per_half_day == Decimal("15.00") and desk.per_day == Decimal("25.00")

    def test_the_alliance_is_active_and_lets_members_book_across(self):
        response = self.client_for(self.member.email).get(
            f"/api/v1/networks/{self.walloon.pk}/alliances")
        assert response.status_code == 200
        [alliance] = response.json()
        assert alliance["status"] == AllianceStatus.ACTIVE
        brussels = Centre.objects.filter(network=self.mobispot,
                                         label_status=LabelStatus.LABELLED).first()
        assert member_may_book_at(member=self.member, centre=brussels,
                                  on=brussels.created_at.date())

    def test_companies_have_valid_numbers_head_offices_and_about_200_employees(self):
        companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
        sizes = Counter(companies.values_list("size", flat=True))
        assert sizes[CompanySize.LARGE_ACCOUNT] >= 1 and sizes[CompanySize.SME] >= 2
        for org in Organisation.objects.exclude(enterprise_number=""):
            assert clean_enterprise_number(org.enterprise_number) == org.enterprise_number
            if org.vat_number:
                assert clean_vat_number(org.vat_number) == org.vat_number
        for company in companies:
            assert company.head_office_lat is not None and company.head_office_town
        employees = User.objects.filter(company__isnull=False)
        assert 180 <= employees.count() <= 220
        for user in employees:
            assert user.home_town and user.commute_mode, user.email
            # Belgium's extent.
            assert Decimal("49.49") <= user.home_lat <= Decimal("51.51"), user.email
            assert Decimal("2.54") <= user.home_lon <= Decimal("6.41"), user.email
        assert len(set(employees.values_list("commute_mode", flat=True))) >= 5
        assert User.objects.filter(company__isnull=True, is_superuser=False,
                                   roles__isnull=True).count() >= 3

    def test_each_role_has_a_login_that_reaches_me(self):
        roles = {login.role for login in self.logins}
        assert {"superuser (Django admin)", "network operator", "centre manager",
                "receptionist", "company admin", "member (employee)",
                "independent member"} <= roles
        expected = {
            "network operator": Role.OPERATOR, "centre manager": Role.CENTRE_MANAGER,
            "receptionist": Role.RECEPTIONIST, "company admin": Role.COMPANY_ADMIN,
        }
        for login in self.logins:
            response = self.client_for(login.email).get("/api/v1/me")
            assert response.status_code == 200, (login, response.content)
            body = response.json()
            assert body["email"] == login.email
            if login.role in expected:
                assert [r["role"] for r in body["roles"]] == [expected[login.role]], login
            else:
                assert body["roles"] == [], login
        # One operator per network; a company admin per company.
        assert RoleAssignment.objects.filter(role=Role.OPERATOR).count() == 2
        assert RoleAssignment.objects.filter(role=Role.COMPANY_ADMIN).count() == (
            Organisation.objects.filter(kind=OrganisationKind.COMPANY).count())

    def test_one_company_asks_for_approval_and_its_page_shows_a_request(self):
        policy = CompanyCreditPolicy.objects.get(approval_beyond_cap=True)
        assert policy.pool_cap_minutes_per_month
        pending = Booking.objects.filter(state=BookingState.PENDING_APPROVAL,
                                         member__company=policy.company)
        assert pending.count() == 1
        booking = pending.get()
        # Beyond the cap: the same member's other booking that month took the pool's hours.
        assert Booking.objects.filter(member=booking.member, state=BookingState.CONFIRMED,
                                      payment_method="credit").exists()
        admin = RoleAssignment.objects.get(role=Role.COMPANY_ADMIN,
                                           organisation=policy.company).user
        assert admin.email in {login.email for login in self.logins}
        page = self.client_for(admin.email).get(f"/company/{policy.company_id}/approvals/")
        assert page.status_code == 200
        assert f'data-booking="{booking.pk}"' in page.content.decode()

    def test_meuse_energie_changed_its_policy_and_wellbeing_moved_after(self):
        """Two policy versions three months apart; the company's results by version show
        the change (issue 19: trends by policy version)."""
        from smartwork.wellbeing.selectors import company_results
        from smartwork.workplans.models import PolicyVersion

        admin = RoleAssignment.objects.get(role=Role.COMPANY_ADMIN,
                                           organisation=self.member.company).user
        versions = list(PolicyVersion.objects.filter(company=self.member.company,
                                                      team__isnull=True)
                        .order_by("effective_from"))
        assert [(v.remote_days, list(v.anchor_days)) for v in versions] == [(1, [1, 3]),
                                                                             (2, [1])]
        groups = company_results(actor=admin, company=self.member.company)["by_policy"]
        means = [g["means"]["who5"] for g in groups if g["version"] is not None]
        assert len(means) == 2 and all(m is not None for m in means)
        assert means[1] > means[0] + 5  # visibly better after the change
        page = self.client_for(admin.email).get(f"/wellbeing/company/{self.member.company_id}/")
        assert page.status_code == 200
        # The company's own question is asked and shown like the instruments.
        own = [i for i in company_results(actor=admin, company=self.member.company)
               ["indicators"] if i.get("own")]
        assert [i["name"] for i in own] == ["Our team days are worth the trip."]

    def test_the_superuser_reaches_the_admin(self):
        admin = next(login for login in self.logins if "superuser" in login.role)
        response = self.client_for(admin.email).get("/admin/network/centre/")
        assert response.status_code == 200
        assert b"Smart Work Center Namur" in response.content


def _cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SMARTWORK_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG",
                        "SECRET_KEY", "SMARTWORK_SQLITE_TEST_NAME"}}
    env["SMARTWORK_DATA_DIR"] = str(data_dir)
    return env


def test_smartwork_demo_no_serve_prepares_a_fresh_data_folder(tmp_path):
    """README command 1, without the server: migrate, load, print the logins."""
    command = [sys.executable, "-m", "smartwork.config.cli", "demo", "--no-serve"]
    first = subprocess.run(command, env=_cli_env(tmp_path), capture_output=True, text=True,
                           timeout=900, cwd=tmp_path)  # a bound against a hang, not a speed check
    assert first.returncode == 0, first.stderr
    assert "Loaded the demo data" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    for role in ("network operator", "centre manager", "receptionist", "company admin",
                 "member (employee)", "independent member", "superuser"):
        assert role in first.stdout
    assert "/api/v1/docs" in first.stdout and "/admin/" in first.stdout
    assert (tmp_path / "smartwork.sqlite3").exists()
