"""The company's monthly cap per employee fits its column (PostgreSQL's integer): the
Approvals page once sent 2**63 hours x 60 and SQLite overflowed with a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.core.errors import InvalidInput
from smartwork.credits import services
from smartwork.credits.services import MAX_CAP_MINUTES


@pytest.mark.parametrize("minutes", [MAX_CAP_MINUTES + 1, 2**63 * 60, 0, -5])
def test_a_cap_outside_the_column_is_refused(company, company_admin, minutes):
    with pytest.raises(InvalidInput) as refused:
        services.credit_policy_set(actor=company_admin, company=company,
                                   pool_cap_minutes_per_month=minutes)
    assert "pool_cap_minutes_per_month" in refused.value.fields


def test_the_approvals_page_shows_a_huge_cap_as_an_error(company, company_admin):
    client = Client()
    client.force_login(company_admin)
    response = client.post(f"/company/{company.pk}/approvals/", {
        "cap_hours": str(2**63), "approval_hold_hours": "24"})
    assert response.status_code in (200, 422)
    assert 'aria-invalid="true"' in response.content.decode()
