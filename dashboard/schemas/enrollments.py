"""Request and response bodies of /enrollments (domain.md §3.6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import Number, ref_id
from models.enums import EnrollmentStatus

Remarks = Annotated[str, Field(max_length=2000)]
MAX_BULK_ENROLLMENTS = 500
# A timestamp PostgreSQL and people both read sensibly.
EnrollmentDate = Annotated[dt.datetime, Field(ge=dt.datetime(1950, 1, 1), le=dt.datetime(2100, 1, 1))]


class EnrollmentCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "student_id": 1042,
        "program_id": 7,
        "enrollment_date": "2025-08-01",
        "remarks": "Lateral entry",
    }]})

    student_id: Annotated[int, ref_id("The student's id")]
    program_id: Annotated[int, ref_id("The program's id")]
    # Naive values are taken as UTC; absent means now.
    enrollment_date: EnrollmentDate | None = None
    remarks: Remarks | None = None


class EnrollmentBulk(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrollments": [{"student_id": 1042, "program_id": 7}, {"student_id": 1043, "program_id": 7}],
    }]})

    enrollments: Annotated[list[EnrollmentCreate], Field(min_length=1, max_length=MAX_BULK_ENROLLMENTS)]


class EnrollmentUpdate(InputModel):
    """Every field optional. `status` moves only from enrolled to dropped, completed or
    failed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "completed",
        "grade": "A",
        "grade_point": 8.4,
        "credits_earned": 160,
    }]})

    status: EnrollmentStatus | None = None
    grade: Annotated[str, Field(min_length=1, max_length=5)] | None = None
    grade_point: Annotated[Decimal, Field(ge=0, le=10, max_digits=4, decimal_places=2)] | None = None
    credits_earned: Annotated[int, Field(ge=0, le=1000)] | None = None
    remarks: Remarks | None = None


class EnrollmentOut(OutputModel):
    id: int
    student_id: int = Field(description="The student's id")
    program_id: int = Field(description="The program's id")
    program_name: str | None = None
    program_code: str | None = None
    enrollment_date: dt.datetime
    status: EnrollmentStatus
    grade: str | None
    grade_point: Number | None
    credits_earned: int
    remarks: str | None
    created_at: dt.datetime
    updated_at: dt.datetime | None


class EligibilityOut(OutputModel):
    student_id: int = Field(description="The student's id")
    program_id: int = Field(description="The program's id")
    is_eligible: bool
    reasons: list[str]


class EnrollmentBulkResult(OutputModel):
    student_id: int = Field(description="The student's id")
    program_id: int = Field(description="The program's id")
    success: bool
    message: str
    enrollment_id: int | None = Field(default=None, description="The enrollment's id (a student in a program)")


class EnrollmentBulkOut(OutputModel):
    total: int
    successful: int
    failed: int
    results: list[EnrollmentBulkResult]
