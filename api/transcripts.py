"""/api/v1/students/{id}/transcript: a student's published results (beyond the spec)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from api.deps import CurrentActor, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.grades import TranscriptOut
from dashboard.services import transcripts as service

router = ResourceRouter(prefix="/students", tags=["Grades"], responses=error_responses(401, 403, 422))


@router.get(
    "/{student_id}/transcript", response_model=TranscriptOut, responses=error_responses(404),
    openapi_extra=requires(Permission.GRADES_READ), summary="A student's transcript",
    description="Every published semester with its courses, credits, letters and SGPA, and the CGPA. Admin and "
    "staff for anyone, faculty for their students, a student or parent their own (others 404). Changes nothing.",
)
async def student_transcript(
    actor: CurrentActor, student_id: Annotated[int, Path(ge=1, le=MAX_INT, description="Student id")],
) -> dict:
    return await service.student_transcript(actor, student_id=student_id)
