"""Every race test runs with the credit-account lock-order check on (credits/locks.py):
a transaction that locks an account below one it holds fails at once, on both databases,
instead of deadlocking once in a while on PostgreSQL."""

from __future__ import annotations

import pytest

from smartwork.core import testing
from smartwork.credits import locks


@pytest.fixture(autouse=True)
def _credit_lock_order_checked(monkeypatch):
    monkeypatch.setattr(locks, "CHECK", True)


@pytest.fixture
def setting():
    """A network, a centre of eight desks and a meeting room, and a company in it."""
    network = testing.make_network()
    centre = testing.make_centre(network=network, desks=8, rooms=1)
    company = testing.make_organisation(network=network)
    return network, centre, company
