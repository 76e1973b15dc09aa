"""A centre operator's bank account: its manager proposes, the network's operator
approves; audited for every network concerned; the centre operator is mailed."""

from __future__ import annotations

import pytest
from django.core import mail

from smartwork.core import testing
from smartwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_IBAN = "BE71096123456769"


@pytest.fixture
def org(centre):
    op = centre.operator
    op.iban, op.bic, op.email = "BE68539007547034", "GEBABEBB", "finance@centre.example"
    op.save()
    return op


def propose(api, who, org, iban=NEW_IBAN):
    return api(who).post(f"/organisations/{org.pk}/payout-changes",
                         {"iban": iban, "bic": "GKCCBEBB"})


def test_manager_proposes_operator_approves_and_the_centre_operator_is_told(
        api, org, manager, operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(api, manager, org)
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["state"] == "proposed" and change["previous_iban"] == "BE68539007547034"
    org.refresh_from_db()
    assert org.iban == "BE68539007547034"  # not yet
    assert [m.to for m in mail.outbox] == [["finance@centre.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        response = api(operator).post(f"/payout-changes/{change['id']}/approve")
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert (org.iban, org.bic) == (NEW_IBAN, "GKCCBEBB")
    assert len(mail.outbox) == 2 and NEW_IBAN in mail.outbox[1].body
    actions = list(AuditEntry.objects.filter(action__startswith="payout_change")
                   .order_by("id").values_list("action", "network_id"))
    assert actions == [("payout_change.proposed", org.operated_centres.get().network_id),
                       ("payout_change.approved", org.operated_centres.get().network_id)]
    # Decided once.
    assert api(operator).post(f"/payout-changes/{change['id']}/approve").status_code == 409


def test_who_may_not(api, org, centre, operator, receptionist, member, company_admin, outsider):
    for who in (operator, receptionist, member, company_admin):
        assert propose(api, who, org).status_code in (403, 404), who
    # Another network's operator and centre manager do not even see the organisation.
    foreign_operator = testing.make_operator(outsider.network)
    foreign_manager = testing.make_centre_staff(testing.make_centre(network=outsider.network))
    assert propose(api, foreign_operator, org).status_code == 404
    assert propose(api, foreign_manager, org).status_code == 404
    assert api().post(f"/organisations/{org.pk}/payout-changes",
                      {"iban": NEW_IBAN}).status_code == 401

    manager = testing.make_centre_staff(centre)
    change = propose(api, manager, org).json()
    assert propose(api, manager, org).status_code == 409  # one open change at a time
    for who in (manager, receptionist, foreign_manager):
        response = api(who).post(f"/payout-changes/{change['id']}/approve")
        assert response.status_code in (403, 404), who
    assert api(foreign_operator).post(
        f"/payout-changes/{change['id']}/approve").status_code == 404
    org.refresh_from_db()
    assert org.iban != NEW_IBAN
    response = api(operator).post(f"/payout-changes/{change['id']}/reject",
                                  {"reason": "Call us first"})
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    org.refresh_from_db()
    assert org.iban != NEW_IBAN


def test_a_bad_iban_is_refused_inline(api, org, manager):
    response = propose(api, manager, org, iban="BE00 0000")
    assert response.status_code == 422
    assert "iban" in response.json()["error"]["fields"]


def test_lists_are_scoped(api, org, manager, operator, outsider):
    propose(api, manager, org)
    assert api(operator).get("/payout-changes").json()["count"] == 1
    assert api(manager).get("/payout-changes").json()["count"] == 1
    foreign_operator = testing.make_operator(outsider.network)
    assert api(foreign_operator).get("/payout-changes").json()["count"] == 0
    assert api(outsider).get("/payout-changes").status_code == 403
