"""Tasks enqueued inside the current transaction (a transactional outbox; issue #4).

`transaction.on_commit(lambda: task.enqueue(...))` costs, per booking, a second write
transaction after the booking's (on PostgreSQL a second WAL flush; on SQLite a second
write lock, taken outside the booking writers' queue) and an ORM insert through the
task framework. With the database task backend the task row can be written in the
booking's own transaction instead: the worker sees it only once the booking is
committed, and never for a rolled-back booking, so the mail still goes out after
commit. The row is the one `DatabaseBackend.enqueue` writes (same fields, run_after
as its pre_save handler sets it). Any other backend (the immediate one of the tests)
is called on commit, as before.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from smartwork.core import fastsql

_VALIDATED: set[str] = set()


def task_row(task: Any, *args: Any, **kwargs: Any) -> Any | None:
    """The task row `DatabaseBackend.enqueue` would write, not written yet, or None when
    it cannot be written in the current transaction (another backend, or no transaction):
    then use `task_enqueue_after_commit`."""
    backend = task.get_backend()
    if not connection.in_atomic_block or not _is_db_backend(backend):
        return None
    from django.utils.json import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    if task.module_path not in _VALIDATED:
        backend.validate_task(task)
        _VALIDATED.add(task.module_path)
    return fastsql.new(
        DBTaskResult, id=backend._get_id(),
        args_kwargs=normalize_json({"args": list(args), "kwargs": kwargs}),
        priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(), backend_name=backend.alias,
    )


def task_enqueue_after_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    row = task_row(task, *args, **kwargs)
    if row is None:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
        return
    fastsql.insert(row)


def _is_db_backend(backend: Any) -> bool:
    return type(backend).__module__.startswith("django_tasks_db")
