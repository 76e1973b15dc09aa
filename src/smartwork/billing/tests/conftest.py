import pytest

from smartwork.billing.tests.factories import billing_ready
from smartwork.core import testing


@pytest.fixture
def network(db):
    """The shared fixture's network, with an operator able to issue invoices."""
    return billing_ready(testing.make_network(name="Test network"))
