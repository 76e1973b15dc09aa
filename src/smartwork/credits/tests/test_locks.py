"""credits/locks.py: the lock-order check fails a lock below one the transaction holds,
and forgets a transaction's locks when it ends."""

from __future__ import annotations

import pytest
from django.db import transaction

from smartwork.core import testing
from smartwork.credits import locks
from smartwork.credits.tests.factories import buy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_accounts(monkeypatch):
    monkeypatch.setattr(locks, "CHECK", True)
    network = testing.make_network()
    first = buy(testing.make_organisation(network=network), hours=1)
    second = buy(testing.make_organisation(network=network), hours=1)
    assert first.pk < second.pk
    return first.pk, second.pk


def test_a_lock_below_one_held_is_refused(two_accounts):
    low, high = two_accounts
    with (pytest.raises(locks.LockOrderError,
                        match=f"account {low} locked after account {high}"),
          transaction.atomic()):
        locks.credit_accounts_lock([high])
        locks.credit_accounts_lock([low])


def test_rows_held_again_or_above_are_fine_and_a_new_transaction_starts_afresh(two_accounts):
    low, high = two_accounts
    with transaction.atomic():
        assert set(locks.credit_accounts_lock([high, low])) == {low, high}
        locks.credit_accounts_lock([low])
        locks.credit_accounts_lock([high])
    with transaction.atomic():
        locks.credit_accounts_lock([high])
    with pytest.raises(locks.LockOrderError), transaction.atomic():
        locks.credit_accounts_lock([high])
        locks.credit_accounts_lock([low])
    with transaction.atomic():  # the rolled-back transaction's locks are forgotten too
        locks.credit_accounts_lock([low])
        locks.credit_accounts_lock([high])
