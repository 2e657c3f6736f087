"""Course offerings, who teaches them, and their rosters: domain.md §3.5 and notes §3.1.

A roster is the offering's `course_registrations`. `course_offerings.enrolled_students`
counts its `registered` rows and changes only in the transaction that adds them, while
that transaction holds the offering row (SELECT ... FOR UPDATE); a CHECK constraint keeps
it within max_capacity whatever else writes to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from tortoise import connections
from tortoise.expressions import RawSQL, Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_change,
    delete_unless_referenced,
    get_or_404,
    refuse_nulls,
    require_changes,
    touch,
)
from dashboard.schemas.course_offerings import (
    MAX_ROSTER_ITEMS,
    ClassScheduleEntry,
    OfferingCreate,
    OfferingOut,
    OfferingUpdate,
    RosterAddOut,
    RosterEntry,
)
from models import (
    Assessment,
    Attendance,
    ClassSchedule,
    Course,
    CourseOffering,
    CourseRegistration,
    Enrollment,
    ExamTimetable,
    Faculty,
    Grade,
    OfferingFaculty,
    Program,
)
from models.enums import EnrollmentStatus, OfferingStatus, PersonStatus, RegistrationStatus

OFFERING_FIELDS = (
    "id", "program_id", "course_id", "semester", "academic_year", "section", "room_number", "max_capacity",
    "enrolled_students", "status", "start_date", "end_date", "created_at", "updated_at",
)
_FACULTY_IDS = RawSQL(
    'ARRAY(SELECT f.faculty_id FROM offering_faculty f '
    'WHERE f.offering_id = "course_offerings"."id" ORDER BY f.faculty_id)'
)
_COURSE_FIELDS = {"course_code": "course__code", "course_name": "course__name"}
_DEPENDANTS = (
    (ClassSchedule, "class schedules"),
    (Attendance, "attendance records"),
    (CourseRegistration, "registered students"),
    (Assessment, "assessments"),
    (Grade, "grades"),
    (ExamTimetable, "exam timetable entries"),
)
# Registration is refused once an offering is over.
CLOSED_STATUSES = (OfferingStatus.COMPLETED, OfferingStatus.CANCELLED)
LABEL = "Course offering"
__all__ = ["MAX_ROSTER_ITEMS"]


# --- who sees which offerings ---------------------------------------------------------------


def visible_offerings(actor: Actor) -> QuerySet[CourseOffering]:
    """Offerings are part of the catalogue (notes §3.11): every signed-in role reads them all."""
    return CourseOffering.all()


def offerings_taught_by(faculty_id: int) -> QuerySet[CourseOffering]:
    """The offerings a faculty member teaches: those they are listed on (offering_faculty),
    whatever their status. The one definition, used by /faculty/{id}/courses, the admin
    panel and `students.students_taught_by`."""
    return CourseOffering.filter(
        id__in=Subquery(OfferingFaculty.filter(faculty_id=faculty_id).values("offering_id")))


# --- reading --------------------------------------------------------------------------------

# One weekly class, the same fields wherever it appears (schemas ClassScheduleEntry).
_CLASS_FIELDS = {
    "course_id": "course_offering__course_id", "course_code": "course_offering__course__code",
    "course_name": "course_offering__course__name", "section": "course_offering__section",
    "slot_type": "slot__slot_type", "day_of_week": "slot__day_of_week", "start_time": "slot__start_time",
    "end_time": "slot__end_time",
}


async def class_schedule_entries(query: QuerySet[ClassSchedule]) -> list[ClassScheduleEntry]:
    """The active classes among `query`, by day, start time and id."""
    return ClassScheduleEntry.rows(await (
        query.filter(is_active=True).order_by("slot__day_of_week", "slot__start_time", "id")
        .values("id", "course_offering_id", "slot_id", "room_no", **_CLASS_FIELDS)
    ))


def _with_faculty(query: Any) -> Any:
    return query.annotate(faculty_ids=_FACULTY_IDS)


async def _offering_rows(rows: list[dict[str, Any]]) -> list[OfferingOut]:
    """The offerings with their weekly classes, fetched for the whole page in one query."""
    by_offering: dict[int, list[ClassScheduleEntry]] = {row["id"]: [] for row in rows}
    if by_offering:
        entries = await class_schedule_entries(ClassSchedule.filter(course_offering_id__in=list(by_offering)))
        for entry in entries:
            by_offering[entry.course_offering_id].append(entry)
    return OfferingOut.rows({**row, "schedule": by_offering[row["id"]]} for row in rows)


async def _record(offering_id: int) -> OfferingOut:
    rows = await _with_faculty(CourseOffering.filter(id=offering_id)).values(
        *OFFERING_FIELDS, "faculty_ids", **_COURSE_FIELDS
    )
    if not rows:
        raise NotFound("Course offering not found")
    return (await _offering_rows(rows))[0]


async def list_offerings(
    actor: Actor, *, page: PageRequest, program_id: int | None = None, course_id: int | None = None,
    semester: int | None = None, academic_year: str | None = None, status: OfferingStatus | None = None,
) -> Page[OfferingOut]:
    authorize(actor, Permission.OFFERINGS_READ)
    filters = {"program_id": program_id, "course_id": course_id, "semester": semester,
               "academic_year": academic_year, "status": status}
    query = visible_offerings(actor).filter(**{k: v for k, v in filters.items() if v is not None}).order_by("id")
    result = await paginate_values(_with_faculty(query), page, *OFFERING_FIELDS, "faculty_ids", **_COURSE_FIELDS)
    return result.with_items(await _offering_rows(result.items))


async def get_offering(actor: Actor, *, offering_id: int) -> OfferingOut:
    authorize(actor, Permission.OFFERINGS_READ)
    return await _record(offering_id)


# --- writing ------------------------------------------------------------------------------


async def _check_faculty(ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = set(await Faculty.filter(id__in=wanted).values_list("id", flat=True))
    missing = [i for i in wanted if i not in found]  # type: ignore[comparison-overlap, redundant-expr]
    if missing:
        raise NotFound(f"Faculty member not found: {', '.join(map(str, missing))}")
    return wanted


def _check_dates(start: dt.date, end: dt.date) -> None:
    if start >= end:
        raise InvalidState("start_date must be before end_date")


def _check_semester(program: Program, semester: int) -> None:
    if not 1 <= semester <= program.total_semesters:
        raise InvalidState(f"semester must be between 1 and the program's {program.total_semesters} semesters")


async def _ensure_unique(*, course_id: int, program_id: int, academic_year: str, semester: int,
                         section: str | None, exclude_id: int | None = None) -> None:
    clash = CourseOffering.filter(course_id=course_id, program_id=program_id, academic_year=academic_year,
                                  semester=semester)
    clash = clash.filter(section__isnull=True) if section is None else clash.filter(section=section)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if await clash.exists():
        raise Conflict("This course is already offered for the program in that year, semester and section")


async def _set_faculty(offering: CourseOffering, ids: list[int]) -> tuple[list[int], list[int]]:
    current = set(await OfferingFaculty.filter(offering_id=offering.id).values_list("faculty_id", flat=True))
    wanted = set(ids)
    if current - wanted:
        await OfferingFaculty.filter(offering_id=offering.id, faculty_id__in=current - wanted).delete()
    if wanted - current:
        await OfferingFaculty.bulk_create(
            [OfferingFaculty(offering_id=offering.id, faculty_id=i) for i in sorted(wanted - current)]
        )
    return sorted(current), sorted(wanted)  # type: ignore[arg-type]


async def create_offering(actor: Actor, *, data: OfferingCreate) -> OfferingOut:
    """A new offering with its teaching team; it starts with no students registered."""
    authorize(actor, Permission.OFFERINGS_WRITE)
    values = data.model_dump(exclude={"faculty_ids"})
    async with atomic():
        program = await get_or_404(Program, data.program_id, label="Program")
        if not await Course.exists(id=data.course_id):
            raise NotFound("Course not found")
        ids = await _check_faculty(data.faculty_ids)
        _check_dates(data.start_date, data.end_date)
        _check_semester(program, data.semester)
        await _ensure_unique(course_id=data.course_id, program_id=program.id, academic_year=data.academic_year,
                             semester=data.semester, section=data.section)
        offering = await CourseOffering.create(**values, enrolled_students=0)
        await _set_faculty(offering, ids)
        await audit.record(actor, "create", offering, after=audit.snapshot(offering) | {"faculty_ids": ids})
    return await _record(offering.id)


async def update_offering(actor: Actor, *, offering_id: int, changes: OfferingUpdate) -> OfferingOut:
    """A partial update. Program, course and academic year are fixed; `faculty_ids`
    replaces the teaching team; capacity cannot drop below the students registered."""
    authorize(actor, Permission.OFFERINGS_WRITE)
    fields = changes.changes()
    require_changes(fields)
    refuse_nulls(CourseOffering, fields)
    faculty_ids = fields.pop("faculty_ids", None)
    async with atomic():
        offering = await get_or_404(CourseOffering, offering_id, label=LABEL, for_update=True)
        ids = await _check_faculty(faculty_ids) if faculty_ids is not None else None
        _check_dates(fields.get("start_date", offering.start_date), fields.get("end_date", offering.end_date))
        if "semester" in fields:
            _check_semester(await Program.get(id=offering.program_id), fields["semester"])
        if {"semester", "section"} & fields.keys():
            await _ensure_unique(
                course_id=offering.course_id, program_id=offering.program_id,
                academic_year=offering.academic_year, semester=fields.get("semester", offering.semester),
                section=fields.get("section", offering.section), exclude_id=offering.id,
            )
        if fields.get("max_capacity") is not None and fields["max_capacity"] < offering.enrolled_students:
            raise InvalidState(
                f"max_capacity cannot be below the {offering.enrolled_students} students already registered"
            )
        team: dict[str, tuple[Any, Any]] = {}
        async with audited_change(actor, offering, also=team):
            offering.update_from_dict(fields)
            if ids is not None:
                team["faculty_ids"] = await _set_faculty(offering, ids)
    return await _record(offering_id)


async def delete_offering(actor: Actor, *, offering_id: int) -> None:
    """Refused (409) while it has schedules, attendance, registrations, assessments,
    grades or exam timetable entries; its teaching assignments go with it."""
    authorize(actor, Permission.OFFERINGS_WRITE)
    await delete_unless_referenced(actor, CourseOffering, offering_id, label="Course offering",
                                   dependants=_DEPENDANTS, column="course_offering_id")


# --- rosters ------------------------------------------------------------------------------

# Of the sorted page `p` (a registration and its enrollment), its student and their user.
ROSTER_COLUMNS = (
    "p.id AS registration_id", "p.enrollment_id", "p.status", "p.registered_at", "p.student_id", "s.user_id",
    "s.student_code", "u.first_name", "u.last_name", "u.email", "p.program_id", "s.semester",
)


def roster_sql(*, status: str | None, only_student_ids: Sequence[int] | None = None) -> tuple[str, str, list[Any]]:
    """(count SQL, page SQL, parameters after the offering id) for one page of an offering's
    roster, by student id. Both take the offering id as $1; the page SQL takes LIMIT and
    OFFSET last. Written out once rather than compiled by the ORM per request (a
    three-join shape); bench/floor.py serves the same SQL.

    The page carries its exact total (`total`, a window over the offering's matching
    registrations, which the sort by student reads anyway), so a page with rows is one
    round trip; the count SQL is only needed past the last page. Only the page's rows
    are joined to students and users: the registrations and their enrollments (the
    sort key) are sorted first."""
    clauses = ["r.course_offering_id = $1"]
    params: list[Any] = []
    if status is not None:
        params.append(status)
        clauses.append(f"r.status = ${len(params) + 1}")
    if only_student_ids is not None:
        params.append(list(only_student_ids))
        clauses.append(f"e.student_id = ANY(${len(params) + 1}::int[])")
    where = " WHERE " + " AND ".join(clauses)
    joins = " JOIN enrollments e ON e.id = r.enrollment_id"
    count_joins = joins if only_student_ids is not None else ""
    count_sql = f"SELECT count(*) AS total FROM course_registrations r{count_joins}{where}"
    page_sql = (
        f"SELECT {', '.join(ROSTER_COLUMNS)}, p.total FROM ("
        "SELECT r.id, r.enrollment_id, r.status, r.registered_at, e.student_id, e.program_id,"
        " count(*) OVER () AS total"
        f" FROM course_registrations r{joins}{where}"
        f" ORDER BY e.student_id, r.id LIMIT ${len(params) + 2} OFFSET ${len(params) + 3}"
        ") p JOIN students s ON s.id = p.student_id JOIN users u ON u.id = s.user_id"
        " ORDER BY p.student_id, p.id"
    )
    return count_sql, page_sql, params


async def list_roster(actor: Actor, *, offering_id: int, page: PageRequest,
                      status: RegistrationStatus | None = RegistrationStatus.REGISTERED) -> Page[RosterEntry]:
    """The offering's registrations (by default the registered ones), by student id. A
    student or parent sees only their own rows in it."""
    # Imported here: the students service builds its scope on `offerings_taught_by` above.
    from dashboard.services.students import student_scope

    authorize(actor, Permission.OFFERINGS_READ)
    authorize(actor, Permission.STUDENTS_READ)
    scope = await student_scope(actor)
    count_sql, page_sql, params = roster_sql(status=status.value if status else None,
                                             only_student_ids=scope.only_ids)
    connection = connections.get("default")
    rows = await connection.execute_query_dict(page_sql, [offering_id, *params, page.page_size, page.offset])
    if rows:
        total = rows[0]["total"]
    elif page.offset:
        # Past the last page: the window had no row to ride on.
        total = (await connection.execute_query_dict(count_sql, [offering_id, *params]))[0]["total"]
    else:
        total = 0
    # Only an empty roster needs telling apart from a missing offering.
    if total == 0 and not await visible_offerings(actor).filter(id=offering_id).exists():
        raise NotFound("Course offering not found")
    return Page(items=RosterEntry.rows(rows), total=total, page=page.page, page_size=page.page_size)


_INSERT_REGISTRATIONS = """
INSERT INTO course_registrations (enrollment_id, course_offering_id, status, registered_at, created_at)
SELECT e, $2, 'registered', now(), now() FROM unnest($1::int[]) AS e
RETURNING id, enrollment_id
"""


async def register_students(actor: Actor, *, offering_id: int, enrollment_ids: Iterable[int] | None = None,
                            all_from_program: bool = False) -> RosterAddOut:
    """Put enrollments on the offering's roster: the listed ones, or every active
    enrollment of the offering's program whose (active) student is in the offering's
    semester. One result per enrollment, in the order given (by id for
    all_from_program). Idempotent: an enrollment already registered is a success and
    takes no second seat. Seats go in that order until max_capacity is reached, however
    many requests arrive at once: the offering row stays locked until this commits.
    """
    authorize(actor, Permission.ROSTERS_WRITE)
    listed = list(dict.fromkeys(enrollment_ids or []))
    if bool(listed) == bool(all_from_program):
        raise InvalidState("Send either a non-empty enrollment_ids list or all_from_program: true")
    if len(listed) > MAX_ROSTER_ITEMS:
        raise InvalidState(f"At most {MAX_ROSTER_ITEMS} enrollments per request")
    async with atomic():
        offering = await get_or_404(CourseOffering, offering_id, label=LABEL, for_update=True)
        if offering.status in CLOSED_STATUSES:
            raise InvalidState(f"Registration is closed: the offering is {offering.status.value}")
        if all_from_program:
            listed = await Enrollment.filter(  # type: ignore[assignment]
                program_id=offering.program_id, status=EnrollmentStatus.ENROLLED,
                student__semester=offering.semester, student__status=PersonStatus.ACTIVE,
            ).order_by("id").values_list("id", flat=True)

        enrollments = {
            row["id"]: row
            for row in await Enrollment.filter(id__in=listed).values("id", "student_id", "program_id", "status")
        }
        existing = {
            row["enrollment_id"]: row
            for row in await CourseRegistration.filter(course_offering_id=offering.id, enrollment_id__in=listed)
            .values("id", "enrollment_id", "status")
        }
        free = None if offering.max_capacity is None else offering.max_capacity - offering.enrolled_students

        results: dict[int, dict[str, Any]] = {}
        to_insert: list[int] = []
        to_restore: list[int] = []
        for enrollment_id in listed:
            enrollment = enrollments.get(enrollment_id)
            result: dict[str, Any] = {
                "enrollment_id": enrollment_id, "student_id": enrollment["student_id"] if enrollment else None,
                "success": False, "registration_id": None,
            }
            results[enrollment_id] = result
            registration = existing.get(enrollment_id)
            if enrollment is None:
                result["message"] = "Enrollment not found"
            elif enrollment["program_id"] != offering.program_id:
                result["message"] = "Enrollment is in another program"
            elif enrollment["status"] != EnrollmentStatus.ENROLLED:
                result["message"] = "Enrollment is not active"
            elif registration and registration["status"] == RegistrationStatus.REGISTERED:
                result.update(success=True, registration_id=registration["id"], message="Already registered")
            elif registration and registration["status"] == RegistrationStatus.COMPLETED:
                result["message"] = "Already completed this offering"
            elif free is not None and free <= 0:
                result["message"] = "Offering is full"
            else:
                if free is not None:
                    free -= 1
                (to_restore if registration else to_insert).append(enrollment_id)

        connection = connections.get("default")
        if to_insert:
            for row in await connection.execute_query_dict(_INSERT_REGISTRATIONS, [to_insert, offering.id]):
                results[row["enrollment_id"]].update(success=True, registration_id=row["id"], message="Registered")
        if to_restore:
            now = dt.datetime.now(dt.UTC)
            await CourseRegistration.filter(course_offering_id=offering.id, enrollment_id__in=to_restore).update(
                status=RegistrationStatus.REGISTERED, registered_at=now, updated_at=now,
            )
            for enrollment_id in to_restore:
                results[enrollment_id].update(success=True, registration_id=existing[enrollment_id]["id"],
                                              message="Registered again")
        added = len(to_insert) + len(to_restore)
        if added:
            before = {"enrolled_students": offering.enrolled_students}
            offering.enrolled_students += added
            touch(offering)
            await offering.save(update_fields=["enrolled_students", "updated_at"])
            await audit.record(actor, "update", offering, before=before, after={
                "enrolled_students": offering.enrolled_students,
                "registered_enrollment_ids": sorted(to_insert + to_restore),
            })

    ordered = [results[i] for i in listed]
    successful = sum(1 for r in ordered if r["success"])
    return RosterAddOut(total=len(ordered), successful=successful, failed=len(ordered) - successful,
                        enrolled_students=offering.enrolled_students, max_capacity=offering.max_capacity,
                        results=ordered)
