"""Request and response bodies of /grades, the SGPA/CGPA views, publishing, the
grade-change history and the transcript (domain.md §3.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.enrollments import Remarks
from dashboard.schemas.fields import Number, RefId, ref_id
from models.enums import ResultStatus

MAX_BULK_GRADES = 1000
MAX_PUBLISH_STUDENTS = 100000
MarksObtained = Annotated[Decimal, Field(ge=0, le=10000, max_digits=6, decimal_places=2)]
Reason = Annotated[str, Field(min_length=3, max_length=2000)]
Semester = Annotated[int, Field(ge=1, le=20)]
AcademicYear = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description='For example "2025-26"')]


class GradeCreate(InputModel):
    """`course_id` is derived from the assessment; when sent it must match. `reason` is
    required once the semester's results are published."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enrollment_id": 2210,
        "assessment_id": 301,
        "marks_obtained": 17.5,
    }]})

    enrollment_id: Annotated[int, ref_id("The enrollment's id (a student in a program)")]
    assessment_id: Annotated[int, ref_id("The assessment's id")]
    course_id: Annotated[int | None, ref_id("The course's id")] = None
    marks_obtained: MarksObtained
    remarks: Remarks | None = None
    reason: Reason | None = None


class GradeUpdate(InputModel):
    """`reason` is required to change the marks of a published semester."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "marks_obtained": 18,
        "reason": "Re-evaluation after appeal",
    }]})

    marks_obtained: MarksObtained | None = None
    remarks: Remarks | None = None
    reason: Reason | None = None


class GradeBulkItem(InputModel):
    enrollment_id: Annotated[int, ref_id("The enrollment's id (a student in a program)")]
    marks_obtained: MarksObtained
    remarks: Remarks | None = None


class GradeBulk(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "assessment_id": 301,
        "items": [{"enrollment_id": 2210, "marks_obtained": 17.5}, {"enrollment_id": 2211, "marks_obtained": 12}],
    }]})

    assessment_id: Annotated[int, ref_id("The assessment's id")]
    course_id: Annotated[int | None, ref_id("The course's id")] = None
    items: Annotated[list[GradeBulkItem], Field(min_length=1, max_length=MAX_BULK_GRADES)]


class GradeOut(OutputModel):
    id: int
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    student_id: int | None = Field(default=None, description="The student's id")
    course_id: int = Field(description="The course's id")
    course_offering_id: int = Field(description="The course offering's id")
    assessment_id: int = Field(description="The assessment's id")
    marks_obtained: Number
    remarks: str | None
    graded_by: int | None = Field(description="The user id of who graded it last")
    graded_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime | None


class GradeBulkResult(OutputModel):
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    success: bool
    message: str
    grade_id: int | None = Field(default=None, description="The id of the grade row")


class GradeBulkOut(OutputModel):
    total: int
    successful: int
    failed: int
    results: list[GradeBulkResult]


class CourseResult(OutputModel):
    course_id: int = Field(description="The course's id")
    course_name: str
    course_code: str
    credits: int
    weighted_percentage: Number
    grade_point: Number
    grade_letter: str


class SgpaOut(OutputModel):
    student_id: int = Field(description="The student's id")
    semester: int
    courses: list[CourseResult]
    total_credits: int
    sgpa: Number


class SemesterGpa(OutputModel):
    semester: int
    gpa: Number
    credits: int


class CgpaOut(OutputModel):
    student_id: int = Field(description="The student's id")
    semesters: list[SemesterGpa]
    total_credits: int
    cgpa: Number


class PublishRequest(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"semester": 3, "academic_year": "2025-26"}]})

    semester: Semester
    academic_year: AcademicYear
    student_ids: Annotated[list[RefId], Field(min_length=1, max_length=MAX_PUBLISH_STUDENTS)] | None = None


class PublishResult(OutputModel):
    student_id: int = Field(description="The student's id")
    success: bool
    message: str
    gpa: Number | None = None


class PublishOut(OutputModel):
    total: int
    published: int
    failed: int
    results: list[PublishResult]


class GradeChange(OutputModel):
    id: int
    old_marks: Number | None
    new_marks: Number
    reason: str
    changed_by: int | None = Field(description="The user id of who made the change")
    changed_at: dt.datetime


class GradeHistoryOut(OutputModel):
    grade_id: int = Field(description="The id of the grade row")
    enrollment_id: int = Field(description="The enrollment's id (a student in a program)")
    assessment_id: int = Field(description="The assessment's id")
    marks_obtained: Number
    history: list[GradeChange]
    total: int


class TranscriptSemester(OutputModel):
    semester: int
    academic_year: str
    courses: list[CourseResult]
    credits_attempted: int
    credits_earned: int
    sgpa: Number
    status: ResultStatus
    published_at: dt.datetime | None


class TranscriptOut(OutputModel):
    student_id: int = Field(description="The student's id")
    student_code: str
    first_name: str
    last_name: str
    program_id: int = Field(description="The program's id")
    program_name: str
    semesters: list[TranscriptSemester]
    total_credits: int
    cgpa: Number | None
