"""/api/v1/departments"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.departments import (
    DepartmentCourseOut,
    DepartmentCreate,
    DepartmentFacultyOut,
    DepartmentOut,
    DepartmentStudentOut,
    DepartmentUpdate,
)
from dashboard.schemas.fields import MAX_INT
from dashboard.services import departments as service

router = ResourceRouter(prefix="/departments", tags=["Departments"], responses=error_responses(401, 403, 422))

DepartmentId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[DepartmentOut], openapi_extra=requires(Permission.DEPARTMENTS_READ))
async def list_departments(
    actor: CurrentActor,
    page: PageParams,
    is_active: Annotated[bool | None, Query(
        description="Active (true) or inactive (false) departments only")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the name or code, any case")] = None,
) -> Any:
    """List departments

    Every department, read by every signed-in role. Ordered by id; the filters combine. Reads
    only."""
    return await service.list_departments(actor, page=page, is_active=is_active, search=search)


@router.post(
    "", status_code=201, response_model=DepartmentOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def create_department(actor: CurrentActor, body: DepartmentCreate) -> Any:
    """Create a department

    A new, active department. A duplicate name or code is a 409. It has no faculty yet, so the
    head is named by a later update. Audited."""
    return await service.create_department(actor, data=body)


@router.get(
    "/{department_id}", response_model=DepartmentOut,
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def get_department(actor: CurrentActor, department_id: DepartmentId) -> Any:
    """Get a department

    One department by id; 404 when there is none. Reads only."""
    return await service.get_department(actor, department_id=department_id)


@router.put(
    "/{department_id}", response_model=DepartmentOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def update_department(actor: CurrentActor, department_id: DepartmentId, body: DepartmentUpdate) -> Any:
    """Update a department

    Changes only the fields sent; the code is immutable. The head (`hod_id`) must be an active
    faculty member of this department (404 or 400); naming one moves the headship and the faculty
    members' `is_hod` flags with it. Audited."""
    return await service.update_department(actor, department_id=department_id, changes=body)


@router.delete(
    "/{department_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.DEPARTMENTS_WRITE),
)
async def delete_department(actor: CurrentActor, department_id: DepartmentId) -> Response:
    """Delete a department

    Refused (409) while programs, courses, faculty members or students belong to it, naming
    them. Audited."""
    await service.delete_department(actor, department_id=department_id)
    return Response(status_code=204)


@router.get(
    "/{department_id}/faculty", response_model=list[DepartmentFacultyOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_faculty(actor: CurrentActor, department_id: DepartmentId) -> Any:
    """List a department's faculty

    Its faculty members, by id. Reads only."""
    return await service.department_faculty(actor, department_id=department_id)


@router.get(
    "/{department_id}/students", response_model=list[DepartmentStudentOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_students(actor: CurrentActor, department_id: DepartmentId) -> Any:
    """List a department's students

    The department's students that the caller may see: all of them for admin and staff, those a
    faculty member teaches, a student themselves, a parent their children. By id. Reads only."""
    return await service.department_students(actor, department_id=department_id)


@router.get(
    "/{department_id}/courses", response_model=list[DepartmentCourseOut],
    responses=error_responses(404), openapi_extra=requires(Permission.DEPARTMENTS_READ),
)
async def department_courses(actor: CurrentActor, department_id: DepartmentId) -> Any:
    """List a department's courses

    Its courses, by id. Reads only."""
    return await service.department_courses(actor, department_id=department_id)
