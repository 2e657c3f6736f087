"""/api/v1/programs, with the curriculum at /programs/{id}/courses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.programs import (
    CurriculumAdd,
    CurriculumOut,
    ProgramCreate,
    ProgramOut,
    ProgramUpdate,
)
from dashboard.services import programs as service
from models.enums import DegreeType

router = ResourceRouter(prefix="/programs", tags=["Programs"], responses=error_responses(401, 403, 422))

ProgramId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[ProgramOut], openapi_extra=requires(Permission.PROGRAMS_READ))
async def list_programs(
    actor: CurrentActor,
    page: PageParams,
    department_id: Annotated[IdFilter, Query(description="Programs of this department (its id)")] = None,
    degree_type: Annotated[DegreeType | None, Query(description="Programs awarding this degree")] = None,
    is_active: Annotated[bool | None, Query(
        description="Active (true) or inactive (false) programs only")] = None,
    search: Annotated[str | None, Query(
        max_length=100, description="Part of the name or code, any case")] = None,
) -> Any:
    """List programs

    The degree programs, read by every signed-in role. Ordered by id; the filters combine. Reads
    only."""
    return await service.list_programs(actor, page=page, department_id=department_id, degree_type=degree_type,
                                       is_active=is_active, search=search)


@router.post(
    "", status_code=201, response_model=ProgramOut,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def create_program(actor: CurrentActor, body: ProgramCreate) -> Any:
    """Create a program

    A new degree program of a department (404 when unknown). A duplicate name or code is a 409.
    Audited."""
    return await service.create_program(actor, data=body)


@router.get(
    "/{program_id}", response_model=ProgramOut,
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_READ),
)
async def get_program(actor: CurrentActor, program_id: ProgramId) -> Any:
    """Get a program

    One program by id; 404 when there is none. Reads only."""
    return await service.get_program(actor, program_id=program_id)


@router.put(
    "/{program_id}", response_model=ProgramOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def update_program(actor: CurrentActor, program_id: ProgramId, body: ProgramUpdate) -> Any:
    """Update a program

    Changes only the fields sent; the code is immutable. The department of a program with students
    stays (409); `total_semesters` cannot drop below a semester already in use (400). Audited."""
    return await service.update_program(actor, program_id=program_id, changes=body)


@router.delete(
    "/{program_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def delete_program(actor: CurrentActor, program_id: ProgramId) -> Response:
    """Delete a program

    Refused (409) while it has students, enrollments, course offerings or fee structures,
    naming them. Audited."""
    await service.delete_program(actor, program_id=program_id)
    return Response(status_code=204)


@router.get(
    "/{program_id}/courses", response_model=list[CurriculumOut],
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_READ),
)
async def program_courses(actor: CurrentActor, program_id: ProgramId) -> Any:
    """List a program's curriculum

    Its courses by semester, then course name, each marked mandatory or elective. Reads only."""
    return await service.program_courses(actor, program_id=program_id)


@router.post(
    "/{program_id}/courses", status_code=201, response_model=CurriculumOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def add_program_course(actor: CurrentActor, program_id: ProgramId, body: CurriculumAdd) -> Any:
    """Add a course to a program's curriculum

    Puts an active course (400 otherwise) into one semester of the program (within its
    `total_semesters`, 400 otherwise). The same course twice in one semester is a 409. Audited."""
    return await service.add_program_course(actor, program_id=program_id, data=body)


@router.delete(
    "/{program_id}/courses", status_code=204, response_class=Response,
    responses=error_responses(404), openapi_extra=requires(Permission.PROGRAMS_WRITE),
)
async def remove_program_course(
    actor: CurrentActor,
    program_id: ProgramId,
    course_id: Annotated[int, Query(ge=1, le=MAX_INT, description="The course to take out")],
    semester: Annotated[int | None, Query(
        ge=1, le=20, description="Only from this semester (default: every)")] = None,
) -> Response:
    """Remove a course from a program's curriculum

    From one semester, or from every semester it is in when none is given; 404 when it is in none.
    Answers how many entries went. Audited."""
    await service.remove_program_course(actor, program_id=program_id, course_id=course_id, semester=semester)
    return Response(status_code=204)
