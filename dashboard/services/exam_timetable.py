"""Exam timetable entries: domain.md §3.13 with its RECs.

An entry is one sitting of an exam schedule for one course offering. Beyond the
reference's existence checks, an entry (new, or as merged by an update) must be of an
offering of the schedule's course, on a date inside the schedule's window, and must not
clash in time with another sitting (of a schedule that is not cancelled):
- in the same venue;
- of the same program and semester;
- of any offering that one of this offering's registered students also sits.
Each refusal is a 409 naming the sitting it clashes with; `details` lists every clash.
Every write holds one transaction-level advisory lock, so two sittings booked at once
are checked one after the other and cannot both take the same hall.

Entries are catalogue data; a student's own exam list (`student_exams`) is a person-bound
read and goes through the students scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any

from tortoise import connections
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState
from dashboard.core.exports import Export, export
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.exams import (
    ExamEntryCreate,
    ExamEntryOut,
    ExamEntryUpdate,
    ExamExportOut,
    ExamExportRecord,
    StudentExam,
    StudentExamsOut,
)
from dashboard.services import exams, students
from models import CourseOffering, ExamSchedule, ExamTimetable
from models.enums import ExamStatus, RegistrationStatus

LABEL = "Exam timetable entry"
ENTRY_FIELDS = tuple(ExamEntryOut.model_fields)
EXPORT_FORMATS = ("json", "csv", "xlsx")
EXPORT_CHUNK = 2000
# pg_advisory_xact_lock key held by every write of the exam timetable ("examtt" in ASCII).
EXAM_TIMETABLE_LOCK = 0x6578616D7474

_SCHEDULE_VALUES = {"exam_name": "exam_schedule__exam_name", "exam_type": "exam_schedule__exam_type",
                    "status": "exam_schedule__status", "course_id": "course_offering__course_id"}
_EXPORT_VALUES = {**_SCHEDULE_VALUES, "academic_year": "exam_schedule__academic_year",
                  "semester": "exam_schedule__semester"}
EXPORT_COLUMNS = ("Exam Name", "Exam Type", "Course ID", "Course Offering ID", "Academic Year", "Semester",
                  "Exam Date", "Start Time", "End Time", "Duration (minutes)", "Venue", "Max Marks", "Status")


def visible_exam_entries(actor: Actor) -> QuerySet[ExamTimetable]:
    """Every entry: the exam timetable is catalogue data."""
    return ExamTimetable.all()


async def _record(entry_id: int) -> ExamEntryOut:
    rows = await ExamTimetable.filter(id=entry_id).values(*ENTRY_FIELDS)
    return ExamEntryOut(**rows[0])


# --- the checks -----------------------------------------------------------------------------

# Every sitting the candidate ($1 its own id or NULL, $2 its offering, $3..$4 its times,
# $5 its venue) would clash with, among sittings of schedules that are not cancelled.
_CLASHES = """
WITH live AS (
    SELECT t.id, t.course_offering_id, t.venue, t.start_time, t.end_time
    FROM exam_timetables t JOIN exam_schedules es ON es.id = t.exam_schedule_id
    WHERE es.status <> 'cancelled' AND t.start_time < $4 AND $3 < t.end_time
      AND t.id IS DISTINCT FROM $1
), mine AS (
    SELECT program_id, semester FROM course_offerings WHERE id = $2
), mine_students AS (
    SELECT DISTINCT e.student_id
    FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id
    WHERE r.course_offering_id = $2 AND r.status = 'registered'
)
SELECT 'venue' AS kind, l.id, l.course_offering_id, l.venue, l.start_time, l.end_time, 0 AS students
FROM live l WHERE lower(l.venue) = lower($5)
UNION ALL
SELECT 'cohort', l.id, l.course_offering_id, l.venue, l.start_time, l.end_time, 0
FROM live l JOIN course_offerings o ON o.id = l.course_offering_id JOIN mine m
     ON m.program_id = o.program_id AND m.semester = o.semester
