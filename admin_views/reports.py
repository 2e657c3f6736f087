"""The Reports page: each of the seven reports with its filters, its figures, a chart drawn
on the server (admin_views.charts, like the home page) and its breakdowns as tables; and
buttons that queue the report's file (XLSX, CSV or PDF) as a report job, show its progress
and offer the download when it is ready.

Figures, jobs and files all come from the reports service as the signed-in user, so the
page counts exactly what /api/v1/reports counts, and a file is downloaded only by whoever
asked for it (or an admin), through the same check as the API's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from markupsafe import Markup
from pydantic import ValidationError
from starlette.responses import JSONResponse, Response, StreamingResponse

from admin_views import charts
from admin_views.adapters import department_service, program_service
from admin_views.formatting import money, number
from admin_views.labels import enum_label
from admin_views.screens import Screen, actor_for, form_error, redirect, render
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError, NotFound
from dashboard.core.roles import Permission
from dashboard.schemas.base import InputModel
from dashboard.schemas.reports import REPORT_FILTERS, ReportFormat, ReportJobOut, ReportName
from dashboard.services import reports

REPORTS = Screen("reports", "Reports", "ti ti-report-analytics", Permission.REPORTS_READ)
SCREENS = (REPORTS,)
# Its place in the menu (admin_views.registry): after the campus desks, notifications and documents.
MENU_ORDER = 870
router = APIRouter(include_in_schema=False)

JOBS_SHOWN = 10
TOP_ROWS = 12
POLL_SECONDS = 1

FILTER_LABELS = {
    "department_id": "Department", "program_id": "Program", "course_offering_id": "Course offering ID",
    "academic_year": "Academic year", "semester": "Semester", "date_from": "From", "date_to": "To",
    "category": "Category", "hostel_type": "Hostel type",
}
FORMAT_LABELS = {ReportFormat.XLSX: "Excel (XLSX)", ReportFormat.CSV: "CSV", ReportFormat.PDF: "PDF"}


# --- what a report looks like on the page -------------------------------------------------


@dataclass
class Table:
    key: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    # Indexes of the columns holding figures (right-aligned).
    numeric: frozenset[int] = frozenset()
    empty: str = "Nothing to show for these filters."


@dataclass
class ReportView:
    figures: list[tuple[str, str, str]]  # (key, label, formatted figure)
    chart_title: str
    chart: Markup | None  # None: nothing to draw for these filters
    tables: list[Table] = field(default_factory=list)


def _bars(items: list[tuple[str, float]], **options: Any) -> Markup | None:
    return charts.horizontal_bars(items, **options) if items else None


def _columns(items: list[tuple[str, float]], **options: Any) -> Markup | None:
    return charts.columns(items, **options) if items else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{number(value, decimals=2)}%"


def _gpa(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _top(items: list[tuple[str, float]], other: str) -> list[tuple[str, float]]:
    """The first TOP_ROWS bars and one for the rest, so a long list stays readable."""
    if len(items) <= TOP_ROWS:
        return items
    rest = sum(value for _, value in items[TOP_ROWS:])
    return [*items[:TOP_ROWS], (f"{len(items) - TOP_ROWS} other {other}", rest)]


def _month(period: str) -> str:
    return dt.datetime.strptime(period, "%Y-%m").strftime("%b %y")


def _counts(mapping: dict[str, Any], label: str, first: str, value_text: Callable[[Any], str] = number) -> Table:
    rows = [(enum_label(key), value_text(value)) for key, value in mapping.items()]
    return Table(label.lower().replace(" ", "-"), label, (first, "Count" if value_text is number else "Amount"),
                 rows, frozenset({1}))


def _student_performance(out: Any) -> ReportView:
    departments = [(d.department_name, d.student_count) for d in out.department_wise]
    return ReportView(
        figures=[("total_students", "Students", number(out.total_students)),
                 ("avg_cgpa", "Average CGPA", _gpa(out.avg_cgpa)),
                 *[(f"status_{k}", enum_label(k), number(v)) for k, v in out.status_breakdown.items()]],
        chart_title="Students per department",
        chart=_bars(_top(departments, "departments"), title="Students per department"),
        tables=[
            Table("semester-gpa", "Published results per semester", ("Semester", "Results", "Average GPA"),
                  [(str(s.semester), number(s.student_count), _gpa(s.avg_gpa)) for s in out.semester_wise_gpa],
                  frozenset({1, 2})),
            Table("departments", "Students per department", ("Department", "Students"),
                  [(d.department_name, number(d.student_count)) for d in out.department_wise], frozenset({1})),
        ])


def _attendance_row(name: str, c: Any) -> tuple[str, ...]:
    return (name, number(c.total_records), number(c.present_count), number(c.late_count), number(c.absent_count),
            number(c.excused_count), _pct(c.attendance_percentage))


_ATTENDANCE_HEADERS = ("", "Marks", "Present", "Late", "Absent", "Excused", "Attended")


def _attendance(out: Any) -> ReportView:
    return ReportView(
        figures=[("attendance_percentage", "Attended (present + late)",
                  _pct(out.attendance_percentage) if out.total_records else "–"),
                 ("total_records", "Marks", number(out.total_records)),
                 ("present_count", "Present", number(out.present_count)),
                 ("late_count", "Late", number(out.late_count)),
                 ("absent_count", "Absent", number(out.absent_count)),
                 ("excused_count", "Excused", number(out.excused_count))],
        chart_title="Attendance per month",
        chart=_columns([(_month(m.period), m.attendance_percentage) for m in out.monthly],
                             title="Attendance per month (%)", value_text=lambda v: f"{v:.0f}%", scale_max=100),
        tables=[
            Table("departments", "Per department", ("Department", *_ATTENDANCE_HEADERS[1:]),
                  [_attendance_row(d.department_name, d) for d in out.department_wise], frozenset(range(1, 7))),
            Table("months", "Per month", ("Month", *_ATTENDANCE_HEADERS[1:]),
                  [_attendance_row(_month(m.period), m) for m in out.monthly], frozenset(range(1, 7))),
        ])


def _fee_collection(out: Any) -> ReportView:
    return ReportView(
        figures=[("total_collected", "Collected", money(out.total_collected)),
                 ("total_pending", f"Pending ({number(out.pending_count)} fee structures)", money(out.total_pending)),
                 ("total_overdue", f"Overdue ({number(out.overdue_count)} fee structures)", money(out.total_overdue)),
                 ("total_late_fees", "Late fees", money(out.total_late_fees)),
                 ("total_discounts", "Discounts", money(out.total_discounts))],
        chart_title="Collected per month",
        chart=_columns([(_month(period), float(amount)) for period, amount in _every_month(
                                 {m.period: m.collected for m in out.monthly})],
                             title="Fees collected per month", value_text=_short_money),
        tables=[
            Table("departments", "Per department", ("Department", "Collected", "Pending", "Overdue"),
                  [(d.department_name, money(d.collected), money(d.pending), money(d.overdue))
                   for d in out.department_wise], frozenset({1, 2, 3})),
            _counts(out.payment_mode_breakdown, "Collected per payment mode", "Mode", money),
            _counts(out.payment_status_breakdown, "Payments per status", "Status"),
        ])


def _every_month(by_period: dict[str, Any]) -> list[tuple[str, Any]]:
    """The months from the first to the last with a figure, those without one as zero, so
    a month with no payments shows as a gap rather than disappearing from the axis."""
    if not by_period:
        return []
    first, last = min(by_period), max(by_period)
    year, month = int(first[:4]), int(first[5:])
    filled = []
    while f"{year:04d}-{month:02d}" <= last:
        period = f"{year:04d}-{month:02d}"
        filled.append((period, by_period.get(period, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def _short_money(value: float) -> str:
    """Axis figures: whole amounts in the currency, without the paise."""
    return money(Decimal(round(value))).rsplit(".", 1)[0]


def _exam_results(out: Any) -> ReportView:
    passed = sum(s.pass_count for s in out.semester_wise)
    return ReportView(
        figures=[("total_results", "Semester results", number(out.total_results)),
                 ("avg_gpa", "Average GPA", _gpa(out.avg_gpa)),
                 ("passed", "Passed or promoted", number(passed)),
                 *[(f"status_{k}", enum_label(k), number(v)) for k, v in out.status_breakdown.items()]],
        chart_title="Average GPA per semester",
        chart=_bars([(f"Semester {s.semester}", s.avg_gpa or 0) for s in out.semester_wise],
                                     title="Average GPA per semester", value_text=lambda v: f"{v:.2f}",
                                     scale_max=10),
        tables=[
            Table("semesters", "Per semester", ("Semester", "Results", "Average GPA", "Passed"),
                  [(str(s.semester), number(s.total_results), _gpa(s.avg_gpa), number(s.pass_count))
                   for s in out.semester_wise], frozenset({1, 2, 3})),
            Table("departments", "Per department", ("Department", "Results", "Average GPA"),
                  [(d.department_name, number(d.total_results), _gpa(d.avg_gpa)) for d in out.department_wise],
                  frozenset({1, 2})),
        ])


def _library_stats(out: Any) -> ReportView:
    categories = [(c.category or "Uncategorised", c.issued) for c in out.category_wise]
    return ReportView(
        figures=[("total_books", "Titles", number(out.total_books)),
                 ("total_copies", "Copies", number(out.total_copies)),
                 ("available_copies", "On the shelf", number(out.available_copies)),
                 ("currently_issued", "On loan", number(out.currently_issued)),
                 ("overdue_count", "Overdue", number(out.overdue_count)),
                 ("lost_count", "Lost", number(out.lost_count)),
                 ("total_fines", "Fines outstanding", money(out.total_fines))],
        chart_title="Books on loan per category",
        chart=_bars(_top(sorted(categories, key=lambda c: -c[1]), "categories"),
                                     title="Books on loan per category"),
        tables=[Table("categories", "Per category", ("Category", "Titles", "Copies", "On the shelf", "On loan"),
                      [(c.category or "Uncategorised", number(c.titles), number(c.copies), number(c.available),
                        number(c.issued)) for c in out.category_wise], frozenset({1, 2, 3, 4}))])


def _hostel_occupancy(out: Any) -> ReportView:
    return ReportView(
        figures=[("occupancy_percentage", "Occupancy", _pct(out.occupancy_percentage)),
                 ("total_hostels", "Hostels", number(out.total_hostels)),
                 ("total_rooms", "Rooms", number(out.total_rooms)),
                 ("total_capacity", "Beds", number(out.total_capacity)),
                 ("total_occupied", "Beds taken", number(out.total_occupied)),
                 ("free_beds", "Free beds", number(out.free_beds))],
        chart_title="Occupancy per hostel",
        chart=_bars([(h.hostel_name, h.occupancy_percentage) for h in out.hostel_wise],
                                     title="Occupancy per hostel (%)", value_text=lambda v: f"{v:.1f}%",
                                     scale_max=100),
        tables=[
            Table("hostels", "Per hostel", ("Hostel", "Type", "Beds", "Taken", "Free", "Occupancy"),
                  [(h.hostel_name, enum_label(h.hostel_type), number(h.total_capacity), number(h.occupied),
                    number(h.free_beds), _pct(h.occupancy_percentage)) for h in out.hostel_wise],
                  frozenset({2, 3, 4, 5})),
            _counts(out.room_type_breakdown, "Rooms per type", "Room type"),
        ])


def _department_wise(out: Any) -> ReportView:
    rows = out.departments
    return ReportView(
        figures=[("departments", "Departments", number(len(rows))),
                 ("students", "Students", number(sum(d.student_count for d in rows))),
                 ("faculty", "Faculty", number(sum(d.faculty_count for d in rows))),
                 ("courses", "Courses", number(sum(d.course_count for d in rows))),
                 ("programs", "Programs", number(sum(d.program_count for d in rows)))],
        chart_title="Students per department",
        chart=_bars(_top(sorted(((d.department_name, d.student_count) for d in rows),
                                                 key=lambda d: -d[1]), "departments"),
                                     title="Students per department"),
        tables=[Table("departments", "Per department", ("Department", "Students", "Faculty", "Courses", "Programs"),
                      [(d.department_name, number(d.student_count), number(d.faculty_count), number(d.course_count),
                        number(d.program_count)) for d in rows], frozenset({1, 2, 3, 4}))])


PRESENTERS: dict[ReportName, Callable[[Any], ReportView]] = {
    ReportName.STUDENT_PERFORMANCE: _student_performance,
    ReportName.ATTENDANCE: _attendance,
    ReportName.FEE_COLLECTION: _fee_collection,
    ReportName.EXAM_RESULTS: _exam_results,
    ReportName.LIBRARY_STATS: _library_stats,
    ReportName.HOSTEL_OCCUPANCY: _hostel_occupancy,
    ReportName.DEPARTMENT_WISE: _department_wise,
}


# --- filters --------------------------------------------------------------------------------


@dataclass
class FilterField:
    name: str
    label: str
    kind: str  # select, date, number, text
    value: str
    help: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)


async def _options(actor: Actor, name: str) -> list[tuple[str, str]]:
    if name == "department_id":
        rows = await department_service.visible_departments(actor).filter(is_active=True).order_by("name").values(
            "id", "name")
        return [(str(r["id"]), r["name"]) for r in rows]
    if name == "program_id":
        rows = await program_service.visible_programs(actor).filter(is_active=True).order_by("name").values(
            "id", "name", "code")
        return [(str(r["id"]), f"{r['name']} ({r['code']})") for r in rows]
    if name == "hostel_type":
        return [(value, enum_label(value)) for value in ("boys", "girls", "unisex")]
    return []


_KINDS = {"department_id": "select", "program_id": "select", "hostel_type": "select", "date_from": "date",
          "date_to": "date", "semester": "number", "course_offering_id": "number"}


async def filter_fields(actor: Actor, report: ReportName, values: dict[str, str]) -> list[FilterField]:
    fields = []
    for name, info in REPORT_FILTERS[report].model_fields.items():
        kind = _KINDS.get(name, "text")
        # The API's descriptions name ids; the form picks the row by name.
        help_text = (info.description or "").replace(" (its id)", "") if kind == "select" else info.description or ""
        fields.append(FilterField(name=name, label=FILTER_LABELS.get(name, name.replace("_", " ").capitalize()),
                                  kind=kind, value=values.get(name, ""), help=help_text,
                                  options=await _options(actor, name) if kind == "select" else []))
    return fields


def _submitted(report: ReportName, source: Any) -> dict[str, str]:
    """The report's own filters from a query string or a form, blanks left out."""
    names = REPORT_FILTERS[report].model_fields
    return {name: str(source.get(name)).strip()[:100] for name in names if str(source.get(name) or "").strip()}


