"""Panel screens for attendance: the class register (a faculty member picks one of
their offerings and a day, sees the roster, all present by default, and saves it in one
submit through the bulk service; reopening the day shows and edits what was marked),
and the defaulters list with its filters, exportable as CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response, StreamingResponse

from admin_views.enrollments import (
    actor_of,
    date_arg,
    error_status,
    int_arg,
    menu_item,
    render,
    see_other,
)
from admin_views.guard import require_admin_session
from dashboard.core import exports
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.roles import Permission
from dashboard.schemas.attendance import RegisterMark
from dashboard.services import attendance as service
from dashboard.services.enrollments import offerings_for_teaching
from models.enums import AttendanceStatus

# Its place in the menu (admin_views.registry).
MENU_ORDER = 220
router = APIRouter(dependencies=[Depends(require_admin_session)])

STATUSES = [s.value for s in AttendanceStatus]
DEFAULTER_COLUMNS = ("Student code", "First name", "Last name", "Enrollment", "Classes", "Attended", "Percentage")


def menu(actor: Actor) -> list[dict[str, str]]:
    items = []
    if actor.can(Permission.ATTENDANCE_WRITE):
        items.append(menu_item("attendance_register", "Attendance register", "ti ti-checklist"))
    if actor.can(Permission.ATTENDANCE_REPORT):
        items.append(menu_item("attendance_defaulters", "Attendance defaulters", "ti ti-alert-triangle"))
    return items


async def _register_page(request: Request, actor: Actor, *, offering_id: int | None, day: Any, status_code: int = 200,
                         error: str | None = None, notice: str | None = None) -> Response:
    offerings = await offerings_for_teaching(actor)
    rows: list[dict[str, Any]] = []
    if offering_id is not None and day is not None and error is None:
        try:
            rows = await service.class_register(actor, offering_id=offering_id, day=day)
        except DomainError as exc:
            error, status_code = exc.message, error_status(exc)
    return render(request, "attendance/register.html", "attendance_register", "Attendance register",
                  status_code=status_code, offerings=offerings, offering_id=offering_id, day=day, rows=rows,
                  statuses=STATUSES, marked=any(r["status"] for r in rows), error=error, notice=notice,
                  latest_day=service.latest_class_day())


@router.get("/attendance_register/list", include_in_schema=False)
async def register_page(request: Request) -> Response:
    actor = actor_of(request, Permission.ATTENDANCE_WRITE)
    query = request.query_params
    offering_id, day = int_arg(query.get("offering_id")), date_arg(query.get("date"))
    error = "Pick a valid date" if query.get("date") and day is None else None
    return await _register_page(request, actor, offering_id=offering_id, day=day, error=error,
                                notice=query.get("notice"))


@router.post("/attendance_register/list", include_in_schema=False)
async def register_save(request: Request) -> Response:
    actor = actor_of(request, Permission.ATTENDANCE_WRITE)
    form = await request.form()
    offering_id, day = int_arg(form.get("offering_id")), date_arg(form.get("date"))
    if offering_id is None or day is None:
        return await _register_page(request, actor, offering_id=offering_id, day=day, status_code=400,
                                    error="Pick an offering and a date")
    try:
        marks = [RegisterMark(enrollment_id=int_arg(key.removeprefix("status-")) or 0, status=value,
                              remarks=str(form.get(f"remarks-{key.removeprefix('status-')}") or "") or None)
                 for key, value in form.multi_items() if key.startswith("status-")]
    except ValidationError:
        return await _register_page(request, actor, offering_id=offering_id, day=day, status_code=400,
                                    error="Every student needs one of: " + ", ".join(STATUSES))
    if not marks:
        return await _register_page(request, actor, offering_id=offering_id, day=day, status_code=400,
                                    error="Nobody to mark")
    try:
        result = await service.save_register(actor, offering_id=offering_id, day=day, marks=marks)
    except DomainError as exc:
        return await _register_page(request, actor, offering_id=offering_id, day=day, status_code=error_status(exc),
                                    error=exc.message)
    failures = [f"{r['enrollment_id']}: {r['message']}" for r in result["results"] if not r["success"]]
    notice = f"Saved {result['successful']} of {result['total']} marks"
    query = {"offering_id": offering_id, "date": day.isoformat(), "notice": notice}
    if failures:
        return await _register_page(request, actor, offering_id=offering_id, day=day, status_code=400,
                                    error="; ".join(failures), notice=notice)
    return see_other(request.app.admin_path + "/attendance_register/list?" + urlencode(query))


def _defaulter_filters(request: Request) -> tuple[dict[str, Any], str | None]:
    query = request.query_params
    error = None
    try:
        threshold = float(query.get("threshold") or 75)
        if not 0 <= threshold <= 100:
            raise ValueError
    except ValueError:
        threshold, error = 75.0, "The threshold is a percentage from 0 to 100"
    filters: dict[str, Any] = {"threshold": threshold}
    for name in ("course_offering_id", "department_id", "program_id"):
        filters[name] = int_arg(query.get(name))
    for name in ("date_from", "date_to"):
        filters[name] = date_arg(query.get(name))
        if query.get(name) and filters[name] is None:
            error = "Dates are written YYYY-MM-DD"
    return filters, error


@router.get("/attendance_defaulters/list", include_in_schema=False)
async def defaulters_page(request: Request) -> Response:
    actor = actor_of(request, Permission.ATTENDANCE_REPORT)
    filters, error = _defaulter_filters(request)
    result = await service.attendance_defaulters(actor, **filters)
    kept = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items() if v is not None}
    return render(request, "attendance/defaulters.html", "attendance_defaulters", "Attendance defaulters",
                  result=result, filters=kept, error=error, export_url="export?" + urlencode(kept))


@router.get("/attendance_defaulters/export", include_in_schema=False)
async def defaulters_export(request: Request) -> StreamingResponse:
    actor = actor_of(request, Permission.ATTENDANCE_REPORT)
    filters, _ = _defaulter_filters(request)
    result = await service.attendance_defaulters(actor, **filters)

    async def rows() -> Any:
        yield [[d["student_code"], d["first_name"], d["last_name"], d["enrollment_id"], d["total_classes"],
                d["attended_classes"], f"{d['attendance_percentage']:.2f}"] for d in result["defaulters"]]

    export = exports.export("csv", basename="attendance-defaulters", header=DEFAULTER_COLUMNS, rows=rows())
    return StreamingResponse(export.body, media_type=export.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})
