"""Dashboard figures (domain.md §3.17): SQL aggregates shared by /api/v1/analytics and
the admin panel's home page.

Each function is one round trip: the headline counts are scalar subqueries of a single
SELECT, each answered from an index or a small table; the monthly series are generated
in SQL with the empty months filled in as zeros (calendar months, the REC of §3.17).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise import connections

from dashboard.core.actor import Actor, authorize
from dashboard.core.errors import InvalidState
from dashboard.core.roles import Permission
from dashboard.services.attendance import percentage as attendance_percentage

MIN_MONTHS = 1
MAX_MONTHS = 60

_SUMMARY_SQL = """
SELECT
  (SELECT count(*) FROM students) AS total_students,
  (SELECT count(*) FROM faculty) AS total_faculty,
  (SELECT count(*) FROM departments WHERE is_active) AS total_departments,
  (SELECT count(*) FROM programs WHERE is_active) AS total_programs,
  (SELECT count(*) FROM courses WHERE is_active) AS total_courses,
  (SELECT count(*) FROM enrollments WHERE status = 'enrolled') AS active_enrollments,
  (SELECT coalesce(sum(amount), 0) FROM fee_payment_monthly WHERE payment_status = 'completed')
    AS fee_collected_total,
  (SELECT count(*) FROM library_books) AS library_books_total,
  (SELECT coalesce(sum(occupied_capacity), 0) FROM hostels WHERE is_active) AS hostel_occupied,
  (SELECT coalesce(sum(total_capacity), 0) FROM hostels WHERE is_active) AS hostel_capacity,
  (SELECT coalesce(sum(present + absent + late + excused), 0) FROM attendance_daily_counts
    WHERE date = CURRENT_DATE) AS attendance_today_records,
  (SELECT coalesce(sum(present + late), 0) FROM attendance_daily_counts
    WHERE date = CURRENT_DATE) AS attendance_today_attended,
  (SELECT coalesce(sum(amount), 0) FROM fee_payment_monthly WHERE payment_status = 'completed'
    AND month = date_trunc('month', CURRENT_DATE)::date) AS fee_collected_this_month,
  (SELECT coalesce(sum(balance), 0) FROM fee_balance_counts) AS fee_pending_total,
  (SELECT count(*) FROM book_issues WHERE status = 'issued' AND due_date < now()) AS library_overdue_books
"""

# Zero-filled calendar months ending with the current one; `$1` is the month count.
_MONTHS_CTE = """
WITH months AS (
  SELECT generate_series(
    date_trunc('month', timezone('UTC', now())) - make_interval(months => $1 - 1),
    date_trunc('month', timezone('UTC', now())),
    interval '1 month'
  ) AS month
)
"""

_ENROLLMENT_TREND_SQL = _MONTHS_CTE + """,
counts AS (
  SELECT date_trunc('month', timezone('UTC', enrollment_date)) AS month, count(*) AS n
  FROM enrollments
  WHERE enrollment_date >= (SELECT min(month) FROM months) AT TIME ZONE 'UTC'
  GROUP BY 1
)
SELECT to_char(m.month, 'YYYY-MM') AS period, coalesce(c.n, 0) AS count
FROM months m LEFT JOIN counts c ON c.month = m.month
ORDER BY m.month
"""

_FEE_TREND_SQL = _MONTHS_CTE + """,
sums AS (
  SELECT month::timestamp AS month, sum(amount) AS amount
  FROM fee_payment_monthly
  WHERE payment_status = 'completed' AND month >= (SELECT min(month) FROM months)::date
  GROUP BY 1
)
SELECT to_char(m.month, 'YYYY-MM') AS period, coalesce(s.amount, 0) AS amount
FROM months m LEFT JOIN sums s ON s.month = m.month
ORDER BY m.month
"""

_ATTENDANCE_TREND_SQL = _MONTHS_CTE + """,
counts AS (
  SELECT month::timestamp AS month, sum(present + absent + late + excused) AS n
  FROM attendance_monthly_counts
  WHERE month >= (SELECT min(month) FROM months)::date
  GROUP BY 1
)
SELECT to_char(m.month, 'YYYY-MM') AS period, coalesce(c.n, 0) AS count
FROM months m LEFT JOIN counts c ON c.month = m.month
ORDER BY m.month
"""

# Active departments, zeros included, busiest first (ties by name).
_STUDENTS_PER_DEPARTMENT_SQL = """
SELECT d.id AS department_id, d.name AS department_name, d.code AS department_code,
       coalesce(s.n, 0) AS student_count
