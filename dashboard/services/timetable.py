"""The weekly class timetable: domain.md §3.14 with its RECs.

A class schedule books an offering into a timetable slot (a day of the week and a time
of day) in a room. A booking, whether new (`generate`) or changed (`update`, a
reactivation included), is refused when it would clash with an active class at an
overlapping time on the same day, or with another booking of the same request:
- the same room (across different slots too, since slots may overlap);
- a member of the offering's teaching team (a faculty member in two places);
- the same cohort: the same program, academic year, semester and section (no section
  is a section of its own);
and a `break` slot takes no class. Every refusal names the clash (item, offering, slot,
room or faculty member); `details` lists all of them, and nothing is written.

The checks are set-based: for any number of items, one query loads the offerings with
their teaching teams, one the slots, one finds every clash with the stored timetable,
and one INSERT writes the rows, all under one transaction-level advisory lock, so two
requests booking the same room at once are checked one after the other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, refuse_nulls, require_changes
from dashboard.schemas.course_offerings import ClassScheduleEntry
from dashboard.schemas.timetable import (
    ClassScheduleOut,
    ClassScheduleUpdate,
    FacultyTimetableOut,
    RoomTimetableOut,
    StudentTimetableOut,
    TimetableGenerate,
    TimetableGenerateOut,
    TimetableItem,
)
from dashboard.services import course_offerings, faculty, students
from dashboard.services.enrollments import audit_bulk
from dashboard.services.exam_timetable import REGISTERED_OFFERINGS_SQL
from models import ClassSchedule
from models.enums import SlotType

LABEL = "Class schedule"
SCHEDULE_FIELDS = tuple(ClassScheduleOut.model_fields)
# pg_advisory_xact_lock key held by every write of the class timetable ("classtt" in ASCII).
TIMETABLE_LOCK = 0x636C6173737474
# A refusal lists at most this many clashes in `details`.
MAX_DETAILS = 50
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def visible_class_schedules(actor: Actor) -> QuerySet[ClassSchedule]:
    """Every class: the timetable is catalogue data."""
    return ClassSchedule.all()


@dataclass(frozen=True, slots=True)
class Booking:
    """One wanted class with what the checks need of its offering and slot."""

    item: int  # 1-based position in the request
    offering_id: int
    slot_id: int
    room_no: str
    day: int
    start: dt.time
    end: dt.time
    slot_type: str
    cohort: tuple[int, str, int, str | None]
    faculty_ids: frozenset[int]

    def slot_text(self) -> str:
        return f"slot {self.slot_id} ({_DAYS[self.day]} {self.start:%H:%M}-{self.end:%H:%M})"

    def overlaps(self, other: Booking) -> bool:
        return self.day == other.day and self.start < other.end and other.start < self.end


def _cohort_text(cohort: tuple[int, str, int, str | None]) -> str:
    program, year, semester, section = cohort
    return f"Program {program} {year} semester {semester}" + (f" section {section}" if section else "")


_OFFERINGS = """
SELECT o.id, o.program_id, o.academic_year, o.semester, o.section,
       coalesce(array_agg(f.faculty_id ORDER BY f.faculty_id) FILTER (WHERE f.faculty_id IS NOT NULL), '{}') AS team
