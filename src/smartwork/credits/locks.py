"""The one way credit accounts are locked: in primary-key order, per transaction.

Two transactions that lock overlapping sets of accounts cannot wait for each other in a
cycle when each locks its accounts in ascending primary-key order, **all the accounts
of a transaction counting as one set**: a transaction that holds account 9 must not
then lock account 5. So a path that will touch several accounts locks them all first,
in one call (`credit_accounts_lock`), and later locks in the same transaction only
re-take rows it holds, or rows above every one it holds (an account created in the
transaction is above every existing one).

The booking hot path locks with its own statements (`payment._lock_candidates`, the
UPDATE of `credits/sql.py`); they report what they lock to `lock_order_note`, as the
helper does. When `CHECK` is on (the concurrency tests turn it on), a lock below one
already held in the same transaction raises `LockOrderError` at once, on both
databases, instead of deadlocking once in a while on PostgreSQL. The other row locks
come before the accounts: the member's and the resource's (bookings/sql.py), then the
booking, membership and allotment rows, then the accounts (docs/credits.md, "Locks").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from smartwork.credits.models import CreditAccount

CHECK = False


class LockOrderError(RuntimeError):
    """A credit account was locked below one the transaction already holds."""


class _Held:
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __call__(self) -> None:  # the on_commit hook: forget on commit
        self.ids = set()


def _held() -> set[int]:
    state: _Held | None = getattr(connection, "_smartwork_credit_locks", None)
    # Django drops a transaction's on_commit hooks on rollback and runs them on commit:
    # the hook still being queued means the same transaction.
    hooks = [entry[1] for entry in connection.run_on_commit]  # (savepoints, hook, robust)
    if state is None or not any(hook is state for hook in hooks):
        state = _Held()
        connection.on_commit(state)
        connection._smartwork_credit_locks = state  # type: ignore[attr-defined]
    return state.ids


def lock_order_note(ids: Iterable[int]) -> None:
    """Record that the current transaction locks `ids` (ascending); with CHECK, refuse
    an id below one already held that is not held itself."""
    if not CHECK or not connection.in_atomic_block:
        return
    held = _held()
    new = set(ids) - held
    if new and held and min(new) < max(held):
        raise LockOrderError(f"credit account {min(new)} locked after account {max(held)} "
                             f"in the same transaction (held: {sorted(held)})")
    held |= new


def credit_accounts_lock(accounts: Iterable[CreditAccount | int]) -> dict[int, CreditAccount]:
    """Lock accounts in primary-key order and return the fresh rows by id.

    NO KEY UPDATE (PostgreSQL): writers of a balance still queue behind each other, but
    inserting a row that merely refers to the account (a ledger entry's foreign key
    takes KEY SHARE) is not blocked, which would otherwise deadlock with a transaction
    that holds the referring row's lock and waits for this account."""
    ids = sorted({a if isinstance(a, int) else a.pk for a in accounts})
    lock_order_note(ids)
    rows = (CreditAccount.objects.select_for_update(no_key=True).filter(pk__in=ids)
            .order_by("pk"))
    return {row.pk: row for row in rows}