def _parse(report: ReportName, values: dict[str, str]) -> tuple[InputModel | None, str | None]:
    try:
        return reports.parse_filters(report, values), None
    except ValidationError as exc:
        return None, form_error(exc)


def _report_of(raw: str | None) -> ReportName | None:
    try:
        return ReportName(raw or ReportName.STUDENT_PERFORMANCE.value)
    except ValueError:
        return None


# --- pages ----------------------------------------------------------------------------------


def _job_urls(request: Request, job: ReportJobOut) -> dict[str, str]:
    base = f"{request.app.admin_path}/reports/jobs/{quote(job.id)}"
    return {"page": base, "status": f"{base}/status", "file": f"{base}/file"}


def job_json(request: Request, job: ReportJobOut) -> dict[str, Any]:
    return {"id": job.id, "report": job.report.value, "report_title": reports.REPORT_TITLES[job.report],
            "format": job.format.value, "status": job.status.value, "progress": job.progress, "error": job.error,
            "file_name": job.file_name, "file_size": job.file_size,
            "created_at": job.created_at.isoformat(), "urls": _job_urls(request, job)}


@router.get("/reports/list")
async def report_page(request: Request) -> Response:
    actor = actor_for(request, REPORTS.permission)
    report = _report_of(request.query_params.get("report"))
    if report is None:
        return redirect(request, "reports/list")
    values = _submitted(report, request.query_params)
    filters, error = _parse(report, values)
    view, status_code = None, 200
    if filters is not None:
        try:
            view = PRESENTERS[report](await reports.run_report(actor, report=report, filters=filters))
        except DomainError as exc:
            error, status_code = exc.message, exc.status_code if 400 <= exc.status_code < 500 else 400
    else:
        status_code = 400
    jobs = await reports.list_report_jobs(actor, limit=JOBS_SHOWN)
    error = error or request.query_params.get("error", "")[:300] or None
    return render(
        request, "reports/report.html", REPORTS, status_code=status_code, report=report,
        reports_list=[(name, reports.REPORT_TITLES[name]) for name in ReportName],
        fields=await filter_fields(actor, report, values), filters=values, view=view, error=error,
        formats=[(f.value, FORMAT_LABELS[f]) for f in ReportFormat], jobs=[job_json(request, j) for j in jobs],
        poll_ms=POLL_SECONDS * 1000, page_title=f"Reports: {reports.REPORT_TITLES[report]}",
        share_query=urlencode({"report": report.value, **values}),
    )


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/reports/jobs")
async def queue_job(request: Request) -> Response:
    actor = actor_for(request, REPORTS.permission)
    form = await request.form()
    report = _report_of(str(form.get("report") or ""))
    try:
        file_format = ReportFormat(str(form.get("format") or ""))
    except ValueError:
        file_format = None
    error = None
    if report is None or file_format is None:
        error = "Pick a report and a file type (xlsx, csv or pdf)"
    else:
        filters, error = _parse(report, _submitted(report, form))
    if error is None:
        try:
            job = await reports.queue_report_job(actor, report=report, filters=filters,  # type: ignore[arg-type]
                                                 format=file_format)  # type: ignore[arg-type]
        except DomainError as exc:
            error = exc.message
    if error is not None:
        if _wants_json(request):
            return JSONResponse({"error": error}, status_code=400)
        return redirect(request, "reports/list", report=report.value if report else None, error=error)
    if _wants_json(request):
        return JSONResponse(job_json(request, job), status_code=202)
    return redirect(request, f"reports/jobs/{quote(job.id)}")


