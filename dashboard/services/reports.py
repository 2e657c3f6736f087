"""The seven reports of domain.md §3.17 with its RECs, and the report files the workers make.

Every report is one SQL statement of aggregates (no Python loop over rows), and every
filter it accepts narrows every figure it returns: the rows counted are chosen once, in
the statement's first CTE, and each figure and breakdown is computed from that set.

- Attendance uses the attendance service's formula (attended = present + late over every
  mark, excused included) and reads `attendance_daily_counts`, the per (offering, day,
  student's department) counts that triggers on `attendance` keep exact in the same
  transaction as every mark (migration 6), so a report over 8 million marks adds up a
  few thousand rows instead.
- Fees: pending is the outstanding balance of each fee structure (total less its
  completed payments, as dashboard/services/fees.py defines it), overdue is derived
  (a balance past its due date), and every money figure counts completed payments only.
- Exam results and student performance read `semester_result_counts` and
  `student_cgpa_counts`, and the library its `library_loan_counts` (migration 9, kept
  exact by triggers like those of migration 6); student performance reads the students
  themselves only when a year or semester asks which of them have a result there.
- Library: overdue is derived (an open loan past its due date), not a status: the open
  loans come from their partial index.

Report files: `queue_report_job` records a `report_jobs` row and queues `GenerateReport`
after the commit; the worker (jobs/reports.py) claims the row with a lease it renews while
it writes, so a worker that dies leaves a lease that runs out, and the sweeper
(`sweep_report_jobs`, a cron job) queues the job again or, after `MAX_ATTEMPTS`, marks it
failed. Done files expire after `REPORT_FILE_TTL_MINUTES` and `remove_expired_report_files`
deletes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from tortoise import connections

from dashboard.core.actor import Actor, authorize
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.files import file_store
from dashboard.core.queue import Job, enqueue, queue_after_commit
from dashboard.core.roles import Permission
from dashboard.schemas.base import InputModel
from dashboard.schemas.reports import (
    REPORT_FILTERS,
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
    ReportFormat,
    ReportJobOut,
    ReportJobStatus,
    ReportName,
    StudentPerformanceFilters,
    StudentPerformanceOut,
)
from dashboard.services import report_files as rf
from dashboard.services.attendance import percentage as attendance_percentage
from dashboard.settings import get_settings

log = logging.getLogger("dashboard.reports")

CENT = Decimal("0.01")
# A running job renews its lease at least this often; the sweeper takes a lease that has
# run out as a dead worker.
LEASE_SECONDS = 60
MAX_ATTEMPTS = 3
# Rows fetched per query for a file's detail sheet (keyset pages).
DETAIL_CHUNK = 5000


def _db() -> Any:
    return connections.get("default")


class _Binds:
    """Numbered bind parameters for a statement assembled from fixed fragments."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _where(clauses: Sequence[str], keyword: str = "WHERE") -> str:
    return f"{keyword} " + " AND ".join(clauses) if clauses else ""


def _json(value: Any) -> Any:
    """A json column: asyncpg hands it over as text; numbers are read as Decimal."""
    if value is None:
        return None
    return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _avg(total: Any, count: int, places: int = 2) -> float | None:
    """A mean rounded half up, as PostgreSQL's round() does."""
    if not count:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


# --- student performance -------------------------------------------------------------------

STUDENT_PERFORMANCE_SQL = """
WITH g AS MATERIALIZED (
    {students}
), r AS MATERIALIZED (
    SELECT c.semester, sum(c.n) AS n, sum(c.gpa_sum) AS gpa_sum
    FROM semester_result_counts c {result_where}
    GROUP BY 1 HAVING sum(c.n) > 0
), by_department AS (
    SELECT department_id, sum(n) AS n FROM g GROUP BY department_id
)
SELECT
    (SELECT json_build_object('n', coalesce(sum(n), 0), 'cgpa_sum', coalesce(sum(cgpa_sum), 0),
                              'cgpa_n', coalesce(sum(cgpa_n), 0)) FROM g) AS totals,
    (SELECT coalesce(json_object_agg(status, n), '{{}}') FROM (SELECT status, sum(n) AS n FROM g GROUP BY 1) x)
        AS status_breakdown,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name,
                                                'student_count', coalesce(c.n, 0)) ORDER BY d.name), '[]')
     FROM departments d LEFT JOIN by_department c ON c.department_id = d.id {department_where}) AS department_wise,
    (SELECT coalesce(json_agg(json_build_object('semester', semester, 'gpa_sum', gpa_sum, 'student_count', n)
                              ORDER BY semester), '[]') FROM r) AS semester_wise_gpa
"""
# The students per (department, status) from their counts (migration 9), when no filter
# asks about their semester results.
_STUDENT_COUNTS = """SELECT c.department_id, c.status, sum(c.students) AS n, sum(c.cgpa_sum) AS cgpa_sum,
           sum(c.cgpa_n) AS cgpa_n
    FROM student_cgpa_counts c {where}
    GROUP BY 1, 2 HAVING sum(c.students) > 0"""
# The same from the students themselves, for "has a result of this year or semester",
# which no count holds (a student may have two results in one academic year).
_STUDENT_ROWS = """SELECT st.department_id, st.status, count(*) AS n, sum(st.cgpa) AS cgpa_sum,
           count(st.cgpa) AS cgpa_n
    FROM students st {where}
    GROUP BY 1, 2"""


def _student_clauses(f: StudentPerformanceFilters, bind: _Binds) -> tuple[list[str], list[str]]:
    """(clauses on students `st`, clauses on semester results `r`)."""
    results: list[str] = []
    if f.academic_year is not None:
        results.append(f"r.academic_year = {bind(f.academic_year)}")
    if f.semester is not None:
        results.append(f"r.semester = {bind(f.semester)}")
    students: list[str] = []
    if f.department_id is not None:
        students.append(f"st.department_id = {bind(f.department_id)}")
    if f.program_id is not None:
        students.append(f"st.program_id = {bind(f.program_id)}")
    if results:
        students.append("EXISTS (SELECT 1 FROM semester_results r WHERE r.student_id = st.id AND "
                        + " AND ".join(results) + ")")
    return students, results


def _count_clauses(bind: _Binds, **columns: Any) -> list[str]:
    """`c.<column> = value` for each value given, on a count table `c`."""
    return [f"c.{column} = {bind(value)}" for column, value in columns.items() if value is not None]


def student_performance_statement(filters: StudentPerformanceFilters) -> tuple[str, list[Any]]:
    """The report's statement and its values. The semester results are read from their
    counts (every filter is a column of them: the results of the year/semester belong to
    exactly the students counted), and so are the students unless a year or semester
    asks which of them have a result there."""
    bind = _Binds()
    if filters.academic_year is None and filters.semester is None:
        students = _STUDENT_COUNTS.format(where=_where(_count_clauses(
            bind, department_id=filters.department_id, program_id=filters.program_id)))
    else:
        students = _STUDENT_ROWS.format(where=_where(_student_clauses(filters, bind)[0]))
    result_where = _where(_count_clauses(bind, academic_year=filters.academic_year, semester=filters.semester,
                                         department_id=filters.department_id, program_id=filters.program_id))
    department_where = _where([f"d.id = {bind(filters.department_id)}"] if filters.department_id else [])
    return STUDENT_PERFORMANCE_SQL.format(students=students, result_where=result_where,
                                          department_where=department_where), bind.values


async def student_performance_report(actor: Actor, *, filters: StudentPerformanceFilters) -> StudentPerformanceOut:
    """The students matching every filter (department, program; with an academic year or
    a semester, those with a semester result there), their CGPA and statuses, and their
    semester results (only those of the year/semester when given)."""
    authorize(actor, Permission.REPORTS_READ)
    row = (await _db().execute_query_dict(*student_performance_statement(filters)))[0]
    totals = _json(row["totals"])
    return StudentPerformanceOut(
        total_students=int(totals["n"]),
        avg_cgpa=_avg(totals["cgpa_sum"], int(totals["cgpa_n"]), 3),
        status_breakdown={k: int(v) for k, v in _json(row["status_breakdown"]).items()},
        department_wise=_json(row["department_wise"]),
        semester_wise_gpa=[{"semester": x["semester"], "student_count": x["student_count"],
                            "avg_gpa": _avg(x["gpa_sum"], x["student_count"])}
                           for x in _json(row["semester_wise_gpa"])],
    )


