"""Panel screen for exams: pick an exam schedule, see its timetable, and add a sitting
through the exam timetable service; a refusal (a venue, program-semester or student
clash, a date outside the window) is shown on the form with what was typed kept."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from admin_views.enrollments import actor_of, date_arg, error_status, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.exams import ExamEntryCreate
from dashboard.services import exam_timetable, exams

# Its place in the menu (admin_views.registry): after grades, with the teaching screens.
MENU_ORDER = 250
router = APIRouter(dependencies=[Depends(require_admin_session)])
SCREEN = "exam_timetable"
FORM_FIELDS = ("course_offering_id", "exam_date", "start", "end", "duration_minutes", "venue", "max_marks")


def menu(actor: Actor) -> list[dict[str, str]]:
    return [menu_item(SCREEN, "Exam timetable", "ti ti-calendar-event")] if actor.can(Permission.EXAMS_WRITE) else []


async def _page(request: Request, actor: Actor, *, schedule_id: int | None, status_code: int = 200,
                error: str | None = None, details: list[str] | None = None, notice: str | None = None,
                form: dict[str, Any] | None = None) -> Response:
    schedules = (await exams.list_exam_schedules(actor, page=PageRequest(page=1, page_size=100))).items
    schedule, entries, offerings = None, [], []
    if schedule_id is not None:
        try:
            schedule = await exams.get_exam_schedule(actor, schedule_id=schedule_id)
            entries = (await exam_timetable.list_exam_entries(actor, page=PageRequest(page=1, page_size=100),
                                                              exam_schedule_id=schedule_id)).items
            offerings = await exam_timetable.offerings_of_schedule(actor, schedule_id=schedule_id)
        except DomainError as exc:
            error, status_code = exc.message, error_status(exc)
    return render(request, "exams/timetable.html", SCREEN, "Exam timetable", status_code=status_code,
                  schedules=schedules, schedule=schedule, entries=entries, offerings=offerings, error=error,
                  details=details or [], notice=notice, form=form or {})


@router.get(f"/{SCREEN}/list", include_in_schema=False)
async def timetable_page(request: Request) -> Response:
    actor = actor_of(request, Permission.EXAMS_WRITE)
    query = request.query_params
    return await _page(request, actor, schedule_id=int_arg(query.get("schedule_id")), notice=query.get("notice"))


def _at(day: dt.date | None, raw: Any) -> str | None:
    """The form's day and HH:MM as an ISO timestamp in UTC, the way the API takes it."""
    try:
        return dt.datetime.combine(day, dt.time.fromisoformat(str(raw)), tzinfo=dt.UTC).isoformat() if day else None
    except ValueError:
        return None


@router.post(f"/{SCREEN}/list", include_in_schema=False)
async def timetable_add(request: Request) -> Response:
    actor = actor_of(request, Permission.EXAMS_WRITE)
    data = await request.form()
    schedule_id = int_arg(data.get("schedule_id"))
    form = {name: str(data.get(name) or "") for name in FORM_FIELDS}
    day = date_arg(form["exam_date"])
    try:
        body = ExamEntryCreate.model_validate({
            "exam_schedule_id": schedule_id, "course_offering_id": int_arg(form["course_offering_id"]),
            "exam_date": day, "start_time": _at(day, form["start"]), "end_time": _at(day, form["end"]),
            "duration_minutes": int_arg(form["duration_minutes"]), "venue": form["venue"],
            "max_marks": form["max_marks"] or None})
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        return await _page(request, actor, schedule_id=schedule_id, status_code=400, form=form,
                           error="Check these fields: " + ", ".join(fields))
    try:
        await exam_timetable.create_exam_entry(actor, data=body)
    except DomainError as exc:
        details = [d["message"] for d in exc.details if "message" in d][1:]
        return await _page(request, actor, schedule_id=schedule_id, status_code=error_status(exc), form=form,
                           error=exc.message, details=details)
    query = {"schedule_id": schedule_id, "notice": f"Sitting added in {body.venue}"}
    return see_other(request.app.admin_path + f"/{SCREEN}/list?" + urlencode(query))
