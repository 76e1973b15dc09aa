from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartwork.core.errors import Forbidden
from smartwork.core.models import AuditEntry, AuditEntryNetwork
from smartwork.core.permissions import roles_of


def audit_entry_list(
    *, actor: Any, action: str | None = None, object_type: str | None = None,
    object_id: str | None = None,
) -> QuerySet[AuditEntry]:
    roles = roles_of(actor)
    qs = AuditEntry.objects.select_related("actor")
    if not roles.superuser:
        if not roles.operator_networks:
            raise Forbidden(_("Only the network operator reads the audit log."))
        nets = roles.operator_networks
        qs = qs.filter(Q(network_id__in=nets) | Q(pk__in=AuditEntryNetwork.objects.filter(
            network_id__in=nets).values("entry_id")))
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs
