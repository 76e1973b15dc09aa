"""The demo's year of costs: over the months with bookings, one Walloon centre loses
money, one breaks even, the others earn; and the operator's page shows it."""

from decimal import Decimal

import pytest
from django.test import Client

from smartwork.demo import demo_load
from smartwork.economics import selectors
from smartwork.economics.models import CostVersion
from smartwork.network.models import Network

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_costs_lose_break_even_and_earn(django_db_blocker):
    demo_load()
    network = Network.objects.get(slug="walloon-smart-work-centers")
    from smartwork.accounts.models import User

    operator = User.objects.get(email__startswith="operator.walloon@")
    months = selectors.month_range(since=selectors.first_activity(network=network))
    data = selectors.network_economics(actor=operator, network=network, months=months,
                                       with_books=False)
    # The eight full-label centres (the formats' demo adds a mini centre and hosted
    # desks, with no year of costs: network/demo.py).
    full = set(network.centres.filter(label_tier="full", host_company__isnull=True)
               .values_list("pk", flat=True))
    margins = sorted(c["margin"] for c in data["centres"] if c["id"] in full)
    assert len(margins) == 8
    assert margins[0] < 0
    assert sum(1 for m in margins if Decimal("0") <= m <= Decimal("0.12")) == 1
    assert sum(1 for m in margins if m > Decimal("0.12")) == 6
    # A year of history: costs start twelve months back; the earners' rent was indexed.
    assert CostVersion.objects.filter(item__centre__network=network).count() == 8 * 3 + 6 + 1
    assert len(months) == 12
    assert all(c["months_of_data"] >= 11 for c in data["centres"] if c["id"] in full)
    client = Client()
    client.force_login(operator)
    page = client.get("/economics/network/")
    assert page.status_code == 200 and 'class="num bad"' in page.content.decode()
