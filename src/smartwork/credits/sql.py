"""The credit ledger's hot statement, in plain SQL (issues #4 and #5).

A booking paid by credit takes its minutes from an account that the whole staff of a
company may share (the pool): every booking of that company queues on that one row.
What is done while holding it decides the company's booking rate, so the lock, the
balance check, the new balance, the ledger entry and the booking's other rows are one
statement, written last before the commit:

    WITH acc AS (UPDATE account SET balance = balance - m
                 WHERE id = ... AND balance >= m RETURNING balance),
         led AS (INSERT INTO ledger ... SELECT ..., acc.balance FROM acc),
         i0  AS (INSERT INTO ... SELECT ... FROM acc), ...

The UPDATE takes the row lock (NO KEY UPDATE: ledger entries' foreign keys are not
blocked); a concurrent booking waits for it and then re-checks the balance on the
committed row (PostgreSQL's READ COMMITTED re-evaluation), so the balance never goes
below zero and the entries' running balance follows the stored one. When the balance is
short no row comes back and nothing is written. SQLite has no data-modifying CTE; its
IMMEDIATE transaction holds the database's write lock, and the same writes are three
in-process statements.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from smartwork.core import fastsql
from smartwork.credits.locks import lock_order_note
from smartwork.credits.models import CreditAccount, LedgerEntry


def _update_sql() -> str:
    table = fastsql.qn(CreditAccount._meta.db_table)
    balance = fastsql.qn(CreditAccount._meta.get_field("balance_minutes").column)
    return (f"UPDATE {table} SET {balance} = {balance} - %s "  # noqa: S608
            f"WHERE id = %s AND {balance} >= %s RETURNING {balance}")


def minutes_take(*, account_id: int, entry: LedgerEntry, rows: list[models.Model]) -> bool:
    """Take `-entry.amount_minutes` from the account if its balance allows, append
    `entry` (its `balance_after` set from the new balance) and write `rows` with it.
    False, and nothing written, when the balance is short."""
    minutes = -entry.amount_minutes
    assert minutes > 0
    lock_order_note([account_id])
    params: list[Any] = [minutes, account_id, minutes]
    if connection.vendor != "postgresql":
        with fastsql.cursor() as cursor:
            cursor.execute(_update_sql(), params)
            row = cursor.fetchone()
        if row is None:
            return False
        entry.balance_after = row[0]
        fastsql.insert_all([entry, *rows])
        return True
    parts = [f"acc AS ({_update_sql()})"]
    ledger, values = fastsql.insert_parts(entry, source="acc",
                                          expressions={"balance_after": "acc.balance_minutes"})
    parts.append(f"i0 AS ({ledger})")
    params += values
    for i, obj in enumerate(rows, start=1):
        sql, values = fastsql.insert_parts(obj, source="acc")
        parts.append(f"i{i} AS ({sql})")
        params += values
    objs: list[models.Model] = [entry, *rows]
    # Names from the models' metadata only; every value is a bound parameter.
    ids = ", ".join(f"(SELECT {fastsql.qn(type(o)._meta.pk.column)} FROM i{i})"  # noqa: S608
                    for i, o in enumerate(objs))
    with fastsql.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT acc.balance_minutes, {ids} FROM acc",  # noqa: S608
                       params)
        row = cursor.fetchone()
    if row is None:
        return False
    entry.balance_after = row[0]
    for obj, pk in zip(objs, row[1:], strict=True):
        fastsql.mark_saved(obj, pk)
    return True
