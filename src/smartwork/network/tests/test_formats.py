"""New formats (issue #21, part 3): the mini tier of the label, and company-hosted
spaces with their visibility, for every role, through services, the API and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from smartwork.accounts.choices import OrganisationKind
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.core.models import AuditEntry
from smartwork.credits.tests.factories import book, buy, workday
from smartwork.network import selectors, services
from smartwork.network.choices import (
    DEFAULT_LABEL_CHECKLIST,
    DEFAULT_MINI_LABEL_CHECKLIST,
    HostedVisibility,
    LabelStatus,
)
from smartwork.network.models import Centre

pytestmark = pytest.mark.django_db


def answers(checklist, passed=True):
    return {i["code"]: {"passed": passed, "note": ""} for i in checklist}


# --- The mini tier of the label --------------------------------------------------------


@pytest.fixture
def mini(network):
    return testing.make_centre(network=network, desks=3, rooms=0, name="Mini Ciney",
                               label_status=LabelStatus.CANDIDATE, label_tier="mini")


def test_a_mini_centre_is_inspected_against_its_own_checklist_and_labelled(mini, operator):
    # The full label's checklist is not the mini tier's: refused, nothing stored.
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=operator, centre=mini, visited_on=dt.date(2026, 3, 2),
                                   inspector_name="Label team",
                                   items=answers(DEFAULT_LABEL_CHECKLIST))
    assert "items" in refused.value.fields
    assert not mini.inspections.exists()
    inspection = services.inspection_record(
        actor=operator, centre=mini, visited_on=dt.date(2026, 3, 2), inspector_name="Label team",
        items=answers(DEFAULT_MINI_LABEL_CHECKLIST))
    assert inspection.passed and inspection.tier == "mini"
    assert inspection.checklist[0]["code"] == "code_or_qr_access"
    # Three desks are enough for the mini tier (eight for the full label).
    event = services.centre_label_change(actor=operator, centre=mini, to_status="labelled")
    assert event.inspection_id == inspection.pk
    mini.refresh_from_db()
    assert mini.label_status == LabelStatus.LABELLED and mini.format == "mini"
    entry = AuditEntry.objects.filter(action="centre.label_changed").latest("id")
    assert entry.data["tier"] == "mini"


def test_the_mini_tier_needs_two_desks_and_a_passed_mini_inspection(network, operator):
    tiny = testing.make_centre(network=network, desks=1, rooms=0,
                               label_status=LabelStatus.CANDIDATE, label_tier="mini")
    services.inspection_record(actor=operator, centre=tiny, visited_on=dt.date(2026, 3, 2),
                               inspector_name="Label team",
                               items=answers(DEFAULT_MINI_LABEL_CHECKLIST))
    with pytest.raises(Conflict) as refused:
        services.centre_label_change(actor=operator, centre=tiny, to_status="labelled")
    assert refused.value.code == "label_needs_desks" and "at least 2" in refused.value.message


def test_a_full_inspection_does_not_label_a_centre_turned_mini(network, operator):
    centre = testing.make_centre(network=network, desks=8, rooms=0,
                                 label_status=LabelStatus.CANDIDATE)
    services.inspection_record(actor=operator, centre=centre, visited_on=dt.date(2026, 3, 2),
                               inspector_name="Label team", items=answers(DEFAULT_LABEL_CHECKLIST))
    services.centre_update(actor=operator, centre=centre, label_tier="mini")
    with pytest.raises(Conflict) as refused:
        services.centre_label_change(actor=operator, centre=centre, to_status="labelled")
    assert refused.value.code == "label_needs_tier_inspection"


def test_the_tier_of_a_labelled_centre_does_not_change_without_a_new_label(centre, operator):
    with pytest.raises(Conflict) as refused:
        services.centre_update(actor=operator, centre=centre, label_tier="mini")
    assert refused.value.code == "tier_change_needs_relabel"
    centre.refresh_from_db()
    assert centre.label_tier == "full"


def test_a_mini_centre_is_booked_on_credit_at_the_networks_mini_rate(company, member, network):
    mini = testing.make_centre(network=network, desks=3, rooms=0, label_tier="mini")
    buy(company, hours=100)
    # 75 % of the full centre's hours: a full day 6 h (not 8), a half-day 3 h.
    assert book(member, mini, slot="full_day").credit_minutes == 360
    assert book(member, mini, slot="morning", on=workday(4)).credit_minutes == 180
    network.mini_credit_percent = 50
    network.save()
    assert book(member, mini, slot="afternoon", on=workday(5)).credit_minutes == 120


def test_mini_credit_percent_out_of_bounds_is_refused(network, operator, api):
    response = api(operator).patch(f"/networks/{network.pk}", {"mini_credit_percent": 0})
    assert response.status_code == 422
    assert "mini_credit_percent" in str(response.json()["error"]["fields"])
    assert api(operator).patch(f"/networks/{network.pk}",
                               {"mini_credit_percent": 60}).json()["mini_credit_percent"] == 60


# --- Company-hosted spaces ----------------------------------------------------------------


class Hosted:
    """A host company's desks visible to its staff and one partner; a third company."""

    def __init__(self, network):
        company = OrganisationKind.COMPANY
        self.network = network
        self.host = testing.make_organisation(kind=company, network=network,
                                              legal_name="Aurelium SA")
        self.partner = testing.make_organisation(kind=company, network=network,
                                                 legal_name="Partner SRL")
        self.third = testing.make_organisation(kind=company, network=network,
                                               legal_name="Third SA")
        self.operator = testing.make_operator(network)
        self.centre = services.centre_create(
            actor=self.operator, network=network, operator=self.host, host_company=self.host,
            visibility=HostedVisibility.PARTNERS, partner_ids=[self.partner.pk],
            name="Aurelium desks", street="Chaussée 40", postcode="5030", city="Gembloux",
            lat="50.5613", lon="4.6982", label_tier="mini", email="reception@aurelium.example",
            phone="+32 81 00 00 40")
        Centre.objects.filter(pk=self.centre.pk).update(label_status=LabelStatus.LABELLED)
        from smartwork.network.models import OpeningHours, Resource

        Resource.objects.bulk_create([Resource(centre=self.centre, kind="desk", name=f"D{i}")
                                      for i in range(3)])
        OpeningHours.objects.bulk_create([
            OpeningHours(centre=self.centre, weekday=d, opens=dt.time(8), closes=dt.time(18))
            for d in range(5)])
        self.centre.refresh_from_db()
        self.host_member = testing.make_user(company=self.host, network=network)
        self.partner_member = testing.make_user(company=self.partner, network=network)
        self.third_member = testing.make_user(company=self.third, network=network)
        self.independent = testing.make_user(network=network)
        self.host_admin = testing.make_company_admin(self.host)
        self.third_admin = testing.make_company_admin(self.third)