FROM course_offerings o LEFT JOIN offering_faculty f ON f.offering_id = o.id
WHERE o.id = ANY($1::int[]) GROUP BY o.id
"""
_SLOTS = "SELECT id, slot_type, day_of_week, start_time, end_time FROM timetable_slots WHERE id = ANY($1::int[])"


async def _bookings(items: list[TimetableItem]) -> list[Booking]:
    """The items with their offerings and slots (two queries); the first unknown offering
    or slot, in request order, is a 404 naming the item."""
    connection = connections.get("default")
    offerings = {r["id"]: r for r in await connection.execute_query_dict(
        _OFFERINGS, [sorted({i.course_offering_id for i in items})])}
    slots = {r["id"]: r for r in await connection.execute_query_dict(_SLOTS, [sorted({i.slot_id for i in items})])}
    bookings = []
    for n, item in enumerate(items, start=1):
        which = f" (item {n})" if len(items) > 1 else ""
        offering = offerings.get(item.course_offering_id)
        if offering is None:
            raise NotFound(f"Course offering {item.course_offering_id} not found{which}")
        slot = slots.get(item.slot_id)
        if slot is None:
            raise NotFound(f"Timetable slot {item.slot_id} not found{which}")
        bookings.append(Booking(
            item=n, offering_id=offering["id"], slot_id=slot["id"], room_no=item.room_no, day=slot["day_of_week"],
            start=slot["start_time"], end=slot["end_time"], slot_type=slot["slot_type"],
            cohort=(offering["program_id"], offering["academic_year"], offering["semester"], offering["section"]),
            faculty_ids=frozenset(offering["team"]),
        ))
    return bookings


def _request_clashes(bookings: list[Booking]) -> list[dict[str, Any]]:
    """Break slots, repeats and clashes among the request's own items (by day, so only
    the items of one day are compared with each other)."""
    found: list[dict[str, Any]] = []
    for b in bookings:
        if b.slot_type == SlotType.BREAK.value:
            found.append({"kind": "break_slot", "item": b.item, "slot_id": b.slot_id,
                          "message": f"Item {b.item}: {b.slot_text()} is a break slot; no class can be booked in it"})
    by_day: dict[int, list[Booking]] = defaultdict(list)
    for b in bookings:
        by_day[b.day].append(b)
    for day in sorted(by_day):
        todays = sorted(by_day[day], key=lambda b: (b.start, b.item))
        for i, a in enumerate(todays):
            for b in todays[i + 1:]:
                if b.start >= a.end:
                    break
                first, second = (a, b) if a.item < b.item else (b, a)
                found.extend(_pair_clashes(first, second))
    found.sort(key=lambda c: (c["item"], c.get("other_item", 0)))
    return found


def _pair_clashes(a: Booking, b: Booking) -> list[dict[str, Any]]:
    """Two items of the request at overlapping times on one day; `b` comes later."""
    where = f"item {b.item} (course offering {b.offering_id}, {b.slot_text()}, room '{b.room_no}')"
    base = {"item": b.item, "other_item": a.item, "course_offering_id": b.offering_id,
            "other_course_offering_id": a.offering_id, "slot_id": b.slot_id}
    if (a.offering_id, a.slot_id, a.room_no) == (b.offering_id, b.slot_id, b.room_no):
        return [{**base, "kind": "duplicate", "message": f"Item {b.item} repeats item {a.item}"}]
    found = []
    if a.room_no == b.room_no:
        found.append({**base, "kind": "room", "room_no": b.room_no, "message":
                      f"Room '{b.room_no}' is booked twice at overlapping times in this request: item {a.item} "
                      f"(course offering {a.offering_id}, {a.slot_text()}) and {where}"})
    for faculty_id in sorted(a.faculty_ids & b.faculty_ids):
        found.append({**base, "kind": "faculty", "faculty_id": faculty_id, "message":
                      f"Faculty member {faculty_id} would teach in two places at once in this request: item {a.item} "
                      f"(course offering {a.offering_id}, {a.slot_text()}, room '{a.room_no}') and {where}"})
    if a.cohort == b.cohort:
        found.append({**base, "kind": "cohort", "message":
                      f"{_cohort_text(b.cohort)} would have two classes at once in this request: "
                      f"item {a.item} (course offering {a.offering_id}, {a.slot_text()}) and {where}"})
    return found


# Every active class (other than $5, the row being changed) that one of the candidates
# (item $1, offering $2, slot $3, room $4) clashes with: an overlapping time on the same
# day, and the same room, a shared teacher or the same cohort.
_STORED_CLASHES = """
WITH cand AS (
    SELECT c.item, c.offering_id, c.room_no, s.id AS slot_id, s.day_of_week, s.start_time, s.end_time,
           o.program_id, o.academic_year, o.semester, o.section
    FROM unnest($1::int[], $2::int[], $3::int[], $4::text[]) AS c(item, offering_id, slot_id, room_no)
    JOIN timetable_slots s ON s.id = c.slot_id
    JOIN course_offerings o ON o.id = c.offering_id
), booked AS (
    SELECT cs.id, cs.course_offering_id, cs.room_no, s.id AS slot_id, s.day_of_week, s.start_time, s.end_time,
           o.program_id, o.academic_year, o.semester, o.section
    FROM class_schedules cs
    JOIN timetable_slots s ON s.id = cs.slot_id
    JOIN course_offerings o ON o.id = cs.course_offering_id
    WHERE cs.is_active AND cs.id IS DISTINCT FROM $5::int
      AND s.day_of_week IN (SELECT day_of_week FROM cand)
), pairs AS (
    SELECT c.item, c.offering_id, c.slot_id AS item_slot_id, c.room_no AS item_room_no,
           b.id AS class_schedule_id, b.course_offering_id, b.slot_id, b.room_no, b.day_of_week,
           b.start_time, b.end_time,
           b.room_no = c.room_no AS same_room,
           (b.program_id, b.academic_year, b.semester) = (c.program_id, c.academic_year, c.semester)
               AND b.section IS NOT DISTINCT FROM c.section AS same_cohort,
           c.program_id, c.academic_year, c.semester, c.section
    FROM cand c JOIN booked b
      ON b.day_of_week = c.day_of_week AND b.start_time < c.end_time AND c.start_time < b.end_time
)
SELECT p.*, shared.faculty_ids
FROM pairs p
LEFT JOIN LATERAL (
    SELECT array_agg(f.faculty_id ORDER BY f.faculty_id) AS faculty_ids
    FROM offering_faculty f JOIN offering_faculty g ON g.faculty_id = f.faculty_id
    WHERE f.offering_id = p.offering_id AND g.offering_id = p.course_offering_id
) shared ON true
WHERE p.same_room OR p.same_cohort OR shared.faculty_ids IS NOT NULL
ORDER BY p.item, p.class_schedule_id
"""


def _stored_clash_messages(row: dict[str, Any]) -> list[dict[str, Any]]:
    slot = f"slot {row['slot_id']} ({_DAYS[row['day_of_week']]} {row['start_time']:%H:%M}-{row['end_time']:%H:%M})"
    other = f"course offering {row['course_offering_id']} (class schedule {row['class_schedule_id']}, {slot}"
    item = (f"item {row['item']} (course offering {row['offering_id']}, slot {row['item_slot_id']}, "
            f"room '{row['item_room_no']}')")
    base = {"item": row["item"], "course_offering_id": row["offering_id"], "slot_id": row["item_slot_id"],
            "class_schedule_id": row["class_schedule_id"], "other_course_offering_id": row["course_offering_id"]}
    found = []
    if row["same_room"]:
        when = (f"for slot {row['slot_id']}" if row["slot_id"] == row["item_slot_id"]
                else f"at an overlapping time, {slot},")
        found.append({**base, "kind": "room", "room_no": row["room_no"], "message":
                      f"Room '{row['room_no']}' is already booked {when} by course offering "
                      f"{row['course_offering_id']} (class schedule {row['class_schedule_id']}): {item}"})
    for faculty_id in row["faculty_ids"] or ():
        found.append({**base, "kind": "faculty", "faculty_id": faculty_id, "message":
                      f"Faculty member {faculty_id} already teaches {other}, room '{row['room_no']}') "
                      f"at that time: {item}"})
    if row["same_cohort"]:
        cohort = _cohort_text((row["program_id"], row["academic_year"], row["semester"], row["section"]))
        found.append({**base, "kind": "cohort", "message":
                      f"{cohort} already has {other}) at that time: {item}"})
    return found


async def _check_bookings(bookings: list[Booking], *, exclude_id: int | None = None) -> None:
    """Every rule; a 409 (400 for a break slot alone) naming the first clash, all in
    `details`. Call holding the lock."""
    clashes = _request_clashes(bookings)
    if not clashes:
        rows = await connections.get("default").execute_query_dict(_STORED_CLASHES, [
            [b.item for b in bookings], [b.offering_id for b in bookings], [b.slot_id for b in bookings],
            [b.room_no for b in bookings], exclude_id])
        clashes = [c for row in rows for c in _stored_clash_messages(dict(row))]
    if clashes:
        error = InvalidState if all(c["kind"] == "break_slot" for c in clashes) else Conflict
        raise error(clashes[0]["message"], details=clashes[:MAX_DETAILS])


async def _lock() -> None:
    await connections.get("default").execute_query("SELECT pg_advisory_xact_lock($1)", [TIMETABLE_LOCK])


# --- writing --------------------------------------------------------------------------------

_INSERT = """
INSERT INTO class_schedules (course_offering_id, slot_id, room_no, is_active, created_at)
SELECT o, s, r, true, now() FROM unnest($1::int[], $2::int[], $3::text[]) WITH ORDINALITY AS t(o, s, r, n)
ORDER BY n
RETURNING id, course_offering_id, slot_id, room_no, is_active, created_at, updated_at
"""


async def generate_timetable(actor: Actor, *, data: TimetableGenerate) -> TimetableGenerateOut:
    """All or nothing: an empty list 400; an unknown offering or slot 404 naming the
    item; a break slot 400; a repeat or a clash (in the request or with the stored
    timetable) 409 naming it. Otherwise every item is booked as active, in order."""
    authorize(actor, Permission.TIMETABLE_WRITE)
    if not data.items:
        raise InvalidState("Give at least one item")
    connection = connections.get("default")
    async with atomic():
        await _lock()
        bookings = await _bookings(data.items)
        await _check_bookings(bookings)
        try:
            rows = await connection.execute_query_dict(_INSERT, [
                [b.offering_id for b in bookings], [b.slot_id for b in bookings], [b.room_no for b in bookings]])
        except IntegrityError as exc:  # only a writer that bypasses this service could get here
            raise Conflict("A room is already booked for one of these slots") from exc
        created = ClassScheduleOut.rows(dict(r) for r in rows)
        await audit_bulk(actor, "create", entity_type="class_schedules", entity_id=created[0].id,
                         name=f"timetable: {len(created)} classes booked",
                         after={"class_schedule_ids": [c.id for c in created],
                                "items": [i.model_dump() for i in data.items]})
    return TimetableGenerateOut(created=created, total=len(created))


async def _row(schedule_id: int) -> ClassScheduleOut:
    rows = await ClassSchedule.filter(id=schedule_id).values(*SCHEDULE_FIELDS)
    return ClassScheduleOut(**rows[0])


async def update_class_schedule(actor: Actor, *, schedule_id: int,
                                changes: ClassScheduleUpdate) -> ClassScheduleOut:
    """Partial. Unknown offering or slot 404; when the result is active (a reactivation
    included) it is checked as a new booking, itself excluded: a break slot 400, a clash
    409 naming it."""
    authorize(actor, Permission.TIMETABLE_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(ClassSchedule, values)
    async with atomic():
        await _lock()
        async with audited_edit(actor, visible_class_schedules(actor), schedule_id, label=LABEL) as row:
            merged = {"course_offering_id": row.course_offering_id, "slot_id": row.slot_id,
                      "room_no": row.room_no, "is_active": row.is_active} | values
            bookings = await _bookings([TimetableItem(course_offering_id=merged["course_offering_id"],
                                                      slot_id=merged["slot_id"], room_no=merged["room_no"])])
            if merged["is_active"]:
                await _check_bookings(bookings, exclude_id=schedule_id)
            row.update_from_dict(values)
    return await _row(schedule_id)


# --- reading --------------------------------------------------------------------------------


async def list_class_schedules(
    actor: Actor, *, page: PageRequest, course_offering_id: int | None = None, slot_id: int | None = None,
    room_no: str | None = None, is_active: bool | None = None,
) -> Page[dict[str, Any]]:
    authorize(actor, Permission.TIMETABLE_READ)
    filters = {"course_offering_id": course_offering_id, "slot_id": slot_id, "room_no": room_no,
               "is_active": is_active}
    query = visible_class_schedules(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate_values(query.order_by("id"), page, *SCHEDULE_FIELDS)


# A student's week written out once (the ORM compiled this four-table shape on every
# request, most of the read's CPU): the fields of `course_offerings.class_schedule_entries`.
_STUDENT_CLASSES = (
    "SELECT cs.id, cs.course_offering_id, o.course_id, c.code AS course_code, c.name AS course_name, o.section, "
    "cs.slot_id, sl.slot_type, sl.day_of_week, sl.start_time, sl.end_time, cs.room_no "
    "FROM class_schedules cs JOIN course_offerings o ON o.id = cs.course_offering_id "
    "JOIN courses c ON c.id = o.course_id JOIN timetable_slots sl ON sl.id = cs.slot_id "
    f"WHERE cs.is_active AND cs.course_offering_id IN ({REGISTERED_OFFERINGS_SQL})"
)


async def student_timetable(actor: Actor, *, student_id: int) -> StudentTimetableOut:
    """The active classes of the offerings the student is registered in, by day and
    time. Another student's id (outside the caller's scope) is a 404."""
    authorize(actor, Permission.TIMETABLE_READ)
    entries = ClassScheduleEntry.rows(await students.visible_student_rows(
        actor, student_id, _STUDENT_CLASSES, order_by="r.day_of_week, r.start_time, r.id"))
    return StudentTimetableOut(student_id=student_id, schedules=entries, total=len(entries))


async def faculty_timetable(actor: Actor, *, faculty_id: int) -> FacultyTimetableOut:
    """The active classes of the offerings the member teaches; an unknown member 404."""
    entries = await faculty.faculty_schedule(actor, faculty_id=faculty_id)
    return FacultyTimetableOut(faculty_id=faculty_id, schedules=entries, total=len(entries))


async def room_timetable(actor: Actor, *, room_no: str) -> RoomTimetableOut:
    """The room's active classes; a room no class was ever booked in is a 404."""
    authorize(actor, Permission.TIMETABLE_READ)
    query = visible_class_schedules(actor).filter(room_no=room_no)
    if not await query.exists():
        raise NotFound("Room not found")
    entries = await course_offerings.class_schedule_entries(query)
    return RoomTimetableOut(room_no=room_no, schedules=entries, total=len(entries))


async def cohort_timetable(actor: Actor, *, program_id: int, semester: int) -> list[ClassScheduleEntry]:
    """The active classes of a program's semester (every section, every year), by day and time."""
    authorize(actor, Permission.TIMETABLE_READ)
    return await course_offerings.class_schedule_entries(visible_class_schedules(actor).filter(
        course_offering__program_id=program_id, course_offering__semester=semester))
