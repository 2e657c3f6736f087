"""/api/v1/assessments: what each assessment of an offering is worth (domain.md §3.8)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.assessments import AssessmentCreate, AssessmentOut, AssessmentUpdate
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.services import assessments as service
from models.enums import AssessmentType

router = ResourceRouter(prefix="/assessments", tags=["Assessments"], responses=error_responses(401, 403, 422))

AssessmentId = Annotated[int, Path(ge=1, le=MAX_INT, description="Assessment id")]


@router.get(
    "", response_model=PageOut[AssessmentOut], openapi_extra=requires(Permission.ASSESSMENTS_READ),
    summary="List assessments", description="Any signed-in user; newest first. Changes nothing.",
)
async def list_assessments(
    actor: CurrentActor,
    page: PageParams,
    course_offering_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by course offering")] = None,
    assessment_type: Annotated[AssessmentType | None, Query(description="Filter by assessment type")] = None,
) -> PageOut[AssessmentOut]:
    result = await service.list_assessments(actor, page=page, course_offering_id=course_offering_id,
                                            assessment_type=assessment_type)
    return PageOut[AssessmentOut].of(result)


@router.post(
    "", status_code=201, response_model=AssessmentOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.ASSESSMENTS_WRITE), summary="Create an assessment",
    description="Admin, staff, and faculty for offerings they teach (else 403). max_marks > 0, 0 < weightage <= "
    "100, and the offering's weightages together at most 100 (400, also when two creates race); a name already "
    "used in the offering is a 409.",
)
async def create_assessment(actor: CurrentActor, body: AssessmentCreate) -> object:
    return await service.create_assessment(actor, data=body)


@router.get(
    "/{assessment_id}", response_model=AssessmentOut, responses=error_responses(404),
    openapi_extra=requires(Permission.ASSESSMENTS_READ), summary="Get an assessment",
    description="Any signed-in user. Changes nothing.",
)
async def get_assessment(actor: CurrentActor, assessment_id: AssessmentId) -> object:
    return await service.get_assessment(actor, assessment_id=assessment_id)


@router.put(
    "/{assessment_id}", response_model=AssessmentOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.ASSESSMENTS_WRITE), summary="Update an assessment",
    description="Admin, staff, and faculty for offerings they teach (else 403). Partial: name, description, "
    "max_marks (not below marks already given), weightage (the offering's total stays at most 100), date. Type "
    "and offering are fixed.",
)
async def update_assessment(actor: CurrentActor, assessment_id: AssessmentId, body: AssessmentUpdate) -> object:
    return await service.update_assessment(actor, assessment_id=assessment_id, changes=body)


@router.delete(
    "/{assessment_id}", status_code=204, response_class=Response, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.ASSESSMENTS_DELETE), summary="Delete an assessment",
    description="Admin and staff. Refused (409) once it has grades.",
)
async def delete_assessment(actor: CurrentActor, assessment_id: AssessmentId) -> Response:
    await service.delete_assessment(actor, assessment_id=assessment_id)
    return Response(status_code=204)
