"""Request and response bodies of /attendance (domain.md §3.7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field, PlainSerializer

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.enrollments import Remarks
from dashboard.schemas.fields import ref_id
from models.enums import AttendanceStatus

MAX_BULK_ATTENDANCE = 1000
# Attendance is marked for a class day; the upper bound (today) is a service rule, the
# lower one keeps dates PostgreSQL and people both read sensibly.
ClassDate = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Percent = Annotated[Decimal | float, PlainSerializer(float, return_type=float)]


class AttendanceCreate(InputModel):
    """`student_id` is derived from the enrollment; when sent it must match."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrollment_id": 2210,
        "course_offering_id": 88,
        "date": "2025-09-01",
        "status": "present",
    }]})

    enrollment_id: Annotated[int, ref_id("The enrollment's id (a student in a program)")]
    course_offering_id: Annotated[int, ref_id("The course offering's id")]
    student_id: Annotated[int | None, ref_id("The student's id")] = None
    date: ClassDate
    status: AttendanceStatus
    remarks: Remarks | None = None


class AttendanceBulkItem(InputModel):
    enrollment_id: Annotated[int, ref_id("The enrollment's id (a student in a program)")]
    student_id: Annotated[int | None, ref_id("The student's id")] = None
    status: AttendanceStatus
    remarks: Remarks | None = None


class AttendanceBulk(InputModel):
    """One class of one offering: a mark per enrollment on its roster."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "course_offering_id": 88,
        "date": "2025-09-01",
        "items": [{"enrollment_id": 2210, "status": "present"},
                  {"enrollment_id": 2211, "status": "late", "remarks": "Bus"}],
    }]})

    course_offering_id: Annotated[int, ref_id("The course offering's id")]
    date: ClassDate
    items: Annotated[list[AttendanceBulkItem], Field(min_length=1, max_length=MAX_BULK_ATTENDANCE)]


class AttendanceUpdate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "excused", "remarks": "Medical certificate"}]})

    status: AttendanceStatus | None = None
    remarks: Remarks | None = None


class AttendanceOut(OutputModel):
    id: int
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    student_id: int = Field(description="The student's id")
    course_offering_id: int = Field(description="The course offering's id")
    date: dt.date
    status: AttendanceStatus
    remarks: str | None
    marked_by: int | None = Field(description="The user id of who marked it last")
    marked_at: dt.datetime
    updated_at: dt.datetime | None


class AttendanceBulkResult(OutputModel):
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    student_id: int | None = Field(description="The student's id")
    success: bool
    message: str
    attendance_id: int | None = Field(default=None, description="The id of the attendance row written or kept")


class AttendanceBulkOut(OutputModel):
    total: int
    successful: int
    failed: int
    results: list[AttendanceBulkResult]


class AttendanceReportRecord(OutputModel):
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    student_id: int = Field(description="The student's id")
    total_classes: int
    present: int
    absent: int
    late: int
    excused: int
    attendance_percentage: Percent


class AttendanceReportOut(OutputModel):
    records: list[AttendanceReportRecord]
    total: int


class AttendanceDefaulter(OutputModel):
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    student_id: int = Field(description="The student's id")
    student_code: str
    first_name: str
    last_name: str
    total_classes: int
    attended_classes: int
    attendance_percentage: Percent


class DefaultersOut(OutputModel):
    threshold: float
    defaulters: list[AttendanceDefaulter]
    total: int


class AttendanceSummaryOut(OutputModel):
    id: int
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    month: dt.date
    total_classes: int
    attended_classes: int
    attendance_percentage: Percent
    created_at: dt.datetime
    updated_at: dt.datetime | None


class RegisterMark(InputModel):
    """One row of the admin panel's register."""

    enrollment_id: Annotated[int, ref_id("The enrollment's id (a student in a program)")]
    status: AttendanceStatus
    remarks: Remarks | None = None
