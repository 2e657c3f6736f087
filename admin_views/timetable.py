"""Panel screen for the class timetable: a week grid (days across, time bands down) of
a room's, a faculty member's or a program semester's active classes, read through the
timetable service. The teacher and the program are picked by name from searchable
selects (read through the faculty and program scopes), not typed as ids."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from admin_views.adapters import faculty_service, program_service
from admin_views.enrollments import actor_of, error_status, int_arg, menu_item, render
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.roles import Permission
from dashboard.schemas.course_offerings import ClassScheduleEntry
from dashboard.services import timetable as service

MENU_ORDER = 255
router = APIRouter(dependencies=[Depends(require_admin_session)])
SCREEN = "timetable_grid"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item(SCREEN, "Week timetable", "ti ti-calendar-week")] if actor.can(
        Permission.TIMETABLE_READ) else []


def week_grid(entries: list[ClassScheduleEntry]) -> dict[str, Any]:
    """Days Monday to Friday (and the weekend when it has classes) across, one row per
    distinct (start, end) band, each cell the classes of that band and day."""
    days = [d for d in range(7) if d < 5 or any(e.day_of_week == d for e in entries)]
    bands = sorted({(e.start_time, e.end_time) for e in entries})
    cells: dict[tuple[Any, Any, int], list[ClassScheduleEntry]] = {}
    for entry in entries:
        cells.setdefault((entry.start_time, entry.end_time, entry.day_of_week), []).append(entry)
    rows = [{"band": f"{start:%H:%M}–{end:%H:%M}", "cells": [cells.get((start, end, d), []) for d in days]}
            for start, end in bands]
    return {"days": [DAYS[d] for d in days], "rows": rows}


async def teacher_choices(actor: Actor) -> list[tuple[int, str]]:
    rows = await (faculty_service.visible_faculty(actor).order_by("user__last_name", "user__first_name", "id")
                  .values("id", "employee_id", "user__first_name", "user__last_name"))
    return [(r["id"], f"{r['user__last_name']}, {r['user__first_name']} · {r['employee_id']}") for r in rows]


async def program_choices(actor: Actor) -> list[tuple[int, str]]:
    rows = await program_service.visible_programs(actor).order_by("name", "id").values("id", "code", "name")
    return [(r["id"], f"{r['name']} ({r['code']})") for r in rows]


@router.get(f"/{SCREEN}/list", include_in_schema=False)
async def grid_page(request: Request) -> Response:
    actor = actor_of(request, Permission.TIMETABLE_READ)
    query = request.query_params
    room_no = (query.get("room_no") or "").strip()[:50]
    faculty_id, program_id = int_arg(query.get("faculty_id")), int_arg(query.get("program_id"))
    semester = int_arg(query.get("semester"), high=20)
    entries: list[ClassScheduleEntry] = []
    title, error, status_code = None, None, 200
    teachers, programs = await teacher_choices(actor), await program_choices(actor)
    try:
        if room_no:
            entries, title = (await service.room_timetable(actor, room_no=room_no)).schedules, f"Room {room_no}"
        elif faculty_id is not None:
            entries = (await service.faculty_timetable(actor, faculty_id=faculty_id)).schedules
            title = dict(teachers).get(faculty_id, f"Faculty member {faculty_id}").split(" · ")[0]
        elif program_id is not None and semester is not None:
            entries = await service.cohort_timetable(actor, program_id=program_id, semester=semester)
            title = f"{dict(programs).get(program_id, f'Program {program_id}')}, semester {semester}"
        elif query.get("program_id") or query.get("semester") or query.get("faculty_id"):
            error, status_code = "Give a room, a teacher, or a program with a semester", 400
    except DomainError as exc:
        error, status_code = exc.message, error_status(exc)
    return render(request, "timetable/grid.html", SCREEN, "Week timetable", status_code=status_code,
                  grid=week_grid(entries) if title else None, grid_title=title, error=error, total=len(entries),
                  room_no=room_no, faculty_id=faculty_id, program_id=program_id, semester=semester,
                  teachers=teachers, programs=programs)
