"""The evaluation report against a hand-computed fixture."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.insights.periods import parse_period
from smartwork.network.models import Price
from smartwork.wellbeing import evaluation
from smartwork.wellbeing.tests.test_measured import plans  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


def test_percentile_nearest_rank():
    assert evaluation.percentile_nearest_rank([], 90) == 0
    assert evaluation.percentile_nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert evaluation.percentile_nearest_rank([0] * 18 + [4] * 4, 90) == 4
    assert evaluation.percentile_nearest_rank([0] * 20 + [4] * 2, 90) == 0


def test_company_evaluation_hand_computed(company, company_admin, plans):  # noqa: F811
    """March 2026: 22 working days; four people at the head office on the Tuesdays 3, 10,
    17 and 24 (the plans stop on the 29th): 16 person-days, peak 4, average 16/22 = 0.7,
    90th percentile (nearest rank 20 of 22 sorted days) 4. The head office has 10 desks:
    6 spare. Two labelled centres price a desk day 25.00 and 35.00: mean 30.00, so the
    16 days cost 480.00 in the network's centres."""
    centre = testing.make_centre(network=company.network)
    other = testing.make_centre(network=company.network)
    Price.objects.filter(centre=other, resource_kind="desk").update(per_day=Decimal("35.00"))
    testing.make_centre(network=testing.make_network())  # another network: ignored
    assert centre.prices.get(resource_kind="desk").per_day == Decimal("25.00")
    evaluation.head_office_set(actor=company_admin, company=company, desks=10)
    data = evaluation.company_evaluation(actor=company_admin, company=company,
                                         period=parse_period("2026-03"))
    assert data["real_estate"] == {
        "working_days": 22, "person_days": 16, "peak": 4, "average": 0.7, "p90": 4,
        "desks": 10, "desks_spare_at_p90": 6, "desk_day_price": Decimal("30.00"),
        "cost_in_centres": Decimal("480.00")}
    assert data["adoption"]["remote_days"] == 68
    assert [v["remote_days"] for v in data["policy_versions"]] == [2]
    tables = evaluation.evaluation_tables(data)
    assert ["cost_in_centres_eur", "480.00"] in tables["summary"][1]


def test_rights_and_bad_input(company, company_admin, member, operator):
    with pytest.raises(Forbidden):
        evaluation.company_evaluation(actor=member, company=company,
                                      period=parse_period("2026-Q1"))
    with pytest.raises(InvalidInput):
        evaluation.head_office_set(actor=company_admin, company=company, desks=-1)
    with pytest.raises(Forbidden):
        evaluation.head_office_set(actor=operator, company=company, desks=3)


def test_network_evaluation_sums_companies(company, operator, plans):  # noqa: F811
    data = evaluation.network_evaluation(actor=operator, network=company.network,
                                         period=parse_period("2026-03"))
    assert [r["company"] for r in data["companies"]] == ["Acme SA"]
    assert data["totals"]["remote_days"] == 68
    assert data["totals"]["head_office_person_days"] == 16


def test_api_evaluation_json_xlsx_pdf(api, company, company_admin, member, plans):  # noqa: F811
    r = api(company_admin).get("/wellbeing/evaluation", {"company": company.pk,
                                                         "period": "2026-03"})
    assert r.status_code == 200, r.content
    assert r.json()["real_estate"]["person_days"] == 16
    x = api(company_admin).get("/wellbeing/evaluation/export", {
        "company": company.pk, "period": "2026-03", "format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    pdf = api(company_admin).get("/wellbeing/evaluation/pdf", {"company": company.pk,
                                                               "period": "2026-03"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api(member).get("/wellbeing/evaluation", {"company": company.pk,
                                                     "period": "2026-03"}).status_code == 403
