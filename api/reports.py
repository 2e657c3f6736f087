"""/api/v1/reports (domain.md §3.17 with its RECs): the seven reports, and report files
made by the workers (`POST /reports/{name}/jobs`; their status and file are under
/api/v1/report-jobs, api/report_jobs.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.deps import CurrentActor, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import InputModel
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.reports import (
    AttendanceFilters,
    AttendanceReportOut,
    DepartmentWiseFilters,
    DepartmentWiseOut,
    ExamResultsFilters,
    ExamResultsOut,
    FeeCollectionFilters,
    FeeCollectionOut,
    HostelOccupancyFilters,
    HostelOccupancyOut,
    LibraryStatsFilters,
    LibraryStatsOut,
    ReportJobCreate,
    ReportJobOut,
    ReportName,
    StudentPerformanceFilters,
    StudentPerformanceOut,
)
from dashboard.services import reports as service

router = ResourceRouter(prefix="/reports", tags=["Reports"], responses=error_responses(401, 403, 422))

_MIN_DATE, _MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
_YEAR = r"^\d{4}-\d{2}$"

DepartmentId = Annotated[int | None, Query(ge=1, le=MAX_INT, description="Only students of this department (its id)")]
ProgramId = Annotated[int | None, Query(ge=1, le=MAX_INT, description="Only students of this program (its id)")]
DateFrom = Annotated[dt.date | None, Query(ge=_MIN_DATE, le=_MAX_DATE,
                                           description="From this day (inclusive), YYYY-MM-DD")]
DateTo = Annotated[dt.date | None, Query(ge=_MIN_DATE, le=_MAX_DATE,
                                         description="Up to this day (inclusive), YYYY-MM-DD")]


def _filters(model: type[InputModel], **values: Any) -> Any:
    """The filter model from the query; a cross-field rule it breaks (dates out of
    order) is the same 422 as a malformed parameter."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from exc


@router.get("/student-performance", response_model=StudentPerformanceOut,
            openapi_extra=requires(Permission.REPORTS_READ))
async def student_performance(
    actor: CurrentActor,
    department_id: DepartmentId = None,
    program_id: ProgramId = None,
    academic_year: Annotated[str | None, Query(
        pattern=_YEAR, description='Only students with a semester result of this academic year (as in "2025-26"), '
        "and only those results")] = None,
    semester: Annotated[int | None, Query(
        ge=1, le=20, description="Only students with a semester result of this semester, and only those results")]
    = None,
) -> Any:
    """Student performance

    The students matching **every** filter, and their published semester results.

    - `total_students`: students of the department and program given; with `academic_year` or
      `semester`, only those who have a semester result of that year/semester.
    - `avg_cgpa`: the mean of those students' CGPA (students without one are left out), 3 decimals;
      null when none has one.
    - `status_breakdown`: those students per status.
    - `department_wise`: those students per department, every department listed (zeros included),
      or only the filtered one.
    - `semester_wise_gpa`: their semester results per semester (only of the year/semester given):
      the mean GPA (2 decimals) and how many results.

    Reads only."""
    return await service.student_performance_report(actor, filters=_filters(
        StudentPerformanceFilters, department_id=department_id, program_id=program_id,
        academic_year=academic_year, semester=semester))


