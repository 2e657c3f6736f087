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
    department_id: IdFilter = None,
    course_type: CourseType | None = None,
    level: Level | None = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Search by name or code")] = None,
) -> Any:
    return await service.list_courses(actor, page=page, department_id=department_id, course_type=course_type,
                                      level=level, is_active=is_active, search=search)


@router.post(
    "", status_code=201, response_model=CourseOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def create_course(actor: CurrentActor, body: CourseCreate) -> Any:
    return await service.create_course(actor, data=body)


@router.get(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(404), openapi_extra=requires(Permission.COURSES_READ),
)
async def get_course(actor: CurrentActor, course_id: CourseId) -> Any:
    return await service.get_course(actor, course_id=course_id)


@router.put(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def update_course(actor: CurrentActor, course_id: CourseId, body: CourseUpdate) -> Any:
    return await service.update_course(actor, course_id=course_id, changes=body)


@router.delete(
    "/{course_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def delete_course(actor: CurrentActor, course_id: CourseId) -> Response:
    await service.delete_course(actor, course_id=course_id)
    return Response(status_code=204)


@router.get(
    "/{course_id}/prerequisites", response_model=list[PrerequisiteOut],
    responses=error_responses(404), openapi_extra=requires(Permission.COURSES_READ),
)
async def course_prerequisites(actor: CurrentActor, course_id: CourseId) -> Any:
    return await service.course_prerequisites(actor, course_id=course_id)