# --- attendance -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MonthSplit:
    """A date range as the whole calendar months inside it (read from monthly counts)
    and the days at its ends outside them (read from daily rows). A bound left open is
    None; `months` is None when no whole month is inside the range."""

    months: tuple[dt.date | None, dt.date | None] | None
    days: tuple[tuple[dt.date | None, dt.date | None], ...]


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def split_months(date_from: dt.date | None, date_to: dt.date | None) -> MonthSplit:
    first = date_from if date_from is None or date_from.day == 1 else _next_month(date_from)
    # The first day after the last whole month.
    end = None if date_to is None else (_next_month(date_to) if _next_month(date_to) - dt.timedelta(days=1) == date_to
                                        else date_to.replace(day=1))
    if first is not None and end is not None and first >= end:
        return MonthSplit(None, ((date_from, date_to),))
    days: list[tuple[dt.date | None, dt.date | None]] = []
    if date_from is not None and first is not None and date_from < first:
        days.append((date_from, first - dt.timedelta(days=1)))
    if date_to is not None and end is not None and end <= date_to:
        days.append((end, date_to))
    last_month = None if end is None else (end - dt.timedelta(days=1)).replace(day=1)
    return MonthSplit((first, last_month), tuple(days))


def _range_clauses(column: str, split: MonthSplit, bind: _Binds) -> tuple[str, str]:
    """(the clause on a monthly table's `month`, the clause on the daily rows' `column`)."""
    if split.months is None:
        monthly = "false"
    else:
        parts = []
        if split.months[0] is not None:
            parts.append(f"month >= {bind(split.months[0])}")
        if split.months[1] is not None:
            parts.append(f"month <= {bind(split.months[1])}")
        monthly = " AND ".join(parts) or "true"
    ranges = []
    for start, stop in split.days:
        parts = []
        if start is not None:
            parts.append(f"{column} >= {bind(start)}")
        if stop is not None:
            parts.append(f"{column} <= {bind(stop)}")
        ranges.append("(" + " AND ".join(parts) + ")")
    return monthly, "(" + " OR ".join(ranges) + ")" if ranges else "false"


ATTENDANCE_SQL = """
WITH g AS MATERIALIZED (
    SELECT department_id, month, sum(present)::bigint AS present, sum(absent)::bigint AS absent,
           sum(late)::bigint AS late, sum(excused)::bigint AS excused
    FROM (
        SELECT a.department_id, a.month, a.present, a.absent, a.late, a.excused
        FROM attendance_monthly_counts a {offering_join}
        WHERE {monthly_where}
        UNION ALL
        SELECT a.department_id, date_trunc('month', a.date)::date, a.present, a.absent, a.late, a.excused
        FROM attendance_daily_counts a {offering_join}
        WHERE {daily_where}
    ) x
    GROUP BY 1, 2
)
SELECT
    (SELECT json_build_object('present', coalesce(sum(present), 0), 'absent', coalesce(sum(absent), 0),
                              'late', coalesce(sum(late), 0), 'excused', coalesce(sum(excused), 0)) FROM g) AS totals,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name,
                                                'present', x.present, 'absent', x.absent, 'late', x.late,
                                                'excused', x.excused) ORDER BY d.name), '[]')
     FROM (SELECT department_id, sum(present) AS present, sum(absent) AS absent, sum(late) AS late,
                  sum(excused) AS excused FROM g GROUP BY 1 HAVING sum(present + absent + late + excused) > 0) x
     JOIN departments d ON d.id = x.department_id) AS department_wise,
    (SELECT coalesce(json_agg(json_build_object('period', to_char(month, 'YYYY-MM'), 'present', x.present,
                                                'absent', x.absent, 'late', x.late, 'excused', x.excused)
                              ORDER BY month), '[]')
     FROM (SELECT month, sum(present) AS present, sum(absent) AS absent, sum(late) AS late,
                  sum(excused) AS excused FROM g GROUP BY 1 HAVING sum(present + absent + late + excused) > 0) x)
        AS monthly
"""


def _attendance_clauses(f: AttendanceFilters, bind: _Binds) -> tuple[str, list[str]]:
    """(the join to course_offerings when needed, the clauses on the counts `a` and the
    offerings `o` other than the dates)."""
    clauses: list[str] = []
    if f.department_id is not None:
        clauses.append(f"a.department_id = {bind(f.department_id)}")
    if f.course_offering_id is not None:
        clauses.append(f"a.course_offering_id = {bind(f.course_offering_id)}")
    offering: list[str] = []
    if f.program_id is not None:
        offering.append(f"o.program_id = {bind(f.program_id)}")
    if f.academic_year is not None:
        offering.append(f"o.academic_year = {bind(f.academic_year)}")
    if f.semester is not None:
        offering.append(f"o.semester = {bind(f.semester)}")
    join = "JOIN course_offerings o ON o.id = a.course_offering_id" if offering else ""
    return join, clauses + offering


def _attendance_where(f: AttendanceFilters, bind: _Binds) -> tuple[str, str, str]:
    """(join, clause on the monthly counts, clause on the daily counts)."""
    join, clauses = _attendance_clauses(f, bind)
    monthly, daily = _range_clauses("a.date", split_months(f.date_from, f.date_to), bind)
    monthly = monthly.replace("month", "a.month")
    return join, " AND ".join([*clauses, monthly]), " AND ".join([*clauses, daily])


def _attendance_counts(x: dict[str, Any]) -> dict[str, Any]:
    present, absent, late, excused = (int(x[k]) for k in ("present", "absent", "late", "excused"))
    total = present + absent + late + excused
    return {"total_records": total, "present_count": present, "absent_count": absent, "late_count": late,
            "excused_count": excused, "attendance_percentage": float(attendance_percentage(present + late, total))}


async def attendance_report(actor: Actor, *, filters: AttendanceFilters) -> AttendanceReportOut:
    """Attendance marks matching every filter (the student's department; the offering, its
    program, academic year and semester; the days), per status, department and month."""
    authorize(actor, Permission.REPORTS_READ)
    bind = _Binds()
    join, monthly, daily = _attendance_where(filters, bind)
    sql = ATTENDANCE_SQL.format(offering_join=join, monthly_where=monthly, daily_where=daily)
    row = (await _db().execute_query_dict(sql, bind.values))[0]
    return AttendanceReportOut(
        **_attendance_counts(_json(row["totals"])),
        department_wise=[{"department_id": x["department_id"], "department_name": x["department_name"],
                          **_attendance_counts(x)} for x in _json(row["department_wise"])],
        monthly=[{"period": x["period"], **_attendance_counts(x)} for x in _json(row["monthly"])],
    )


# --- fee collection -------------------------------------------------------------------------

