"""/api/v1/departments"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query, Response
from pydantic import EmailStr, Field

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.base import InputModel, OutputModel, PageOut
from dashboard.core.roles import Permission
from dashboard.services import departments as service
from models.enums import CourseType, FacultyStatus, Level, PersonStatus

router = ResourceRouter(prefix="/departments", tags=["Departments"], responses=error_responses(401, 403, 422))

DepartmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Phone = Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[0-9+() -]+$")]


class DepartmentCreate(InputModel):
    name: Name
    code: Code
    description: str | None = Field(None, max_length=5000)
    hod_id: int | None = Field(None, ge=1, le=2**31 - 1)
    phone: Phone | None = None
    email: EmailStr | None = None
    building: str | None = Field(None, max_length=100)
    floor: int | None = Field(None, ge=-5, le=200)


class DepartmentUpdate(InputModel):
    """Every field optional; `code` is immutable and so not accepted."""

    name: Name | None = None
    description: str | None = Field(None, max_length=5000)
    hod_id: int | None = Field(None, ge=1, le=2**31 - 1)
    phone: Phone | None = None
    email: EmailStr | None = None
    building: str | None = Field(None, max_length=100)
    floor: int | None = Field(None, ge=-5, le=200)
    is_active: bool | None = None


class DepartmentOut(OutputModel):
    id: int
    university_id: int | None
    name: str
    code: str
    description: str | None
    hod_id: int | None
    phone: str | None
    email: str | None
    building: str | None
    floor: int | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class DepartmentFacultyOut(OutputModel):
    id: int
    employee_id: str
    user_id: int
    first_name: str
    last_name: str
    designation: str
    is_hod: bool
    status: FacultyStatus


class DepartmentStudentOut(OutputModel):
    student_id: int
    user_id: int
    student_code: str
    first_name: str
    last_name: str
    program_id: int
    semester: int
    batch_year: int
    status: PersonStatus


class DepartmentCourseOut(OutputModel):
    id: int
    name: str
    code: str
    credits: int
    course_type: CourseType
    level: Level
    is_active: bool


@router.get("", response_model=PageOut[DepartmentOut], openapi_extra=requires(Permission.DEPARTMENTS_READ))
async def list_departments(
    actor: CurrentActor,
    page: PageParams,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Search by name or code")] = None,
) -> PageOut[DepartmentOut]:
    result = await service.list_departments(actor, page=page, is_active=is_active, search=search)
    return PageOut[DepartmentOut].of(result)


@router.post(
    "", status_code=201, response_model=DepartmentOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def create_department(actor: CurrentActor, body: DepartmentCreate) -> DepartmentOut:
    department = await service.create_department(actor, data=body.model_dump())
    return DepartmentOut.model_validate(department)


@router.get(
    "/{department_id}", response_model=DepartmentOut,
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def get_department(actor: CurrentActor, department_id: DepartmentId) -> DepartmentOut:
    return DepartmentOut.model_validate(await service.get_department(actor, department_id=department_id))


@router.put(
    "/{department_id}", response_model=DepartmentOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def update_department(actor: CurrentActor, department_id: DepartmentId, body: DepartmentUpdate) -> DepartmentOut:
    department = await service.update_department(
        actor, department_id=department_id, changes=body.model_dump(exclude_unset=True)
    )
    return DepartmentOut.model_validate(department)


@router.delete(
    "/{department_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def delete_department(actor: CurrentActor, department_id: DepartmentId) -> Response:
    await service.delete_department(actor, department_id=department_id)
    return Response(status_code=204)


@router.get(
    "/{department_id}/faculty", response_model=list[DepartmentFacultyOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_faculty(actor: CurrentActor, department_id: DepartmentId) -> list[dict]:
    return await service.department_faculty(actor, department_id=department_id)


@router.get(
    "/{department_id}/students", response_model=list[DepartmentStudentOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_students(actor: CurrentActor, department_id: DepartmentId) -> list[dict]:
    return await service.department_students(actor, department_id=department_id)


@router.get(
    "/{department_id}/courses", response_model=list[DepartmentCourseOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_courses(actor: CurrentActor, department_id: DepartmentId) -> list[dict]:
    return await service.department_courses(actor, department_id=department_id)
