
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from smartwork.core.selectors import audit_entry_list

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    network_id: int | None
    data: dict[str, Any]


@router.get("/audit", response=list[AuditEntryOut], summary="The audit log (operator)")
@paginate(LimitOffsetPagination)
def audit_list(
    request: HttpRequest, action: str | None = None, object_type: str | None = None,
    object_id: str | None = None,
) -> object:
    return audit_entry_list(
        actor=request.user, action=action, object_type=object_type, object_id=object_id
    )


class OutboxMailOut(Schema):
    id: str
    task: str
    status: str
    args: dict[str, Any]
    enqueued_at: datetime
    run_after: datetime | None
    finished_at: datetime | None
    error: str

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.id)

    @staticmethod
    def resolve_task(obj: Any) -> str:
        return str(obj.task_path).rsplit(".", 1)[-1]

    @staticmethod
    def resolve_args(obj: Any) -> dict[str, Any]:
        return dict(obj.args_kwargs or {})

    @staticmethod
    def resolve_run_after(obj: Any) -> datetime | None:
        return None if obj.run_after.year >= 9999 else obj.run_after

    @staticmethod
    def resolve_error(obj: Any) -> str:
        return (obj.traceback or "").strip().splitlines()[-1][:500] if obj.traceback else ""


@router.get("/mail/outbox", response=list[OutboxMailOut], tags=["mail"],
            summary="Mails failed for good, or waiting to be sent (platform operator)")
@paginate(LimitOffsetPagination)
def mail_outbox(request: HttpRequest, state: str = "failed") -> object:
    from smartwork.core.mail import mail_outbox_list

    return mail_outbox_list(actor=request.user, state=state)