FEE_COLLECTION_SQL = """
WITH balances AS MATERIALIZED (
    SELECT b.department_id, b.due_date < CURRENT_DATE AS overdue, sum(b.open_count) AS n, sum(b.balance) AS balance
    FROM fee_balance_counts b
    {balance_where}
    GROUP BY 1, 2
), edge AS MATERIALIZED (
    -- The payments of the part months at the ends of the dates, by their date index;
    -- their structures and students are then looked up by id.
    SELECT p.fee_structure_id, p.payment_status, p.payment_mode, p.payment_date, p.amount_paid, p.late_fee,
           p.discount
    FROM fee_payments p
    WHERE {edge_where}
), payments AS MATERIALIZED (
    SELECT department_id, payment_status, payment_mode, month, sum(n) AS n, sum(amount) AS amount,
           sum(late_fees) AS late_fees, sum(discounts) AS discounts
    FROM (
        SELECT m.department_id, m.payment_status, m.payment_mode, m.month, m.n, m.amount, m.late_fees, m.discounts
        FROM fee_payment_monthly m
        WHERE {monthly_where}
        UNION ALL
        SELECT st.department_id, p.payment_status, p.payment_mode, date_trunc('month', p.payment_date)::date, 1,
               p.amount_paid, p.late_fee, p.discount
        FROM edge p
        -- OFFSET 0 keeps each lookup a probe of the primary key (else the planner hashes
        -- every structure of the year to join a few thousand payments).
        CROSS JOIN LATERAL (SELECT f.academic_year, f.semester, f.student_id FROM fee_structures f
                            WHERE f.id = p.fee_structure_id OFFSET 0) f
        CROSS JOIN LATERAL (SELECT st.department_id, st.program_id FROM students st WHERE st.id = f.student_id
                            OFFSET 0) st
        {daily_where}
    ) x
    GROUP BY 1, 2, 3, 4
)
SELECT
    (SELECT json_build_object(
        'collected', coalesce(sum(amount) FILTER (WHERE payment_status = 'completed'), 0),
        'late_fees', coalesce(sum(late_fees) FILTER (WHERE payment_status = 'completed'), 0),
        'discounts', coalesce(sum(discounts) FILTER (WHERE payment_status = 'completed'), 0)) FROM payments)
        AS totals,
    (SELECT json_build_object(
        'pending', coalesce(sum(balance), 0), 'pending_count', coalesce(sum(n), 0),
        'overdue', coalesce(sum(balance) FILTER (WHERE overdue), 0),
        'overdue_count', coalesce(sum(n) FILTER (WHERE overdue), 0)) FROM balances) AS balance_totals,
    (SELECT coalesce(json_object_agg(payment_status, n), '{{}}')
     FROM (SELECT payment_status, sum(n) AS n FROM payments GROUP BY 1 HAVING sum(n) > 0) x) AS status_breakdown,
    (SELECT coalesce(json_object_agg(payment_mode, amount), '{{}}')
     FROM (SELECT payment_mode, sum(amount) AS amount FROM payments WHERE payment_status = 'completed'
           GROUP BY 1 HAVING sum(n) > 0) x) AS mode_breakdown,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name,
                                                'collected', coalesce(c.collected, 0),
                                                'pending', coalesce(b.pending, 0),
                                                'overdue', coalesce(b.overdue, 0)) ORDER BY d.name), '[]')
     FROM departments d
     LEFT JOIN (SELECT department_id, sum(amount) AS collected FROM payments WHERE payment_status = 'completed'
                GROUP BY 1 HAVING sum(n) > 0) c ON c.department_id = d.id
     LEFT JOIN (SELECT department_id, sum(balance) AS pending, coalesce(sum(balance) FILTER (WHERE overdue), 0)
                       AS overdue
                FROM balances GROUP BY 1 HAVING sum(n) > 0) b ON b.department_id = d.id
     WHERE c.department_id IS NOT NULL OR b.department_id IS NOT NULL) AS department_wise,
    (SELECT coalesce(json_agg(json_build_object('period', to_char(month, 'YYYY-MM'), 'collected', amount)
                              ORDER BY month), '[]')
     FROM (SELECT month, sum(amount) AS amount FROM payments WHERE payment_status = 'completed'
           GROUP BY 1 HAVING sum(n) > 0) x) AS monthly
"""


def _fee_common(f: FeeCollectionFilters, bind: _Binds, year: str, semester: str, department: str,
                program: str) -> list[str]:
    clauses: list[str] = []
    for column, value in ((year, f.academic_year), (semester, f.semester), (department, f.department_id),
                          (program, f.program_id)):
        if value is not None:
            clauses.append(f"{column} = {bind(value)}")
    return clauses


def _fee_structure_clauses(f: FeeCollectionFilters, bind: _Binds) -> list[str]:
    """The fee structures (`f`, their students `st`) the report covers, due within the dates."""
    clauses = _fee_common(f, bind, "f.academic_year", "f.semester", "st.department_id", "st.program_id")
    if f.date_from is not None:
        clauses.append(f"f.due_date >= {bind(f.date_from)}")
    if f.date_to is not None:
        clauses.append(f"f.due_date <= {bind(f.date_to)}")
    return clauses


def _fee_where(f: FeeCollectionFilters, bind: _Binds) -> dict[str, str]:
    balances = _fee_common(f, bind, "b.academic_year", "b.semester", "b.department_id", "b.program_id")
    if f.date_from is not None:
        balances.append(f"b.due_date >= {bind(f.date_from)}")
    if f.date_to is not None:
        balances.append(f"b.due_date <= {bind(f.date_to)}")
    monthly_range, daily_range = _range_clauses("p.payment_date", split_months(f.date_from, f.date_to), bind)
    monthly = _fee_common(f, bind, "m.academic_year", "m.semester", "m.department_id", "m.program_id")
    daily = _fee_common(f, bind, "f.academic_year", "f.semester", "st.department_id", "st.program_id")
    return {"balance_where": _where(balances),
            "monthly_where": " AND ".join([*monthly, monthly_range.replace("month", "m.month")]),
            "edge_where": daily_range, "daily_where": _where(daily)}


async def fee_collection_report(actor: Actor, *, filters: FeeCollectionFilters) -> FeeCollectionOut:
    """Fees of the structures matching the filters (academic year, semester, the student's
    department and program): the payments made (within the dates, by payment date) and
    the balances outstanding now (of structures due within the dates)."""
    authorize(actor, Permission.REPORTS_READ)
    bind = _Binds()
    sql = FEE_COLLECTION_SQL.format(**_fee_where(filters, bind))
    row = (await _db().execute_query_dict(sql, bind.values))[0]
    totals, balances = _json(row["totals"]), _json(row["balance_totals"])
    return FeeCollectionOut(
        total_collected=_money(totals["collected"]),
        total_pending=_money(balances["pending"]),
        total_overdue=_money(balances["overdue"]),
        pending_count=int(balances["pending_count"]),
        overdue_count=int(balances["overdue_count"]),
        total_late_fees=_money(totals["late_fees"]),
        total_discounts=_money(totals["discounts"]),
        payment_status_breakdown={k: int(v) for k, v in _json(row["status_breakdown"]).items()},
        payment_mode_breakdown={k: _money(v) for k, v in _json(row["mode_breakdown"]).items()},
        department_wise=[{**x, "collected": _money(x["collected"]), "pending": _money(x["pending"]),
                          "overdue": _money(x["overdue"])} for x in _json(row["department_wise"])],
        monthly=[{"period": x["period"], "collected": _money(x["collected"])} for x in _json(row["monthly"])],
    )


# --- exam results ---------------------------------------------------------------------------

# Every filter is a column of the result counts (migration 9), so the report never reads
# the results themselves.
EXAM_RESULTS_SQL = """
WITH g AS MATERIALIZED (
    SELECT c.semester, c.department_id, c.status, sum(c.n) AS n, sum(c.gpa_sum) AS gpa_sum
    FROM semester_result_counts c
    {where}
    GROUP BY 1, 2, 3 HAVING sum(c.n) > 0
)
SELECT
    (SELECT json_build_object('n', coalesce(sum(n), 0), 'gpa_sum', coalesce(sum(gpa_sum), 0)) FROM g) AS totals,
    (SELECT coalesce(json_object_agg(status, n), '{{}}') FROM (SELECT status, sum(n) AS n FROM g GROUP BY 1) x)
        AS status_breakdown,
    (SELECT coalesce(json_agg(json_build_object('semester', semester, 'n', n, 'gpa_sum', gpa_sum, 'passed', passed)
                              ORDER BY semester), '[]')
     FROM (SELECT semester, sum(n) AS n, sum(gpa_sum) AS gpa_sum,
                  coalesce(sum(n) FILTER (WHERE status IN ('pass', 'promoted')), 0) AS passed
           FROM g GROUP BY 1) x) AS semester_wise,
    (SELECT coalesce(json_agg(json_build_object('department_id', d.id, 'department_name', d.name, 'n', x.n,
                                                'gpa_sum', x.gpa_sum) ORDER BY d.name), '[]')
     FROM (SELECT department_id, sum(n) AS n, sum(gpa_sum) AS gpa_sum FROM g GROUP BY 1) x
     JOIN departments d ON d.id = x.department_id) AS department_wise
"""


def _result_clauses(f: ExamResultsFilters, bind: _Binds) -> list[str]:
    clauses: list[str] = []
    if f.academic_year is not None:
        clauses.append(f"r.academic_year = {bind(f.academic_year)}")
    if f.semester is not None:
        clauses.append(f"r.semester = {bind(f.semester)}")
    if f.department_id is not None:
        clauses.append(f"st.department_id = {bind(f.department_id)}")
    if f.program_id is not None:
        clauses.append(f"st.program_id = {bind(f.program_id)}")
    return clauses


