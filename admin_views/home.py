"""The admin index page (fastapi-admin has none: its login redirected to a 404).

Admin and staff get the university at a glance: KPI cards, the day's and the month's
figures of the campus services (attendance today, fees collected this month against
what is pending, overdue books, free beds) and two charts, from the same SQL aggregates
as /api/v1/analytics (three queries in all, run concurrently). Each card links to the
list behind its figure when the user may open it. Others (faculty) get links to what
they may open.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi_admin.template import templates

from admin_views import charts
from admin_views.formatting import money, number
from admin_views.guard import require_admin_session, visible_resources
from dashboard.core.roles import Permission
from dashboard.services import analytics

router = APIRouter()

TREND_MONTHS = 12
TOP_DEPARTMENTS = 12


# The screen behind each card (a menu entry's model name); a card links to it only when
# the user's menu has it.
CARD_LISTS = {
    "students": "students", "faculty": "faculty", "departments": "departments", "programs": "programs",
    "enrollments": "enrollments", "fees": "cashier", "books": "library_desk", "hostels": "warden",
    "attendance_today": "attendance_defaulters", "fees_month": "fee_defaulters", "overdue_books": "overdue_books",
    "free_beds": "warden",
}


def _month_label(period: str) -> str:
    return dt.datetime.strptime(period, "%Y-%m").strftime("%b %y")


@router.get("/", include_in_schema=False)
async def home(request: Request, admin: object = Depends(require_admin_session)) -> Response:
    actor = request.state.admin.actor
    context: dict = {"request": request, "resources": visible_resources(request), "page_title": "Dashboard"}
    if actor.can(Permission.ANALYTICS_READ):
        summary, departments, trend = await asyncio.gather(
            analytics.dashboard_summary(actor), analytics.students_per_department(actor),
            analytics.enrollment_trend(actor, months=TREND_MONTHS))
        shown = [(d["department_name"], d["student_count"]) for d in departments[:TOP_DEPARTMENTS]]
        rest = sum(d["student_count"] for d in departments[TOP_DEPARTMENTS:])
        if len(departments) > TOP_DEPARTMENTS:
            shown.append((f"{len(departments) - TOP_DEPARTMENTS} other departments", rest))
        menu = {item["model"] for item in context["resources"]}
        links = {key: f"{request.app.admin_path}/{model}/list" for key, model in CARD_LISTS.items() if model in menu}
        attendance_today = (number(summary.attendance_today_percentage, decimals=1) + "%"
                            if summary.attendance_today_records else "–")
        context.update(
            summary=summary,
            links=links,
            kpis=[
                ("students", "Students", number(summary.total_students), "ti ti-users"),
                ("faculty", "Faculty", number(summary.total_faculty), "ti ti-user-star"),
                ("departments", "Departments", number(summary.total_departments), "ti ti-building"),
                ("programs", "Programs", number(summary.total_programs), "ti ti-school"),
                ("enrollments", "Active enrollments", number(summary.active_enrollments), "ti ti-clipboard-check"),
                ("fees", "Fees collected", money(summary.fee_collected_total), "ti ti-cash"),
                ("books", "Library books", number(summary.library_books_total), "ti ti-books"),
                ("hostels", "Hostel occupancy", number(summary.hostel_occupancy_pct, decimals=1) + "%", "ti ti-bed"),
            ],
            # (key, label, figure, the line under it, icon, whether the figure needs attention)
            today=[
                ("attendance_today", "Attendance today", attendance_today,
                 (f"{number(summary.attendance_today_records)} marks so far" if summary.attendance_today_records
                  else "No attendance marked yet today"), "ti ti-checklist", False),
                ("fees_month", "Fees collected this month", money(summary.fee_collected_this_month),
                 f"{money(summary.fee_pending_total)} pending", "ti ti-receipt", False),
                ("overdue_books", "Overdue books", number(summary.library_overdue_books),
                 "open loans past their due date", "ti ti-clock-exclamation", summary.library_overdue_books > 0),
                ("free_beds", "Free hostel beds", number(summary.hostel_free_beds),
                 f"of {number(summary.hostel_capacity)} beds", "ti ti-bed", False),
            ],
            department_chart=charts.horizontal_bars(shown, title="Students per department"),
            enrollment_chart=charts.columns([(_month_label(p["period"]), p["count"]) for p in trend],
                                            title=f"Enrollments per month, last {TREND_MONTHS} months"),
        )
    return templates.TemplateResponse(request, "dashboard_home.html", context)
