"""Exam schedules: domain.md §3.13 with its RECs.

A schedule is an examination session of one course. Its status moves forward only,
draft → scheduled → ongoing → completed, and any of those may be cancelled (cancelled is
final). Times are checked on create and on every update against the merged row, and a
change of window or course that would leave one of its timetable entries outside it is
refused (409 naming them). A schedule with timetable entries is not deleted (409 naming
them): its sittings go first, so no student's timetable loses an exam silently.

Schedules are catalogue data (notes §3.11): every role that reads exams reads them all.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic, ids_of
from dashboard.core.errors import Conflict, InvalidState
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.exams import ExamScheduleCreate, ExamScheduleOut, ExamScheduleUpdate
from models import Course, ExamSchedule, ExamTimetable
from models.enums import ExamStatus

LABEL = "Exam schedule"
SCHEDULE_FIELDS = tuple(ExamScheduleOut.model_fields)
# Where each status may go next; cancelled is reachable from every other one.
_NEXT: dict[ExamStatus, frozenset[ExamStatus]] = {
    ExamStatus.DRAFT: frozenset({ExamStatus.SCHEDULED}),
    ExamStatus.SCHEDULED: frozenset({ExamStatus.ONGOING}),
    ExamStatus.ONGOING: frozenset({ExamStatus.COMPLETED}),
    ExamStatus.COMPLETED: frozenset(),
    ExamStatus.CANCELLED: frozenset(),
}
# How many entry ids a 409 lists before "and N more".
_NAMED = 10


def visible_exam_schedules(actor: Actor) -> QuerySet[ExamSchedule]:
    """Every schedule: exams are catalogue data, read by every role that reads exams."""
    return ExamSchedule.all()


def may_move(current: ExamStatus, wanted: ExamStatus) -> bool:
    if wanted == current:
        return True
    if wanted is ExamStatus.CANCELLED:
        return current is not ExamStatus.CANCELLED
    return wanted in _NEXT[current]


def name_ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:_NAMED])
    return shown + (f" and {len(ids) - _NAMED} more" if len(ids) > _NAMED else "")


def _check_times(values: dict[str, Any]) -> None:
    if values["start_time"] >= values["end_time"]:
        raise InvalidState("start_time must be before end_time")


async def _record(schedule_id: int) -> ExamScheduleOut:
    rows = await ExamSchedule.filter(id=schedule_id).values(*SCHEDULE_FIELDS)
    return ExamScheduleOut(**rows[0])


async def list_exam_schedules(
    actor: Actor, *, page: PageRequest, course_id: int | None = None, academic_year: str | None = None,
    semester: int | None = None, status: ExamStatus | None = None, exam_type: str | None = None,
) -> Page[dict[str, Any]]:
    """Soonest first."""
    authorize(actor, Permission.EXAMS_READ)
    filters = {"course_id": course_id, "academic_year": academic_year, "semester": semester, "status": status,
               "exam_type": exam_type}
    query = visible_exam_schedules(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate_values(query.order_by("start_time", "id"), page, *SCHEDULE_FIELDS)


async def get_exam_schedule(actor: Actor, *, schedule_id: int) -> ExamScheduleOut:
    authorize(actor, Permission.EXAMS_READ)
    await get_or_404(visible_exam_schedules(actor), schedule_id, label=LABEL)
    return await _record(schedule_id)


async def create_exam_schedule(actor: Actor, *, data: ExamScheduleCreate) -> ExamScheduleOut:
    """Unknown course 404; start not before end 400."""
    authorize(actor, Permission.EXAMS_WRITE)
    values = data.model_dump()
    await get_or_404(Course, data.course_id, label="Course")
    _check_times(values)
    async with atomic():
        schedule = await ExamSchedule.create(**values)
        await audit.record(actor, "create", schedule)
    return await _record(schedule.id)


async def _entries_left_outside(schedule: ExamSchedule, values: dict[str, Any]) -> list[int]:
    """The schedule's entries the changed window or course would no longer hold."""
    outside = (Q(exam_date__lt=values["start_time"].date()) | Q(exam_date__gt=values["end_time"].date())
               | Q(start_time__lt=values["start_time"]) | Q(end_time__gt=values["end_time"])
               | ~Q(course_offering__course_id=values["course_id"]))
    return await ids_of(ExamTimetable.filter(outside, exam_schedule_id=schedule.id).order_by("id"), "id")


async def update_exam_schedule(actor: Actor, *, schedule_id: int, changes: ExamScheduleUpdate) -> ExamScheduleOut:
    """Partial. Unknown course 404; start not before end (as merged) 400; a status move
    the flow does not allow 400; a window or course that leaves timetable entries
    outside it 409, naming them."""
    authorize(actor, Permission.EXAMS_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(ExamSchedule, values)
    if "course_id" in values:
        await get_or_404(Course, values["course_id"], label="Course")
    async with audited_edit(actor, visible_exam_schedules(actor), schedule_id, label=LABEL) as schedule:
        merged = {name: getattr(schedule, name) for name in ("start_time", "end_time", "course_id")} | values
        _check_times(merged)
        current = ExamStatus(schedule.status)
        if "status" in values and not may_move(current, values["status"]):
            raise InvalidState(f"An exam schedule cannot go from {current.value} to {values['status'].value}")
        if {"start_time", "end_time", "course_id"} & values.keys():
            outside = await _entries_left_outside(schedule, merged)
            if outside:
                raise Conflict(f"Timetable entries {name_ids(outside)} would fall outside this exam schedule's "
                               "window or course; move or delete them first")
        schedule.update_from_dict(values)
    return await _record(schedule_id)


async def delete_exam_schedule(actor: Actor, *, schedule_id: int) -> None:
    """Hard delete, audited; 409 naming its timetable entries while it has any."""
    authorize(actor, Permission.EXAMS_WRITE)
    async with atomic():
        schedule = await get_or_404(visible_exam_schedules(actor), schedule_id, label=LABEL, for_update=True)
        entries = await ids_of(ExamTimetable.filter(exam_schedule_id=schedule_id).order_by("id"), "id")
        if entries:
            raise Conflict(f"Exam schedule cannot be deleted: it still has timetable entries {name_ids(entries)}")
        before = audit.snapshot(schedule)
        await schedule.delete()
        await audit.record(actor, "delete", schedule, before=before, after=None)
