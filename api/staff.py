"""/api/v1/staff: admin and staff records (admin only). Not in the spec; fee payments and
book issues need to name the staff member who processed them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Path, Query, Response
from pydantic import Field

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.auth import Email, Name, NewPassword, Phone, UserName
from dashboard.schemas.base import InputModel, OutputModel, PageOut
from dashboard.core.roles import Permission
from dashboard.services import staff as service
from models import AdminStaff
from models.enums import AdminStaffRole, PersonStatus, UserType

router = ResourceRouter(prefix="/staff", tags=["Staff"], responses=error_responses(401, 403, 422))

StaffId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DepartmentId = Annotated[int, Field(ge=1, le=2**31 - 1)]
EmployeeId = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
StaffUserType = Literal[UserType.ADMIN, UserType.STAFF]


class StaffCreate(InputModel):
    user_type: StaffUserType = UserType.STAFF
    email: Email
    user_name: UserName
    password: NewPassword
    first_name: Name
    middle_name: str | None = Field(None, max_length=100)
    last_name: Name
    phone: Phone | None = None
    employee_id: EmployeeId | None = None
    role: AdminStaffRole = AdminStaffRole.STAFF
    department_id: DepartmentId | None = None
    designation: str = Field(min_length=2, max_length=100)
    date_of_joining: dt.date


class StaffUpdate(InputModel):
    """Every field optional. Email, user name and password change through the account
    flows, not here."""

    user_type: StaffUserType | None = None
    first_name: Name | None = None
    middle_name: str | None = Field(None, max_length=100)
    last_name: Name | None = None
    phone: Phone | None = None
    employee_id: EmployeeId | None = None
    role: AdminStaffRole | None = None
    department_id: DepartmentId | None = None
    designation: str | None = Field(None, min_length=2, max_length=100)
    date_of_joining: dt.date | None = None
    status: PersonStatus | None = None


class StaffOut(OutputModel):
    id: int
    user_id: int
    user_type: UserType
    email: str
    user_name: str
    first_name: str
    middle_name: str | None
    last_name: str
    phone: str | None
    is_active: bool
    employee_id: str
    role: AdminStaffRole
    department_id: int | None
    designation: str
    date_of_joining: dt.date
    status: PersonStatus
    created_at: dt.datetime
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, staff: AdminStaff) -> StaffOut:
        user = staff.user
        return cls(
            id=staff.id, user_id=user.id, user_type=user.user_type, email=user.email,
            user_name=user.user_name, first_name=user.first_name, middle_name=user.middle_name,
            last_name=user.last_name, phone=user.phone, is_active=user.is_active,
            employee_id=staff.employee_id, role=staff.role,
            department_id=staff.department_id,  # type: ignore[attr-defined]
            designation=staff.designation, date_of_joining=staff.date_of_joining, status=staff.status,
            created_at=staff.created_at, updated_at=staff.updated_at,
        )


_ACCOUNT_FIELDS = {"user_type", "email", "user_name", "password", "first_name", "middle_name", "last_name", "phone"}


@router.get("", response_model=PageOut[StaffOut], openapi_extra=requires(Permission.STAFF_MANAGE))
async def list_staff(
    actor: CurrentActor,
    page: PageParams,
    role: Annotated[AdminStaffRole | None, Query()] = None,
    status: Annotated[PersonStatus | None, Query()] = None,
    department_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    search: Annotated[str | None, Query(max_length=100, description="Name, email or employee id")] = None,
) -> PageOut[StaffOut]:
    result = await service.list_staff(actor, page=page, role=role, status=status,
                                      department_id=department_id, search=search)
    return PageOut[StaffOut](items=[StaffOut.of(s) for s in result.items], total=result.total,
                             page=result.page, page_size=result.page_size, total_pages=result.total_pages)


@router.post("", status_code=201, response_model=StaffOut, responses=error_responses(400, 404, 409),
             openapi_extra=requires(Permission.STAFF_MANAGE))
async def create_staff(actor: CurrentActor, body: StaffCreate) -> StaffOut:
    data = body.model_dump(exclude_none=True)
    account = {k: v for k, v in data.items() if k in _ACCOUNT_FIELDS}
    profile = {k: v for k, v in data.items() if k not in _ACCOUNT_FIELDS}
    return StaffOut.of(await service.create_staff(actor, account=account, profile=profile))


@router.get("/{staff_id}", response_model=StaffOut, responses=error_responses(404),
            openapi_extra=requires(Permission.STAFF_MANAGE))
async def get_staff(actor: CurrentActor, staff_id: StaffId) -> StaffOut:
    return StaffOut.of(await service.get_staff(actor, staff_id=staff_id))


@router.put("/{staff_id}", response_model=StaffOut, responses=error_responses(400, 404, 409),
            openapi_extra=requires(Permission.STAFF_MANAGE))
async def update_staff(actor: CurrentActor, staff_id: StaffId, body: StaffUpdate) -> StaffOut:
    staff = await service.update_staff(actor, staff_id=staff_id, changes=body.model_dump(exclude_unset=True))
    return StaffOut.of(staff)


@router.delete("/{staff_id}", status_code=204, response_class=Response, responses=error_responses(400, 404),
               openapi_extra=requires(Permission.STAFF_MANAGE))
async def deactivate_staff(actor: CurrentActor, staff_id: StaffId) -> Response:
    """Deactivates the record and its account; nothing is deleted."""
    await service.deactivate_staff(actor, staff_id=staff_id)
    return Response(status_code=204)
