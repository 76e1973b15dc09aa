"""Issue #7 pages through HTTP, per role: membership plans and subscription, the credit
catalogue and buying from it, WiFi access points, the operator's presence page, and
dates and amounts typed in the user's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.credits.choices import MembershipState
from smartwork.credits.models import CreditPackage, CreditPurchase, Membership, MembershipPlan
from smartwork.credits.services import credit_package_create, membership_plan_create
from smartwork.network.models import Price
from smartwork.wifi import crypto
from smartwork.wifi.models import Nas, PresenceSession
from smartwork.wifi.services import nas_create
from smartwork.wifi.tests.helpers import make_booking

pytestmark = pytest.mark.django_db


def client_for(user=None, language: str | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.fixture
def independent(network):
    return testing.make_user(network=network, first_name="Iris", last_name="Indie")


@pytest.fixture
def plan(network, operator):
    return membership_plan_create(actor=operator, network=network, name="Flex 20",
                                  monthly_fee_net=Decimal("120.00"), included_hours=20)


@pytest.fixture
def package(network, operator):
    return credit_package_create(actor=operator, network=network, name="Pack 50", hours=50,
                                 price_net=Decimal("450.00"))


# --- Membership plans (operator, centre manager) -------------------------------------------


def test_operator_lists_and_creates_network_wide_plans(operator, network, plan):
    client = client_for(operator)
    page = client.get(reverse("web:plans")).content.decode()
    assert "Flex 20" in page and "€120.00" in page and "20\u00a0h" in page
    response = client.post(reverse("web:plans"), {
        "name": "Unlimited", "centre": "", "monthly_fee_net": "299.5", "included_hours": "160",
        "vat_rate": "", "is_active": "on"})
    assert response.status_code == 302
    created = MembershipPlan.objects.get(name="Unlimited")
    assert created.centre is None and created.monthly_fee_net == Decimal("299.50")
    assert created.included_minutes == 160 * 60 and created.vat_rate == network.default_vat_rate
    assert AuditEntry.objects.filter(action="membership_plan.created",
                                     object_id=str(created.pk)).exists()


def test_plan_errors_stay_inline_and_amounts_read_in_french(operator):
    client = client_for(operator, language="fr")
    response = client.post(reverse("web:plans"), {
        "name": "Négatif", "monthly_fee_net": "-5", "included_hours": "10"})
    body = response.content.decode()
    assert response.status_code == 200 and 'value="Négatif"' in body
    assert 'aria-invalid="true"' in body and not MembershipPlan.objects.exists()
    assert client.post(reverse("web:plans"), {
        "name": "Virgule", "monthly_fee_net": "49,90", "included_hours": "8"}).status_code == 302
    plan = MembershipPlan.objects.get(name="Virgule")
    assert plan.monthly_fee_net == Decimal("49.90")
    # Shown back in the French notation, in the list and in the form.
    assert "49,90\u00a0€" in client.get(reverse("web:plans")).content.decode()
    assert 'value="49,90"' in client.get(reverse("web:plan_edit", args=[plan.pk])
                                         ).content.decode()


def test_manager_keeps_plans_of_their_centre_only(manager, centre, network, plan):
    client = client_for(manager)
    page = client.get(reverse("web:plans")).content.decode()
    assert "Flex 20" not in page  # the network-wide plan is the operator's
    assert "Every centre of the network" not in page
    response = client.post(reverse("web:plans"), {
        "name": "Namur only", "centre": "", "monthly_fee_net": "60", "included_hours": "10"})
    assert response.status_code == 200 and not MembershipPlan.objects.filter(
        name="Namur only").exists()
    assert client.post(reverse("web:plans"), {
        "name": "Namur only", "centre": centre.pk, "monthly_fee_net": "60",
        "included_hours": "10"}).status_code == 302
    own = MembershipPlan.objects.get(name="Namur only")
    assert own.centre == centre
    response = client.post(reverse("web:plan_edit", args=[own.pk]), {
        "name": "Namur only", "centre": centre.pk, "monthly_fee_net": "65",
        "included_hours": "12", "is_active": "on"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.monthly_fee_net == Decimal("65.00") and own.included_minutes == 720
    assert client.get(reverse("web:plan_edit", args=[plan.pk])).status_code == 404
    other = testing.make_centre(network=network)
    response = client.post(reverse("web:plan_edit", args=[own.pk]), {
        "name": "Moved", "centre": other.pk, "monthly_fee_net": "65", "included_hours": "12",
        "is_active": "on"})
    assert response.status_code == 200  # not a centre they manage: refused inline
    own.refresh_from_db()
    assert own.centre == centre and own.name == "Namur only"


def test_operator_edits_and_withdraws_a_plan(operator, plan):
    client = client_for(operator)
    response = client.post(reverse("web:plan_edit", args=[plan.pk]), {
        "name": "Flex 25", "centre": "", "monthly_fee_net": "140", "included_hours": "25",
        "vat_rate": "21"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.monthly_fee_net, plan.is_active) == ("Flex 25", Decimal("140.00"),
                                                                 False)
    assert AuditEntry.objects.filter(action="membership_plan.updated").exists()


def test_plan_pages_refused_to_other_roles(member, receptionist, company_admin, plan):
    for user in (member, receptionist, company_admin):
        client = client_for(user)
        assert client.get(reverse("web:plans")).status_code == 403
        assert client.get(reverse("web:plan_edit", args=[plan.pk])).status_code == 403
    assert client_for().get(reverse("web:plans")).status_code == 302


# --- The member's membership -----------------------------------------------------------------


def test_independent_subscribes_sees_hours_and_cancels(independent, plan, operator, network,
                                                       outsider):
    old = membership_plan_create(actor=operator, network=network, name="Old plan",
                                 monthly_fee_net=Decimal("10"), included_hours=1)
    MembershipPlan.objects.filter(pk=old.pk).update(is_active=False)
    client = client_for(independent)
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("web:my_membership") in home  # in the navigation
    page = client.get(reverse("web:my_membership")).content.decode()
    assert "Flex 20" in page and "€120.00" in page and "€145.20" in page  # 21 % VAT
    assert "Old plan" not in page
    assert client.post(reverse("web:my_membership"), {"plan": plan.pk}).status_code == 302
    membership = Membership.objects.get(member=independent)
    plans_page = client_for(operator).get(reverse("web:plans")).content.decode()
    assert f'id="members-{plan.pk}">1<' in plans_page
    page = client.get(reverse("web:my_membership")).content.decode()
    assert 'id="membership-hours"' in page and "0\u00a0h / 20\u00a0h" in page
    # Subscribing twice is refused on the page, not with a 500.
    again = client.post(reverse("web:my_membership"), {"plan": plan.pk})
    assert again.status_code == 200
    assert Membership.objects.filter(member=independent).count() == 1
    assert client.post(reverse("web:membership_cancel")).status_code == 302
    membership.refresh_from_db()
    assert membership.state == MembershipState.CANCELLING and membership.ends_on is not None
    page = client.get(reverse("web:my_membership")).content.decode()
    assert 'id="membership-cancel"' not in page and "ends at the end of the month" in page
    # A plan of another network cannot be chosen.
    foreign = client_for(outsider).post(reverse("web:my_membership"), {"plan": plan.pk})
    assert foreign.status_code == 200 and not Membership.objects.filter(member=outsider).exists()


def test_membership_page_in_french(independent, plan):
    client = client_for(independent, language="fr")
    page = client.get(reverse("web:my_membership")).content.decode()
    assert "120,00\u00a0€" in page and "S’abonner" in page and "Mon abonnement" in page


def test_membership_page_refused_without_a_network(db):
    nobody = testing.make_user()
    assert client_for(nobody).get(reverse("web:my_membership")).status_code == 403
    assert client_for(nobody).post(reverse("web:membership_cancel")).status_code == 404


def test_employees_see_no_membership_link(member):
    assert reverse("web:my_membership") not in client_for(member).get(
        reverse("web:home")).content.decode()


def _assert_membership_refused(client, plan, reason):
    """The membership page, choosing a plan and cancelling all answer 403 with `reason`."""
    for response in (client.get(reverse("web:my_membership")),
                     client.post(reverse("web:my_membership"), {"plan": plan.pk}),
                     client.post(reverse("web:membership_cancel"))):
        assert response.status_code == 403
        page = response.content.decode().replace("&#x27;", "'")
        assert 'id="forbidden-reason"' in page and reason in page


@pytest.mark.parametrize("language, reason", [
    ("en", "Membership plans are for independent members"),
    ("fr", "Les abonnements sont réservés aux membres indépendants"),
    ("nl", "Abonnementen zijn voor zelfstandige leden"),
])
def test_employees_typing_the_address_are_refused_with_the_reason(member, plan, language,
                                                                   reason):
    # Employees pay with their company's credit: the page and its POSTs refuse them.
    _assert_membership_refused(client_for(member, language=language), plan, reason)
    assert not Membership.objects.filter(member=member).exists()


def _joins(person, company):
    """`person` accepts a company's invitation (the path every employee takes)."""
    from smartwork.accounts.models import Invitation
    from smartwork.accounts.services import invitation_accept, invitation_token

    invitation = Invitation.objects.create(company=company, email=person.email,
                                           expires_at=timezone.now() + dt.timedelta(days=1))
    return invitation_accept(token=invitation_token(invitation))