def exam_results_statement(filters: ExamResultsFilters) -> tuple[str, list[Any]]:
    bind = _Binds()
    return EXAM_RESULTS_SQL.format(where=_where(_count_clauses(
        bind, academic_year=filters.academic_year, semester=filters.semester,
        department_id=filters.department_id, program_id=filters.program_id))), bind.values


async def exam_results_report(actor: Actor, *, filters: ExamResultsFilters) -> ExamResultsOut:
    """Semester results matching every filter (academic year, semester, the student's
    department and program): how many, their mean GPA and statuses, per semester and
    department."""
    authorize(actor, Permission.REPORTS_READ)
    row = (await _db().execute_query_dict(*exam_results_statement(filters)))[0]
    totals = _json(row["totals"])
    return ExamResultsOut(
        total_results=int(totals["n"]),
        avg_gpa=_avg(totals["gpa_sum"], int(totals["n"])),
        status_breakdown={k: int(v) for k, v in _json(row["status_breakdown"]).items()},
        semester_wise=[{"semester": x["semester"], "total_results": int(x["n"]),
                        "avg_gpa": _avg(x["gpa_sum"], int(x["n"])), "pass_count": int(x["passed"])}
                       for x in _json(row["semester_wise"])],
        department_wise=[{"department_id": x["department_id"], "department_name": x["department_name"],
                          "total_results": int(x["n"]), "avg_gpa": _avg(x["gpa_sum"], int(x["n"]))}
                         for x in _json(row["department_wise"])],
    )


# --- library --------------------------------------------------------------------------------

# The books are read as they are (a few thousand rows); their loans from the loan counts
# (migration 9), except "overdue", an open loan past its due date now, which no count can
# hold: the open loans come from their partial index (ix_book_issues_open_due).
LIBRARY_STATS_SQL = """
WITH books AS (
    SELECT coalesce(b.category, '') AS category, count(*) AS titles, sum(b.copies_total) AS copies,
           sum(b.copies_available) AS available
    FROM library_books b {book_where}
    GROUP BY 1
), loans AS (
    SELECT coalesce(c.category, '') AS category,
           coalesce(sum(c.n) FILTER (WHERE c.status IN ('issued', 'overdue')), 0) AS issued,
           coalesce(sum(c.n) FILTER (WHERE c.status = 'lost'), 0) AS lost,
           coalesce(sum(c.fines), 0) AS fines
    FROM library_loan_counts c {count_where}
    GROUP BY 1
), overdue AS (
    SELECT coalesce(b.category, '') AS category, count(*) AS overdue
    FROM book_issues i JOIN library_books b ON b.id = i.book_id
    WHERE i.status IN ('issued', 'overdue') AND i.due_date < now() {overdue_where}
    GROUP BY 1
)
SELECT coalesce(json_agg(json_build_object(
           'category', nullif(books.category, ''), 'titles', books.titles, 'copies', books.copies,
           'available', books.available, 'issued', coalesce(loans.issued, 0),
           'overdue', coalesce(overdue.overdue, 0), 'lost', coalesce(loans.lost, 0),
           'fines', coalesce(loans.fines, 0)) ORDER BY books.category = '', books.category), '[]') AS categories
FROM books LEFT JOIN loans ON loans.category = books.category LEFT JOIN overdue ON overdue.category = books.category
"""


def _book_clauses(f: LibraryStatsFilters, bind: _Binds, alias: str) -> list[str]:
    clauses: list[str] = []
    if f.department_id is not None:
        clauses.append(f"{alias}.department_id = {bind(f.department_id)}")
    if f.category is not None:
        clauses.append(f"lower({alias}.category) = lower({bind(f.category)})")
    return clauses


def library_stats_statement(filters: LibraryStatsFilters) -> tuple[str, list[Any]]:
    bind = _Binds()
    books = _book_clauses(filters, bind, "b")
    return LIBRARY_STATS_SQL.format(book_where=_where(books), count_where=_where(_book_clauses(filters, bind, "c")),
                                    overdue_where=_where(books, "AND")), bind.values


async def library_stats_report(actor: Actor, *, filters: LibraryStatsFilters) -> LibraryStatsOut:
    """The books matching the filters (department, category) and their loans."""
    authorize(actor, Permission.REPORTS_READ)
    row = (await _db().execute_query_dict(*library_stats_statement(filters)))[0]
    categories = _json(row["categories"])
    return LibraryStatsOut(
        total_books=sum(int(c["titles"]) for c in categories),
        total_copies=sum(int(c["copies"]) for c in categories),
        available_copies=sum(int(c["available"]) for c in categories),
        currently_issued=sum(int(c["issued"]) for c in categories),
        overdue_count=sum(int(c["overdue"]) for c in categories),
        lost_count=sum(int(c["lost"]) for c in categories),
        total_fines=_money(sum((Decimal(c["fines"]) for c in categories), Decimal(0))),
        category_wise=[{"category": c["category"], "titles": int(c["titles"]), "copies": int(c["copies"]),
                        "available": int(c["available"]), "issued": int(c["issued"])} for c in categories],
    )


# --- hostels --------------------------------------------------------------------------------

HOSTEL_OCCUPANCY_SQL = """
WITH h AS MATERIALIZED (
    SELECT id, name, hostel_type, total_rooms, total_capacity, occupied_capacity
    FROM hostels h WHERE h.is_active {type_clause}
)
SELECT
    (SELECT coalesce(json_agg(json_build_object('hostel_id', id, 'hostel_name', name, 'hostel_type', hostel_type,
                                                'total_rooms', total_rooms, 'total_capacity', total_capacity,
                                                'occupied', occupied_capacity) ORDER BY name), '[]') FROM h)
        AS hostels,
    (SELECT coalesce(json_object_agg(room_type, n), '{{}}')
     FROM (SELECT r.room_type, count(*) AS n FROM hostel_rooms r JOIN h ON h.id = r.hostel_id
           WHERE r.is_active GROUP BY 1) x) AS room_types
"""


async def hostel_occupancy_report(actor: Actor, *, filters: HostelOccupancyFilters) -> HostelOccupancyOut:
    """Active hostels (of the type, when given), from their bed counters."""
    authorize(actor, Permission.REPORTS_READ)
    bind = _Binds()
    type_clause = f"AND h.hostel_type = {bind(filters.hostel_type)}" if filters.hostel_type else ""
    row = (await _db().execute_query_dict(HOSTEL_OCCUPANCY_SQL.format(type_clause=type_clause), bind.values))[0]
    hostels = _json(row["hostels"])
    capacity = sum(h["total_capacity"] for h in hostels)
    occupied = sum(h["occupied"] for h in hostels)
    return HostelOccupancyOut(
        total_hostels=len(hostels),
        total_rooms=sum(h["total_rooms"] for h in hostels),
        total_capacity=capacity,
        total_occupied=occupied,
        free_beds=capacity - occupied,
        occupancy_percentage=_pct(occupied, capacity),
        hostel_wise=[{**h, "free_beds": h["total_capacity"] - h["occupied"],
                      "occupancy_percentage": _pct(h["occupied"], h["total_capacity"])} for h in hostels],
        room_type_breakdown={k: int(v) for k, v in _json(row["room_types"]).items()},
    )


# --- departments ----------------------------------------------------------------------------

DEPARTMENT_WISE_SQL = """
SELECT d.id AS department_id, d.name AS department_name,
       (SELECT count(*) FROM students s WHERE s.department_id = d.id) AS student_count,
       (SELECT count(*) FROM faculty f WHERE f.department_id = d.id) AS faculty_count,
       (SELECT count(*) FROM courses c WHERE c.department_id = d.id AND c.is_active) AS course_count,
       (SELECT count(*) FROM programs p WHERE p.department_id = d.id AND p.is_active) AS program_count
FROM departments d
WHERE d.is_active
ORDER BY d.name
"""


async def department_wise_report(actor: Actor, *, filters: DepartmentWiseFilters) -> DepartmentWiseOut:
    """Active departments by name, each with its students, faculty, active courses and
    active programs."""
    authorize(actor, Permission.REPORTS_READ)
    rows = await _db().execute_query_dict(DEPARTMENT_WISE_SQL)
    return DepartmentWiseOut(departments=rows)


# --- one entry point for every report -------------------------------------------------------

ReportFunction = Callable[..., Awaitable[BaseModel]]

