"""Reading the audit trail (admin only). Rows are written by dashboard.core.audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from dashboard.core.actor import Actor, authorize
from dashboard.core.errors import InvalidState
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from models import AuditLog


def visible_audit_logs(actor: Actor) -> QuerySet[AuditLog]:
    """The audit rows this actor may read: all of them with AUDIT_READ, none without."""
    return AuditLog.all() if actor.can(Permission.AUDIT_READ) else AuditLog.filter(id__in=[])


async def list_audit_logs(
    actor: Actor, *, page: PageRequest, entity_type: str | None = None, entity_id: int | None = None,
    user_id: int | None = None, action: str | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> Page[AuditLog]:
    """Newest first. The dates are whole UTC days, both included."""
    authorize(actor, Permission.AUDIT_READ)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidState("date_from must not be after date_to")
    query = visible_audit_logs(actor).order_by("-timestamp", "-id")
    if entity_type is not None:
        query = query.filter(entity_type=entity_type)
    if entity_id is not None:
        query = query.filter(entity_id=entity_id)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    if action is not None:
        query = query.filter(action=action)
    if date_from is not None:
        query = query.filter(timestamp__gte=dt.datetime.combine(date_from, dt.time.min, dt.UTC))
    if date_to is not None:
        query = query.filter(timestamp__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, dt.UTC))
    return await paginate(query, page)


async def entity_trail(actor: Actor, *, entities: Sequence[tuple[str, int]], limit: int = 50) -> dict[str, Any]:
    """The newest audit rows of the named rows ((table, id) pairs: a student and their
    user account), with who made each change, and how many there are in all."""
    authorize(actor, Permission.AUDIT_READ)
    if not entities:
        return {"items": [], "total": 0}
    query = visible_audit_logs(actor).filter(
        reduce(or_, (Q(entity_type=entity_type, entity_id=entity_id) for entity_type, entity_id in entities)))
    total = await query.count()
    items = await query.order_by("-timestamp", "-id").limit(max(1, limit)).values(
        "id", "timestamp", "action", "entity_type", "entity_id", "entity_name", "old_value", "new_value",
        "ip_address", by_first="user__first_name", by_last="user__last_name") if total else []
    return {"items": items, "total": total}
