"""/api/v1/courses"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.courses import CourseCreate, CourseOut, CourseUpdate, PrerequisiteOut
from dashboard.schemas.fields import MAX_INT
from dashboard.services import courses as service
from models.enums import CourseType, Level

router = ResourceRouter(prefix="/courses", tags=["Courses"], responses=error_responses(401, 403, 422))

CourseId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[CourseOut], openapi_extra=requires(Permission.COURSES_READ))
async def list_courses(
    actor: CurrentActor,
    page: PageParams,
    department_id: Annotated[IdFilter, Query(description="Courses of this department (its id)")] = None,
    course_type: Annotated[CourseType | None, Query(description="Courses of this type")] = None,
    level: Annotated[Level | None, Query(description="Courses of this level")] = None,
    is_active: Annotated[bool | None, Query(
        description="Active (true) or inactive (false) courses only")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the name or code, any case")] = None,
) -> Any:
    """List courses

    The course catalogue, read by every signed-in role. Ordered by id; the filters combine. Reads
    only."""
    return await service.list_courses(actor, page=page, department_id=department_id, course_type=course_type,
                                      level=level, is_active=is_active, search=search)


@router.post(
    "", status_code=201, response_model=CourseOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def create_course(actor: CurrentActor, body: CourseCreate) -> Any:
    """Create a course

    A new course with its prerequisites (course ids) linked in the same transaction. A duplicate
    name or code is a 409; an unknown department or prerequisite a 404; a prerequisite cycle a
    400. Audited."""
    return await service.create_course(actor, data=body)


@router.get(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(404), openapi_extra=requires(Permission.COURSES_READ),
)
async def get_course(actor: CurrentActor, course_id: CourseId) -> Any:
    """Get a course

    The course with its prerequisites' ids. Reads only."""
    return await service.get_course(actor, course_id=course_id)


@router.put(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def update_course(actor: CurrentActor, course_id: CourseId, body: CourseUpdate) -> Any:
    """Update a course

    Changes only the fields sent; the code is immutable. `prerequisites`, when sent, replaces the
    whole set and is checked for existence (404), self-reference and cycles (400). Audited."""
    return await service.update_course(actor, course_id=course_id, changes=body)


@router.delete(
    "/{course_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def delete_course(actor: CurrentActor, course_id: CourseId) -> Response:
    """Delete a course

    Refused (409) while anything refers to the course (offerings, grades, curricula, exam
    schedules, courses that require it); its own prerequisite links go with it. Audited."""
    await service.delete_course(actor, course_id=course_id)
    return Response(status_code=204)


@router.get(
    "/{course_id}/prerequisites", response_model=list[PrerequisiteOut],
    responses=error_responses(404), openapi_extra=requires(Permission.COURSES_READ),
)
async def course_prerequisites(actor: CurrentActor, course_id: CourseId) -> Any:
    """List a course's prerequisites

    The courses required before this one, by id; empty when there are none. Reads only."""
    return await service.course_prerequisites(actor, course_id=course_id)
