"""The pages through HTTP, per role: allowed, refused, and form errors kept inline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.network.choices import LabelStatus
from smartwork.network.models import Centre, Closure, OpeningHours, Price, Resource

pytestmark = pytest.mark.django_db


def client_for(user=None, language: str | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def test_anonymous_is_sent_to_login(db):
    response = Client().get(reverse("web:centre_finder"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_sets_the_members_language(member):
    member.language = "nl"
    member.save()
    client = Client()
    response = client.post(reverse("web:login"), {"username": member.email,
                                                  "password": "pass-1234"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "nl"
    page = client.get(reverse("web:home"))
    assert "Een centrum zoeken" in page.content.decode()


def test_login_refused_stays_on_the_form_in_french(member):
    client = client_for(language="fr")
    response = client.post(reverse("web:login"), {"username": member.email, "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert member.email in body  # the input is kept
    assert "Saisissez" in body or "mot de passe" in body


def test_password_reset_sends_a_mail(member, mailoutbox):
    response = Client().post(reverse("web:password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body


def test_language_switch_is_saved_on_the_profile(member):
    client = client_for(member)
    response = client.post(reverse("web:set_language"), {"language": "fr", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    member.refresh_from_db()
    assert member.language == "fr"
    assert "Profil" in client.get("/profile/").content.decode()


def test_language_switch_refuses_foreign_redirects(member):
    response = client_for(member).post(reverse("web:set_language"),
                                       {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_profile_saves_home_and_keeps_input_on_error(member):
    client = client_for(member)
    response = client.post("/profile/", {"first_name": "Ann", "language": "en",
                                         "home": "Halle"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Ann"' in body and 'value="Halle"' in body
    assert "add the postcode" in body and 'aria-invalid="true"' in body
    # The suggestions submit the form with their value.
    assert 'name="home" value="1500 Halle"' in body and 'name="home" value="2980 Halle"' in body
    member.refresh_from_db()
    assert member.first_name != "Ann"  # nothing saved with the error
    response = client.post("/profile/", {"first_name": "Ann", "language": "en",
                                         "home": "Rue du Parc 3, 6000 Charleroi"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.home_town == "6000 Charleroi" and member.first_name == "Ann"
    assert str(member.home_lat) == "50.411400"


def test_finder_lists_bookable_centres_by_distance(member, centre, network):
    from smartwork.core.testing import make_centre

    far = make_centre(network=network, name="Liège Centre", lat=50.6326, lon=5.5797)
    make_centre(network=network, name="Candidate Centre", label_status=LabelStatus.CANDIDATE)
    body = client_for(member).get(reverse("web:centre_finder")).content.decode()
    assert "Namur Centre" in body and "Liège Centre" in body
    assert "Candidate Centre" not in body
    assert body.index("Namur Centre") < body.index("Liège Centre")
    near = client_for(member).get(reverse("web:centre_finder"), {"within_km": "10"})
    assert "Liège Centre" not in near.content.decode()
    assert far.pk


def test_finder_filters_services_and_answers_htmx_with_the_list(member, centre, network):
    from smartwork.core.testing import make_centre

    make_centre(network=network, name="Parking Centre", services=["reception", "parking"])
    response = client_for(member).get(reverse("web:centre_finder"), {"service": "parking"},
                                      headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Parking Centre" in body and "Namur Centre" not in body
    assert "<html" not in body  # only the results partial


def test_centre_detail_shows_prices_in_the_language(member, centre):
    body = client_for(member, "fr").get(f"/centres/{centre.slug}/").content.decode()
    assert "25,00\u00a0€" in body
    assert "Lundi" in body


def test_candidate_centre_is_hidden_from_members(member, network):
    from smartwork.core.testing import make_centre

    cand = make_centre(network=network, label_status=LabelStatus.CANDIDATE)
    assert client_for(member).get(f"/centres/{cand.slug}/").status_code == 404


def test_404_and_403_pages_in_the_sites_look(member, centre):
    response = client_for(member, "fr").get("/nowhere/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    response = client_for(member).get(reverse("web:roles"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_staff_pages_are_refused_to_members(member, centre):
    client = client_for(member)
    for name in ("web:staff_centre", "web:centre_label", "web:centre_resources",
                 "web:centre_prices", "web:centre_hours"):
        assert client.get(reverse(name, args=[centre.pk])).status_code in (403, 404)
    assert client.get(reverse("web:centre_create")).status_code == 403


def test_receptionist_may_not_edit_prices(receptionist, centre):
    client = client_for(receptionist)
    assert client.get(reverse("web:staff_centre", args=[centre.pk])).status_code == 200
    assert client.get(reverse("web:centre_prices", args=[centre.pk])).status_code == 403


def test_manager_may_not_edit_another_centre(manager, network):
    from smartwork.core.testing import make_centre

    other = make_centre(network=network)
    assert client_for(manager).get(
        reverse("web:centre_resources", args=[other.pk])).status_code == 404


def test_operator_creates_a_centre_and_errors_stay_inline(operator, network):
    from smartwork.accounts.choices import OrganisationKind
    from smartwork.core.testing import make_organisation

    op = make_organisation(kind=OrganisationKind.CENTRE_OPERATOR, legal_name="Commune de Ciney")
    # Registered through the pages, a centre operator carries the operator's network.
    op.network = network
    op.save()
    client = client_for(operator)
    data = {"name": "Ciney Centre", "operator": op.pk, "street": "Rue du Centre 1",
            "postcode": "5590", "city": "Ciney", "country": "BE", "lat": "50.29",
            "lon": "5.09", "timezone": "Mars/Olympus", "services": ["reception"],
            "morning_start": "08:30", "morning_end": "12:30", "afternoon_start": "13:30",
            "afternoon_end": "17:30", "no_show_grace_minutes": "30"}
    response = client.post(reverse("web:centre_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unknown time zone" in body and 'value="Ciney Centre"' in body
    assert not Centre.objects.filter(name="Ciney Centre").exists()
    data["timezone"] = "Europe/Brussels"
    response = client.post(reverse("web:centre_create"), data)
    centre = Centre.objects.get(name="Ciney Centre")
    assert response["Location"] == reverse("web:centre_label", args=[centre.pk])
    assert centre.label_status == LabelStatus.CANDIDATE


def test_operator_labels_a_centre(operator, network):
    from smartwork.core.testing import make_centre

    centre = make_centre(network=network, label_status=LabelStatus.CANDIDATE)
    client = client_for(operator)
    url = reverse("web:centre_label", args=[centre.pk])
    # Granting the label before an inspection is refused, inline.
    response = client.post(url, {"label-to_status": "labelled", "change_label": "1"})
    assert "only after a passed inspection" in response.content.decode()
    data = {"insp-visited_on": dt.date.today().isoformat(), "insp-inspector_name": "Inspector",
            "record_inspection": "1"}
    for item in network.label_checklist:
        data[f"insp-passed_{item['code']}"] = "on"
    assert client.post(url, data).status_code == 302
    assert client.post(url, {"label-to_status": "labelled", "change_label": "1"}
                       ).status_code == 302
    centre.refresh_from_db()
    assert centre.label_status == LabelStatus.LABELLED
    # A suspension needs a reason: refused inline in French.
    client.cookies["django_language"] = "fr"
    response = client.post(url, {"label-to_status": "suspended", "change_label": "1"})
    assert response.status_code == 200
    assert "Indiquez la raison" in response.content.decode()


def test_manager_keeps_resources_prices_hours_and_closures(manager, centre):
    client = client_for(manager)
    url = reverse("web:centre_resources", args=[centre.pk])
    response = client.post(url, {"kind": "desk", "name": "Desk 01", "capacity": "1"})
    assert "Already used in this centre" in response.content.decode()
    assert client.post(url, {"kind": "desk", "name": "Desk 99", "capacity": "1",
                             "is_active": "on"}).status_code == 302
    desk = Resource.objects.get(centre=centre, name="Desk 99")
    edit = reverse("web:resource_edit", args=[centre.pk, desk.pk])
    assert client.post(edit, {"name": "Desk 99", "capacity": "1"}).status_code == 302
    desk.refresh_from_db()
    assert desk.is_active is False

    prices = reverse("web:centre_prices", args=[centre.pk])
    response = client.post(prices, {"resource_kind": "desk", "valid_from": "2030-01-01"})
    assert "Give at least one price" in response.content.decode()
    assert client.post(prices, {"resource_kind": "desk", "valid_from": "2030-01-01",
                                "per_day": "30.00", "vat_rate": "21"}).status_code == 302
    assert Price.objects.filter(centre=centre, valid_from=dt.date(2030, 1, 1)).exists()

    hours = reverse("web:centre_hours", args=[centre.pk])
    response = client.post(hours, {"h-d0_opens1": "18:00", "h-d0_closes1": "08:00",
                                   "save_hours": "1"})
    assert "is not before closing" in response.content.decode()
    assert client.post(hours, {"h-d0_opens1": "08:00", "h-d0_closes1": "12:00",
                               "h-d0_opens2": "13:00", "h-d0_closes2": "18:00",
                               "save_hours": "1"}).status_code == 302
    assert OpeningHours.objects.filter(centre=centre).count() == 2
    response = client.post(hours, {"c-start_date": "2030-05-02", "c-end_date": "2030-05-01",
                                   "c-reason": "Works", "add_closure": "1"})
    assert "ends before it starts" in response.content.decode()
    assert client.post(hours, {"c-start_date": "2030-05-01", "c-end_date": "2030-05-02",
                               "c-reason": "Works", "add_closure": "1"}).status_code == 302
    closure = Closure.objects.get(centre=centre)
    assert client.post(reverse("web:closure_remove", args=[centre.pk, closure.pk])
                       ).status_code == 302
    assert not Closure.objects.filter(centre=centre).exists()


def test_operator_registers_a_company_and_gives_a_role(operator, network, member):
    client = client_for(operator)
    response = client.post(reverse("web:organisation_create"), {
        "legal_name": "Beta SPRL", "kind": "company", "sector": "private",
        "enterprise_number": "0403.170.702", "language": "fr"})
    assert "check digits" in response.content.decode()
    response = client.post(reverse("web:organisation_create"), {
        "legal_name": "Beta SPRL", "kind": "company", "sector": "private",
        "enterprise_number": "0403.170.701", "language": "fr"})
    assert response.status_code == 302
    from smartwork.accounts.models import Organisation, RoleAssignment

    beta = Organisation.objects.get(legal_name="Beta SPRL")
    assert beta.network_id == network.pk
    response = client.post(reverse("web:roles"), {"email": "nobody@example.org",
                                                  "role": "company_admin",
                                                  "organisation": beta.pk})
    assert "Nobody has an account" in response.content.decode()
    response = client.post(reverse("web:roles"), {"email": member.email, "role": "company_admin",
                                                  "organisation": beta.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=member, organisation=beta)
    assert client.post(reverse("web:role_revoke", args=[assignment.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_centre_detail_takes_a_far_date_as_no_date(member, centre, day):
    """The availability's day lies between the years 1900 and 2999: the week after
    9999-12-31 does not exist (it overflowed: a 500); now the next working day shows."""
    response = client_for(member).get(f"/centres/{centre.slug}/", {"date": day})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("capacity", [str(2**63), "9" * 40, "501", "0"])
def test_a_resource_capacity_out_of_range_is_a_form_error(manager, centre, capacity):
    """A desk or room seats 1 to 500 people, as the API says: a number beyond 64 bits
    overflowed the database (a 500); now the form shows the error and nothing is added."""
    client = client_for(manager)
    for url in (reverse("web:centre_resources", args=[centre.pk]),
                reverse("web:resource_edit", args=[centre.pk, centre.resources.first().pk])):
        before = list(Resource.objects.values_list("pk", "name", "capacity"))
        response = client.post(url, {"kind": "room", "name": "Room 99", "capacity": capacity,
                                     "is_active": "on"})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()
        assert list(Resource.objects.values_list("pk", "name", "capacity")) == before


def _work_links(page: str) -> list[str]:
    import re

    if 'id="home-work"' not in page:
        return []
    block = page.split('id="home-work"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="([^"]+)"', block)


def test_the_home_page_starts_with_each_roles_work(operator, manager, receptionist,
                                                   company_admin, member):
    """Staff come to work: their sections come first, each once on the page; a member's
    home has none."""
    expected = {
        operator: ["/network/", "/staff/centres/", "/desk/"],
        manager: ["/staff/centres/", "/desk/"],
        receptionist: ["/desk/"],
        company_admin: ["/company/", "/smartworking/company/"],
        member: [],
    }
    for person, links in expected.items():
        page = client_for(person).get("/").content.decode()
        assert _work_links(page) == links, person
        main = page[page.index("<main"):]
        for link in links:  # in the page's body once: not again among the cards below
            assert main.count(f'href="{link}"') == 1, (person, link)
    page = client_for(operator, "fr").get("/").content.decode()
    assert "Chiffres, centres, membres, facturation et versements de votre réseau." in page