@pytest.mark.parametrize("language, reason, ends", [
    ("en", "Membership plans are for independent members", "Your membership ends on"),
    ("fr", "Les abonnements sont réservés aux membres indépendants",
     "Votre abonnement se termine le"),
    ("nl", "Abonnementen zijn voor zelfstandige leden", "Uw abonnement eindigt op"),
])
def test_an_employee_sees_the_membership_they_had_until_its_end(independent, plan, company,
                                                                language, reason, ends):
    client = client_for(independent, language=language)
    assert client.post(reverse("web:my_membership"), {"plan": plan.pk}).status_code == 302
    membership = Membership.objects.get(member=independent)
    assert _joins(independent, company).company == company
    membership.refresh_from_db()
    assert membership.state == MembershipState.CANCELLING and membership.ends_on is not None
    response = client.get(reverse("web:my_membership"))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    # Shown read-only, with the reason and its end date: no plans, nothing to cancel.
    assert 'id="membership-refusal"' in page and reason in page
    assert 'id="membership-hours"' in page and ends in page
    with translation.override(language):
        assert date_format(membership.ends_on, "DATE_FORMAT") in page
    assert 'id="membership-cancel"' not in page and 'id="plan-cards"' not in page
    assert client.post(reverse("web:my_membership"), {"plan": plan.pk}).status_code == 403
    # Their credit page shows it too, with a link to it; the navigation does not.
    credit = client.get(reverse("web:my_credit")).content.decode()
    assert 'id="credit-membership"' in credit and reverse("web:my_membership") in credit
    assert f'href="{reverse("web:my_membership")}"' not in client.get(
        reverse("web:home")).content.decode().split("<main")[0]


