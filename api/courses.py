"""/api/v1/courses"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query, Response
from pydantic import Field

from api.deps import CurrentActor, PageParams, requires
from api.people import MAX_INT, IdFilter, RefId
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.base import InputModel, OutputModel, PageOut
from dashboard.core.roles import Permission
from dashboard.services import courses as service
from models.enums import CourseType, Level

router = ResourceRouter(prefix="/courses", tags=["Courses"], responses=error_responses(401, 403, 422))

CourseId = Annotated[int, Path(ge=1, le=MAX_INT)]
Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Text = Annotated[str, Field(max_length=20000)]
Credits = Annotated[int, Field(ge=1, le=100)]
Capacity = Annotated[int, Field(ge=1, le=100000)]
Prerequisites = Annotated[list[RefId], Field(max_length=100, description="Ids of the courses required first")]


class CourseCreate(InputModel):
    name: Name
    code: Code
    description: Text | None = None
    syllabus: Text | None = None
    credits: Credits
    department_id: RefId
    course_type: CourseType
    level: Level
    max_students: Capacity | None = None
    is_active: bool = True
    prerequisites: Prerequisites = Field(default_factory=list)


class CourseUpdate(InputModel):
    """Every field optional; `code` is immutable. `prerequisites` replaces the whole set."""

    name: Name | None = None
    description: Text | None = None
    syllabus: Text | None = None
    credits: Credits | None = None
    department_id: RefId | None = None
    course_type: CourseType | None = None
    level: Level | None = None
    max_students: Capacity | None = None
    is_active: bool | None = None
    prerequisites: Prerequisites | None = None


class CourseOut(OutputModel):
    id: int
    name: str
    code: str
    description: str | None
    syllabus: str | None
    credits: int
    department_id: int
    course_type: CourseType
    level: Level
    max_students: int | None
    is_active: bool
    prerequisites: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime | None


class PrerequisiteOut(OutputModel):
    id: int
    name: str
    code: str
    credits: int


@router.get("", response_model=PageOut[CourseOut], openapi_extra=requires(Permission.COURSES_READ))
async def list_courses(
    actor: CurrentActor,
    page: PageParams,
    department_id: IdFilter = None,
    course_type: CourseType | None = None,
    level: Level | None = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Search by name or code")] = None,
) -> PageOut[CourseOut]:
    result = await service.list_courses(actor, page=page, department_id=department_id, course_type=course_type,
                                        level=level, is_active=is_active, search=search)
    return PageOut[CourseOut].of(result)


@router.post(
    "", status_code=201, response_model=CourseOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def create_course(actor: CurrentActor, body: CourseCreate) -> dict:
    return await service.create_course(actor, data=body.model_dump())


@router.get(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(404), openapi_extra=requires(Permission.COURSES_READ),
)
async def get_course(actor: CurrentActor, course_id: CourseId) -> dict:
    return await service.get_course(actor, course_id=course_id)


@router.put(
    "/{course_id}", response_model=CourseOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.COURSES_WRITE),
)
async def update_course(actor: CurrentActor, course_id: CourseId, body: CourseUpdate) -> dict:
    return await service.update_course(actor, course_id=course_id, changes=body.model_dump(exclude_unset=True))


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
async def course_prerequisites(actor: CurrentActor, course_id: CourseId) -> list[dict]:
    return await service.course_prerequisites(actor, course_id=course_id)