UNION ALL
SELECT 'student', l.id, l.course_offering_id, l.venue, l.start_time, l.end_time, count(DISTINCT e.student_id)
FROM live l
JOIN course_registrations r ON r.course_offering_id = l.course_offering_id AND r.status = 'registered'
JOIN enrollments e ON e.id = r.enrollment_id
JOIN mine_students ms ON ms.student_id = e.student_id
GROUP BY l.id, l.course_offering_id, l.venue, l.start_time, l.end_time
ORDER BY 1 DESC, 2
"""


def _span(row: dict[str, Any]) -> str:
    start, end = row["start_time"].astimezone(dt.UTC), row["end_time"].astimezone(dt.UTC)
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"


def _clash_message(row: dict[str, Any], offering: CourseOffering) -> str:
    other = f"exam timetable entry {row['id']} (course offering {row['course_offering_id']}, {_span(row)})"
    if row["kind"] == "venue":
        return f"Venue '{row['venue']}' is already taken at that time by {other}"
    if row["kind"] == "cohort":
        return (f"Program {offering.program_id} semester {offering.semester} "
                f"already has an exam at that time: {other}")
    count = row["students"]
    return (f"{count} student{'s' if count != 1 else ''} registered in course offering {offering.id} "
            f"also sit{'s' if count == 1 else ''} {other}")


async def _check_entry(values: dict[str, Any], *, entry_id: int | None = None) -> None:
    """Every rule of a sitting, on the values it would have; call holding the lock."""
    schedule = await get_or_404(ExamSchedule, values["exam_schedule_id"], label=exams.LABEL, for_update=True)
    offering = await get_or_404(CourseOffering, values["course_offering_id"], label="Course offering")
    if values["start_time"] >= values["end_time"]:
        raise InvalidState("start_time must be before end_time")
    if offering.course_id != schedule.course_id:
        raise InvalidState(f"Course offering {offering.id} is not of the exam schedule's course "
                           f"(course {schedule.course_id})")
    first, last = schedule.start_time.astimezone(dt.UTC), schedule.end_time.astimezone(dt.UTC)
    if not first.date() <= values["exam_date"] <= last.date():
        raise InvalidState(f"exam_date must be within the exam schedule's window, {first:%Y-%m-%d} to {last:%Y-%m-%d}")
    if values["start_time"] < first or values["end_time"] > last:
        raise InvalidState(f"The sitting must be within the exam schedule's window, {first:%Y-%m-%d %H:%M} "
                           f"to {last:%Y-%m-%d %H:%M} UTC")
    if schedule.status == ExamStatus.CANCELLED:
        return  # a cancelled session occupies nothing
    rows = await connections.get("default").execute_query_dict(_CLASHES, [
        entry_id, offering.id, values["start_time"], values["end_time"], values["venue"]])
    if rows:
        messages = [_clash_message(dict(row), offering) for row in rows]
        raise Conflict(messages[0], details=[{"kind": row["kind"], "exam_timetable_id": row["id"],
                                              "course_offering_id": row["course_offering_id"], "message": m}
                                             for row, m in zip(rows, messages, strict=True)])


async def _lock() -> None:
    await connections.get("default").execute_query("SELECT pg_advisory_xact_lock($1)", [EXAM_TIMETABLE_LOCK])


# --- reading --------------------------------------------------------------------------------


async def list_exam_entries(actor: Actor, *, page: PageRequest, exam_schedule_id: int | None = None,
                            course_offering_id: int | None = None) -> Page[dict[str, Any]]:
    """By date and start time."""
    authorize(actor, Permission.EXAMS_READ)
    filters = {"exam_schedule_id": exam_schedule_id, "course_offering_id": course_offering_id}
    query = visible_exam_entries(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate_values(query.order_by("exam_date", "start_time", "id"), page, *ENTRY_FIELDS)


async def get_exam_entry(actor: Actor, *, entry_id: int) -> ExamEntryOut:
    authorize(actor, Permission.EXAMS_READ)
    await get_or_404(visible_exam_entries(actor), entry_id, label=LABEL)
    return await _record(entry_id)


# The offerings the student `$1` is registered in now, as an id subquery.
REGISTERED_OFFERINGS_SQL = (
    "SELECT r.course_offering_id FROM course_registrations r JOIN enrollments e ON e.id = r.enrollment_id "
    f"WHERE e.student_id = $1 AND r.status = '{RegistrationStatus.REGISTERED.value}'"
)
# A student's sittings written out once (the ORM compiled this three-table shape on every
# request, most of the read's CPU).
_STUDENT_EXAMS = (
    "SELECT x.id, x.exam_schedule_id, x.course_offering_id, x.exam_date, x.start_time, x.end_time, "
    "x.duration_minutes, x.venue, x.max_marks, es.exam_name, es.exam_type, es.status, o.course_id "
    "FROM exam_timetables x JOIN exam_schedules es ON es.id = x.exam_schedule_id "
    "JOIN course_offerings o ON o.id = x.course_offering_id "
    f"WHERE x.course_offering_id IN ({REGISTERED_OFFERINGS_SQL})"
)


async def student_exams(actor: Actor, *, student_id: int) -> StudentExamsOut:
    """The sittings of the offerings the student is registered in, each once, by date
    and time. A student outside the caller's scope (another student's id) is a 404."""
    authorize(actor, Permission.EXAMS_READ)
    rows = await students.visible_student_rows(actor, student_id, _STUDENT_EXAMS,
                                               order_by="r.exam_date, r.start_time, r.id")
    exams = StudentExam.rows(rows)
    return StudentExamsOut(student_id=student_id, exams=exams, total=len(exams))


def _export_query(exam_schedule_id: int | None, academic_year: str | None,
                  semester: int | None) -> QuerySet[ExamTimetable]:
    filters = {"exam_schedule_id": exam_schedule_id, "exam_schedule__academic_year": academic_year,
               "exam_schedule__semester": semester}
    return ExamTimetable.filter(**{k: v for k, v in filters.items() if v is not None})


_EXPORT_FIELDS = ("exam_name", "exam_type", "course_id", "course_offering_id", "academic_year", "semester",
                  "exam_date", "start_time", "end_time", "duration_minutes", "venue", "max_marks", "status")


async def _export_chunks(query: QuerySet[ExamTimetable]) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Keyset pages (id > last id), so memory stays flat however large the export."""
    last_id = 0
    while True:
        rows = await query.filter(id__gt=last_id).order_by("id").limit(EXPORT_CHUNK).values(
            "id", "course_offering_id", "exam_date", "start_time", "end_time", "duration_minutes", "venue",
            "max_marks", **_EXPORT_VALUES)
        if not rows:
            return
        last_id = rows[-1]["id"]
        yield [[row[name] for name in _EXPORT_FIELDS] for row in rows]
        if len(rows) < EXPORT_CHUNK:
            return