@router.get("/reports/jobs/{job_id}")
async def job_page(request: Request, job_id: str) -> Response:
    actor = actor_for(request, REPORTS.permission)
    try:
        job = await reports.get_report_job(actor, job_id=job_id[:64])
    except NotFound:
        return render(request, "reports/job.html", REPORTS, job=None, status_code=404, poll_ms=0,
                      page_title="Report file not found")
    return render(request, "reports/job.html", REPORTS, job=job_json(request, job), poll_ms=POLL_SECONDS * 1000,
                  page_title=f"Report file: {reports.REPORT_TITLES[job.report]}")


@router.get("/reports/jobs/{job_id}/status")
async def job_status(request: Request, job_id: str) -> Response:
    actor = actor_for(request, REPORTS.permission)
    try:
        job = await reports.get_report_job(actor, job_id=job_id[:64])
    except NotFound as exc:
        return JSONResponse({"error": exc.message}, status_code=404)
    return JSONResponse(job_json(request, job), headers={"Cache-Control": "no-store"})


@router.get("/reports/jobs/{job_id}/file")
async def job_file(request: Request, job_id: str) -> Response:
    actor = actor_for(request, REPORTS.permission)
    try:
        file = await reports.open_report_file(actor, job_id=job_id[:64])
    except NotFound as exc:
        return render(request, "reports/job.html", REPORTS, job=None, error=exc.message, status_code=404, poll_ms=0,
                      page_title="Report file not available")
    name = quote(file.file_name)
    return StreamingResponse(file.body, media_type=file.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}",
        "Content-Length": str(file.size), "Cache-Control": "no-store"})

