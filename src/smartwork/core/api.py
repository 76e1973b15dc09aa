
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
