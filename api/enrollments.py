"""/api/v1/enrollments: a student's enrollment in a program (domain.md §3.6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.enrollments import (
    EligibilityOut,
    EnrollmentBulk,
    EnrollmentBulkOut,
    EnrollmentCreate,
    EnrollmentOut,
    EnrollmentUpdate,
)
from dashboard.schemas.fields import MAX_INT
from dashboard.services import enrollments as service
from models.enums import EnrollmentStatus

router = ResourceRouter(prefix="/enrollments", tags=["Enrollments"], responses=error_responses(401, 403, 422))

EnrollmentId = Annotated[int, Path(ge=1, le=MAX_INT, description="Enrollment id")]


def _id_query(what: str, *, required: bool = False) -> object:
    return Query(ge=1, le=MAX_INT, description=f"{what} id" if required else f"Filter by {what.lower()}")


@router.get(
    "/verify-eligibility", response_model=EligibilityOut, openapi_extra=requires(Permission.ENROLLMENTS_READ),
    summary="Check a student's eligibility for a program",
    description="Any signed-in user (a student or parent only for their own students). Always 200: a missing "
    "student or program, an inactive program or student, or an existing enrollment is a reason. Changes nothing.",
)
async def verify_eligibility(
    actor: CurrentActor,
    student_id: Annotated[int, _id_query("Student", required=True)],
    program_id: Annotated[int, _id_query("Program", required=True)],
) -> dict:
    return await service.verify_eligibility(actor, student_id=student_id, program_id=program_id)


@router.get(
    "", response_model=PageOut[EnrollmentOut], openapi_extra=requires(Permission.ENROLLMENTS_READ),
    summary="List enrollments",
    description="Paginated, by id. Admin and staff see all; faculty those of students in offerings they teach; "
    "a student or parent their own students'. Changes nothing.",
)
async def list_enrollments(
    actor: CurrentActor,
    page: PageParams,
    student_id: Annotated[int | None, _id_query("Student")] = None,
    program_id: Annotated[int | None, _id_query("Program")] = None,
    enrollment_status: Annotated[EnrollmentStatus | None, Query(description="Filter by status")] = None,
) -> PageOut[EnrollmentOut]:
    result = await service.list_enrollments(actor, page=page, student_id=student_id, program_id=program_id,
                                            status=enrollment_status)
    return PageOut[EnrollmentOut].of(result)


@router.post(
    "", status_code=201, response_model=EnrollmentOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.ENROLLMENTS_WRITE), summary="Enroll a student in a program",
    description="Admin and staff. The eligibility rules apply: unknown student or program 404, inactive program or "
    "student 400, already enrolled 409. Creates an enrolled enrollment (audited).",
)
async def create_enrollment(actor: CurrentActor, body: EnrollmentCreate) -> dict:
    return await service.create_enrollment(actor, data=body)


@router.post(
    "/bulk", response_model=EnrollmentBulkOut, openapi_extra=requires(Permission.ENROLLMENTS_WRITE),
    summary="Enroll many students",
    description="Admin and staff. Up to 500 items; one result per item (200 even when every item fails). The "
    "eligible items are enrolled together.",
)
async def bulk_create_enrollments(actor: CurrentActor, body: EnrollmentBulk) -> dict:
    return await service.bulk_create_enrollments(actor, data=body)


@router.get(
    "/{enrollment_id}", response_model=EnrollmentOut, responses=error_responses(404),
    openapi_extra=requires(Permission.ENROLLMENTS_READ), summary="Get an enrollment",
    description="In the caller's scope (as for the list); any other id is a 404. Changes nothing.",
)
async def get_enrollment(actor: CurrentActor, enrollment_id: EnrollmentId) -> dict:
    return await service.get_enrollment(actor, enrollment_id=enrollment_id)


@router.put(
    "/{enrollment_id}", response_model=EnrollmentOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.ENROLLMENTS_WRITE), summary="Update an enrollment",
    description="Admin and staff. Partial: status (enrolled to dropped, completed or failed only), grade, "
    "grade_point (0-10), credits_earned, remarks. Dropping also drops its open course registrations.",
)
async def update_enrollment(actor: CurrentActor, enrollment_id: EnrollmentId, body: EnrollmentUpdate) -> dict:
    return await service.update_enrollment(actor, enrollment_id=enrollment_id, changes=body)


@router.delete(
    "/{enrollment_id}", status_code=204, response_class=Response, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.ENROLLMENTS_WRITE), summary="Drop an enrollment",
    description="Admin and staff. Sets the status to dropped (nothing is deleted) and drops the enrollment's open "
    "registrations in the program's offerings, giving their seats back, in one transaction.",
)
async def drop_enrollment(actor: CurrentActor, enrollment_id: EnrollmentId) -> Response:
    await service.drop_enrollment(actor, enrollment_id=enrollment_id)
    return Response(status_code=204)
