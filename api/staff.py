"""/api/v1/staff: admin and staff records (admin only). Not in the spec; fee payments and
book issues need to name the staff member who processed them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.staff import StaffCreate, StaffOut, StaffUpdate
from dashboard.services import staff as service
from models.enums import AdminStaffRole, PersonStatus

router = ResourceRouter(prefix="/staff", tags=["Staff"], responses=error_responses(401, 403, 422))

StaffId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[StaffOut], openapi_extra=requires(Permission.STAFF_MANAGE))
async def list_staff(
    actor: CurrentActor,
    page: PageParams,
    role: Annotated[AdminStaffRole | None, Query(description="Staff with this role")] = None,
    status: Annotated[PersonStatus | None, Query(description="Staff in this status")] = None,
    department_id: Annotated[int | None, Query(
        ge=1, le=2**31 - 1, description="Staff of this department (its id)")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the name, email or employee id, any case")] = None,
) -> Any:
    """List administrative staff

    Admin and staff accounts with their staff records. Ordered by id; the filters combine. Reads
    only."""
    return await service.list_staff(actor, page=page, role=role, status=status,
                                    department_id=department_id, search=search)


@router.post("", status_code=201, response_model=StaffOut, responses=error_responses(400, 404, 409),
             openapi_extra=requires(Permission.STAFF_MANAGE))
async def create_staff(actor: CurrentActor, body: StaffCreate) -> Any:
    """Create a staff member

    The account (admin or staff) and its staff record in one transaction; `employee_id` defaults
    to `EMP-<user id>`. A duplicate email, user name or employee id is a 409. Audited."""
    return await service.create_staff(actor, data=body)


@router.get("/{staff_id}", response_model=StaffOut, responses=error_responses(404),
            openapi_extra=requires(Permission.STAFF_MANAGE))
async def get_staff(actor: CurrentActor, staff_id: StaffId) -> Any:
    """Get a staff member

    One staff record with its account, by id; 404 when there is none. Reads only."""
    return await service.get_staff(actor, staff_id=staff_id)


@router.put("/{staff_id}", response_model=StaffOut, responses=error_responses(400, 404, 409),
            openapi_extra=requires(Permission.STAFF_MANAGE))
async def update_staff(actor: CurrentActor, staff_id: StaffId, body: StaffUpdate) -> Any:
    """Update a staff member

    Changes only the fields sent, of the record and of the account's names and type. Any status but
    active signs the person out on their next request. Audited."""
    return await service.update_staff(actor, staff_id=staff_id, changes=body)


@router.delete("/{staff_id}", status_code=204, response_class=Response, responses=error_responses(400, 404),
               openapi_extra=requires(Permission.STAFF_MANAGE))
async def deactivate_staff(actor: CurrentActor, staff_id: StaffId) -> Response:
    """Deactivate a staff member

    Deactivates the record and its account; nothing is deleted (their payments and loans point
    here). Nobody deactivates their own account (400). Audited."""
    await service.deactivate_staff(actor, staff_id=staff_id)
    return Response(status_code=204)
