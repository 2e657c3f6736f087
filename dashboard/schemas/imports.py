"""Bulk imports (issue 15): the rows of each kind's file, checked by the single-create
schemas they extend, and the import's responses."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

import email_validator
from pydantic import BeforeValidator, Field
from pydantic.networks import validate_email

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.enrollments import EnrollmentDate, Remarks
from dashboard.schemas.faculty import FacultyCreate
from dashboard.schemas.fees import AcademicYear, FeeStructureCreate
from dashboard.schemas.fields import Code, Name, Password, UserName
from dashboard.schemas.grades import MarksObtained
from dashboard.schemas.grades import Semester as GradeSemester
from dashboard.schemas.library import BookCreate
from dashboard.schemas.students import StudentCreate

# An address in the common form: a dot-atom local part (RFC 5322) and an ASCII domain.
_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The domain as EmailStr normalises it, or None when EmailStr refuses it."""
    try:
        return email_validator.validate_email(f"a@{domain}", check_deliverability=False).domain
    except email_validator.EmailNotValidError:
        return None


def import_email(value: Any) -> Any:
    """EmailStr's check, with its words, at a fraction of its cost on a file's thousands
    of addresses: the domain (the same few in a whole file) is checked once by the same
    validator, and a local part in the plain dot-atom form needs no more; any other
    address goes through EmailStr's own check."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if at and len(text) <= 254 and len(local) <= 64 and domain.isascii() and _SIMPLE_LOCAL.fullmatch(local):
        normalised = _domain(domain)
        if normalised is not None:
            return f"{local}@{normalised}"
    return validate_email(text)[1]


ImportEmail = Annotated[str, BeforeValidator(import_email)]


class ImportKindName(StrEnum):
    STUDENTS = "students"
    FACULTY = "faculty"
    PARENTS = "parents"
    ENROLLMENTS = "enrollments"
    REGISTRATIONS = "registrations"
    GRADES = "grades"
    LIBRARY_BOOKS = "library_books"
    FEE_STRUCTURES = "fee_structures"


class ImportMode(StrEnum):
    CREATE = "create"
    UPSERT = "upsert"


class ImportRowFilter(StrEnum):
    ALL = "all"
    ERRORS = "errors"
    CHANGED = "changed"


class StudentImportRow(StudentCreate):
    """A student row: the single create's fields, without a password (an imported
    account is sent an invitation to set one) and with parents linked from the parents
    kind rather than by id."""

    password: Password | None = None  # type: ignore[assignment]
    email: ImportEmail


class FacultyImportRow(FacultyCreate):
    """A faculty member: the single create's fields without a password (invited instead)
    and without headship, which is set on the member's own page."""

    password: Password | None = None  # type: ignore[assignment]
    email: ImportEmail


class EnrollmentImportRow(InputModel):
    """A student enrolled in a program, both named by code."""

    student_code: Code
    program_code: Code
    enrollment_date: EnrollmentDate | None = None
    remarks: Remarks | None = None


class RegistrationImportRow(InputModel):
    """A student on an offering's roster; the offering is named by its course code, year,
    semester and (when it has one) section."""

    student_code: Code
    course_code: Code
    academic_year: AcademicYear
    semester: GradeSemester
    section: Annotated[str, Field(max_length=20)] | None = None


class FeeStructureImportRow(FeeStructureCreate):
    """A fee structure, the student named by code (the program is the student's)."""

    student_id: int | None = None  # type: ignore[assignment]
    student_code: Code


class GradeImportRow(InputModel):
    """A mark for the import's assessment, the student named by their code."""

    student_code: Code
    marks_obtained: MarksObtained
    remarks: Annotated[str, Field(max_length=2000)] | None = None


class BookImportRow(BookCreate):
    """A book, its department named by code."""

    department_code: Code | None = None


class ParentImportRow(InputModel):
    """A parent's account and record, linked to their children by student code."""

    email: ImportEmail
    user_name: UserName
    first_name: Name
    last_name: Name
    phone: Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[0-9+() -]+$")] | None = None
    father_name: Name
    mother_name: Name
    father_occupation: Annotated[str, Field(max_length=100)] | None = None
    mother_occupation: Annotated[str, Field(max_length=100)] | None = None
    student_codes: Annotated[str, Field(min_length=1, max_length=1000,
                                        description="The children's student codes, separated by ;")]


class ImportOut(OutputModel):
    id: int
    kind: str
    mode: str
    status: str = Field(description="validating, validated, failed, committing or committed")
    file_name: str | None
    file_format: str
    columns: list[str]
    error_threshold: float | None
    created_by: int | None = Field(description="Who uploaded it: a user id")
    created_by_name: str | None
    total_rows: int
    rows_validated: int
    rows_committed: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    committed_count: int
    refused_count: int
    message: str | None
    created_at: dt.datetime
    validated_at: dt.datetime | None
    commit_requested_at: dt.datetime | None
    committed_at: dt.datetime | None


class ImportRowError(OutputModel):
    column: str
    message: str


class ImportRowOut(OutputModel):
    row_number: int
    natural_key: str | None
    outcome: str = Field(description="At preview: created, updated, unchanged or error")
    errors: list[ImportRowError]
    commit_outcome: str | None = Field(description="After the commit: created, updated, unchanged or refused")
    commit_errors: list[ImportRowError]
    entity_type: str | None
    entity_id: int | None = Field(description="The record written: an id in entity_type's table")
    audit_log_id: int | None = Field(description="The audit row of the write: an audit log id")


class ImportDetailOut(ImportOut):
    items: list[ImportRowOut]
    items_total: int
    page: int
    page_size: int


class ImportColumnOut(OutputModel):
    name: str
    required: bool
    description: str
    example: str
    choices: list[str]


class ImportKindOut(OutputModel):
    kind: str
    label: str
    key: str = Field(description="The column that names an existing record (its natural key)")
    needs_assessment: bool
    columns: list[ImportColumnOut]


def column_list(value: Any) -> list[str]:
    return list(value or [])