FROM departments d
LEFT JOIN (SELECT department_id, count(*) AS n FROM students GROUP BY department_id) s
  ON s.department_id = d.id
WHERE d.is_active
ORDER BY student_count DESC, d.name
"""


@dataclass(frozen=True, slots=True)
class DashboardSummary:
    total_students: int
    total_faculty: int
    total_departments: int
    total_programs: int
    total_courses: int
    active_enrollments: int
    fee_collected_total: Decimal
    library_books_total: int
    hostel_occupied: int
    hostel_capacity: int
    # The home page's figures for the later domains.
    attendance_today_records: int = 0
    attendance_today_attended: int = 0
    fee_collected_this_month: Decimal = Decimal("0.00")
    fee_pending_total: Decimal = Decimal("0.00")
    library_overdue_books: int = 0

    @property
    def attendance_today_percentage(self) -> float:
        """Today's marks: (present + late) / all × 100 (the attendance formula); 0 without marks."""
        return float(attendance_percentage(self.attendance_today_attended, self.attendance_today_records))

    @property
    def hostel_free_beds(self) -> int:
        return self.hostel_capacity - self.hostel_occupied

    @property
    def hostel_occupancy_pct(self) -> float:
        """Σ occupied / Σ capacity of active hostels * 100, two decimals; 0 without beds."""
        if not self.hostel_capacity:
            return 0.0
        return round(self.hostel_occupied * 100 / self.hostel_capacity, 2)


def _db() -> Any:
    return connections.get("default")


async def dashboard_summary(actor: Actor) -> DashboardSummary:
    authorize(actor, Permission.ANALYTICS_READ)
    row = (await _db().execute_query_dict(_SUMMARY_SQL))[0]
    return DashboardSummary(
        total_students=row["total_students"],
        total_faculty=row["total_faculty"],
        total_departments=row["total_departments"],
        total_programs=row["total_programs"],
        total_courses=row["total_courses"],
        active_enrollments=row["active_enrollments"],
        fee_collected_total=Decimal(row["fee_collected_total"]).quantize(Decimal("0.01")),
        library_books_total=row["library_books_total"],
        hostel_occupied=int(row["hostel_occupied"]),
        hostel_capacity=int(row["hostel_capacity"]),
        attendance_today_records=int(row["attendance_today_records"]),
        attendance_today_attended=int(row["attendance_today_attended"]),
        fee_collected_this_month=Decimal(row["fee_collected_this_month"]).quantize(Decimal("0.01")),
        fee_pending_total=Decimal(row["fee_pending_total"]).quantize(Decimal("0.01")),
        library_overdue_books=int(row["library_overdue_books"]),
    )


def _check_months(months: int) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise InvalidState(f"months must be between {MIN_MONTHS} and {MAX_MONTHS}")


async def enrollment_trend(actor: Actor, *, months: int = 12) -> list[dict[str, Any]]:
    """[{period "YYYY-MM", count}] for the last `months` calendar months, oldest first."""
    authorize(actor, Permission.ANALYTICS_READ)
    _check_months(months)
    return [{"period": r["period"], "count": r["count"]}
            for r in await _db().execute_query_dict(_ENROLLMENT_TREND_SQL, [months])]


async def trends(actor: Actor, *, months: int = 12) -> dict[str, list[dict[str, Any]]]:
    authorize(actor, Permission.ANALYTICS_READ)
    _check_months(months)
    db = _db()
    enrollments = await db.execute_query_dict(_ENROLLMENT_TREND_SQL, [months])
    fees = await db.execute_query_dict(_FEE_TREND_SQL, [months])
    attendance = await db.execute_query_dict(_ATTENDANCE_TREND_SQL, [months])
    return {
        "enrollment_trends": [{"period": r["period"], "count": r["count"]} for r in enrollments],
        "fee_collection_trends": [
            {"period": r["period"], "amount": Decimal(r["amount"]).quantize(Decimal("0.01"))} for r in fees
        ],
        "attendance_trends": [{"period": r["period"], "count": r["count"]} for r in attendance],
    }


async def students_per_department(actor: Actor) -> list[dict[str, Any]]:
    authorize(actor, Permission.ANALYTICS_READ)
    return [
        {"department_id": r["department_id"], "department_name": r["department_name"],
         "department_code": r["department_code"], "student_count": r["student_count"]}
        for r in await _db().execute_query_dict(_STUDENTS_PER_DEPARTMENT_SQL)
    ]