def check_export_format(value: str | None) -> str:
    fmt = (value or "json").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise InvalidState("Invalid format; use json, csv or xlsx")
    return fmt


async def export_exam_entries(actor: Actor, *, exam_schedule_id: int | None = None, academic_year: str | None = None,
                              semester: int | None = None) -> ExamExportOut:
    """The JSON export: every matching sitting with its session, by date and time."""
    authorize(actor, Permission.EXAMS_READ)
    rows = await _export_query(exam_schedule_id, academic_year, semester).order_by(
        "exam_date", "start_time", "id").values(
        "course_offering_id", "exam_date", "start_time", "end_time", "duration_minutes", "venue", "max_marks",
        **_EXPORT_VALUES)
    records = ExamExportRecord.rows(rows)
    return ExamExportOut(records=records, total=len(records))


def export_exam_entries_file(actor: Actor, *, fmt: str, exam_schedule_id: int | None = None,
                             academic_year: str | None = None, semester: int | None = None) -> Export:
    """CSV or XLSX through the formula-safe writer; rows are read while the body streams."""
    authorize(actor, Permission.EXAMS_READ)
    rows = _export_chunks(_export_query(exam_schedule_id, academic_year, semester))
    return export(fmt, basename="exam_timetable_export", header=EXPORT_COLUMNS, rows=rows,  # type: ignore[arg-type]
                  sheet_title="Exam timetable")


# --- writing --------------------------------------------------------------------------------


async def create_exam_entry(actor: Actor, *, data: ExamEntryCreate) -> ExamEntryOut:
    """Unknown schedule or offering 404; start not before end, an offering of another
    course, or a sitting outside the schedule's window 400; a clash 409 naming it."""
    authorize(actor, Permission.EXAMS_WRITE)
    values = data.model_dump()
    async with atomic():
        await _lock()
        await _check_entry(values)
        entry = await ExamTimetable.create(**values)
        await audit.record(actor, "create", entry)
    return await _record(entry.id)


async def update_exam_entry(actor: Actor, *, entry_id: int, changes: ExamEntryUpdate) -> ExamEntryOut:
    """Partial; the merged sitting is checked as a new one (itself excluded)."""
    authorize(actor, Permission.EXAMS_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(ExamTimetable, values)
    async with atomic():
        await _lock()
        async with audited_edit(actor, visible_exam_entries(actor), entry_id, label=LABEL) as entry:
            merged = {name: getattr(entry, name) for name in (
                "exam_schedule_id", "course_offering_id", "exam_date", "start_time", "end_time", "venue")} | values
            await _check_entry(merged, entry_id=entry_id)
            entry.update_from_dict(values)
    return await _record(entry_id)


async def delete_exam_entry(actor: Actor, *, entry_id: int) -> None:
    """Hard delete, audited."""
    authorize(actor, Permission.EXAMS_WRITE)
    async with atomic():
        entry = await get_or_404(visible_exam_entries(actor), entry_id, label=LABEL, for_update=True)
        before = audit.snapshot(entry)
        await entry.delete()
        await audit.record(actor, "delete", entry, before=before, after=None)



async def offerings_of_schedule(actor: Actor, *, schedule_id: int) -> list[dict[str, Any]]:
    """The offerings a sitting of this schedule may be for (its course's), for a form."""
    authorize(actor, Permission.EXAMS_READ)
    schedule = await get_or_404(exams.visible_exam_schedules(actor), schedule_id, label=exams.LABEL)
    return await CourseOffering.filter(course_id=schedule.course_id).order_by(
        "-academic_year", "semester", "section", "id").values(
        "id", "program_id", "academic_year", "semester", "section", course_code="course__code")