REPORTS: dict[ReportName, ReportFunction] = {
    ReportName.STUDENT_PERFORMANCE: student_performance_report,
    ReportName.ATTENDANCE: attendance_report,
    ReportName.FEE_COLLECTION: fee_collection_report,
    ReportName.EXAM_RESULTS: exam_results_report,
    ReportName.LIBRARY_STATS: library_stats_report,
    ReportName.HOSTEL_OCCUPANCY: hostel_occupancy_report,
    ReportName.DEPARTMENT_WISE: department_wise_report,
}

REPORT_TITLES: dict[ReportName, str] = {
    ReportName.STUDENT_PERFORMANCE: "Student performance",
    ReportName.ATTENDANCE: "Attendance",
    ReportName.FEE_COLLECTION: "Fee collection",
    ReportName.EXAM_RESULTS: "Exam results",
    ReportName.LIBRARY_STATS: "Library",
    ReportName.HOSTEL_OCCUPANCY: "Hostel occupancy",
    ReportName.DEPARTMENT_WISE: "Departments",
}


def parse_filters(report: ReportName, values: dict[str, Any]) -> InputModel:
    """The report's filter model from plain values (a job's stored filters, a form);
    a `ValidationError` for anything the report does not accept."""
    return REPORT_FILTERS[report].model_validate(values)


async def run_report(actor: Actor, *, report: ReportName, filters: InputModel) -> BaseModel:
    """Any report by name: what the panel's Reports page and the workers call."""
    if not isinstance(filters, REPORT_FILTERS[report]):
        raise InvalidState(f"{type(filters).__name__} are not the filters of the {report.value} report")
    return await REPORTS[report](actor, filters=filters)


# --- report jobs ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class GenerateReport(Job):
    """Make the file of one report job (jobs.reports.generate_report). `attempt` is the
    number of runs the job had when this one was queued: queueing the same attempt twice
    is one run, and a retry after a dead worker is a new one."""

    report_job_id: str
    attempt: int = 0
    max_tries = MAX_ATTEMPTS

    def job_id(self) -> str | None:
        return f"report:{self.report_job_id}:{self.attempt}"


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A finished file, ready to stream."""

    file_name: str
    media_type: str
    size: int
    body: AsyncIterator[bytes]


MEDIA_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
}

_JOB_COLUMNS = """id::text AS id, report, format, filters, status, progress, error, requested_by_id AS requested_by,
file_name, file_size, created_at, started_at, finished_at, expires_at"""


def _job_out(row: dict[str, Any]) -> ReportJobOut:
    return ReportJobOut.model_validate({**row, "filters": _json(row["filters"]) or {}})


def _job_uuid(job_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(job_id)
    except ValueError:
        raise NotFound("Report job not found") from None


async def _visible_job(actor: Actor, job_id: str) -> dict[str, Any]:
    """The job, for the user who asked for it or whoever sees every job (admin); anyone
    else gets the same 404 as for a job that does not exist."""
    bind = _Binds()
    clauses = [f"id = {bind(_job_uuid(job_id))}"]
    if not actor.can(Permission.REPORT_JOBS_ALL):
        clauses.append(f"requested_by_id = {bind(actor.user_id or 0)}")
    rows = await _db().execute_query_dict(
        f"SELECT {_JOB_COLUMNS}, file_key FROM report_jobs {_where(clauses)}", bind.values)
    if not rows:
        raise NotFound("Report job not found")
    return rows[0]


async def queue_report_job(actor: Actor, *, report: ReportName, filters: InputModel,
                           format: ReportFormat) -> ReportJobOut:
    """Record a report job and queue it once recorded; answers the queued job."""
    authorize(actor, Permission.REPORTS_READ)
    if not isinstance(filters, REPORT_FILTERS[report]):
        raise InvalidState(f"{type(filters).__name__} are not the filters of the {report.value} report")
    job_id = uuid.uuid4()
    stored = filters.model_dump(mode="json", exclude_none=True)
    rows = await _db().execute_query_dict(
        f"INSERT INTO report_jobs (id, report, format, filters, status, requested_by_id) "
        f"VALUES ($1, $2, $3, $4::jsonb, 'queued', $5) RETURNING {_JOB_COLUMNS}",
        [job_id, report.value, format.value, json.dumps(stored), actor.user_id])
    await queue_after_commit(GenerateReport(report_job_id=str(job_id)))
    return _job_out(rows[0])


async def get_report_job(actor: Actor, *, job_id: str) -> ReportJobOut:
    authorize(actor, Permission.REPORTS_READ)
    return _job_out(await _visible_job(actor, job_id))


async def list_report_jobs(actor: Actor, *, limit: int = 20) -> list[ReportJobOut]:
    """The caller's own report jobs, newest first."""
    authorize(actor, Permission.REPORTS_READ)
    rows = await _db().execute_query_dict(
        f"SELECT {_JOB_COLUMNS} FROM report_jobs WHERE requested_by_id = $1 ORDER BY created_at DESC LIMIT $2",
        [actor.user_id or 0, max(1, min(limit, 100))])
    return [_job_out(r) for r in rows]


async def open_report_file(actor: Actor, *, job_id: str) -> ReportFile:
    """The finished file of a job (404 until it is done, and once it has expired)."""
    authorize(actor, Permission.REPORTS_READ)
    row = await _visible_job(actor, job_id)
    if row["status"] != ReportJobStatus.DONE or not row["file_key"]:
        raise NotFound("The report file is not ready" if row["status"] in ("queued", "running")
                       else "The report file is not available")
    if row["expires_at"] is not None and row["expires_at"] <= dt.datetime.now(dt.UTC):
        raise NotFound("The report file has expired")
    store = file_store()
    size = await store.size(row["file_key"])
    if size is None:
        raise NotFound("The report file is not available")
    return ReportFile(file_name=row["file_name"], media_type=MEDIA_TYPES[ReportFormat(row["format"])], size=size,
                      body=await store.open(row["file_key"]))


# --- the worker's side ----------------------------------------------------------------------

_CLAIM_SQL = """
UPDATE report_jobs
SET status = 'running', attempts = attempts + 1, progress = 0, error = NULL,
    started_at = now(), lease_until = now() + make_interval(secs => $2)
WHERE id = $1 AND attempts < $3 AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
RETURNING id::text AS id, report, format, filters, requested_by_id, attempts
"""


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: str
    report: ReportName
    format: ReportFormat
    filters: dict[str, Any]
    requested_by_id: int | None
    attempts: int


async def claim_report_job(job_id: str) -> ClaimedJob | None:
    """Take the job for this worker, or None when it is done, failed, gone, or held by a
    live worker (so a job queued twice runs once)."""
    rows = await _db().execute_query_dict(_CLAIM_SQL, [_job_uuid(job_id), LEASE_SECONDS, MAX_ATTEMPTS])
    if not rows:
        return None
    row = rows[0]
    return ClaimedJob(id=row["id"], report=ReportName(row["report"]), format=ReportFormat(row["format"]),
                      filters=_json(row["filters"]) or {}, requested_by_id=row["requested_by_id"],
                      attempts=row["attempts"])


async def report_job_progress(job_id: str, progress: int) -> bool:
    """Record progress and renew the lease; False when the job is no longer this
    worker's to finish (failed by the sweeper meanwhile)."""
    rows = await _db().execute_query_dict(
        "UPDATE report_jobs SET progress = greatest(progress, $2), lease_until = now() + make_interval(secs => $3) "
        "WHERE id = $1 AND status = 'running' RETURNING id",
        [_job_uuid(job_id), max(0, min(99, progress)), LEASE_SECONDS])
    return bool(rows)


async def finish_report_job(job_id: str, *, file_key: str, file_name: str, file_size: int) -> bool:
    minutes = get_settings().report_file_ttl_minutes
    rows = await _db().execute_query_dict(
        "UPDATE report_jobs SET status = 'done', progress = 100, file_key = $2, file_name = $3, file_size = $4, "
        "finished_at = now(), lease_until = NULL, expires_at = now() + make_interval(mins => $5) "
        "WHERE id = $1 AND status = 'running' RETURNING id",
        [_job_uuid(job_id), file_key, file_name, file_size, minutes])
    return bool(rows)


async def release_report_job(job_id: str) -> None:
    """Give a running job back to the queue (its worker is shutting down), so the next
    run can take it at once instead of waiting for the lease to run out."""
    await _db().execute_query(
        "UPDATE report_jobs SET status = 'queued', lease_until = NULL WHERE id = $1 AND status = 'running'",
        [_job_uuid(job_id)])


