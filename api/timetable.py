"""/api/v1/timetable: the weekly class timetable (domain.md §3.14)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.timetable import (
    ClassScheduleOut,
    ClassScheduleUpdate,
    FacultyTimetableOut,
    RoomTimetableOut,
    StudentTimetableOut,
    TimetableGenerate,
    TimetableGenerateOut,
)
from dashboard.services import timetable as service

router = ResourceRouter(prefix="/timetable", tags=["Timetable"], responses=error_responses(401, 403, 422))

ScheduleId = Annotated[int, Path(ge=1, le=MAX_INT, description="Class schedule id")]
_CLASHES = ("A clash is an active class at an overlapping time on the same day in the same room, with a member of "
            "the same teaching team, or for the same program, year, semester and section.")


@router.post(
    "/generate", status_code=201, response_model=TimetableGenerateOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.TIMETABLE_WRITE), summary="Book classes into the timetable",
    description="Admin and staff. All or nothing, up to 500 items: an empty list or a break slot is a 400, an "
    "unknown offering or slot a 404 naming the item, and a repeat or a clash, within the request or with the "
    "stored timetable, a 409 naming it (which item, offering, slot, room or faculty member; `details` lists "
    "every one). " + _CLASHES + " Otherwise every item is booked as active. Audited.",
)
async def generate_timetable(actor: CurrentActor, body: TimetableGenerate) -> TimetableGenerateOut:
    return await service.generate_timetable(actor, data=body)


@router.get(
    "/student/{student_id}", response_model=StudentTimetableOut, responses=error_responses(404),
    openapi_extra=requires(Permission.TIMETABLE_READ), summary="A student's weekly timetable",
    description="The active classes of the offerings the student is registered in, by day and time. Admin and "
    "staff read any student; faculty the students they teach; a student or parent their own (another student "
    "is a 404). Changes nothing.",
)
async def student_timetable(
    actor: CurrentActor, student_id: Annotated[int, Path(ge=1, le=MAX_INT, description="Student id")],
) -> StudentTimetableOut:
    return await service.student_timetable(actor, student_id=student_id)


@router.get(
    "/faculty/{faculty_id}", response_model=FacultyTimetableOut, responses=error_responses(404),
    openapi_extra=requires(Permission.TIMETABLE_READ), summary="A faculty member's weekly timetable",
    description="The active classes of the offerings the member teaches, by day and time; an unknown member is a "
    "404. Every signed-in role. Changes nothing.",
)
async def faculty_timetable(
    actor: CurrentActor, faculty_id: Annotated[int, Path(ge=1, le=MAX_INT, description="Faculty member id")],
) -> FacultyTimetableOut:
    return await service.faculty_timetable(actor, faculty_id=faculty_id)


@router.get(
    "/room/{room_no}", response_model=RoomTimetableOut, responses=error_responses(404),
    openapi_extra=requires(Permission.TIMETABLE_READ), summary="A room's weekly timetable",
    description="The room's active classes, by day and time; a room no class was ever booked in is a 404. Every "
    "signed-in role. Changes nothing.",
)
async def room_timetable(
    actor: CurrentActor,
    room_no: Annotated[str, Path(min_length=1, max_length=50, description="Room number, as booked")],
) -> RoomTimetableOut:
    return await service.room_timetable(actor, room_no=room_no)


@router.get(
    "", response_model=PageOut[ClassScheduleOut], openapi_extra=requires(Permission.TIMETABLE_READ),
    summary="List class schedules",
    description="Paginated, by id. Every signed-in role reads the whole timetable. Changes nothing.",
)
async def list_class_schedules(
    actor: CurrentActor,
    page: PageParams,
    course_offering_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by course offering")]
    = None,
    slot_id: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Filter by timetable slot")] = None,
    room_no: Annotated[str | None, Query(max_length=50, description="Filter by room number")] = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
) -> PageOut[ClassScheduleOut]:
    result = await service.list_class_schedules(actor, page=page, course_offering_id=course_offering_id,
                                                slot_id=slot_id, room_no=room_no, is_active=is_active)
    return PageOut[ClassScheduleOut].of(result)


@router.put(
    "/{schedule_id}", response_model=ClassScheduleOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.TIMETABLE_WRITE), summary="Update a class schedule",
    description="Admin and staff. Offering, slot, room and active flag; an unknown offering or slot is a 404. "
    "When the result is active (a reactivation included) it is checked as a new booking, itself excluded: a "
    "break slot is a 400, a clash a 409 naming it. " + _CLASHES + " Audited.",
)
async def update_class_schedule(actor: CurrentActor, schedule_id: ScheduleId,
                                body: ClassScheduleUpdate) -> ClassScheduleOut:
    return await service.update_class_schedule(actor, schedule_id=schedule_id, changes=body)