@pytest.fixture
def hosted(network):
    return Hosted(network)


def visible_ids(viewer, network):
    return {c.pk for c in selectors.centre_list(filters=selectors.CentreFilters(
        network=network.pk, viewer=viewer))}


def test_visibility_for_each_role(hosted, network):
    c = hosted.centre
    manager = testing.make_centre_staff(c)
    other_operator = testing.make_operator(testing.make_network())
    sees = {
        "anonymous": AnonymousUser(), "host member": hosted.host_member, "host admin": hosted.host_admin,
        "partner member": hosted.partner_member, "other member": hosted.third_member,
        "other company admin": hosted.third_admin, "independent": hosted.independent,
        "operator": hosted.operator, "operator of another network": other_operator,
        "its manager": manager,
    }
    expected = {"host member", "host admin", "partner member", "operator", "its manager"}
    for who, user in sees.items():
        assert (c.pk in visible_ids(user, network)) == (who in expected), who
        assert selectors.centre_visible_to(viewer=user, centre=c) == (who in expected), who
    # Company only: the partner no longer sees it.
    services.hosted_visibility_set(actor=hosted.operator, centre=c,
                                   visibility=HostedVisibility.COMPANY)
    assert c.pk not in visible_ids(hosted.partner_member, network)
    assert c.pk in visible_ids(hosted.host_member, network)
    # Everyone: every member of the network, and the anonymous finder.
    services.hosted_visibility_set(actor=hosted.host_admin, centre=c,
                                   visibility=HostedVisibility.EVERYONE)
    for who, user in sees.items():
        assert c.pk in visible_ids(user, network), who


def test_an_invisible_space_answers_404_everywhere_in_the_api(hosted, api):
    c = hosted.centre
    on = workday(3).isoformat()
    for user, status in ((hosted.third_member, 404), (hosted.independent, 404),
                         (hosted.partner_member, 200), (hosted.host_member, 200),
                         (hosted.operator, 200)):
        client = api(user)
        assert client.get(f"/centres/{c.pk}").status_code == status
        assert client.get(f"/centres/{c.slug}").status_code == status
        assert client.get(f"/centres/{c.pk}/availability", {"date": on}).status_code == status
        assert client.get(f"/centres/{c.pk}/prices").status_code == status
        assert client.get(f"/centres/{c.pk}/resources").status_code == status
        listed = {i["id"] for i in client.get("/centres", {"limit": 100}).json()["items"]}
        assert (c.pk in listed) == (status == 200)
        near = client.get("/availability/desks", {"date": on, "slot": "morning",
                                                  "near": "50.56,4.70", "within_km": 20})
        assert near.status_code == 200
        assert (c.pk in {row["centre"]["id"] for row in near.json()}) == (status == 200)
    assert api().get(f"/centres/{c.pk}").status_code == 401


