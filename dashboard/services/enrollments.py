"""Enrollments (student ↔ program): domain.md §3.6 with its RECs, and the scopes the
teaching records share.

Scopes. Every teaching record is scoped by its student through the students service's
one scope (notes §3.11): staff see every student's, a faculty member those of the
students they teach, a student or parent their own students'. Writes to attendance,
assessments and grades by a faculty member are allowed only for the offerings they
teach (`ensure_teaches`, a 403; "teaches" is the course offerings service's
`offerings_taught_by`).

Dropping an enrollment drops, in the same transaction, its open registrations in that
program's offerings and gives their seats back (`course_offerings.enrolled_students`
changes only by a conditional UPDATE, with its CHECK behind it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, Forbidden, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, refuse_nulls, require_changes
from dashboard.schemas.enrollments import EnrollmentBulk, EnrollmentCreate, EnrollmentUpdate
from dashboard.services.course_offerings import offerings_taught_by
from dashboard.services.students import sees_student, student_scope
from models import AuditLog, CourseOffering, CourseRegistration, Enrollment, Program, Student
from models.enums import EnrollmentStatus, OfferingStatus, PersonStatus, RegistrationStatus

ENROLLMENT_FIELDS = (
    "id", "student_id", "program_id", "enrollment_date", "status", "grade", "grade_point", "credits_earned",
    "remarks", "created_at", "updated_at",
)
_PROGRAM_FIELDS = {"program_name": "program__name", "program_code": "program__code"}
# From enrolled only; a finished enrollment stays as it ended.
_TRANSITIONS = {EnrollmentStatus.ENROLLED: {EnrollmentStatus.DROPPED, EnrollmentStatus.COMPLETED,
                                            EnrollmentStatus.FAILED}}

ELIGIBLE = "Student is eligible for enrollment"
_ALREADY = "Student is already enrolled in this program"


# --- scopes shared by the teaching records -------------------------------------------------
# Who sees which student is decided by the students service (notes §3.11) and which
# offerings a member teaches by the course offerings service; these only apply them.


async def scope_by_student(actor: Actor, query: QuerySet[Any], column: str = "student_id") -> QuerySet[Any]:
    """`query` narrowed to the rows of the students this actor may see."""
    scope = await student_scope(actor)
    return query if scope.everyone else query.filter(**{f"{column}__in": list(scope.ids)})


async def student_scope_sql(actor: Actor, column: str, params: list[Any]) -> str | None:
    """The same scope as a SQL condition on `column`, for the hand-written aggregates
    (appends its parameter to `params`); None when the actor sees every student."""
    scope = await student_scope(actor)
    if scope.everyone:
        return None
    params.append(list(scope.ids))
    return f"{column} = ANY(${len(params)}::int[])"


async def teaches_only_their_offerings(actor: Actor) -> bool:
    """A faculty member's writes (and the offering pickers) are limited to the offerings
    they teach; staff, who see every student, are not."""
    return actor.faculty_id is not None and not (await student_scope(actor)).everyone


async def taught_offering_ids(actor: Actor) -> QuerySet[Any] | None:
    """The offerings this actor is limited to, as an id subquery; None when unlimited."""
    if not await teaches_only_their_offerings(actor):
        return None
    return offerings_taught_by(actor.faculty_id).values("id")  # type: ignore[arg-type, return-value]


async def ensure_teaches(actor: Actor, offering_id: int) -> None:
    """A faculty member writes only for offerings they teach (403 otherwise)."""
    if not await teaches_only_their_offerings(actor):
        return
    if not await offerings_taught_by(actor.faculty_id).filter(id=offering_id).exists():  # type: ignore[arg-type]
        raise Forbidden("You do not teach this course offering")


async def visible_enrollments(actor: Actor) -> QuerySet[Enrollment]:
    return await scope_by_student(actor, Enrollment.all())


async def audit_bulk(actor: Actor, action: str, *, entity_type: str, entity_id: int, name: str,
                     after: dict[str, Any]) -> None:
    """One audit row for a set-based write of many rows (one per row would cost as much
    as the write itself); `entity_id` is the row the write is about (the offering, the
    assessment) or the first row written."""
    await AuditLog.create(
        user_id=actor.user_id, action=action, entity_name=name[:255], entity_type=entity_type,
        entity_id=entity_id, old_value=None, new_value=after,
        ip_address=actor.ip_address, user_agent=(actor.user_agent or "")[:500] or None,
    )


# --- reading ------------------------------------------------------------------------------


async def verify_eligibility(actor: Actor, *, student_id: int, program_id: int) -> dict[str, Any]:
    """Always an answer, never an error: a missing (or, for this actor, invisible)
    student or program is a reason."""
    authorize(actor, Permission.ENROLLMENTS_READ)
    reasons = await _ineligibility(actor, student_id, program_id)
    return {"student_id": student_id, "program_id": program_id, "is_eligible": not reasons,
            "reasons": [reason for reason, _ in reasons] or [ELIGIBLE]}


async def _ineligibility(actor: Actor, student_id: int, program_id: int) -> list[tuple[str, type[Exception]]]:
    """Each reason with the error a create raises for it, in the order they are checked."""
    student = await Student.get_or_none(id=student_id) if await sees_student(actor, student_id) else None
    if student is None:
        return [("Student not found", NotFound)]
    program = await Program.get_or_none(id=program_id)
    if program is None:
        return [("Program not found", NotFound)]
    reasons: list[tuple[str, type[Exception]]] = []
    if not program.is_active:
        reasons.append(("Program is not active", InvalidState))
    if student.status != PersonStatus.ACTIVE:
        reasons.append(("Student is not in active status", InvalidState))
    if await Enrollment.exists(student_id=student_id, program_id=program_id, status=EnrollmentStatus.ENROLLED):
        reasons.append((_ALREADY, Conflict))
    return reasons


async def list_enrollments(
    actor: Actor, *, page: PageRequest, student_id: int | None = None, program_id: int | None = None,
    status: EnrollmentStatus | None = None,
) -> Page[dict[str, Any]]:
    authorize(actor, Permission.ENROLLMENTS_READ)
    filters = {"student_id": student_id, "program_id": program_id, "status": status}
    scope = await visible_enrollments(actor)
    query = scope.filter(**{k: v for k, v in filters.items() if v is not None}).order_by("id")
    return await paginate_values(query, page, *ENROLLMENT_FIELDS, **_PROGRAM_FIELDS)


async def get_enrollment(actor: Actor, *, enrollment_id: int) -> dict[str, Any]:
    authorize(actor, Permission.ENROLLMENTS_READ)
    scope = await visible_enrollments(actor)
    rows = await scope.filter(id=enrollment_id).values(*ENROLLMENT_FIELDS, **_PROGRAM_FIELDS)
    if not rows:
        raise NotFound("Enrollment not found")
    return rows[0]


# --- writing ------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def create_enrollment(actor: Actor, *, data: EnrollmentCreate) -> dict[str, Any]:
    """Exactly the eligibility rules: student and program exist (404), the program is
    active and the student is active (400), no enrolled row for the pair yet (409; the
    partial unique index `uq_enrollments_one_enrolled` settles a race the same way)."""
    authorize(actor, Permission.ENROLLMENTS_WRITE)
    for reason, error in await _ineligibility(actor, data.student_id, data.program_id):
        raise error(reason)
    try:
        async with atomic():
            enrollment = await Enrollment.create(
                student_id=data.student_id, program_id=data.program_id,
                enrollment_date=_when(data.enrollment_date), status=EnrollmentStatus.ENROLLED,
                remarks=data.remarks, credits_earned=0,
            )
            await audit.record(actor, "create", enrollment)
    except IntegrityError as exc:
        raise Conflict(_ALREADY) from exc
    return await get_enrollment(actor, enrollment_id=enrollment.id)


_INSERT_ENROLLMENTS = """
INSERT INTO enrollments (student_id, program_id, enrollment_date, status, remarks, credits_earned, created_at)
SELECT s, p, d, 'enrolled', r, 0, now()
FROM unnest($1::int[], $2::int[], $3::timestamptz[], $4::text[]) AS t(s, p, d, r)
ON CONFLICT (student_id, program_id) WHERE status = 'enrolled' DO NOTHING
RETURNING id, student_id, program_id
"""


async def bulk_create_enrollments(actor: Actor, *, data: EnrollmentBulk) -> dict[str, Any]:
    """One result per item, in order; the eligible ones are inserted together (a few
    set-based checks, one INSERT). A pair repeated in the batch, or enrolled meanwhile by
    a concurrent request, is "already enrolled"."""
    authorize(actor, Permission.ENROLLMENTS_WRITE)
    items = data.enrollments
    student_ids = {i.student_id for i in items}
    program_ids = {i.program_id for i in items}
    visible = await (await scope_by_student(actor, Student.filter(id__in=student_ids), "id")).values("id", "status")
    students = {row["id"]: row["status"] for row in visible}
    programs = dict(await Program.filter(id__in=program_ids).values_list("id", "is_active"))
    enrolled = {
        (row["student_id"], row["program_id"])
        for row in await Enrollment.filter(student_id__in=student_ids, program_id__in=program_ids,
                                           status=EnrollmentStatus.ENROLLED).values("student_id", "program_id")
    }
    results: list[dict[str, Any]] = []
    pending: dict[tuple[int, int], dict[str, Any]] = {}
    for item in items:
        pair = (item.student_id, item.program_id)
        result: dict[str, Any] = {"student_id": item.student_id, "program_id": item.program_id,
                                  "success": False, "enrollment_id": None}
        results.append(result)
        if item.student_id not in students:
            result["message"] = "Student not found"
        elif item.program_id not in programs:
            result["message"] = "Program not found"
        elif not programs[item.program_id]:
            result["message"] = "Program is not active"
        elif students[item.student_id] != PersonStatus.ACTIVE:
            result["message"] = "Student is not in active status"
        elif pair in enrolled or pair in pending:
            result["message"] = _ALREADY
        else:
            pending[pair] = result
            result["_item"] = item
    if pending:
        rows = list(pending.values())
        async with atomic():
            inserted = await connections.get("default").execute_query_dict(_INSERT_ENROLLMENTS, [
                [r["student_id"] for r in rows], [r["program_id"] for r in rows],
                [_when(r["_item"].enrollment_date) for r in rows], [r["_item"].remarks for r in rows],
            ])
            for row in inserted:
                pending[(row["student_id"], row["program_id"])].update(
                    success=True, enrollment_id=row["id"], message="Enrolled successfully")
            if inserted:
                await audit_bulk(actor, "create", entity_type="enrollments", entity_id=min(r["id"] for r in inserted),
                                 name=f"{len(inserted)} enrollments",
                                 after={"enrollment_ids": sorted(r["id"] for r in inserted)})
    for result in results:
        result.pop("_item", None)
        result.setdefault("message", _ALREADY)
    successful = sum(1 for r in results if r["success"])
    return {"total": len(results), "successful": successful, "failed": len(results) - successful,
            "results": results}


async def update_enrollment(actor: Actor, *, enrollment_id: int, changes: EnrollmentUpdate) -> dict[str, Any]:
    """A partial update; `status` only from enrolled to dropped, completed or failed
    (dropping also drops the open course registrations, as DELETE does)."""
    authorize(actor, Permission.ENROLLMENTS_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(Enrollment, values)
    async with atomic():
        if values.get("status") is EnrollmentStatus.DROPPED:
            await _lock_open_offerings(enrollment_id)
        scope = await visible_enrollments(actor)
        async with audited_edit(actor, scope, enrollment_id, label="Enrollment") as enrollment:
            await _apply_update(actor, enrollment, values)
    return await get_enrollment(actor, enrollment_id=enrollment_id)


async def _apply_update(actor: Actor, enrollment: Enrollment, values: dict[str, Any]) -> None:
    new_status = values.get("status")
    if new_status is not None and new_status != enrollment.status:
        if new_status not in _TRANSITIONS.get(enrollment.status, set()):
            raise InvalidState(f"An enrollment cannot go from {enrollment.status.value} to {new_status.value}")
        if new_status is EnrollmentStatus.DROPPED:
            await _drop_registrations(actor, enrollment)
    enrollment.update_from_dict(values)


async def drop_enrollment(actor: Actor, *, enrollment_id: int) -> None:
    """DELETE means drop (notes §3.4): status dropped, and the enrollment's open
    registrations in the program's offerings dropped with it, in one transaction.
    Dropping a dropped enrollment is a no-op; a completed or failed one is a 400."""
    authorize(actor, Permission.ENROLLMENTS_WRITE)
    async with atomic():
        await _lock_open_offerings(enrollment_id)
        scope = await visible_enrollments(actor)
        async with audited_edit(actor, scope, enrollment_id, label="Enrollment") as enrollment:
            if enrollment.status is EnrollmentStatus.DROPPED:
                return
            if EnrollmentStatus.DROPPED not in _TRANSITIONS.get(enrollment.status, set()):
                raise InvalidState(f"A {enrollment.status.value} enrollment cannot be dropped")
            await _drop_registrations(actor, enrollment)
            enrollment.status = EnrollmentStatus.DROPPED


_DROP_REGISTRATIONS = """
WITH dropped AS (
    UPDATE course_registrations r SET status = 'dropped', updated_at = now()
    FROM course_offerings o
    WHERE r.enrollment_id = $1 AND r.status = 'registered' AND o.id = r.course_offering_id AND o.program_id = $2
    RETURNING r.course_offering_id
), freed AS (
    SELECT course_offering_id AS id, count(*) AS seats FROM dropped GROUP BY course_offering_id
)
UPDATE course_offerings o SET enrolled_students = o.enrolled_students - f.seats, updated_at = now()
FROM freed f WHERE o.id = f.id AND o.enrolled_students >= f.seats
RETURNING o.id
"""


async def _lock_open_offerings(enrollment_id: int) -> None:
    """The offerings the enrollment is registered in, locked in id order before the
    enrollment row: register_students holds an offering while its inserts share-lock
    the enrollment, so taking them the other way round could deadlock."""
    offering_ids = await CourseRegistration.filter(
        enrollment_id=enrollment_id, status=RegistrationStatus.REGISTERED).values_list("course_offering_id", flat=True)
    if offering_ids:
        await CourseOffering.select_for_update().filter(id__in=list(offering_ids)).order_by("id").values_list("id")


async def _drop_registrations(actor: Actor, enrollment: Enrollment) -> None:
    offering_ids = await CourseRegistration.filter(
        enrollment_id=enrollment.id, status=RegistrationStatus.REGISTERED,
        course_offering__program_id=enrollment.program_id,
    ).values_list("course_offering_id", flat=True)
    if not offering_ids:
        return
    freed = await connections.get("default").execute_query_dict(
        _DROP_REGISTRATIONS, [enrollment.id, enrollment.program_id])
    if len(freed) != len(set(offering_ids)):
        raise Conflict("The offerings' registered counts disagree with their rosters; nothing was dropped")
    await audit_bulk(actor, "update", entity_type="course_registrations", entity_id=enrollment.id,
                     name=f"enrollment {enrollment.id} dropped from its offerings",
                     after={"dropped_from_offering_ids": sorted(set(offering_ids))})


async def offerings_for_teaching(actor: Actor, *, limit: int = 500) -> list[dict[str, Any]]:
    """The offerings this actor keeps records for, for the panel's pickers: a faculty
    member's own, or (staff) the draft, open and ongoing ones, newest year first."""
    authorize(actor, Permission.OFFERINGS_READ)
    taught = await taught_offering_ids(actor)
    if taught is not None:
        query = CourseOffering.filter(id__in=Subquery(taught))
    else:
        query = CourseOffering.filter(status__in=(OfferingStatus.DRAFT, OfferingStatus.OPEN, OfferingStatus.ONGOING))
    return await query.order_by("-academic_year", "course__code", "section", "id").limit(limit).values(
        "id", "semester", "academic_year", "section", "status", course_code="course__code",
        course_name="course__name")


async def student_registrations(actor: Actor, *, student_id: int) -> list[dict[str, Any]]:
    """A student's course registrations, those registered now first, then by term (the
    newest first) and course code; another student's id is "not found"."""
    authorize(actor, Permission.ENROLLMENTS_READ)
    if not await sees_student(actor, student_id):
        raise NotFound("Student not found")
    rows = await CourseRegistration.filter(enrollment__student_id=student_id).order_by(
        "-course_offering__academic_year", "-course_offering__semester", "course_offering__course__code", "id",
    ).values(
        "id", "enrollment_id", "course_offering_id", "status", "registered_at",
        course_code="course_offering__course__code", course_name="course_offering__course__name",
        credits="course_offering__course__credits", semester="course_offering__semester",
        academic_year="course_offering__academic_year", section="course_offering__section",
        offering_status="course_offering__status",
    )
    return sorted(rows, key=lambda row: row["status"] != RegistrationStatus.REGISTERED)
