"""/api/v1/attendance: marks per course offering and day, their reports, defaulters and
monthly summaries (domain.md §3.7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.attendance import (
    AttendanceBulk,
    AttendanceBulkOut,
    AttendanceCreate,
    AttendanceOut,
    AttendanceReportOut,
    AttendanceSummaryOut,
    AttendanceUpdate,
    DefaultersOut,
)
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.services import attendance as service
from models.enums import AttendanceStatus

router = ResourceRouter(prefix="/attendance", tags=["Attendance"], responses=error_responses(401, 403, 422))

AttendanceId = Annotated[int, Path(ge=1, le=MAX_INT, description="Attendance record id")]
_MIN_DATE, _MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _id(what: str) -> object:
    return Query(ge=1, le=MAX_INT, description=f"Filter by {what}")


def _date(what: str) -> object:
    return Query(ge=_MIN_DATE, le=_MAX_DATE, description=f"{what} (a date; a datetime at midnight is accepted)")  # type: ignore[arg-type]


@router.get(
    "/summary", response_model=list[AttendanceSummaryOut], responses=error_responses(400),
    openapi_extra=requires(Permission.ATTENDANCE_READ), summary="Monthly attendance summaries",
    description="Per enrollment and calendar month, newest first, kept exact on every write. Admin and staff name "
    "an enrollment or a student; faculty see their students', a student or parent their own. Changes nothing.",
)
async def attendance_summary(
    actor: CurrentActor,
    enrollment_id: Annotated[int | None, _id("enrollment")] = None,
    student_id: Annotated[int | None, _id("student")] = None,
    month: Annotated[dt.date | None, _date("Any day of the month wanted")] = None,
) -> list[dict]:
    return await service.attendance_summary(actor, enrollment_id=enrollment_id, student_id=student_id, month=month)


@router.get(
    "/reports", response_model=AttendanceReportOut, openapi_extra=requires(Permission.ATTENDANCE_READ),
    summary="Attendance reports", responses=error_responses(400),
    description="Per enrollment and student: classes, present, absent, late, excused and the percentage "
    "(present + late over all marks). In the caller's scope. Changes nothing.",
)
async def attendance_reports(
    actor: CurrentActor,
    enrollment_id: Annotated[int | None, _id("enrollment")] = None,
    student_id: Annotated[int | None, _id("student")] = None,
    course_offering_id: Annotated[int | None, _id("course offering")] = None,
    date_from: Annotated[dt.date | None, _date("On or after")] = None,
    date_to: Annotated[dt.date | None, _date("On or before")] = None,
) -> dict:
    return await service.attendance_reports(actor, enrollment_id=enrollment_id, student_id=student_id,
                                            course_offering_id=course_offering_id, date_from=date_from,
                                            date_to=date_to)


@router.get(
    "/defaulters", response_model=DefaultersOut, openapi_extra=requires(Permission.ATTENDANCE_REPORT),
    summary="Students below an attendance threshold", responses=error_responses(400),
    description="Admin, staff and faculty (faculty: the students they teach). Enrollments whose attendance is "
    "strictly below the threshold, lowest first, optionally within one offering, department, program or dates. "
    "Changes nothing.",
)
async def attendance_defaulters(
    actor: CurrentActor,
    threshold: Annotated[float, Query(ge=0, le=100, description="Attendance percentage threshold")] = 75.0,
    course_offering_id: Annotated[int | None, _id("course offering")] = None,
    department_id: Annotated[int | None, _id("department")] = None,
    program_id: Annotated[int | None, _id("program")] = None,
    date_from: Annotated[dt.date | None, _date("Marks on or after")] = None,
    date_to: Annotated[dt.date | None, _date("Marks on or before")] = None,
) -> Response:
    # Thousands of rows for the whole university: PostgreSQL writes the JSON of
    # DefaultersOut itself, which the response model still documents.
    body = await service.attendance_defaulters_json(
        actor, threshold=threshold, course_offering_id=course_offering_id, department_id=department_id,
        program_id=program_id, date_from=date_from, date_to=date_to)
    return Response(body, media_type="application/json")


@router.get(
    "", response_model=PageOut[AttendanceOut], openapi_extra=requires(Permission.ATTENDANCE_READ),
    summary="List attendance records",
    description="Paginated, newest date first. Admin and staff see all; faculty their students'; a student or "
    "parent their own. Changes nothing.",
)
async def list_attendance(
    actor: CurrentActor,
    page: PageParams,
    enrollment_id: Annotated[int | None, _id("enrollment")] = None,
    student_id: Annotated[int | None, _id("student")] = None,
    course_offering_id: Annotated[int | None, _id("course offering")] = None,
    attendance_status: Annotated[AttendanceStatus | None, Query(description="Filter by status")] = None,
    date_from: Annotated[dt.date | None, _date("Start date filter: on or after")] = None,
    date_to: Annotated[dt.date | None, _date("End date filter: on or before")] = None,
) -> PageOut[AttendanceOut]:
    result = await service.list_attendance(
        actor, page=page, enrollment_id=enrollment_id, student_id=student_id, course_offering_id=course_offering_id,
        status=attendance_status, date_from=date_from, date_to=date_to)
    return PageOut[AttendanceOut].of(result)


@router.post(
    "", status_code=201, response_model=AttendanceOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.ATTENDANCE_WRITE), summary="Mark attendance",
    description="Admin, staff, and faculty for offerings they teach (else 403). One mark for an enrollment "
    "registered in the offering (else 400), on a day not in the future (400); a second mark for the same day is "
    "a 409. Updates the monthly summary in the same transaction.",
)
async def mark_attendance(actor: CurrentActor, body: AttendanceCreate) -> dict:
    return await service.mark_attendance(actor, data=body)


@router.post(
    "/bulk", response_model=AttendanceBulkOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.ATTENDANCE_WRITE), summary="Mark a class's attendance",
    description="Admin, staff, and faculty for offerings they teach (else 403). One offering and day, up to 1000 "
    "items, one result per item (200 even when every item fails); the valid marks are added together with their "
    "summaries in one transaction.",
)
async def bulk_mark_attendance(actor: CurrentActor, body: AttendanceBulk) -> dict:
    return await service.bulk_mark_attendance(actor, data=body)


@router.put(
    "/{attendance_id}", response_model=AttendanceOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.ATTENDANCE_WRITE), summary="Update an attendance record",
    description="Admin, staff, and faculty for offerings they teach (403 otherwise). Status and remarks; the "
    "monthly summary follows in the same transaction.",
)
async def update_attendance(actor: CurrentActor, attendance_id: AttendanceId, body: AttendanceUpdate) -> dict:
    return await service.update_attendance(actor, attendance_id=attendance_id, changes=body)