async def fail_report_job(job_id: str, *, reason: str) -> None:
    await _db().execute_query(
        "UPDATE report_jobs SET status = 'failed', error = $2, finished_at = now(), lease_until = NULL "
        "WHERE id = $1 AND status IN ('queued', 'running')", [_job_uuid(job_id), reason[:500]])


DEAD_WORKER_REASON = "The worker making this report stopped before it finished; ask for the report again"


async def sweep_report_jobs(actor: Actor) -> dict[str, int]:
    """Jobs whose worker died (lease run out): queued again while attempts remain, else
    failed. Queued jobs that no worker has taken for a while are queued again (a queue
    that lost them); queueing is idempotent, so one still waiting is not doubled."""
    authorize(actor, Permission.REPORT_JOBS_ALL)
    db = _db()
    failed = await db.execute_query_dict(
        "UPDATE report_jobs SET status = 'failed', error = $2, finished_at = now(), lease_until = NULL "
        "WHERE status = 'running' AND lease_until < now() AND attempts >= $1 RETURNING id::text AS id",
        [MAX_ATTEMPTS, DEAD_WORKER_REASON])
    requeued = await db.execute_query_dict(
        "UPDATE report_jobs SET status = 'queued', lease_until = NULL "
        "WHERE status = 'running' AND lease_until < now() AND attempts < $1 RETURNING id::text AS id, attempts",
        [MAX_ATTEMPTS])
    waiting = await db.execute_query_dict(
        "SELECT id::text AS id, attempts FROM report_jobs WHERE status = 'queued' "
        "AND coalesce(started_at, created_at) < now() - make_interval(secs => $1)", [LEASE_SECONDS])
    for row in {r["id"]: r for r in [*requeued, *waiting]}.values():
        await enqueue(GenerateReport(report_job_id=row["id"], attempt=row["attempts"]))
    if failed or requeued:
        log.warning("report jobs swept", extra={"fields": {"failed": [r["id"] for r in failed],
                                                           "requeued": [r["id"] for r in requeued]}})
    return {"failed": len(failed), "requeued": len(requeued), "waiting": len(waiting)}


REMOVE_EXPIRED_SQL = """
WITH gone AS (
    SELECT id, file_key FROM report_jobs WHERE status = 'done' AND expires_at <= now() FOR UPDATE SKIP LOCKED
)
UPDATE report_jobs j SET status = 'expired', file_key = NULL FROM gone WHERE j.id = gone.id
RETURNING gone.file_key AS key
"""


async def remove_expired_report_files(actor: Actor) -> int:
    """Delete the files of done jobs past their expiry; the job stays, as expired."""
    authorize(actor, Permission.REPORT_JOBS_ALL)
    rows = await _db().execute_query_dict(REMOVE_EXPIRED_SQL)
    store = file_store()
    for row in rows:
        if row["key"]:
            await store.delete(row["key"])
    return len(rows)


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """A filter ValidationError as the API's 422 details, located under body.filters."""
    return [{**e, "loc": ("body", "filters", *e["loc"])} for e in exc.errors()]


# --- the files: each report laid out as tables ----------------------------------------------

_FILTER_LABELS = {
    "department_id": "Department", "program_id": "Program", "course_offering_id": "Course offering",
    "academic_year": "Academic year", "semester": "Semester", "date_from": "From", "date_to": "To",
    "category": "Category", "hostel_type": "Hostel type",
}


async def _filter_lines(filters: InputModel) -> list[tuple[str, str]]:
    """The filters as people read them: names for the department and program ids."""
    values = filters.model_dump(exclude_none=True)
    names: dict[str, str] = {}
    db = _db()
    for key, table in (("department_id", "departments"), ("program_id", "programs")):
        if key in values:
            rows = await db.execute_query_dict(f"SELECT name FROM {table} WHERE id = $1", [values[key]])
            names[key] = f"{rows[0]['name']} (id {values[key]})" if rows else f"id {values[key]} (none such)"
    return [(_FILTER_LABELS.get(k, k), names.get(k, str(v))) for k, v in values.items()]


def _summary(rows: list[tuple[str, Any, rf.Kind]]) -> rf.Table:
    """Figure / value pairs; each value keeps its own number format."""
    return rf.Table("Summary", [rf.Column("Figure"), rf.Column("Value")],
                    [[label, _typed(value, kind)] for label, value, kind in rows], [kind for _, _, kind in rows])


def _typed(value: Any, kind: rf.Kind) -> Any:
    """A summary value as the cell it becomes: numbers stay numbers."""
    if value is None:
        return None
    if kind == "money":
        return Decimal(value).quantize(CENT)
    if kind in ("pct", "gpa"):
        return float(value)
    if kind == "int":
        return int(value)
    return value


def _breakdown(title: str, mapping: dict[str, Any], label: str, value: str, kind: rf.Kind) -> rf.Table:
    return rf.Table(title, [rf.Column(label), rf.Column(value, kind)], [[k, v] for k, v in sorted(mapping.items())])


def _keyset(sql: str, values: list[Any]) -> Callable[[], AsyncIterator[Sequence[Sequence[Any]]]]:
    """Pages of a detail query by its first column (an id), `DETAIL_CHUNK` rows at a time,
    each an index range scan however deep; `sql` takes the last id and the page size as
    its last two parameters. The id column itself is not written."""

    async def chunks() -> AsyncIterator[Sequence[Sequence[Any]]]:
        last = 0
        db = _db()
        while True:
            rows = await db.execute_query(sql, [*values, last, DETAIL_CHUNK])
            records = rows[1]
            if not records:
                return
            last = records[-1][0]
            yield [tuple(r)[1:] for r in records]
            if len(records) < DETAIL_CHUNK:
                return

    return chunks


async def _count(sql: str, values: list[Any]) -> int:
    return int((await _db().execute_query_dict(sql, values))[0]["n"])


def _page_clause(bind: _Binds, column: str) -> tuple[str, str]:
    """The keyset clause and the LIMIT placeholder (bound at run time by `_keyset`)."""
    after = f"${len(bind.values) + 1}"
    limit = f"${len(bind.values) + 2}"
    return f"{column} > {after}", limit


STUDENT_DETAIL_SQL = """
SELECT st.id, st.student_code, u.first_name || ' ' || u.last_name, d.name, p.name, st.batch_year, st.semester,
       st.status, st.cgpa
FROM students st JOIN users u ON u.id = st.user_id JOIN departments d ON d.id = st.department_id
JOIN programs p ON p.id = st.program_id
{where}
ORDER BY st.id LIMIT {limit}
"""


async def _student_performance_document(out: StudentPerformanceOut, filters: StudentPerformanceFilters,
                                        document: rf.ReportDocument) -> None:
    document.summary = _summary([("Students", out.total_students, "int"), ("Average CGPA", out.avg_cgpa, "gpa")])
    document.breakdowns = [
        _breakdown("By status", out.status_breakdown, "Status", "Students", "int"),
        rf.Table("By department", [rf.Column("Department"), rf.Column("Students", "int")],
                 [[d.department_name, d.student_count] for d in out.department_wise]),
        rf.Table("GPA by semester", [rf.Column("Semester", "int"), rf.Column("Average GPA", "gpa"),
                                     rf.Column("Results", "int")],
                 [[s.semester, s.avg_gpa, s.student_count] for s in out.semester_wise_gpa]),
    ]
    document.chart = rf.Chart("Students by department", [d.department_name for d in out.department_wise],
                              [d.student_count for d in out.department_wise])
    bind = _Binds()
    students, _ = _student_clauses(filters, bind)
    count_values = list(bind.values)
    page, limit = _page_clause(bind, "st.id")
    document.detail = rf.Detail(
        "Students",
        [rf.Column("Student code"), rf.Column("Name"), rf.Column("Department"), rf.Column("Program"),
         rf.Column("Batch", "int"), rf.Column("Semester", "int"), rf.Column("Status"), rf.Column("CGPA", "gpa")],
        count=await _count(f"SELECT count(*) AS n FROM students st {_where(students)}", count_values),
        chunks=_keyset(STUDENT_DETAIL_SQL.format(where=_where([*students, page]), limit=limit), count_values),
    )


