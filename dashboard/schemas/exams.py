"""Request and response bodies of /exams and /exam-timetable (domain.md §3.13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.course_offerings import AcademicYear, Semester
from dashboard.schemas.fields import Number, ref_id
from models.enums import ExamStatus, ExamType

ExamName = Annotated[str, Field(min_length=1, max_length=200)]
Location = Annotated[str, Field(min_length=1, max_length=255)]
Venue = Annotated[str, Field(min_length=1, max_length=100)]
# Timestamps PostgreSQL and people both read sensibly; the order of start and end is a
# service rule (a 400 naming it).


_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2100, 12, 31, tzinfo=dt.UTC)


def _as_utc(value: dt.datetime) -> dt.datetime:
    """A time sent without an offset is taken as UTC, as the database stores it."""
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if not _EARLIEST <= value <= _LATEST:
        raise ValueError("must be between 2000-01-01 and 2100-12-31")
    return value


When = Annotated[dt.datetime, AfterValidator(_as_utc)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Minutes = Annotated[int, Field(ge=1, le=24 * 60)]
MaxMarks = Annotated[Decimal, Field(gt=0, le=Decimal("9999.99"), decimal_places=2)]


class ExamScheduleCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "exam_name": "Data Structures finals", "exam_type": "final", "course_id": 12, "academic_year": "2025-26",
        "semester": 3, "start_time": "2025-12-01T09:00:00Z", "end_time": "2025-12-12T17:00:00Z",
        "location": "Main block", "status": "draft"}]})

    exam_name: ExamName
    exam_type: ExamType
    course_id: Annotated[int, ref_id("The course's id")]
    academic_year: AcademicYear
    semester: Semester
    start_time: When
    end_time: When
    result_declaration_date: Day | None = None
    location: Location | None = None
    status: ExamStatus = ExamStatus.DRAFT


class ExamScheduleUpdate(InputModel):
    """Every field optional. `status` follows draft → scheduled → ongoing → completed, or
    to cancelled from any of them."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "scheduled", "location": "Exam hall A"}]})

    exam_name: ExamName | None = None
    exam_type: ExamType | None = None
    course_id: Annotated[int | None, ref_id("The course's id")] = None
    academic_year: AcademicYear | None = None
    semester: Semester | None = None
    start_time: When | None = None
    end_time: When | None = None
    result_declaration_date: Day | None = None
    location: Location | None = None
    status: ExamStatus | None = None


class ExamScheduleOut(OutputModel):
    id: int
    exam_name: str
    exam_type: ExamType
    course_id: int = Field(description="The course's id")
    academic_year: str
    semester: int
    start_time: dt.datetime
    end_time: dt.datetime
    result_declaration_date: dt.date | None
    location: str | None
    status: ExamStatus
    created_at: dt.datetime
    updated_at: dt.datetime | None


class ExamEntryCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "exam_schedule_id": 4, "course_offering_id": 88, "exam_date": "2025-12-03",
        "start_time": "2025-12-03T09:00:00Z", "end_time": "2025-12-03T12:00:00Z", "duration_minutes": 180,
        "venue": "Exam hall A", "max_marks": 100}]})

    exam_schedule_id: Annotated[int, ref_id("The exam schedule's id")]
    course_offering_id: Annotated[int, ref_id("The course offering's id")]
    exam_date: Day
    start_time: When
    end_time: When
    duration_minutes: Minutes
    venue: Venue
    max_marks: MaxMarks


class ExamEntryUpdate(InputModel):
    """Every field optional; the merged entry is checked again as a new one would be."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"venue": "Exam hall B"}]})

    exam_schedule_id: Annotated[int | None, ref_id("The exam schedule's id")] = None
    course_offering_id: Annotated[int | None, ref_id("The course offering's id")] = None
    exam_date: Day | None = None
    start_time: When | None = None
    end_time: When | None = None
    duration_minutes: Minutes | None = None
    venue: Venue | None = None
    max_marks: MaxMarks | None = None


class ExamEntryOut(OutputModel):
    id: int
    exam_schedule_id: int = Field(description="The exam schedule's id")
    course_offering_id: int = Field(description="The course offering's id")
    exam_date: dt.date
    start_time: dt.datetime
    end_time: dt.datetime
    duration_minutes: int
    venue: str
    max_marks: Number
    created_at: dt.datetime
    updated_at: dt.datetime | None


class StudentExam(OutputModel):
    """One sitting in a student's exam schedule."""

    id: int = Field(description="The exam timetable entry's id")
    exam_schedule_id: int = Field(description="The exam schedule's id")
    exam_name: str
    exam_type: ExamType
    course_id: int = Field(description="The course's id")
    course_offering_id: int = Field(description="The course offering's id")
    exam_date: dt.date
    start_time: dt.datetime
    end_time: dt.datetime
    duration_minutes: int
    venue: str
    max_marks: Number
    status: ExamStatus


class StudentExamsOut(OutputModel):
    student_id: int = Field(description="The student's id")
    exams: list[StudentExam]
    total: int


class ExamExportRecord(OutputModel):
    exam_name: str
    exam_type: ExamType
    course_id: int = Field(description="The course's id")
    course_offering_id: int = Field(description="The course offering's id")
    academic_year: str
    semester: int
    exam_date: dt.date
    start_time: dt.datetime
    end_time: dt.datetime
    duration_minutes: int
    venue: str
    max_marks: Number
    status: ExamStatus


class ExamExportOut(OutputModel):
    records: list[ExamExportRecord]
    total: int