@router.get("/attendance", response_model=AttendanceReportOut, openapi_extra=requires(Permission.REPORTS_READ))
async def attendance(
    actor: CurrentActor,
    department_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only marks of students of this department (its id)")] = None,
    course_offering_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only marks taken in this course offering (its id)")] = None,
    program_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only marks in offerings of this program (its id)")] = None,
    academic_year: Annotated[str | None, Query(
        pattern=_YEAR, description='Only marks in offerings of this academic year, as in "2025-26"')] = None,
    semester: Annotated[int | None, Query(ge=1, le=20, description="Only marks in offerings of this semester")]
    = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> Any:
    """Attendance statistics

    Attendance marks matching **every** filter: the student's department, the offering (or the
    offerings of a program, academic year and semester) and the class days.

    - `total_records`: the marks, every status (excused included).
    - `present_count`, `absent_count`, `late_count`, `excused_count`: the marks per status.
    - `attendance_percentage`: (present + late) / total × 100, 2 decimals, 0 without marks: the
      attendance formula used everywhere (the attendance service's).
    - `department_wise`: the same counts per department of the students marked.
    - `monthly`: the same counts per calendar month of the class day.

    Reads only."""
    return await service.attendance_report(actor, filters=_filters(
        AttendanceFilters, department_id=department_id, course_offering_id=course_offering_id,
        program_id=program_id, academic_year=academic_year, semester=semester, date_from=date_from,
        date_to=date_to))


@router.get("/fee-collection", response_model=FeeCollectionOut, openapi_extra=requires(Permission.REPORTS_READ))
async def fee_collection(
    actor: CurrentActor,
    academic_year: Annotated[str | None, Query(
        pattern=_YEAR, description='Only fee structures of this academic year (as in "2025-26") and their payments')]
    = None,
    semester: Annotated[int | None, Query(
        ge=1, le=20, description="Only fee structures of this semester and their payments")] = None,
    department_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only fees of students of this department (its id)")] = None,
    program_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only fees of students of this program (its id)")] = None,
    date_from: Annotated[dt.date | None, Query(
        ge=_MIN_DATE, le=_MAX_DATE,
        description="Payments made, and balances falling due, from this day (inclusive)")] = None,
    date_to: Annotated[dt.date | None, Query(
        ge=_MIN_DATE, le=_MAX_DATE,
        description="Payments made, and balances falling due, up to this day (inclusive)")] = None,
) -> Any:
    """Fee collection summary

    Fees of the fee structures matching **every** filter (academic year, semester, the student's
    department and program). Payments are chosen by payment date, balances by due date.

    - `total_collected`: Σ amount of **completed** payments.
    - `total_pending`: Σ outstanding balances now: per structure, its total less its completed
      payments (a refund re-opens the balance); `pending_count` structures have one.
    - `total_overdue` / `overdue_count`: the part of those balances whose due date has passed
      (derived from the due date, not a stored status).
    - `total_late_fees`, `total_discounts`: Σ of the completed payments' late fees and discounts.
    - `payment_status_breakdown`: payments per status (every status).
    - `payment_mode_breakdown`: Σ amount of completed payments per mode (refunds excluded).
    - `department_wise`: collected, pending and overdue per department of the students.
    - `monthly`: completed payments per calendar month of the payment date.

    Money is a string with 2 decimals. Reads only."""
    return await service.fee_collection_report(actor, filters=_filters(
        FeeCollectionFilters, academic_year=academic_year, semester=semester, department_id=department_id,
        program_id=program_id, date_from=date_from, date_to=date_to))


@router.get("/exam-results", response_model=ExamResultsOut, openapi_extra=requires(Permission.REPORTS_READ))
async def exam_results(
    actor: CurrentActor,
    academic_year: Annotated[str | None, Query(
        pattern=_YEAR, description='Only semester results of this academic year, as in "2025-26"')] = None,
    semester: Annotated[int | None, Query(ge=1, le=20, description="Only semester results of this semester")]
    = None,
    department_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only results of students of this department (its id)")] = None,
    program_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only results of students of this program (its id)")] = None,
) -> Any:
    """Exam results statistics

    Published semester results matching **every** filter (academic year, semester, the student's
    department and program).

    - `total_results`: those results (one per student and semester).
    - `avg_gpa`: their mean GPA, 2 decimals; null when none.
    - `status_breakdown`: results per status (pass, fail, promoted, detained).
    - `semester_wise`: per semester: results, mean GPA and `pass_count` (pass or promoted).
    - `department_wise`: per department of the students: results and mean GPA.

    Reads only."""
    return await service.exam_results_report(actor, filters=_filters(
        ExamResultsFilters, academic_year=academic_year, semester=semester, department_id=department_id,
        program_id=program_id))


@router.get("/library-stats", response_model=LibraryStatsOut, openapi_extra=requires(Permission.REPORTS_READ))
async def library_stats(
    actor: CurrentActor,
    department_id: Annotated[int | None, Query(
        ge=1, le=MAX_INT, description="Only books of this department (its id)")] = None,
    category: Annotated[str | None, Query(
        min_length=1, max_length=100, description="Only books of this category (exact, any case)")] = None,
) -> Any:
    """Library usage statistics

    The books matching **every** filter (department, category) and their loans.

    - `total_books`: titles; `total_copies`: Σ copies; `available_copies`: Σ copies on the shelf.
    - `currently_issued`: open loans (issued, not returned).
    - `overdue_count`: open loans past their due date (derived from the due date).
    - `lost_count`: loans marked lost.
    - `total_fines`: Σ outstanding fines of the loans (what is still owed after payments).
    - `category_wise`: titles, copies, available and open loans per category.

    Reads only."""
    return await service.library_stats_report(actor, filters=_filters(
        LibraryStatsFilters, department_id=department_id, category=category))


@router.get("/hostel-occupancy", response_model=HostelOccupancyOut, openapi_extra=requires(Permission.REPORTS_READ))
async def hostel_occupancy(
    actor: CurrentActor,
    hostel_type: Annotated[Literal["boys", "girls", "unisex"] | None, Query(
        description="Only hostels of this type")] = None,
) -> Any:
    """Hostel occupancy report

    Active hostels (of the type given), from their bed counters.

    - `total_hostels`; `total_rooms`: Σ rooms; `total_capacity`: Σ beds; `total_occupied`: Σ beds
      taken; `free_beds`: the difference.
    - `occupancy_percentage`: occupied / capacity × 100, 2 decimals, 0 without beds (also per hostel).
    - `hostel_wise`: each hostel by name.
    - `room_type_breakdown`: active rooms of those hostels per room type.

    Reads only."""
    return await service.hostel_occupancy_report(actor, filters=_filters(HostelOccupancyFilters,
                                                                         hostel_type=hostel_type))


@router.get("/department-wise", response_model=DepartmentWiseOut, openapi_extra=requires(Permission.REPORTS_READ))
async def department_wise(actor: CurrentActor) -> Any:
    """Department-wise statistics

    Active departments by name, each with `student_count` (its students, every status),
    `faculty_count` (its faculty, every status), `course_count` (active courses) and
    `program_count` (active programs). Reads only."""
    return await service.department_wise_report(actor, filters=DepartmentWiseFilters())


@router.post(
    "/{name}/jobs", status_code=202, response_model=ReportJobOut, openapi_extra=requires(Permission.REPORTS_READ),
)
async def queue_report_file(
    actor: CurrentActor,
    name: Annotated[ReportName, Path(description="The report, as in its URL (e.g. fee-collection)")],
    data: ReportJobCreate,
) -> Any:
    """Queue a report file

    Asks a worker for the report's file: `filters` are the report's own query parameters (as its
    GET takes them; unknown ones are a 422) and `format` is `xlsx` (a sheet per breakdown and one
    of detail rows), `csv` (the same tables one after another) or `pdf` (the university's name,
    the filters, the tables and a chart). Answers 202 with the job at once; follow it at
    `GET /api/v1/report-jobs/{id}` and download it from `/api/v1/report-jobs/{id}/file` once
    `done` (only the user who asked, or an admin). Records the job; changes nothing else."""
    try:
        filters = service.parse_filters(name, data.filters)
    except ValidationError as exc:
        raise RequestValidationError(service.validation_errors(exc)) from exc
    return await service.queue_report_job(actor, report=name, filters=filters, format=data.format)
