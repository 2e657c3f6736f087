"""Reports (domain.md §3.17 with its RECs): the filters each report takes, the figures it
answers, and the report files made by the workers.

The filters are request models shared by the API's query parameters, the panel's Reports
page and the body of a report job, so one report means the same thing wherever it is
asked for. Every filter applies to every figure of its report; each output model's field
descriptions say what a figure counts (they are the OpenAPI description).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import MAX_INT, Money

AcademicYear = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description='For example "2025-26"')]
Semester = Annotated[int, Field(ge=1, le=20)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]


class ReportName(StrEnum):
    """The seven reports, by the last part of their URL."""

    STUDENT_PERFORMANCE = "student-performance"
    ATTENDANCE = "attendance"
    FEE_COLLECTION = "fee-collection"
    EXAM_RESULTS = "exam-results"
    LIBRARY_STATS = "library-stats"
    HOSTEL_OCCUPANCY = "hostel-occupancy"
    DEPARTMENT_WISE = "department-wise"


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"


class ReportJobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    # Done, and its file removed after REPORT_FILE_TTL_MINUTES.
    EXPIRED = "expired"


# --- filters --------------------------------------------------------------------------------


class _DateRange(InputModel):
    date_from: dt.date | None = Field(None, description="From this day (inclusive)")
    date_to: dt.date | None = Field(None, description="Up to this day (inclusive)")

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        return self


class StudentPerformanceFilters(InputModel):
    department_id: Id | None = Field(None, description="Students of this department (its id)")
    program_id: Id | None = Field(None, description="Students of this program (its id)")
    academic_year: AcademicYear | None = Field(
        None, validation_alias=AliasChoices("academic_year", "acedemic_year", "acedamic_year"),
        description="Only students with a semester result of this academic year, and only those results")
    semester: Semester | None = Field(
        None, description="Only students with a semester result of this semester, and only those results")


class AttendanceFilters(_DateRange):
    department_id: Id | None = Field(None, description="Marks of students of this department (its id)")
    program_id: Id | None = Field(None, description="Marks of students of this program (its id)")
    course_offering_id: Id | None = Field(None, description="Marks taken in this course offering (its id)")
    academic_year: AcademicYear | None = Field(None, description="Marks in offerings of this academic year")
    semester: Semester | None = Field(None, description="Marks in offerings of this semester")


class FeeCollectionFilters(_DateRange):
    """`date_from`/`date_to` select payments by payment date and balances by due date."""

    academic_year: AcademicYear | None = Field(
        None, validation_alias=AliasChoices("academic_year", "acedemic_year", "acedamic_year"),
        description="Fee structures (and their payments) of this academic year")
    semester: Semester | None = Field(None, description="Fee structures (and their payments) of this semester")
    department_id: Id | None = Field(None, description="Fees of students of this department (its id)")
    program_id: Id | None = Field(None, description="Fees of students of this program (its id)")


class ExamResultsFilters(InputModel):
    academic_year: AcademicYear | None = Field(
        None, validation_alias=AliasChoices("academic_year", "acedemic_year", "acedamic_year"),
        description="Semester results of this academic year")
    semester: Semester | None = Field(None, description="Semester results of this semester")
    department_id: Id | None = Field(None, description="Results of students of this department (its id)")
    program_id: Id | None = Field(None, description="Results of students of this program (its id)")


class LibraryStatsFilters(InputModel):
    department_id: Id | None = Field(None, description="Books of this department (its id)")
    category: str | None = Field(None, min_length=1, max_length=100,
                                 description="Books of this category (exact, case-insensitive)")


class HostelOccupancyFilters(InputModel):
    hostel_type: Literal["boys", "girls", "unisex"] | None = Field(None, description="Hostels of this type")


class DepartmentWiseFilters(InputModel):
    """No filters: one row per active department."""


REPORT_FILTERS: dict[ReportName, type[InputModel]] = {
    ReportName.STUDENT_PERFORMANCE: StudentPerformanceFilters,
    ReportName.ATTENDANCE: AttendanceFilters,
    ReportName.FEE_COLLECTION: FeeCollectionFilters,
    ReportName.EXAM_RESULTS: ExamResultsFilters,
    ReportName.LIBRARY_STATS: LibraryStatsFilters,
    ReportName.HOSTEL_OCCUPANCY: HostelOccupancyFilters,
    ReportName.DEPARTMENT_WISE: DepartmentWiseFilters,
}


# --- student performance -------------------------------------------------------------------


class DepartmentStudents(OutputModel):
    department_id: int
    department_name: str
    student_count: int = Field(description="Students of the department among those counted")


class SemesterGpa(OutputModel):
    semester: int
    avg_gpa: float | None = Field(description="Mean GPA of the semester results counted, 2 decimals")
    student_count: int = Field(description="Semester results counted for the semester (one per student)")


class StudentPerformanceOut(OutputModel):
    total_students: int = Field(description="Students matching every filter")
    avg_cgpa: float | None = Field(
        description="Mean of the students' CGPA where they have one, 3 decimals; null when none has")
    status_breakdown: dict[str, int] = Field(description="Students per status")
    department_wise: list[DepartmentStudents] = Field(
        description="Students per department: every department (zeros included), or the filtered one")
    semester_wise_gpa: list[SemesterGpa] = Field(
        description="Published semester results of the students counted, per semester")


# --- attendance -----------------------------------------------------------------------------


class AttendanceCounts(OutputModel):
    total_records: int = Field(description="Attendance marks (every status, excused included)")
    present_count: int
    absent_count: int
    late_count: int
    excused_count: int
    attendance_percentage: float = Field(
        description="(present + late) / total records × 100, 2 decimals; 0 without records "
                    "(the attendance service's formula)")


class DepartmentAttendance(AttendanceCounts):
    department_id: int
    department_name: str


class MonthAttendance(AttendanceCounts):
    period: str = Field(description='Calendar month, "YYYY-MM"')


class AttendanceReportOut(AttendanceCounts):
    department_wise: list[DepartmentAttendance] = Field(
        description="The same counts per department of the students marked (departments with marks)")
    monthly: list[MonthAttendance] = Field(description="The same counts per calendar month of the marks")


# --- fee collection -------------------------------------------------------------------------


class DepartmentFees(OutputModel):
    department_id: int
    department_name: str
    collected: Money = Field(description="Σ completed payments")
    pending: Money = Field(description="Σ outstanding balances")
    overdue: Money = Field(description="Σ outstanding balances past their due date")


class MonthFees(OutputModel):
    period: str = Field(description='Calendar month of the payment date, "YYYY-MM"')
    collected: Money = Field(description="Σ completed payments made that month")


class FeeCollectionOut(OutputModel):
    total_collected: Money = Field(description="Σ amount of completed payments")
    total_pending: Money = Field(
        description="Σ outstanding balances: per fee structure, total fee − its completed payments (never below 0)")
    total_overdue: Money = Field(description="The part of total_pending whose due date has passed")
    overdue_count: int = Field(description="Fee structures with a balance past their due date")
    pending_count: int = Field(description="Fee structures with a balance")
    total_late_fees: Money = Field(description="Σ late fees of completed payments")
    total_discounts: Money = Field(description="Σ discounts of completed payments")
    payment_status_breakdown: dict[str, int] = Field(description="Payments per status (every status)")
    payment_mode_breakdown: dict[str, Money] = Field(description="Σ amount of completed payments per mode")
    department_wise: list[DepartmentFees] = Field(description="Per department of the students (with fees)")
    monthly: list[MonthFees] = Field(description="Completed payments per calendar month of payment")


# --- exam results ---------------------------------------------------------------------------


class SemesterResults(OutputModel):
    semester: int
    total_results: int
    avg_gpa: float | None = Field(description="Mean GPA, 2 decimals")
    pass_count: int = Field(description="Results with status pass or promoted")


class DepartmentResults(OutputModel):
    department_id: int
    department_name: str
    total_results: int
    avg_gpa: float | None


class ExamResultsOut(OutputModel):
    total_results: int = Field(description="Semester results matching every filter")
    avg_gpa: float | None = Field(description="Mean GPA of those results, 2 decimals; null when none")
    status_breakdown: dict[str, int] = Field(description="Results per status")
    semester_wise: list[SemesterResults] = Field(description="The same per semester")
    department_wise: list[DepartmentResults] = Field(description="The same per department of the students")


# --- library --------------------------------------------------------------------------------


class CategoryBooks(OutputModel):
    category: str | None
    titles: int
    copies: int
    available: int
    issued: int = Field(description="Open loans")


class LibraryStatsOut(OutputModel):
    total_books: int = Field(description="Titles (library_books rows)")
    total_copies: int = Field(description="Σ copies of those titles")
    available_copies: int = Field(description="Σ copies on the shelf")
    currently_issued: int = Field(description="Open loans: issued and not returned (overdue ones included)")
    overdue_count: int = Field(description="Open loans whose due date has passed (derived, not a status)")
    lost_count: int = Field(description="Loans marked lost")
    total_fines: Money = Field(description="Σ outstanding fines of the loans")
    category_wise: list[CategoryBooks] = Field(description="The same per category")


# --- hostels --------------------------------------------------------------------------------


class HostelRow(OutputModel):
    hostel_id: int
    hostel_name: str
    hostel_type: str
    total_capacity: int
    occupied: int
    free_beds: int
    occupancy_percentage: float = Field(description="occupied / capacity × 100, 2 decimals; 0 without beds")


class HostelOccupancyOut(OutputModel):
    total_hostels: int = Field(description="Active hostels")
    total_rooms: int = Field(description="Σ rooms of the active hostels")
    total_capacity: int = Field(description="Σ beds of the active hostels")
    total_occupied: int = Field(description="Σ beds taken in them")
    free_beds: int = Field(description="total_capacity − total_occupied")
    occupancy_percentage: float = Field(description="total_occupied / total_capacity × 100, 2 decimals")
    hostel_wise: list[HostelRow]
    room_type_breakdown: dict[str, int] = Field(description="Active rooms of active hostels per room type")


# --- departments ----------------------------------------------------------------------------


class DepartmentRow(OutputModel):
    department_id: int
    department_name: str
    student_count: int = Field(description="Students of the department (every status)")
    faculty_count: int = Field(description="Faculty members of the department (every status)")
    course_count: int = Field(description="Active courses of the department")
    program_count: int = Field(description="Active programs of the department")


class DepartmentWiseOut(OutputModel):
    departments: list[DepartmentRow] = Field(description="Active departments, by name")


REPORT_OUTPUTS: dict[ReportName, type[OutputModel]] = {
    ReportName.STUDENT_PERFORMANCE: StudentPerformanceOut,
    ReportName.ATTENDANCE: AttendanceReportOut,
    ReportName.FEE_COLLECTION: FeeCollectionOut,
    ReportName.EXAM_RESULTS: ExamResultsOut,
    ReportName.LIBRARY_STATS: LibraryStatsOut,
    ReportName.HOSTEL_OCCUPANCY: HostelOccupancyOut,
    ReportName.DEPARTMENT_WISE: DepartmentWiseOut,
}


# --- report jobs ----------------------------------------------------------------------------


class ReportJobCreate(InputModel):
    """The body of `POST /reports/{name}/jobs`: the report's own filters (as its GET takes
    them) and the file type."""

    format: ReportFormat = Field(ReportFormat.XLSX, description="xlsx, csv or pdf")
    filters: dict[str, Any] = Field(default_factory=dict, max_length=20,
                                    description="The report's filters, as its GET query parameters")


class ReportJobOut(OutputModel):
    id: str = Field(description="The job id")
    report: ReportName
    format: ReportFormat
    filters: dict[str, Any] = Field(description="The filters the report was asked with")
    status: ReportJobStatus = Field(description="queued, running, done, failed, or expired (file removed)")
    progress: int = Field(description="Percent done, 0-100")
    error: str | None = Field(description="Why it failed")
    requested_by: int | None = Field(description="The user who asked for it")
    file_name: str | None = Field(description="The file's name once done")
    file_size: int | None = Field(description="Bytes, once done")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(description="When the file is removed")
