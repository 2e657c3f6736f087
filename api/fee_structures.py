"""/api/v1/fee-structures: what each student owes per program semester."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fees import FeeStructureCreate, FeeStructureOut, FeeStructureUpdate
from dashboard.schemas.fields import MAX_INT
from dashboard.services import fees as service

router = ResourceRouter(prefix="/fee-structures", tags=["Fee Structures"], responses=error_responses(401, 403, 422))

StructureId = Annotated[int, Path(ge=1, le=MAX_INT)]
YearFilter = Annotated[str | None, Query(max_length=20, description="Filter by academic year")]


@router.get(
    "", response_model=PageOut[FeeStructureOut], openapi_extra=requires(Permission.FEES_READ),
    summary="List fee structures",
    description="Staff see every structure; a student their own, a parent their children's. Newest first.",
)
async def list_fee_structures(
    actor: CurrentActor,
    page: PageParams,
    program_id: Annotated[IdFilter, Query(description="Structures of this program (its id)")] = None,
    student_id: Annotated[IdFilter, Query(description="Structures of this student (their id)")] = None,
    academic_year: YearFilter = None,
    acedamic_year: Annotated[str | None, Query(max_length=20, deprecated=True,
                                               description="The spec's spelling of academic_year")] = None,
    semester: Annotated[int | None, Query(ge=1, le=20, description="Filter by semester")] = None,
) -> PageOut[FeeStructureOut]:
    result = await service.list_fee_structures(
        actor, page=page, program_id=program_id, student_id=student_id, semester=semester,
        academic_year=academic_year if academic_year is not None else acedamic_year,
    )
    return PageOut[FeeStructureOut].of(result)


@router.post(
    "", status_code=201, response_model=FeeStructureOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.FEES_WRITE), summary="Create a fee structure",
    description="Admin and staff. The program is the student's; the total is the sum of the components "
    "(computed when left out). One structure per student, program, academic year and semester (409).",
)
async def create_fee_structure(actor: CurrentActor, body: FeeStructureCreate) -> FeeStructureOut:
    return FeeStructureOut.model_validate(await service.create_fee_structure(actor, data=body))


@router.get(
    "/{structure_id}", response_model=FeeStructureOut, responses=error_responses(404),
    openapi_extra=requires(Permission.FEES_READ), summary="Get a fee structure",
    description="Another student's structure is a 404 for a student or parent.",
)
async def get_fee_structure(actor: CurrentActor, structure_id: StructureId) -> FeeStructureOut:
    return FeeStructureOut.model_validate(await service.get_fee_structure(actor, structure_id=structure_id))


@router.put(
    "/{structure_id}", response_model=FeeStructureOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.FEES_WRITE), summary="Update a fee structure",
    description="Admin and staff. A partial update of the components, due date and daily late fee; the "
    "total is recomputed and may not fall below what has been paid (400). An empty body is a 400.",
)
async def update_fee_structure(actor: CurrentActor, structure_id: StructureId,
                               body: FeeStructureUpdate) -> FeeStructureOut:
    structure = await service.update_fee_structure(actor, structure_id=structure_id, changes=body)
    return FeeStructureOut.model_validate(structure)