def test_an_employee_cancels_a_membership_still_renewing(independent, plan, company):
    # Made an employee by no service (older data): the page lets them cancel it.
    client = client_for(independent)
    client.post(reverse("web:my_membership"), {"plan": plan.pk})
    User.objects.filter(pk=independent.pk).update(company=company)
    page = client.get(reverse("web:my_membership")).content.decode()
    assert 'id="membership-cancel"' in page and 'id="membership-refusal"' in page
    assert client.post(reverse("web:membership_cancel")).status_code == 302
    assert Membership.objects.get(member=independent).state == MembershipState.CANCELLING


@pytest.mark.parametrize("language, reason", [
    ("en", "not for the staff who run a network, a centre or a company"),
    ("fr", "pas au personnel qui gère un réseau, un centre ou une entreprise"),
    ("nl", "niet voor het personeel dat een netwerk, een centrum of een bedrijf beheert"),
])
def test_staff_typing_the_address_are_refused_with_the_reason(operator, manager, receptionist,
                                                              plan, language, reason):
    for staff in (operator, manager, receptionist):
        assert staff.company_id is None and staff.network_id == plan.network_id
        _assert_membership_refused(client_for(staff, language=language), plan, reason)
        assert not Membership.objects.filter(member=staff).exists()


# --- The credit catalogue ---------------------------------------------------------------------


