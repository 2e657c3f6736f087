"""Request and response bodies of /timetable, the weekly class timetable (domain.md §3.14)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.course_offerings import ClassScheduleEntry, Room
from dashboard.schemas.fields import ref_id

# A whole term's timetable for a department fits in one request.
MAX_GENERATE_ITEMS = 500


class TimetableItem(InputModel):
    course_offering_id: Annotated[int, ref_id("The course offering's id")]
    slot_id: Annotated[int, ref_id("The timetable slot's id")]
    room_no: Room


class TimetableGenerate(InputModel):
    """All or nothing: one clash anywhere and no class is booked. An empty list is a 400."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"course_offering_id": 88, "slot_id": 3, "room_no": "B-204"},
        {"course_offering_id": 91, "slot_id": 4, "room_no": "B-204"}]}]})

    items: Annotated[list[TimetableItem], Field(max_length=MAX_GENERATE_ITEMS)]


class ClassScheduleUpdate(InputModel):
    """Every field optional; an active result (a reactivation included) is checked for
    clashes as a new booking would be."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"room_no": "B-210"}]})

    course_offering_id: Annotated[int | None, ref_id("The course offering's id")] = None
    slot_id: Annotated[int | None, ref_id("The timetable slot's id")] = None
    room_no: Room | None = None
    is_active: bool | None = None


class ClassScheduleOut(OutputModel):
    id: int
    course_offering_id: int = Field(description="The course offering's id")
    slot_id: int = Field(description="The timetable slot's id")
    room_no: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class TimetableGenerateOut(OutputModel):
    created: list[ClassScheduleOut]
    total: int


class StudentTimetableOut(OutputModel):
    student_id: int = Field(description="The student's id")
    schedules: list[ClassScheduleEntry]
    total: int


class FacultyTimetableOut(OutputModel):
    faculty_id: int = Field(description="The faculty member's id")
    schedules: list[ClassScheduleEntry]
    total: int


class RoomTimetableOut(OutputModel):
    room_no: str
    schedules: list[ClassScheduleEntry]
    total: int
