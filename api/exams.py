"""/api/v1/exams: examination sessions of a course (domain.md §3.13)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.exams import ExamScheduleCreate, ExamScheduleOut, ExamScheduleUpdate
from dashboard.schemas.fields import MAX_INT
from dashboard.services import exams as service
from models.enums import ExamStatus, ExamType

router = ResourceRouter(prefix="/exams", tags=["Exam Schedules"], responses=error_responses(401, 403, 422))

ScheduleId = Annotated[int, Path(ge=1, le=MAX_INT, description="Exam schedule id")]
_FLOW = ("Status moves draft → scheduled → ongoing → completed, and any of them may go to cancelled "
         "(a final state); another move is a 400.")


@router.get(
    "", response_model=PageOut[ExamScheduleOut], openapi_extra=requires(Permission.EXAMS_READ),
    summary="List exam schedules",
    description="Paginated, soonest first. Every signed-in role reads every schedule. Changes nothing.",
)
async def list_exam_schedules(
    actor: CurrentActor,
    page: PageParams,
    course_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by course")] = None,
    academic_year: Annotated[str | None, Query(max_length=20, description='Filter by academic year, as "2025-26"')]
    = None,
    semester: Annotated[int | None, Query(ge=1, le=20, description="Filter by semester")] = None,
    status: Annotated[ExamStatus | None, Query(description="Filter by status")] = None,
    exam_type: Annotated[ExamType | None, Query(description="Filter by exam type")] = None,
) -> PageOut[ExamScheduleOut]:
    result = await service.list_exam_schedules(actor, page=page, course_id=course_id, academic_year=academic_year,
                                               semester=semester, status=status, exam_type=exam_type)
    return PageOut[ExamScheduleOut].of(result)


@router.post(
    "", status_code=201, response_model=ExamScheduleOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Create an exam schedule",
    description="Admin and staff. An unknown course is a 404; a start not before the end a 400. Audited.",
)
async def create_exam_schedule(actor: CurrentActor, body: ExamScheduleCreate) -> ExamScheduleOut:
    return await service.create_exam_schedule(actor, data=body)


@router.get(
    "/{schedule_id}", response_model=ExamScheduleOut, responses=error_responses(404),
    openapi_extra=requires(Permission.EXAMS_READ), summary="Get an exam schedule",
    description="Every signed-in role. Changes nothing.",
)
async def get_exam_schedule(actor: CurrentActor, schedule_id: ScheduleId) -> ExamScheduleOut:
    return await service.get_exam_schedule(actor, schedule_id=schedule_id)


@router.put(
    "/{schedule_id}", response_model=ExamScheduleOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Update an exam schedule",
    description="Admin and staff. Partial; the merged times are checked again (400). " + _FLOW + " A window or "
    "course that would leave timetable entries outside it is a 409 naming them. Audited.",
)
async def update_exam_schedule(actor: CurrentActor, schedule_id: ScheduleId,
                               body: ExamScheduleUpdate) -> ExamScheduleOut:
    return await service.update_exam_schedule(actor, schedule_id=schedule_id, changes=body)


@router.delete(
    "/{schedule_id}", status_code=204, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Delete an exam schedule",
    description="Admin and staff. Removes the schedule; while it has timetable entries it is a 409 naming them "
    "(delete those first). Audited.",
)
async def delete_exam_schedule(actor: CurrentActor, schedule_id: ScheduleId) -> Response:
    await service.delete_exam_schedule(actor, schedule_id=schedule_id)
    return Response(status_code=204)