def test_operator_creates_edits_and_retires_packages(operator, package, company, company_admin):
    client = client_for(operator)
    page = client.get(reverse("web:packages")).content.decode()
    assert "Pack 50" in page and "€450.00" in page and "€9.00" in page  # per hour
    bad = client.post(reverse("web:packages"), {"name": "Zero", "hours": "0",
                                                "price_net": "10", "validity_months": "12"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
    negative = client.post(reverse("web:packages"), {"name": "Neg", "hours": "5",
                                                     "price_net": "-1", "validity_months": "12"})
    assert negative.status_code == 200 and not CreditPackage.objects.filter(name="Neg").exists()
    assert client.post(reverse("web:packages"), {
        "name": "Pack 200", "hours": "200", "price_net": "1600", "validity_months": "24"}
    ).status_code == 302
    assert client.post(reverse("web:package_edit", args=[package.pk]), {
        "name": "Pack 50+", "hours": "55", "price_net": "450", "validity_months": "12"}
    ).status_code == 302
    package.refresh_from_db()
    assert package.hours == 55 and package.name == "Pack 50+"
    assert client.post(reverse("web:package_retire", args=[package.pk])).status_code == 302
    package.refresh_from_db()
    assert not package.is_active
    assert AuditEntry.objects.filter(action="credit_package.retired").exists()
    # The company admin's catalogue has the new package, not the retired one.
    credit_page = client_for(company_admin).get(
        reverse("web:company_credit", args=[company.pk])).content.decode()
    assert "Pack 200" in credit_page and "Pack 50+" not in credit_page
    # Sold again.
    client.post(reverse("web:package_edit", args=[package.pk]), {
        "name": "Pack 50+", "hours": "55", "price_net": "450", "validity_months": "12",
        "reactivate": "1"})
    package.refresh_from_db()
    assert package.is_active


def test_package_pages_refused_to_other_roles(manager, company_admin, member, package):
    for user in (manager, company_admin, member):
        client = client_for(user)
        assert client.get(reverse("web:packages")).status_code == 403
        assert client.get(reverse("web:package_edit", args=[package.pk])).status_code == 403
        assert client.post(reverse("web:package_retire", args=[package.pk])).status_code == 403
    package.refresh_from_db()
    assert package.is_active


def test_company_admin_buys_from_the_catalogue_for_invoicing(company_admin, company, package):
    client = client_for(company_admin)
    url = reverse("web:company_credit", args=[company.pk])
    page = client.get(url).content.decode()
    assert "Pack 50 — 50 h, €450.00 excl. VAT, valid 12 months" in page
    response = client.post(url, {"buy-package": package.pk, "buy-reference": "PO-77",
                                 "buy": "1"}, follow=True)
    body = response.content.decode()
    assert "next consolidated invoice" in body
    purchase = CreditPurchase.objects.get(company=company)
    assert (purchase.price_net, purchase.minutes, purchase.reference) == (
        Decimal("450.00"), 3000, "PO-77")
    assert 'id="purchases"' in body and "PO-77" in body and "next invoice" in body


# --- WiFi access points ---------------------------------------------------------------------


def test_manager_registers_an_access_point_and_sees_the_secret_once(manager, centre):
    client = client_for(manager)
    url = reverse("web:access_points", args=[centre.pk])
    page = client.get(url).content.decode()
    assert "No access point yet." in page and reverse("web:access_points", args=[centre.pk]) \
        in page
    response = client.post(url, {"name": "AP hall", "address": "10.20.0.0/28",
                                 "require_message_authenticator": "on"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    nas = Nas.objects.get(centre=centre)
    secret = crypto.decrypt_secret(nas.secret_encrypted)
    assert 'id="nas-secret-value"' in body and secret in body
    assert secret not in client.get(url).content.decode()
    # Overlapping range: the reason under the input, the input kept.
    clash = client.post(url, {"name": "AP 2", "address": "10.20.0.8"})
    assert clash.status_code == 200 and 'value="10.20.0.8"' in clash.content.decode()
    assert Nas.objects.count() == 1


def test_rotate_and_deactivate_with_htmx(manager, centre):
    nas, old = nas_create(actor=manager, centre=centre, name="AP", address="10.30.0.1")
    client = client_for(manager)
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(reverse("web:access_point_secret", args=[centre.pk, nas.pk]), **htmx)
    body = response.content.decode()
    nas.refresh_from_db()
    new = crypto.decrypt_secret(nas.secret_encrypted)
    assert new != old and new in body and "<html" not in body and 'id="points"' in body
    response = client.post(reverse("web:access_point_active", args=[centre.pk, nas.pk]),
                           {"active": "0"}, **htmx)
    nas.refresh_from_db()
    assert not nas.is_active and "deactivated" in response.content.decode()
    assert client.post(reverse("web:access_point_active", args=[centre.pk, nas.pk]),
                       {"active": "1"}).status_code == 302
    nas.refresh_from_db()
    assert nas.is_active


def test_operator_manages_any_centre_of_the_network(operator, centre):
    client = client_for(operator)
    assert client.post(reverse("web:access_points", args=[centre.pk]), {
        "name": "AP op", "address": "10.40.0.1", "secret": "a-long-enough-secret-1"}
    ).status_code == 200
    nas = Nas.objects.get(name="AP op")
    assert crypto.decrypt_secret(nas.secret_encrypted) == "a-long-enough-secret-1"


def test_access_points_refused_to_other_roles(receptionist, member, network, centre, outsider):
    nas, _ = nas_create(actor=testing.make_operator(network), centre=centre, name="AP",
                        address="10.50.0.1")
    url = reverse("web:access_points", args=[centre.pk])
    assert client_for(receptionist).get(url).status_code == 403
    assert client_for(receptionist).post(
        reverse("web:access_point_secret", args=[centre.pk, nas.pk])).status_code == 403
    elsewhere = testing.make_centre_staff(testing.make_centre(network=network))
    for user in (member, elsewhere, outsider):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(
            reverse("web:access_point_active", args=[centre.pk, nas.pk]),
            {"active": "0"}).status_code == 404
    nas.refresh_from_db()
    assert nas.is_active


# --- Presence --------------------------------------------------------------------------------


@pytest.fixture
def busy_day(network, centre, member, operator):
    """One member checked in at the centre, another on its WiFi, a third gone home."""
    other = testing.make_centre(network=network, name="Liège Centre")
    booking = make_booking(member=member, centre=centre, state="checked_in")
    booking.checked_in_at = timezone.now() - dt.timedelta(minutes=5)
    booking.save()
    nas, _ = nas_create(actor=operator, centre=other, name="AP Liège", address="10.60.0.1")
    on_wifi = testing.make_user(network=network, first_name="Walt", last_name="Wifi")
    now = timezone.now()
    # Both sessions within today in the centre's time zone, whatever the hour the test
    # runs (shortly after midnight "3 hours ago" is yesterday).
    tz = ZoneInfo(other.timezone)
    day_start = dt.datetime.combine(timezone.localdate(now, tz), dt.time(), tz)
    elapsed = now - day_start
    PresenceSession.objects.create(member=on_wifi, centre=other, nas=nas, acct_session_id="s1",
                                   started_at=day_start + elapsed / 2, last_update_at=now)
    gone = testing.make_user(network=network, first_name="Gina", last_name="Gone")
    PresenceSession.objects.create(member=gone, centre=other, nas=nas, acct_session_id="s2",
                                   started_at=day_start + elapsed / 8,
                                   ended_at=day_start + elapsed / 4, last_update_at=now)
    return {"other": other, "on_wifi": on_wifi, "gone": gone}


def test_operator_sees_who_is_in_and_the_day(operator, centre, member, busy_day):
    client = client_for(operator)
    url = reverse("web:presence")
    assert reverse("web:presence") in client.get(reverse("web:operator_home")).content.decode()
    body = client.get(url).content.decode()
    assert 'id="total-in-now">2<' in body and 'id="total-check-ins">1<' in body
    assert 'id="total-wifi">2<' in body
    assert str(member) in body and "Walt Wifi" in body and "Gina Gone" in body
    # Filter: one centre, WiFi only, as an htmx partial.
    part = client.get(url, {"centre": busy_day["other"].pk, "kind": "wifi"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "Walt Wifi" in part and str(member) not in part
    csv = client.get(url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("centre,member,email,kind") and len(lines) == 4
    assert any("Gina Gone" in line and line.endswith(",no") for line in lines)
    # Another day: nobody in now, nothing that day.
    body = client.get(url, {"on": "2020-01-06"}).content.decode()
    assert 'id="total-in-now"' not in body and 'id="total-check-ins">0<' in body


def test_presence_filters_in_french_dates(operator, busy_day):
    client = client_for(operator, language="fr")
    body = client.get(reverse("web:presence"), {"on": "06/01/2020"}).content.decode()
    assert 'value="06/01/2020"' in body and 'placeholder="jj/mm/aaaa"' in body
    assert 'id="total-check-ins">0<' in body
    bad = client.get(reverse("web:presence"), {"on": "2020-13-45"}).content.decode()
    assert 'aria-invalid="true"' in bad


def test_presence_refused_to_other_roles(manager, receptionist, company_admin, member):
    for user in (manager, receptionist, company_admin, member):
        assert client_for(user).get(reverse("web:presence")).status_code == 403
        assert client_for(user).get(reverse("web:presence"), {"format": "csv"}
                                    ).status_code == 403


# --- Dates, times and amounts in the user's language --------------------------------------------


@pytest.mark.parametrize(("language", "typed", "shown", "hint"), [
    ("fr", "31/12/2026", "31/12/2026", "jj/mm/aaaa"),
    ("nl", "31-12-2026", "31-12-2026", "dd-mm-jjjj"),
    ("en", "2026-12-31", "2026-12-31", "yyyy-mm-dd"),
])
def test_price_dates_and_amounts_follow_the_language(manager, centre, language, typed, shown,
                                                     hint):
    client = client_for(manager, language=language)
    url = reverse("web:centre_prices", args=[centre.pk])
    page = client.get(url).content.decode()
    assert 'type="date"' not in page and f'placeholder="{hint}"' in page
    amount = "12,50" if language in ("fr", "nl") else "12.50"
    response = client.post(url, {"resource_kind": "private_office", "valid_from": typed,
                                 "per_day": amount, "vat_rate": "21"})
    assert response.status_code == 302
    price = Price.objects.get(centre=centre, resource_kind="private_office")
    assert price.valid_from == dt.date(2026, 12, 31) and price.per_day == Decimal("12.50")
    # An error keeps the typed values, in the language's notation.
    again = client.post(url, {"resource_kind": "private_office", "valid_from": typed,
                              "per_day": "abc", "vat_rate": "21"}).content.decode()
    assert f'value="{shown}"' in again


def test_hours_are_typed_as_24_hour_text(manager, centre):
    page = client_for(manager).get(reverse("web:centre_hours", args=[centre.pk])
                                   ).content.decode()
    assert 'type="time"' not in page and 'placeholder="hh:mm"' in page


def test_nav_links_for_staff(manager, operator, centre):
    manager_home = client_for(manager).get(reverse("web:staff_centre", args=[centre.pk]))
    body = manager_home.content.decode()
    assert reverse("web:plans") in body and reverse("web:access_points", args=[centre.pk]) in body
    operator_home = client_for(operator).get(reverse("web:operator_home")).content.decode()
    for name in ("web:presence", "web:packages", "web:plans"):
        assert reverse(name) in operator_home
    receptionist = testing.make_centre_staff(centre, role=Role.RECEPTIONIST)
    body = client_for(receptionist).get(reverse("web:staff_centre", args=[centre.pk])
                                        ).content.decode()
    assert reverse("web:access_points", args=[centre.pk]) not in body
    assert reverse("web:plans") not in body
