"""/api/v1/programs, with the curriculum at /programs/{id}/courses."""

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
from dashboard.services import programs as service
from models.enums import CourseType, DegreeType

router = ResourceRouter(prefix="/programs", tags=["Programs"], responses=error_responses(401, 403, 422))

ProgramId = Annotated[int, Path(ge=1, le=MAX_INT)]
Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Text = Annotated[str, Field(max_length=5000)]
Years = Annotated[int, Field(ge=1, le=10)]
Semesters = Annotated[int, Field(ge=1, le=20)]
Credits = Annotated[int, Field(ge=1, le=1000)]


class ProgramCreate(InputModel):
    name: Name
    code: Code
    description: Text | None = None
    degree_type: DegreeType
    department_id: RefId
    duration_years: Years
    total_semesters: Semesters
    total_credits: Credits
    eligibility_criteria: Text | None = None
    is_active: bool = True


class ProgramUpdate(InputModel):
    """Every field optional; `code` is immutable and so not accepted."""

    name: Name | None = None
    description: Text | None = None
    degree_type: DegreeType | None = None
    department_id: RefId | None = None
    duration_years: Years | None = None
    total_semesters: Semesters | None = None
    total_credits: Credits | None = None
    eligibility_criteria: Text | None = None
    is_active: bool | None = None


class ProgramOut(OutputModel):
    id: int
    name: str
    code: str
    description: str | None
    degree_type: DegreeType
    department_id: int
    duration_years: int
    total_semesters: int
    total_credits: int
    eligibility_criteria: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class CurriculumAdd(InputModel):
    course_id: RefId
    semester: Semesters
    is_mandatory: bool = True


class CurriculumOut(OutputModel):
    id: int
    program_id: int
    course_id: int
    course_name: str
    course_code: str
    credits: int
    course_type: CourseType
    semester: int
    is_mandatory: bool


@router.get("", response_model=PageOut[ProgramOut], openapi_extra=requires(Permission.PROGRAMS_READ))
async def list_programs(
    actor: CurrentActor,
    page: PageParams,
    department_id: IdFilter = None,
    degree_type: DegreeType | None = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
    search: Annotated[str | None, Query(max_length=100, description="Search by name or code")] = None,
) -> PageOut[ProgramOut]:
    result = await service.list_programs(actor, page=page, department_id=department_id, degree_type=degree_type,
                                         is_active=is_active, search=search)
    return PageOut[ProgramOut].of(result)


@router.post(
    "", status_code=201, response_model=ProgramOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def create_program(actor: CurrentActor, body: ProgramCreate) -> ProgramOut:
    return ProgramOut.model_validate(await service.create_program(actor, data=body.model_dump()))


@router.get(
    "/{program_id}", response_model=ProgramOut,
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_READ),
)
async def get_program(actor: CurrentActor, program_id: ProgramId) -> ProgramOut:
    return ProgramOut.model_validate(await service.get_program(actor, program_id=program_id))


@router.put(
    "/{program_id}", response_model=ProgramOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def update_program(actor: CurrentActor, program_id: ProgramId, body: ProgramUpdate) -> ProgramOut:
    program = await service.update_program(actor, program_id=program_id, changes=body.model_dump(exclude_unset=True))
    return ProgramOut.model_validate(program)


@router.delete(
    "/{program_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def delete_program(actor: CurrentActor, program_id: ProgramId) -> Response:
    await service.delete_program(actor, program_id=program_id)
    return Response(status_code=204)


@router.get(
    "/{program_id}/courses", response_model=list[CurriculumOut],
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_READ),
)
async def program_courses(actor: CurrentActor, program_id: ProgramId) -> list[dict]:
    return await service.program_courses(actor, program_id=program_id)


@router.post(
    "/{program_id}/courses", status_code=201, response_model=CurriculumOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def add_program_course(actor: CurrentActor, program_id: ProgramId, body: CurriculumAdd) -> dict:
    return await service.add_program_course(actor, program_id=program_id, **body.model_dump())


@router.delete(
    "/{program_id}/courses", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def remove_program_course(
    actor: CurrentActor,
    program_id: ProgramId,
    course_id: Annotated[int, Query(ge=1, le=MAX_INT, description="The course to take out")],
    semester: Annotated[int | None, Query(ge=1, le=20, description="Only from this semester (default: every)")] = None,
) -> Response:
    await service.remove_program_course(actor, program_id=program_id, course_id=course_id, semester=semester)
    return Response(status_code=204)