ATTENDANCE_DETAIL_SQL = """
SELECT a.course_offering_id, c.code, c.name, o.academic_year, o.semester, o.section,
       sum(a.present + a.absent + a.late + a.excused), sum(a.present), sum(a.absent), sum(a.late), sum(a.excused)
FROM attendance_daily_counts a JOIN course_offerings o ON o.id = a.course_offering_id
JOIN courses c ON c.id = o.course_id
{where}
GROUP BY a.course_offering_id, c.code, c.name, o.academic_year, o.semester, o.section
ORDER BY a.course_offering_id LIMIT {limit}
"""


async def _attendance_document(out: AttendanceReportOut, filters: AttendanceFilters,
                               document: rf.ReportDocument) -> None:
    document.summary = _summary([
        ("Marks", out.total_records, "int"), ("Present", out.present_count, "int"),
        ("Absent", out.absent_count, "int"), ("Late", out.late_count, "int"),
        ("Excused", out.excused_count, "int"), ("Attendance %", out.attendance_percentage, "pct")])
    counts = [rf.Column("Marks", "int"), rf.Column("Present", "int"), rf.Column("Absent", "int"),
              rf.Column("Late", "int"), rf.Column("Excused", "int"), rf.Column("Attendance %", "pct")]

    def figures(x: Any) -> list[Any]:
        return [x.total_records, x.present_count, x.absent_count, x.late_count, x.excused_count,
                x.attendance_percentage]

    document.breakdowns = [
        rf.Table("By department", [rf.Column("Department"), *counts],
                 [[d.department_name, *figures(d)] for d in out.department_wise]),
        rf.Table("By month", [rf.Column("Month"), *counts], [[m.period, *figures(m)] for m in out.monthly]),
    ]
    document.chart = rf.Chart("Attendance % by department", [d.department_name for d in out.department_wise],
                              [d.attendance_percentage for d in out.department_wise])
    bind = _Binds()
    _, clauses = _attendance_clauses(filters, bind)
    if filters.date_from is not None:
        clauses.append(f"a.date >= {bind(filters.date_from)}")
    if filters.date_to is not None:
        clauses.append(f"a.date <= {bind(filters.date_to)}")
    count_values = list(bind.values)
    page, limit = _page_clause(bind, "a.course_offering_id")
    offerings = await _count(
        "SELECT count(DISTINCT a.course_offering_id) AS n FROM attendance_daily_counts a "
        f"JOIN course_offerings o ON o.id = a.course_offering_id {_where(clauses)}", count_values)
    rows = _keyset(ATTENDANCE_DETAIL_SQL.format(where=_where([*clauses, page]), limit=limit), count_values)

    async def with_percentage() -> AsyncIterator[Sequence[Sequence[Any]]]:
        async for chunk in rows():
            yield [(*r, float(attendance_percentage(int(r[6]) + int(r[8]), int(r[5])))) for r in chunk]

    document.detail = rf.Detail(
        "By course offering",
        [rf.Column("Course code"), rf.Column("Course"), rf.Column("Academic year"), rf.Column("Semester", "int"),
         rf.Column("Section"), *counts], count=offerings, chunks=with_percentage)


FEE_DETAIL_SQL = """
SELECT f.id, st.student_code, u.first_name || ' ' || u.last_name, d.name, f.academic_year, f.semester,
       f.total_fee, coalesce(p.paid, 0), f.total_fee - coalesce(p.paid, 0), f.due_date,
       CASE WHEN f.due_date < CURRENT_DATE THEN 'yes' ELSE 'no' END
FROM fee_structures f JOIN students st ON st.id = f.student_id JOIN users u ON u.id = st.user_id
JOIN departments d ON d.id = st.department_id
LEFT JOIN LATERAL (SELECT sum(amount_paid) AS paid FROM fee_payments
                   WHERE fee_structure_id = f.id AND payment_status = 'completed') p ON true
{where}
ORDER BY f.id LIMIT {limit}
"""


async def _fee_collection_document(out: FeeCollectionOut, filters: FeeCollectionFilters,
                                   document: rf.ReportDocument) -> None:
    document.summary = _summary([
        ("Collected", out.total_collected, "money"), ("Pending (outstanding balances)", out.total_pending, "money"),
        ("Overdue", out.total_overdue, "money"), ("Structures with a balance", out.pending_count, "int"),
        ("Structures overdue", out.overdue_count, "int"), ("Late fees", out.total_late_fees, "money"),
        ("Discounts", out.total_discounts, "money")])
    document.breakdowns = [
        _breakdown("Payments by status", out.payment_status_breakdown, "Status", "Payments", "int"),
        _breakdown("Collected by mode", out.payment_mode_breakdown, "Mode", "Amount", "money"),
        rf.Table("By department", [rf.Column("Department"), rf.Column("Collected", "money"),
                                   rf.Column("Pending", "money"), rf.Column("Overdue", "money")],
                 [[d.department_name, d.collected, d.pending, d.overdue] for d in out.department_wise]),
        rf.Table("Collected by month", [rf.Column("Month"), rf.Column("Collected", "money")],
                 [[m.period, m.collected] for m in out.monthly]),
    ]
    document.chart = rf.Chart("Collected by department", [d.department_name for d in out.department_wise],
                              [float(d.collected) for d in out.department_wise])
    bind = _Binds()
    structures = _fee_structure_clauses(filters, bind)
    values = list(bind.values)
    page, limit = _page_clause(bind, "f.id")
    document.detail = rf.Detail(
        "Outstanding balances",
        [rf.Column("Student code"), rf.Column("Name"), rf.Column("Department"), rf.Column("Academic year"),
         rf.Column("Semester", "int"), rf.Column("Total fee", "money"), rf.Column("Paid", "money"),
         rf.Column("Balance", "money"), rf.Column("Due date", "date"), rf.Column("Overdue")],
        count=out.pending_count,
        chunks=_keyset(FEE_DETAIL_SQL.format(
            where=_where([*structures, page, "f.total_fee > coalesce(p.paid, 0)"]), limit=limit), values),
    )


RESULT_DETAIL_SQL = """
SELECT r.id, st.student_code, u.first_name || ' ' || u.last_name, d.name, r.academic_year, r.semester, r.gpa,
       r.cgpa, r.status
FROM semester_results r JOIN students st ON st.id = r.student_id JOIN users u ON u.id = st.user_id
JOIN departments d ON d.id = st.department_id
{where}
ORDER BY r.id LIMIT {limit}
"""


async def _exam_results_document(out: ExamResultsOut, filters: ExamResultsFilters,
                                 document: rf.ReportDocument) -> None:
    document.summary = _summary([("Results", out.total_results, "int"), ("Average GPA", out.avg_gpa, "gpa")])
    document.breakdowns = [
        _breakdown("By status", out.status_breakdown, "Status", "Results", "int"),
        rf.Table("By semester", [rf.Column("Semester", "int"), rf.Column("Results", "int"),
                                 rf.Column("Average GPA", "gpa"), rf.Column("Passed", "int")],
                 [[s.semester, s.total_results, s.avg_gpa, s.pass_count] for s in out.semester_wise]),
        rf.Table("By department", [rf.Column("Department"), rf.Column("Results", "int"),
                                   rf.Column("Average GPA", "gpa")],
                 [[d.department_name, d.total_results, d.avg_gpa] for d in out.department_wise]),
    ]
    document.chart = rf.Chart("Average GPA by semester", [f"Semester {s.semester}" for s in out.semester_wise],
                              [s.avg_gpa or 0 for s in out.semester_wise])
    bind = _Binds()
    clauses = _result_clauses(filters, bind)
    values = list(bind.values)
    page, limit = _page_clause(bind, "r.id")
    document.detail = rf.Detail(
        "Results",
        [rf.Column("Student code"), rf.Column("Name"), rf.Column("Department"), rf.Column("Academic year"),
         rf.Column("Semester", "int"), rf.Column("GPA", "gpa"), rf.Column("CGPA", "gpa"), rf.Column("Status")],
        count=out.total_results,
        chunks=_keyset(RESULT_DETAIL_SQL.format(where=_where([*clauses, page]), limit=limit), values),
    )


BOOK_DETAIL_SQL = """
SELECT b.id, b.title, b.author, b.isbn, b.category, b.copies_total, b.copies_available,
       (SELECT count(*) FROM book_issues i WHERE i.book_id = b.id AND i.status IN ('issued', 'overdue')),
       (SELECT count(*) FROM book_issues i WHERE i.book_id = b.id AND i.status IN ('issued', 'overdue')
          AND i.due_date < now())
FROM library_books b
{where}
ORDER BY b.id LIMIT {limit}
"""


