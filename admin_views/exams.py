"""Panel screens for exams.

Exam schedules: the list, and the create and edit form of one schedule through the exams
service: its window, its course (a searchable select) and its status, offered only where
the flow draft → scheduled → ongoing → completed (or cancelled) lets it go; a refusal (the
window's start not before its end, sittings the new window or course would leave outside
it) is shown on the form with what was typed kept.

Exam timetable: pick an exam schedule, see its timetable, and add a sitting through the
exam timetable service; a refusal (a venue, program-semester or student clash, a date
outside the window) is shown on the form with what was typed kept."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from admin_views.adapters import course_service
from admin_views.enrollments import actor_of, date_arg, error_status, int_arg, menu_item, render, see_other
from admin_views.guard import require_admin_session
from dashboard.core.actor import Actor
from dashboard.core.errors import DomainError
from dashboard.core.pagination import PageRequest
from dashboard.core.roles import Permission
from dashboard.schemas.exams import ExamEntryCreate, ExamScheduleCreate, ExamScheduleOut, ExamScheduleUpdate
from dashboard.services import exam_timetable, exams
from models.enums import ExamStatus, ExamType

# Its place in the menu (admin_views.registry): after grades, with the teaching screens.
MENU_ORDER = 250
router = APIRouter(dependencies=[Depends(require_admin_session)])
SCREEN = "exam_timetable"
FORM_FIELDS = ("course_offering_id", "exam_date", "start", "end", "duration_minutes", "venue", "max_marks")


SCHEDULES = "exam_schedules"
SCHEDULE_FIELDS = ("exam_name", "exam_type", "course_id", "academic_year", "semester", "start_time", "end_time",
                   "result_declaration_date", "location", "status")
# The form's names for the schema's fields, in the messages shown on it.
SCHEDULE_LABELS = {"exam_name": "Name", "exam_type": "Type", "course_id": "Course", "academic_year": "Academic year",
                   "semester": "Semester", "start_time": "Starts", "end_time": "Ends",
                   "result_declaration_date": "Results due", "location": "Location", "status": "Status"}


def menu(actor: Actor) -> list[dict[str, str]]:
    if not actor.can(Permission.EXAMS_WRITE):
        return []
    return [menu_item(SCHEDULES, "Exam schedules", "ti ti-calendar-stats"),
            menu_item(SCREEN, "Exam timetable", "ti ti-calendar-event")]


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


# Exam schedules ---------------------------------------------------------------------------

def readable(message: str) -> str:
    """A service message in the form's words ("start_time" is the field labelled Starts)."""
    return message.replace("start_time must be before end_time", "The start must be before the end")


def next_statuses(current: ExamStatus | None) -> list[str]:
    """The statuses the form offers: where the flow lets this schedule go (itself included)."""
    if current is None:
        return [ExamStatus.DRAFT.value, ExamStatus.SCHEDULED.value]
    return [s.value for s in ExamStatus if exams.may_move(current, s)]


def _form_of(schedule: ExamScheduleOut) -> dict[str, str]:
    values = schedule.model_dump()
    form = {name: "" if values[name] is None else str(values[name]) for name in SCHEDULE_FIELDS}
    form["start_time"] = f"{schedule.start_time:%Y-%m-%dT%H:%M}"
    form["end_time"] = f"{schedule.end_time:%Y-%m-%dT%H:%M}"
    form["status"] = schedule.status.value
    return form


async def _course_choices(actor: Actor) -> list[tuple[int, str]]:
    rows = await course_service.visible_courses(actor).order_by("code", "id").values("id", "code", "name")
    return [(r["id"], f"{r['code']} · {r['name']}") for r in rows]


async def _schedules_page(request: Request, actor: Actor, *, editing: ExamScheduleOut | None,
                          form: dict[str, str] | None = None, status_code: int = 200, error: str | None = None,
                          invalid: list[str] | None = None, notice: str | None = None) -> Response:
    schedules = (await exams.list_exam_schedules(actor, page=PageRequest(page=1, page_size=100))).items
    courses = await _course_choices(actor)
    current = ExamStatus(editing.status) if editing else None
    form = form if form is not None else (_form_of(editing) if editing else {"status": "draft"})
    return render(request, "exams/schedules.html", SCHEDULES, "Exam schedules", status_code=status_code,
                  schedules=schedules, editing=editing, form=form, error=error, invalid=invalid or [],
                  notice=notice, courses=courses, course_names=dict(courses), statuses=next_statuses(current),
                  exam_types=[t.value for t in ExamType])


@router.get(f"/{SCHEDULES}/list", include_in_schema=False)
async def schedules_page(request: Request) -> Response:
    actor = actor_of(request, Permission.EXAMS_WRITE)
    query = request.query_params
    editing, error, status_code = None, None, 200
    edit_id = int_arg(query.get("edit"))
    if edit_id is not None:
        try:
            editing = await exams.get_exam_schedule(actor, schedule_id=edit_id)
        except DomainError as exc:
            error, status_code = exc.message, error_status(exc)
    return await _schedules_page(request, actor, editing=editing, error=error, status_code=status_code,
                                 notice=query.get("notice"))


def _schedule_values(form: dict[str, str], *, editing: bool) -> dict[str, Any]:
    """The posted fields as the schemas take them: blank optional ones left out of a new
    schedule and cleared (None) on an edited one."""
    values: dict[str, Any] = {}
    for name in SCHEDULE_FIELDS:
        raw = form[name].strip()
        if raw:
            values[name] = raw
        elif editing and name in {"result_declaration_date", "location"}:
            values[name] = None
    for name in ("start_time", "end_time"):
        if name in values:
            values[name] = f"{values[name]}Z" if len(values[name]) <= 16 else values[name]
    return values


@router.post(f"/{SCHEDULES}/list", include_in_schema=False)
async def schedules_save(request: Request) -> Response:
    actor = actor_of(request, Permission.EXAMS_WRITE)
    data = await request.form()
    form = {name: str(data.get(name) or "")[:300] for name in SCHEDULE_FIELDS}
    schedule_id = int_arg(data.get("schedule_id"))
    editing = None
    if schedule_id is not None:
        try:
            editing = await exams.get_exam_schedule(actor, schedule_id=schedule_id)
        except DomainError as exc:
            return await _schedules_page(request, actor, editing=None, status_code=error_status(exc),
                                         error=exc.message)
    values = _schedule_values(form, editing=editing is not None)
    try:
        changes = ExamScheduleUpdate.model_validate(values) if editing else None
        created = None if editing else ExamScheduleCreate.model_validate(values)
    except ValidationError as exc:
        invalid = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        message = "; ".join(f"{SCHEDULE_LABELS.get(str(e['loc'][0]), 'Form') if e['loc'] else 'Form'}: "
                            f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        return await _schedules_page(request, actor, editing=editing, form=form, status_code=400,
                                     error=message, invalid=invalid)
    try:
        if editing is not None and changes is not None:
            saved = await exams.update_exam_schedule(actor, schedule_id=editing.id, changes=changes)
        elif created is not None:
            saved = await exams.create_exam_schedule(actor, data=created)
    except DomainError as exc:
        invalid = ["start_time", "end_time"] if "start_time" in exc.message or "window" in exc.message else []
        return await _schedules_page(request, actor, editing=editing, form=form, status_code=error_status(exc),
                                     error=readable(exc.message), invalid=invalid)
    verb = "saved" if editing else "created"
    query = {"edit": saved.id, "notice": f"Exam schedule “{saved.exam_name}” {verb} ({saved.status.value})"}
    return see_other(request.app.admin_path + f"/{SCHEDULES}/list?" + urlencode(query))
