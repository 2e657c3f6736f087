"""/api/v1/audit-logs: who changed what, newest first (admin only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.audit_logs import AuditLogOut
from dashboard.schemas.base import PageOut
from dashboard.services import audit_logs as service

router = ResourceRouter(prefix="/audit-logs", tags=["Audit logs"], responses=error_responses(401, 403, 422))

Id = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("", response_model=PageOut[AuditLogOut], responses=error_responses(400),
            openapi_extra=requires(Permission.AUDIT_READ))
async def list_audit_logs(
    actor: CurrentActor,
    page: PageParams,
    entity_type: Annotated[str | None, Query(
        max_length=50, description="Entries about records of this table, e.g. departments")] = None,
    entity_id: Annotated[Id, Query(
        description="Entries about this record: its id in `entity_type`'s table")] = None,
    user_id: Annotated[Id, Query(description="Entries made by this user (a user account id)")] = None,
    action: Annotated[str | None, Query(
        max_length=50, description="Entries of this action: create, update, delete, ...")] = None,
    date_from: Annotated[dt.date | None, Query(description="From this UTC day (included)")] = None,
    date_to: Annotated[dt.date | None, Query(description="To this UTC day (included)")] = None,
) -> Any:
    """List audit log entries

    Who changed what: one row per create, update or delete made through the services, with the
    record's values before and after, the caller's IP address and user agent. Newest first;
    the filters combine. Reads only."""
    return await service.list_audit_logs(
        actor, page=page, entity_type=entity_type, entity_id=entity_id, user_id=user_id, action=action,
        date_from=date_from, date_to=date_to,
    )