def _library_clauses(filters: LibraryStatsFilters, bind: _Binds) -> list[str]:
    clauses: list[str] = []
    if filters.department_id is not None:
        clauses.append(f"b.department_id = {bind(filters.department_id)}")
    if filters.category is not None:
        clauses.append(f"lower(b.category) = lower({bind(filters.category)})")
    return clauses


async def _library_document(out: LibraryStatsOut, filters: LibraryStatsFilters, document: rf.ReportDocument) -> None:
    document.summary = _summary([
        ("Titles", out.total_books, "int"), ("Copies", out.total_copies, "int"),
        ("Copies available", out.available_copies, "int"), ("Open loans", out.currently_issued, "int"),
        ("Overdue loans", out.overdue_count, "int"), ("Lost", out.lost_count, "int"),
        ("Outstanding fines", out.total_fines, "money")])
    document.breakdowns = [rf.Table(
        "By category", [rf.Column("Category"), rf.Column("Titles", "int"), rf.Column("Copies", "int"),
                        rf.Column("Available", "int"), rf.Column("Open loans", "int")],
        [[c.category or "(none)", c.titles, c.copies, c.available, c.issued] for c in out.category_wise])]
    document.chart = rf.Chart("Open loans by category", [c.category or "(none)" for c in out.category_wise],
                              [c.issued for c in out.category_wise])
    bind = _Binds()
    clauses = _library_clauses(filters, bind)
    values = list(bind.values)
    page, limit = _page_clause(bind, "b.id")
    document.detail = rf.Detail(
        "Books",
        [rf.Column("Title"), rf.Column("Author"), rf.Column("ISBN"), rf.Column("Category"), rf.Column("Copies", "int"),
         rf.Column("Available", "int"), rf.Column("Open loans", "int"), rf.Column("Overdue", "int")],
        count=out.total_books,
        chunks=_keyset(BOOK_DETAIL_SQL.format(where=_where([*clauses, page]), limit=limit), values),
    )


ROOM_DETAIL_SQL = """
SELECT r.id, h.name, r.room_number, r.room_type, r.floor, r.capacity, r.occupied_beds, r.status
FROM hostel_rooms r JOIN hostels h ON h.id = r.hostel_id
{where}
ORDER BY r.id LIMIT {limit}
"""


async def _hostel_document(out: HostelOccupancyOut, filters: HostelOccupancyFilters,
                           document: rf.ReportDocument) -> None:
    document.summary = _summary([
        ("Hostels", out.total_hostels, "int"), ("Rooms", out.total_rooms, "int"),
        ("Beds", out.total_capacity, "int"), ("Beds taken", out.total_occupied, "int"),
        ("Beds free", out.free_beds, "int"), ("Occupancy %", out.occupancy_percentage, "pct")])
    document.breakdowns = [
        rf.Table("By hostel", [rf.Column("Hostel"), rf.Column("Type"), rf.Column("Beds", "int"),
                               rf.Column("Taken", "int"), rf.Column("Free", "int"), rf.Column("Occupancy %", "pct")],
                 [[h.hostel_name, h.hostel_type, h.total_capacity, h.occupied, h.free_beds, h.occupancy_percentage]
                  for h in out.hostel_wise]),
        _breakdown("Rooms by type", out.room_type_breakdown, "Room type", "Rooms", "int"),
    ]
    document.chart = rf.Chart("Occupancy % by hostel", [h.hostel_name for h in out.hostel_wise],
                              [h.occupancy_percentage for h in out.hostel_wise])
    bind = _Binds()
    clauses = ["h.is_active", "r.is_active"]
    if filters.hostel_type:
        clauses.append(f"h.hostel_type = {bind(filters.hostel_type)}")
    values = list(bind.values)
    page, limit = _page_clause(bind, "r.id")
    document.detail = rf.Detail(
        "Rooms",
        [rf.Column("Hostel"), rf.Column("Room"), rf.Column("Type"), rf.Column("Floor", "int"), rf.Column("Beds", "int"),
         rf.Column("Taken", "int"), rf.Column("Status")],
        count=await _count("SELECT count(*) AS n FROM hostel_rooms r JOIN hostels h ON h.id = r.hostel_id "
                           + _where(clauses), values),
        chunks=_keyset(ROOM_DETAIL_SQL.format(where=_where([*clauses, page]), limit=limit), values),
    )


async def _department_document(out: DepartmentWiseOut, filters: DepartmentWiseFilters,
                               document: rf.ReportDocument) -> None:
    document.summary = _summary([
        ("Departments", len(out.departments), "int"),
        ("Students", sum(d.student_count for d in out.departments), "int"),
        ("Faculty", sum(d.faculty_count for d in out.departments), "int")])
    document.breakdowns = [rf.Table(
        "Departments", [rf.Column("Department"), rf.Column("Students", "int"), rf.Column("Faculty", "int"),
                        rf.Column("Courses", "int"), rf.Column("Programs", "int")],
        [[d.department_name, d.student_count, d.faculty_count, d.course_count, d.program_count]
         for d in out.departments])]
    document.chart = rf.Chart("Students by department", [d.department_name for d in out.departments],
                              [d.student_count for d in out.departments])


_DOCUMENTS: dict[ReportName, Callable[[Any, Any, rf.ReportDocument], Awaitable[None]]] = {
    ReportName.STUDENT_PERFORMANCE: _student_performance_document,
    ReportName.ATTENDANCE: _attendance_document,
    ReportName.FEE_COLLECTION: _fee_collection_document,
    ReportName.EXAM_RESULTS: _exam_results_document,
    ReportName.LIBRARY_STATS: _library_document,
    ReportName.HOSTEL_OCCUPANCY: _hostel_document,
    ReportName.DEPARTMENT_WISE: _department_document,
}


async def report_document(actor: Actor, *, report: ReportName, filters: InputModel) -> rf.ReportDocument:
    """The report's figures (the same as its JSON) laid out as the tables of its file."""
    out = await run_report(actor, report=report, filters=filters)
    from dashboard.services.fees import university_name

    document = rf.ReportDocument(
        university=await university_name(), title=REPORT_TITLES[report], generated_at=dt.datetime.now(dt.UTC),
        filters=await _filter_lines(filters), summary=rf.Table("Summary", [], []))
    await _DOCUMENTS[report](out, filters, document)
    return document


def file_name_of(report: ReportName, fmt: ReportFormat, at: dt.datetime) -> str:
    return f"{report.value}-report-{at:%Y%m%d-%H%M}.{fmt.value}"


async def generate_report_file(job_id: str) -> str:
    """Run one claimed-or-claimable job to its file. Answers what happened: "done",
    "skipped" (done already, or a live worker holds it) or "failed"."""
    job = await claim_report_job(job_id)
    if job is None:
        return "skipped"
    actor = Actor.system()
    try:
        filters = parse_filters(job.report, job.filters)
    except ValidationError:
        await fail_report_job(job_id, reason="The stored filters are not valid for this report any more")
        return "failed"
    document = await report_document(actor, report=job.report, filters=filters)
    await report_job_progress(job_id, 10)
    last = [10]

    async def progress(done: int, total: int) -> None:
        pct = 10 + int(85 * done / total) if total else 95
        if pct > last[0]:
            last[0] = pct
            if not await report_job_progress(job_id, pct):
                raise _JobTakenAway(job_id)

    store = file_store()
    suffix = f".{job.format.value}"
    with tempfile.TemporaryFile() as spool:
        try:
            await rf.write_file(document, job.format.value, spool, progress)
        except _JobTakenAway:
            return "skipped"
        spool.seek(0)
        stored = await store.save(_read_file(spool), folder="reports", suffix=suffix, name_prefix=job.report.value)
    if not await finish_report_job(job_id, file_key=stored.key, file_name=file_name_of(
            job.report, job.format, document.generated_at), file_size=stored.size):
        await store.delete(stored.key)
        return "skipped"
    return "done"


class _JobTakenAway(Exception):
    """The sweeper took the job from this worker (its lease ran out): stop writing."""


async def _read_file(handle: Any) -> AsyncIterator[bytes]:
    import asyncio

    while chunk := await asyncio.to_thread(handle.read, 1024 * 1024):
        yield chunk
