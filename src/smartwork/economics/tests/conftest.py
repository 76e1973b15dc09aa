import pytest

from smartwork.billing.tests.factories import billing_ready
from smartwork.billing.tests.test_books import month  # noqa: F401 -- the closed month fixture
from smartwork.core import testing


@pytest.fixture
def network(db):
    """A network able to invoice (as billing's tests use)."""
    return billing_ready(testing.make_network(name="Test network"))
