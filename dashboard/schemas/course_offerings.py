"""Course offerings, their rosters and their weekly classes: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import RefId, ref_id
from models.enums import OfferingStatus, RegistrationStatus, SlotType

MAX_ROSTER_ITEMS = 1000

Semester = Annotated[int, Field(ge=1, le=20)]
AcademicYear = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description='For example "2025-26"')]
Section = Annotated[str, Field(min_length=1, max_length=20)]
Room = Annotated[str, Field(min_length=1, max_length=50)]
Capacity = Annotated[int, Field(ge=1, le=100000)]
TEAM = "The teaching team: faculty members' ids"
FacultyIds = Annotated[list[RefId], Field(max_length=50, description=TEAM)]
OptionalFacultyIds = Annotated[list[RefId] | None, Field(max_length=50, description=TEAM)]


def _check_year(year: str | None) -> str | None:
    """"2025-26": the second year follows the first."""
    if year is not None and (int(year[:4]) + 1) % 100 != int(year[5:]):
        raise ValueError('academic_year must be two consecutive years, as in "2025-26"')
    return year


class OfferingCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "program_id": 1, "course_id": 7, "faculty_ids": [12], "semester": 3,
        "academic_year": "2026-27", "section": "A", "room_number": "A-204", "max_capacity": 60,
        "status": "open", "start_date": "2026-08-03", "end_date": "2026-12-11",
    }]})

    program_id: Annotated[int, ref_id("The program's id")]
    course_id: Annotated[int, ref_id("The course's id")]
    faculty_ids: FacultyIds = Field(default_factory=list)
    semester: Semester
    academic_year: AcademicYear
    section: Section | None = None
    room_number: Room | None = None
    max_capacity: Capacity | None = None
    status: OfferingStatus = OfferingStatus.DRAFT
    start_date: dt.date
    end_date: dt.date

    @model_validator(mode="after")
    def _year(self) -> OfferingCreate:
        _check_year(self.academic_year)
        return self


class OfferingUpdate(InputModel):
    """Every field optional; program, course and academic year are fixed. `faculty_ids`
    replaces the teaching team."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "faculty_ids": [12, 15], "max_capacity": 75,
    }]})

    faculty_ids: OptionalFacultyIds = None
    semester: Semester | None = None
    section: Section | None = None
    room_number: Room | None = None
    max_capacity: Capacity | None = None
    status: OfferingStatus | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class ClassScheduleEntry(OutputModel):
    """One weekly class of an offering: the same fields wherever a class appears (an
    offering's `schedule`, a faculty member's schedule)."""

    id: int = Field(description="The class schedule entry's id")
    course_offering_id: int = Field(description="The course offering's id")
    course_id: int = Field(description="The course's id")
    course_code: str
    course_name: str
    section: str | None
    slot_id: int = Field(description="The timetable slot's id")
    slot_type: SlotType
    day_of_week: int = Field(description="0 = Monday ... 6 = Sunday")
    start_time: dt.time
    end_time: dt.time
    room_no: str


class OfferingOut(OutputModel):
    id: int
    program_id: int = Field(description="The program's id")
    course_id: int = Field(description="The course's id")
    course_code: str
    course_name: str
    faculty_ids: list[int] = Field(description="The teaching team: faculty members' ids")
    semester: int
    academic_year: str
    section: str | None
    room_number: str | None
    max_capacity: int | None
    enrolled_students: int
    schedule: list[ClassScheduleEntry] = Field(
        description="The offering's active weekly classes, by day and start time")
    status: OfferingStatus
    start_date: dt.date
    end_date: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime | None


class RosterAdd(InputModel):
    """Either the enrollments to register, or every active enrollment of the offering's
    program whose student is in the offering's semester."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrollment_ids": [101, 102, 103],
    }]})

    enrollment_ids: Annotated[list[RefId] | None, Field(max_length=MAX_ROSTER_ITEMS,
                                                        description="The program enrollments' ids")] = None
    all_from_program: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> RosterAdd:
        if bool(self.enrollment_ids) == self.all_from_program:
            raise ValueError("send either a non-empty enrollment_ids list or all_from_program: true")
        return self


class RosterResult(OutputModel):
    enrollment_id: int = Field(description="The program enrollment's id")
    student_id: int | None = Field(description="The student's id (null when the enrollment does not exist)")
    success: bool
    message: str
    registration_id: int | None = Field(description="The course registration's id")


class RosterAddOut(OutputModel):
    total: int
    successful: int
    failed: int
    enrolled_students: int
    max_capacity: int | None
    results: list[RosterResult]


class RosterEntry(OutputModel):
    registration_id: int = Field(description="The course registration's id")
    enrollment_id: int = Field(description="The program enrollment's id")
    student_id: int = Field(description="The student's id")
    user_id: int = Field(description="The student's user account id")
    student_code: str
    first_name: str
    last_name: str
    email: str
    program_id: int = Field(description="The program's id")
    semester: int
    status: RegistrationStatus
    registered_at: dt.datetime
