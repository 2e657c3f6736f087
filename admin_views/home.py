"""The admin index page (fastapi-admin has none: its login redirected to a 404).

Admin and staff get the university at a glance: KPI cards and two charts, from the same
SQL aggregates as /api/v1/analytics (three queries in all). Others (faculty) get links
to what they may open.
"""

from __future__ import annotations

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


def _month_label(period: str) -> str:
    return dt.datetime.strptime(period, "%Y-%m").strftime("%b %y")


@router.get("/", include_in_schema=False)
async def home(request: Request, admin: object = Depends(require_admin_session)) -> Response:
    actor = request.state.admin.actor
    context: dict = {"request": request, "resources": visible_resources(request), "page_title": "Dashboard"}
    if actor.can(Permission.ANALYTICS_READ):
        summary = await analytics.dashboard_summary(actor)
        departments = await analytics.students_per_department(actor)
        trend = await analytics.enrollment_trend(actor, months=TREND_MONTHS)
        shown = [(d["department_name"], d["student_count"]) for d in departments[:TOP_DEPARTMENTS]]
        rest = sum(d["student_count"] for d in departments[TOP_DEPARTMENTS:])
        if len(departments) > TOP_DEPARTMENTS:
            shown.append((f"{len(departments) - TOP_DEPARTMENTS} other departments", rest))
        context.update(
            summary=summary,
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
            department_chart=charts.horizontal_bars(shown, title="Students per department"),
            enrollment_chart=charts.columns([(_month_label(p["period"]), p["count"]) for p in trend],
                                            title=f"Enrollments per month, last {TREND_MONTHS} months"),
        )
    return templates.TemplateResponse(request, "dashboard_home.html", context)
