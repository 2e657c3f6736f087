"""/api/v1/exam-timetable: the sittings of exam schedules, per course offering
(domain.md §3.13)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.exams import ExamEntryCreate, ExamEntryOut, ExamEntryUpdate, ExamExportOut, StudentExamsOut
from dashboard.schemas.fields import MAX_INT
from dashboard.services import exam_timetable as service

router = ResourceRouter(prefix="/exam-timetable", tags=["Exam Timetable"], responses=error_responses(401, 403, 422))

EntryId = Annotated[int, Path(ge=1, le=MAX_INT, description="Exam timetable entry id")]
StudentId = Annotated[int, Path(ge=1, le=MAX_INT, description="Student id")]
_CHECKS = ("The offering must be of the schedule's course and the sitting inside the schedule's window (400); a "
           "sitting at an overlapping time in the same venue, for the same program and semester, or of an offering "
           "one of its registered students sits, is a 409 naming it.")
_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExamExportOut"}},
                "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
    "description": "The records as JSON, or a CSV or XLSX attachment"}}


@router.get(
    "/export", response_model=ExamExportOut, responses=_EXPORT_RESPONSES | error_responses(400),
    openapi_extra=requires(Permission.EXAMS_READ), summary="Export the exam timetable",
    description="Every signed-in role. The sittings with their session, as JSON (the default), or CSV or XLSX "
    "(text cells neutralised against spreadsheet formulas). Changes nothing.",
)
async def export_exam_timetable(
    actor: CurrentActor,
    exam_schedule_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by exam schedule")] = None,
    academic_year: Annotated[str | None, Query(max_length=20, description='Filter by academic year, as "2025-26"')]
    = None,
    semester: Annotated[int | None, Query(ge=1, le=20, description="Filter by semester")] = None,
    format: Annotated[str, Query(max_length=10, description="json (the default), csv or xlsx")] = "json",
) -> Any:
    fmt = service.check_export_format(format)
    if fmt == "json":
        return await service.export_exam_entries(actor, exam_schedule_id=exam_schedule_id,
                                                 academic_year=academic_year, semester=semester)
    result = service.export_exam_entries_file(actor, fmt=fmt, exam_schedule_id=exam_schedule_id,
                                              academic_year=academic_year, semester=semester)
    return StreamingResponse(
        result.body, media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/student/{student_id}", response_model=StudentExamsOut, responses=error_responses(404),
    openapi_extra=requires(Permission.EXAMS_READ), summary="A student's exam schedule",
    description="The sittings of the offerings the student is registered in, each once, by date and time. Admin "
    "and staff read any student; faculty the students they teach; a student or parent their own (another "
    "student is a 404). Changes nothing.",
)
async def student_exams(actor: CurrentActor, student_id: StudentId) -> StudentExamsOut:
    return await service.student_exams(actor, student_id=student_id)


@router.get(
    "", response_model=PageOut[ExamEntryOut], openapi_extra=requires(Permission.EXAMS_READ),
    summary="List exam timetable entries",
    description="Paginated, by date and start time. Every signed-in role reads every entry. Changes nothing.",
)
async def list_exam_entries(
    actor: CurrentActor,
    page: PageParams,
    exam_schedule_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by exam schedule")] = None,
    course_offering_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by course offering")]
    = None,
) -> PageOut[ExamEntryOut]:
    result = await service.list_exam_entries(actor, page=page, exam_schedule_id=exam_schedule_id,
                                             course_offering_id=course_offering_id)
    return PageOut[ExamEntryOut].of(result)


@router.post(
    "", status_code=201, response_model=ExamEntryOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Create an exam timetable entry",
    description="Admin and staff. An unknown schedule or offering is a 404; a start not before the end a 400. "
    + _CHECKS + " Audited.",
)
async def create_exam_entry(actor: CurrentActor, body: ExamEntryCreate) -> ExamEntryOut:
    return await service.create_exam_entry(actor, data=body)


@router.get(
    "/{entry_id}", response_model=ExamEntryOut, responses=error_responses(404),
    openapi_extra=requires(Permission.EXAMS_READ), summary="Get an exam timetable entry",
    description="Every signed-in role. Changes nothing.",
)
async def get_exam_entry(actor: CurrentActor, entry_id: EntryId) -> ExamEntryOut:
    return await service.get_exam_entry(actor, entry_id=entry_id)


@router.put(
    "/{entry_id}", response_model=ExamEntryOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Update an exam timetable entry",
    description="Admin and staff. Partial; the merged sitting is checked as a new one, itself excluded. "
    + _CHECKS + " Audited.",
)
async def update_exam_entry(actor: CurrentActor, entry_id: EntryId, body: ExamEntryUpdate) -> ExamEntryOut:
    return await service.update_exam_entry(actor, entry_id=entry_id, changes=body)


@router.delete(
    "/{entry_id}", status_code=204, responses=error_responses(404),
    openapi_extra=requires(Permission.EXAMS_WRITE), summary="Delete an exam timetable entry",
    description="Admin and staff. Removes the sitting. Audited.",
)
async def delete_exam_entry(actor: CurrentActor, entry_id: EntryId) -> Response:
    await service.delete_exam_entry(actor, entry_id=entry_id)
    return Response(status_code=204)
