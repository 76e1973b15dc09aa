"""The audit log: every state change writes one entry (`booking.cancelled`, ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from smartwork.core import fastsql
from smartwork.core.models import AuditEntry, AuditEntryNetwork


def _network_id_of(obj: Any) -> int | None:
    if getattr(obj, "network_id", None):
        return int(obj.network_id)
    centre = getattr(obj, "centre", None)
    if centre is not None and getattr(centre, "network_id", None):
        return int(centre.network_id)
    return None


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    network_id: int | None = None,
) -> AuditEntry:
    """The entry `audit_log` writes, not written yet (a hot path writes it together with
    other rows: `fastsql.insert_all`)."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    entry = fastsql.new(
        AuditEntry, actor_id=actor_id,
        action=action,
        data=data or {},
        network_id=network_id if network_id is not None else (_network_id_of(obj) if obj else None),
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    return entry


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    network_id: int | None = None,
    network_ids: Iterable[int] = (),
) -> AuditEntry:
    """Write an entry. `network_ids`: every network the change concerns, when there
    are several (an organisation working with two networks): each one's operator
    reads it. The first (or `network_id`) is the entry's own."""
    others = sorted({int(n) for n in network_ids if n is not None})
    if network_id is None and others:
        network_id = others[0]
    entry = audit_entry(actor=actor, action=action, obj=obj, data=data, network_id=network_id)
    # One cheap INSERT: every booking writes one (core/fastsql.py).
    fastsql.insert(entry)
    extra = [n for n in others if n != entry.network_id]
    if extra:
        AuditEntryNetwork.objects.bulk_create(
            [AuditEntryNetwork(entry_id=entry.pk, network_id=n) for n in extra])
    return entry