def test_booking_an_invisible_space_is_refused_with_404_and_nothing_stored(hosted, api):
    from smartwork.bookings.models import Booking

    c = hosted.centre
    body = {"centre_id": c.pk, "date": workday(3).isoformat(), "slot": "morning",
            "payment_method": "payg"}
    response = api(hosted.third_member).post("/bookings", body)
    assert response.status_code == 404, response.content
    assert not Booking.objects.filter(centre=c).exists()
    assert not selectors.member_may_book_at(member=hosted.third_member, centre=c, on=workday(3))
    response = api(hosted.partner_member).post("/bookings", body)
    assert response.status_code == 201, response.content
    assert selectors.member_may_book_at(member=hosted.partner_member, centre=c, on=workday(3))


def test_the_pages_hide_an_invisible_space(hosted):
    c = hosted.centre
    third, partner = Client(), Client()
    third.force_login(hosted.third_member)
    partner.force_login(hosted.partner_member)
    assert third.get(f"/centres/{c.slug}/").status_code == 404
    assert c.name not in third.get("/centres/").content.decode()
    page = partner.get("/centres/")
    assert c.name in page.content.decode()
    detail = partner.get(f"/centres/{c.slug}/")
    assert detail.status_code == 200
    book = third.post("/book/", {"centre": c.pk, "date": workday(3).isoformat(),
                                 "slot": "morning"})
    assert book.status_code == 404


def test_a_hosted_space_never_shows_the_hosts_staff_to_other_companies(hosted, api):
    c = hosted.centre
    # The host's own contact (its staff) only for the host and the network.
    assert api(hosted.partner_member).get(f"/centres/{c.pk}").json()["email"] == ""
    assert api(hosted.partner_member).get(f"/centres/{c.pk}").json()["phone"] == ""
    assert api(hosted.host_member).get(f"/centres/{c.pk}").json()["email"] == (
        "reception@aurelium.example")
    assert api(hosted.operator).get(f"/centres/{c.pk}").json()["phone"] == "+32 81 00 00 40"
    # A host employee's booking there shows no name to the partner.
    api(hosted.host_member).post("/bookings", {
        "centre_id": c.pk, "date": workday(3).isoformat(), "slot": "morning",
        "payment_method": "payg"})
    partner = Client()
    partner.force_login(hosted.partner_member)
    text = partner.get(f"/centres/{c.slug}/", {"date": workday(3).isoformat()}).content.decode()
    text += api(hosted.partner_member).get(f"/centres/{c.pk}/availability",
                                           {"date": workday(3).isoformat()}).content.decode()
    for secret in (hosted.host_member.email, hosted.host_member.last_name,
                   "reception@aurelium.example"):
        assert secret not in text
    # Nor does the front desk list open to them.
    assert api(hosted.partner_member).get(f"/centres/{c.pk}/arrivals").status_code == 403


def test_who_sets_the_visibility_and_what_is_refused(hosted, api):
    c = hosted.centre
    with pytest.raises(Forbidden):
        services.hosted_visibility_set(actor=hosted.third_admin, centre=c, visibility="everyone")
    with pytest.raises(Forbidden):
        services.hosted_visibility_set(actor=hosted.partner_member, centre=c,
                                       visibility="everyone")
    foreign = testing.make_organisation(kind=OrganisationKind.COMPANY,
                                        network=testing.make_network())
    for visibility, partners, field in (
        ("partners", [], "partner_ids"), ("partners", [hosted.host.pk], "partner_ids"),
        ("partners", [foreign.pk], "partner_ids"), ("company", [hosted.partner.pk], "partner_ids"),
        ("nobody", [], "visibility"),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.hosted_visibility_set(actor=hosted.host_admin, centre=c,
                                           visibility=visibility, partner_ids=partners)
        assert field in refused.value.fields, (visibility, partners)
    c.refresh_from_db()
    assert c.visibility == "partners"
    assert list(c.partner_companies.values_list("pk", flat=True)) == [hosted.partner.pk]
    response = api(hosted.host_admin).post(f"/centres/{c.pk}/visibility",
                                           {"visibility": "company"})
    assert response.status_code == 200, response.content
    assert response.json()["visibility"] == "company" and response.json()["format"] == "hosted"
    entry = AuditEntry.objects.filter(action="centre.visibility_set").latest("id")
    assert entry.data["before"]["visibility"] == "partners"
    assert entry.data["after"] == {"visibility": "company", "partners": []}
    # An ordinary centre limits nobody.
    plain = testing.make_centre(network=hosted.network)
    with pytest.raises(InvalidInput):
        services.hosted_visibility_set(actor=hosted.operator, centre=plain, visibility="company")


def test_a_hosted_space_is_created_for_a_customer_company_of_the_network(network, operator):
    other_company = testing.make_organisation(kind=OrganisationKind.COMPANY,
                                              network=testing.make_network())
    runner = testing.make_organisation(kind=OrganisationKind.CENTRE_OPERATOR, network=network)
    base = {"name": "Desks", "street": "Rue 1", "postcode": "5000", "city": "Namur",
            "lat": "50.4", "lon": "4.8"}
    with pytest.raises(InvalidInput) as refused:
        services.centre_create(actor=operator, network=network, operator=other_company,
                               host_company=other_company, **base)
    assert "host_company_id" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.centre_create(actor=operator, network=network, operator=runner,
                               visibility="company", **base)
    assert "visibility" in refused.value.fields
    assert not Centre.objects.filter(name="Desks").exists()


def test_the_finder_shows_and_filters_the_formats(hosted, network):
    testing.make_centre(network=network, name="Full Namur")
    testing.make_centre(network=network, name="Mini Ciney", desks=3, label_tier="mini")
    client = Client()
    client.force_login(hosted.partner_member)
    text = client.get("/centres/").content.decode()
    assert "Full Namur" in text and "Mini Ciney" in text and "Aurelium desks" in text
    assert "badge format-mini" in text and "badge format-hosted" in text
    assert "badge format-full" in text
    only_mini = client.get("/centres/", {"format": "mini"}).content.decode()
    assert "Mini Ciney" in only_mini and "Full Namur" not in only_mini
    assert "Aurelium desks" not in only_mini
    only_hosted = client.get("/centres/", {"format": "hosted"}).content.decode()
    assert "Aurelium desks" in only_hosted and "Mini Ciney" not in only_hosted


def test_hosted_centres_page_shows_the_visibility_form_to_the_operator(hosted):
    client = Client()
    client.force_login(hosted.operator)
    page = client.get(f"/staff/centres/{hosted.centre.pk}/label/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="visibility-form"' in text
    assert "code_or_qr_access" in text  # the mini checklist of its tier
    response = client.post(f"/staff/centres/{hosted.centre.pk}/label/", {
        "set_visibility": "1", "vis-visibility": "partners"})
    assert response.status_code == 200
    assert "vis-partners" in response.content.decode()  # the error is under the field
    hosted.centre.refresh_from_db()
    assert hosted.centre.visibility == "partners"
    response = client.post(f"/staff/centres/{hosted.centre.pk}/label/", {
        "set_visibility": "1", "vis-visibility": "everyone"})
    assert response.status_code == 302
    hosted.centre.refresh_from_db()
    assert hosted.centre.visibility == "everyone"


def test_get_raises_not_found_for_an_invisible_space(hosted):
    with pytest.raises(NotFound):
        selectors.centre_get(centre_id=hosted.centre.pk, viewer=hosted.third_member)
    assert selectors.centre_get(centre_id=hosted.centre.pk,
                                viewer=hosted.partner_member).pk == hosted.centre.pk


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_formats_pages_are_in_the_readers_language(hosted, network, language):
    """The pages this part adds to, with a mini centre and a hosted space, hold no word
    of the interface's English (the translation walk visits one page per route only)."""
    from smartwork.web.tests.pages import EnglishFinder

    mini = testing.make_centre(network=network, name="Mini Ciney", desks=3, rooms=0,
                               label_tier="mini", label_status=LabelStatus.CANDIDATE)
    open_mini = testing.make_centre(network=network, name="Mini open", desks=3, label_tier="mini")
    other = testing.make_network(name="Allied")
    services.alliance_create(actor=hosted.operator, network=network, other=other,
                             starts_on=dt.date(2026, 1, 1))
    finder = EnglishFinder(language)
    problems = []
    for user, paths in (
        (hosted.partner_member, ["/centres/", "/centres/?format=mini",
                                 f"/centres/{hosted.centre.slug}/", f"/centres/{open_mini.slug}/"]),
        (hosted.operator, [f"/staff/centres/{hosted.centre.pk}/label/",
                           f"/staff/centres/{mini.pk}/label/", "/staff/centres/",
                           "/staff/centres/new/", "/economics/network/alliances/"]),
    ):
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = language
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            # The test builders' own data ("Desk 01", "Centre operator 7") is not interface.
            problems += [f"{path}: {hit!r}" for hit in finder.find(response.content.decode())
                         if hit not in {"Desk", "Centre operator"}]
    assert not problems, "\n".join(problems)
