"""The admin site's user form: making someone a company's employee there follows the
same rule as an accepted invitation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from smartwork.accounts.models import User
from smartwork.core import testing
from smartwork.core.models import AuditEntry
from smartwork.credits.models import Membership
from smartwork.credits.services import membership_plan_create, membership_start

pytestmark = pytest.mark.django_db


def _change_form(user: User, **changes: object) -> dict[str, object]:
    """The POST of the admin's user change form, as the page would send it."""
    data: dict[str, object] = {
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "language": user.language, "phone": user.phone,
        "company": user.company_id or "", "network": user.network_id or "",
        "deactivated_at_0": "", "deactivated_at_1": "", "home_town": user.home_town,
        "home_lat": "", "home_lon": "", "commute_mode": user.commute_mode,
        "is_active": "on", "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "", "last_login_1": "",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_setting_a_company_ends_the_members_own_membership(network, operator, company):
    superuser = User.objects.create_superuser("root@example.org", "pass-1234")
    person = testing.make_user(network=network)
    plan = membership_plan_create(actor=operator, network=network, name="Flex",
                                  monthly_fee_net=Decimal("99"), included_hours=8)
    membership = membership_start(actor=person, member=person, plan=plan)
    client = Client()
    client.force_login(superuser)
    url = f"/admin/accounts/user/{person.pk}/change/"
    # Another change leaves it alone.
    response = client.post(url, _change_form(person, first_name="Ann"))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.state == "active"
    response = client.post(url, _change_form(person, company=company.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.company == company
    assert membership.state == "cancelling"
    assert membership.ends_on == membership.periods.get().ends_on
    entry = AuditEntry.objects.get(action="membership.cancelled")
    assert entry.actor_id == superuser.pk and entry.data["reason"] == "company_employee"
    assert Membership.objects.filter(member=person).count() == 1
