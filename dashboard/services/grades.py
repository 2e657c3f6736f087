"""Grades, SGPA/CGPA, publishing results, the grade-change history and transcripts:
domain.md §3.9 with its RECs and notes §3.1-§3.2.

Marks belong to an assessment of one course offering and are accepted only for an
enrollment registered in it; a faculty member writes only for offerings they teach.
A course's percentage in a semester is Σ(marks ÷ max_marks x weightage) over its
assessments (ungraded ones count 0), rounded to 2 decimals; its letter and grade point
come from `grading_scales` (the highest threshold at or below the percentage).
SGPA = Σ(credits x grade point) ÷ Σ credits; CGPA weights each published semester's GPA
by its credits attempted.

Publishing is one set-based statement per request (every student of the semester at
once), under a transaction-level advisory lock so that publishes (and the republish that
follows a change to a published grade) never interleave their CGPA reads and writes.
It is idempotent: publishing again writes the same values, and keeps the original
`published_at`/`published_by` of a result that did not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic, ids_of
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, fetch_page, filter_conditions, page_statements
from dashboard.core.queue import queue_after_commit
from dashboard.core.roles import Permission
from dashboard.core.updates import get_or_404, refuse_nulls, require_changes, touch
from dashboard.schemas.grades import GradeBulk, GradeCreate, GradeUpdate, PublishRequest
from dashboard.services import reminders
from dashboard.services.assessments import lock_for_marks
from dashboard.services.enrollments import (
    audit_bulk,
    ensure_teaches,
    scope_by_student,
    student_scope_sql,
    taught_offering_ids,
)
from dashboard.services.students import sees_student
from models import CourseRegistration, Enrollment, Grade, Student
from models.enums import RegistrationStatus

GRADE_FIELDS = ("id", "enrollment_id", "course_id", "course_offering_id", "assessment_id", "marks_obtained",
                "remarks", "graded_at", "created_at", "updated_at")
GRADE_EXTRA = {"graded_by": "graded_by_id", "student_id": "enrollment__student_id"}
# The same fields as one statement's columns, for the list (its hottest read).
_GRADE_COLUMNS = ", ".join(
    [f"g.{name}" for name in GRADE_FIELDS] + ["g.graded_by_id AS graded_by", "e.student_id"])
_GRADE_SOURCE = "grades g JOIN enrollments e ON e.id = g.enrollment_id"
# Registered now, or completed: marks are given (and corrected) after an offering ends.
_GRADABLE = (RegistrationStatus.REGISTERED, RegistrationStatus.COMPLETED)
_GRADABLE_SQL = "('registered', 'completed')"
_NOT_REGISTERED = "Student is not registered in this course offering"
_DUPLICATE = "Grade already exists for this assessment"
# Any constant: the key of the advisory lock every publish holds.
_PUBLISH_LOCK = 7_311_000_009


async def visible_grades(actor: Actor) -> Any:
    return await scope_by_student(actor, Grade.all(), "enrollment__student_id")


def _over_max(max_marks: Decimal) -> str:
    return f"Marks obtained cannot exceed max marks ({max_marks})"


# --- course percentages, SGPA and CGPA -----------------------------------------------------

# Per (student, semester, year, course): the weighted percentage with its letter and
# grade point. {where} filters grades g / offerings o / enrollments e.
COURSE_RESULTS = """
SELECT p.student_id, p.semester, p.academic_year, p.course_id, p.enrollment_id, c.name AS course_name,
       c.code AS course_code, c.credits, p.pct AS weighted_percentage, gs.letter AS grade_letter,
       gs.grade_point
FROM (
    SELECT e.student_id, o.semester, o.academic_year, o.course_id, min(g.enrollment_id) AS enrollment_id,
           round(sum(g.marks_obtained / a.max_marks * a.weightage), 2) AS pct
    FROM grades g
    JOIN assessments a ON a.id = g.assessment_id
    JOIN course_offerings o ON o.id = g.course_offering_id
    JOIN enrollments e ON e.id = g.enrollment_id
    WHERE {where}
    GROUP BY e.student_id, o.semester, o.academic_year, o.course_id
) p
JOIN courses c ON c.id = p.course_id
JOIN LATERAL (
    SELECT letter, grade_point FROM grading_scales WHERE min_percentage <= p.pct
    ORDER BY min_percentage DESC LIMIT 1
) gs ON true
"""


def to_hundredths(value: Decimal) -> Decimal:
    """Two decimals rounded half away from zero, as PostgreSQL's round(numeric, 2) does, so a
    figure computed here (SGPA preview, gradebook) equals the one the publish SQL stores."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sgpa(rows: Sequence[dict[str, Any]]) -> tuple[int, Decimal]:
    credits = sum(int(r["credits"]) for r in rows)
    points = sum(Decimal(r["credits"]) * Decimal(r["grade_point"]) for r in rows)
    return credits, to_hundredths(Decimal(points) / credits) if credits else Decimal("0.00")


def course_result(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("course_id", "course_name", "course_code", "credits", "weighted_percentage",
                                "grade_point", "grade_letter")}


async def visible_student(actor: Actor, student_id: int) -> Student:
    student = await Student.get_or_none(id=student_id) if await sees_student(actor, student_id) else None
    if student is None:
        raise NotFound("Student not found")
    return student


async def calculate_sgpa(actor: Actor, *, student_id: int, semester: int) -> dict[str, Any]:
    """404 for a student outside the caller's scope, or without grades that semester."""
    authorize(actor, Permission.GRADES_READ)
    await visible_student(actor, student_id)
    rows = await connections.get("default").execute_query_dict(
        COURSE_RESULTS.format(where="e.student_id = $1 AND o.semester = $2") + " ORDER BY c.code, p.course_id",
        [student_id, semester])
    if not rows:
        raise NotFound("No grades found for this semester")
    credits, sgpa = _sgpa(rows)
    return {"student_id": student_id, "semester": semester, "courses": [course_result(r) for r in rows],
            "total_credits": credits, "sgpa": sgpa}


PUBLISHED_RESULTS = """
SELECT semester, academic_year, gpa, cgpa, total_credits_attempted AS credits, total_credits_earned AS earned,
       status, published_at
FROM semester_results WHERE student_id = $1 AND published_at IS NOT NULL ORDER BY semester
"""


def cgpa_of(results: Sequence[dict[str, Any]]) -> tuple[int, Decimal | None]:
    credits = sum(int(r["credits"] or 0) for r in results)
    points = sum(Decimal(r["gpa"]) * int(r["credits"] or 0) for r in results)
    return credits, to_hundredths(Decimal(points) / credits) if credits else None


async def calculate_cgpa(actor: Actor, *, student_id: int) -> dict[str, Any]:
    """From published semester results only; none is a 404."""
    authorize(actor, Permission.GRADES_READ)
    await visible_student(actor, student_id)
    results = await connections.get("default").execute_query_dict(PUBLISHED_RESULTS, [student_id])
    if not results:
        raise NotFound("No published results for this student")
    credits, cgpa = cgpa_of(results)
    return {"student_id": student_id, "total_credits": credits, "cgpa": cgpa,
            "semesters": [{"semester": r["semester"], "gpa": r["gpa"], "credits": r["credits"] or 0} for r in results]}


# --- reading grades -----------------------------------------------------------------------


async def list_grades(
    actor: Actor, *, page: PageRequest, enrollment_id: int | None = None, course_id: int | None = None,
    assessment_id: int | None = None, student_id: int | None = None, course_offering_id: int | None = None,
) -> Page[dict[str, Any]]:
    """Newest first; a student sees only their own, a parent their children's, faculty
    their students'. Also serves a student's own list (`student_id`)."""
    authorize(actor, Permission.GRADES_READ)
    filters = {"g.enrollment_id": enrollment_id, "g.course_id": course_id, "g.assessment_id": assessment_id,
               "e.student_id": student_id, "g.course_offering_id": course_offering_id}
    params: list[Any] = []
    conditions = filter_conditions(filters, params)
    scope = await student_scope_sql(actor, "e.student_id", params)
    if scope:
        conditions.append(scope)
    page_sql, count_sql = page_statements(_GRADE_COLUMNS, _GRADE_SOURCE, conditions, "g.id DESC", len(params))
    return await fetch_page(page_sql, count_sql, params, page)


async def get_grade(actor: Actor, *, grade_id: int) -> dict[str, Any]:
    authorize(actor, Permission.GRADES_READ)
    rows = await (await visible_grades(actor)).filter(id=grade_id).values(*GRADE_FIELDS, **GRADE_EXTRA)
    if not rows:
        raise NotFound("Grade not found")
    return rows[0]


async def _record(grade_id: int) -> dict[str, Any]:
    return (await Grade.filter(id=grade_id).values(*GRADE_FIELDS, **GRADE_EXTRA))[0]


# --- writing grades -----------------------------------------------------------------------


async def _published_students(student_ids: Sequence[int], semester: int) -> set[int]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT student_id FROM semester_results WHERE semester = $1 AND student_id = ANY($2::int[]) "
        "AND published_at IS NOT NULL", [semester, list(student_ids)])
    return {r["student_id"] for r in rows}


async def _assessment_for_marks(actor: Actor, assessment_id: int, course_id: int | None) -> dict[str, Any]:
    assessment = await lock_for_marks(assessment_id)
    await ensure_teaches(actor, assessment["course_offering_id"])
    if course_id is not None and course_id != assessment["course_id"]:
        raise InvalidState("course_id is not the assessment's course")
    return assessment


_INSERT_CHANGES = """
INSERT INTO grade_changes (grade_id, old_marks, new_marks, reason, changed_by_id, changed_at)
SELECT g, o, n, $4, $5, now() FROM unnest($1::int[], $2::numeric[], $3::numeric[]) AS t(g, o, n)
"""


async def _record_changes(actor: Actor, changes: Sequence[tuple[int, Decimal | None, Decimal]], reason: str) -> None:
    await connections.get("default").execute_query(_INSERT_CHANGES, [
        [c[0] for c in changes], [c[1] for c in changes], [c[2] for c in changes], reason, actor.user_id])


async def submit_grade(actor: Actor, *, data: GradeCreate) -> dict[str, Any]:
    """Unknown assessment or enrollment 404; an offering a faculty caller does not teach
    403; a course_id other than the assessment's, an enrollment not registered in the
    offering, or marks above max_marks 400; a second grade for the pair 409. Once the
    semester's results are published a reason is required, the change is kept in the
    history and the student's result is published again."""
    authorize(actor, Permission.GRADES_WRITE)
    try:
        async with atomic():
            assessment = await _assessment_for_marks(actor, data.assessment_id, data.course_id)
            enrollment = await Enrollment.get_or_none(id=data.enrollment_id)
            if enrollment is None:
                raise NotFound("Enrollment not found")
            if not await CourseRegistration.exists(enrollment_id=enrollment.id, status__in=_GRADABLE,
                                                   course_offering_id=assessment["course_offering_id"]):
                raise InvalidState(_NOT_REGISTERED)
            if data.marks_obtained > assessment["max_marks"]:
                raise InvalidState(_over_max(assessment["max_marks"]))
            student_id = enrollment.student_id
            published = bool(await _published_students([student_id], assessment["semester"]))
            if published and not data.reason:
                raise InvalidState(f"Results for semester {assessment['semester']} are published: give a reason")
            if await Grade.exists(enrollment_id=enrollment.id, assessment_id=assessment["id"]):
                raise Conflict(_DUPLICATE)
            grade = await Grade.create(
                enrollment_id=enrollment.id, assessment_id=assessment["id"], course_id=assessment["course_id"],
                course_offering_id=assessment["course_offering_id"], marks_obtained=data.marks_obtained,
                remarks=data.remarks, graded_by_id=actor.user_id, graded_at=dt.datetime.now(dt.UTC),
            )
            await audit.record(actor, "create", grade)
            if published:
                await _record_changes(actor, [(grade.id, None, data.marks_obtained)], data.reason or "")
                await _publish(actor, semester=assessment["semester"], academic_year=assessment["academic_year"],
                               student_ids=[student_id])
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE) from exc
    return await _record(grade.id)


async def update_grade(actor: Actor, *, grade_id: int, changes: GradeUpdate) -> dict[str, Any]:
    """Marks (at most max_marks) and remarks; graded_by/graded_at become the caller and
    now. Changing the marks of a published semester needs a reason, is kept in the
    history and republishes that student's result, all in one transaction."""
    authorize(actor, Permission.GRADES_WRITE)
    values = changes.changes()
    reason = values.pop("reason", None)
    require_changes(values)
    refuse_nulls(Grade, values)
    async with atomic():
        current = await get_or_404(await visible_grades(actor), grade_id, label="Grade")
        assessment = await _assessment_for_marks(actor, current.assessment_id, None)
        grade = await get_or_404(Grade, grade_id, label="Grade", for_update=True)
        marks = values.get("marks_obtained", grade.marks_obtained)
        if marks > assessment["max_marks"]:
            raise InvalidState(_over_max(assessment["max_marks"]))
        student_id = await ids_of(Enrollment.filter(id=grade.enrollment_id), "student_id")
        marks_change = marks != grade.marks_obtained
        published = marks_change and bool(await _published_students(student_id, assessment["semester"]))
        if published and not reason:
            raise InvalidState(f"Results for semester {assessment['semester']} are published: give a reason "
                               "for changing these marks")
        before = audit.snapshot(grade)
        old_marks = grade.marks_obtained
        grade.update_from_dict(values)
        grade.graded_by_id = actor.user_id
        grade.graded_at = dt.datetime.now(dt.UTC)
        touch(grade)
        await grade.save()
        await audit.record(actor, "update", grade, before=before)
        if published:
            await _record_changes(actor, [(grade.id, old_marks, marks)], reason or "")
            await _publish(actor, semester=assessment["semester"], academic_year=assessment["academic_year"],
                           student_ids=list(student_id))
    return await _record(grade_id)


_ENROLLMENT_STATE = f"""
SELECT e.id, e.student_id, EXISTS (
    SELECT 1 FROM course_registrations r
    WHERE r.enrollment_id = e.id AND r.course_offering_id = $2 AND r.status IN {_GRADABLE_SQL}
) AS registered
FROM enrollments e WHERE e.id = ANY($1::int[])
"""
_INSERT_GRADES = """
INSERT INTO grades (enrollment_id, assessment_id, course_id, course_offering_id, marks_obtained, remarks,
                    graded_by_id, graded_at, created_at)
SELECT e, $3, $4, $5, m, r, $6, now(), now()
FROM unnest($1::int[], $2::numeric[], $7::text[]) AS t(e, m, r)
ORDER BY e
ON CONFLICT (enrollment_id, assessment_id) DO NOTHING
RETURNING id, enrollment_id
"""


async def bulk_submit_grades(actor: Actor, *, data: GradeBulk) -> dict[str, Any]:
    """One assessment: unknown 404, not taught by a faculty caller 403, for the whole
    request; otherwise a result per item, the valid ones inserted together. Marks for a
    published semester are refused per item: they need a reason, given one at a time."""
    authorize(actor, Permission.GRADES_WRITE)
    results: list[dict[str, Any]] = []
    async with atomic():
        assessment = await _assessment_for_marks(actor, data.assessment_id, data.course_id)
        connection = connections.get("default")
        listed = [item.enrollment_id for item in data.items]
        state = {r["id"]: r for r in await connection.execute_query_dict(
            _ENROLLMENT_STATE, [listed, assessment["course_offering_id"]])}
        published = await _published_students([r["student_id"] for r in state.values()], assessment["semester"])
        valid: dict[int, tuple[dict[str, Any], Any]] = {}
        for item in data.items:
            row = state.get(item.enrollment_id)
            result: dict[str, Any] = {"enrollment_id": item.enrollment_id, "success": False, "grade_id": None}
            results.append(result)
            if row is None:
                result["message"] = "Enrollment not found"
            elif not row["registered"]:
                result["message"] = _NOT_REGISTERED
            elif item.marks_obtained > assessment["max_marks"]:
                result["message"] = f"Marks exceed max marks ({assessment['max_marks']})"
            elif row["student_id"] in published:
                result["message"] = ("Results for this semester are published: submit this grade on its own, "
                                     "with a reason")
            elif item.enrollment_id in valid:
                result["message"] = "Listed twice in this request"
            else:
                valid[item.enrollment_id] = (result, item)
        if valid:
            ids = sorted(valid)
            inserted = await connection.execute_query_dict(_INSERT_GRADES, [
                ids, [valid[e][1].marks_obtained for e in ids], assessment["id"], assessment["course_id"],
                assessment["course_offering_id"], actor.user_id, [valid[e][1].remarks for e in ids]])
            for row in inserted:
                valid[row["enrollment_id"]][0].update(success=True, grade_id=row["id"], message="Grade submitted")
            if inserted:
                await audit_bulk(actor, "create", entity_type="grades", entity_id=assessment["id"],
                                 name=f"assessment {assessment['id']} grades",
                                 after={"assessment_id": assessment["id"],
                                        "grade_ids": sorted(r["id"] for r in inserted)})
    for result in results:
        result.setdefault("message", _DUPLICATE)
    successful = sum(1 for r in results if r["success"])
    return {"total": len(results), "successful": successful, "failed": len(results) - successful,
            "results": results}


# --- the grade-change history -------------------------------------------------------------


async def grade_history(actor: Actor, *, grade_id: int) -> dict[str, Any]:
    """The changes made after publication, oldest first: faculty see those of the
    offerings they teach, a student or parent their own."""
    authorize(actor, Permission.GRADES_READ)
    query = await visible_grades(actor)
    taught = await taught_offering_ids(actor)
    if taught is not None:
        query = query.filter(course_offering_id__in=Subquery(taught))
    rows = await query.filter(id=grade_id).values("id", "enrollment_id", "assessment_id", "marks_obtained")
    if not rows:
        raise NotFound("Grade not found")
    history = await connections.get("default").execute_query_dict(
        "SELECT id, old_marks, new_marks, reason, changed_by_id AS changed_by, changed_at FROM grade_changes "
        "WHERE grade_id = $1 ORDER BY changed_at, id", [grade_id])
    grade = rows[0]
    return {"grade_id": grade["id"], "enrollment_id": grade["enrollment_id"], "assessment_id": grade["assessment_id"],
            "marks_obtained": grade["marks_obtained"], "history": [dict(h) for h in history], "total": len(history)}


# --- publishing ---------------------------------------------------------------------------

_COMPUTED = """
WITH course_results AS (""" + COURSE_RESULTS.format(
    where="o.semester = $1 AND o.academic_year = $2 AND ($3::int[] IS NULL OR e.student_id = ANY($3::int[]))") + """
), per_student AS (
    SELECT student_id, min(enrollment_id) AS enrollment_id, sum(credits) AS attempted,
           COALESCE(sum(credits) FILTER (WHERE grade_point > 0), 0) AS earned,
           round(sum(credits * grade_point) / sum(credits), 2) AS gpa,
           count(*) FILTER (WHERE grade_point = 0) AS failures
    FROM course_results GROUP BY student_id
), others AS (
    SELECT r.student_id, sum(r.gpa * r.total_credits_attempted) AS points, sum(r.total_credits_attempted) AS credits
    FROM semester_results r JOIN per_student p ON p.student_id = r.student_id
    WHERE r.semester <> $1 AND r.published_at IS NOT NULL
    GROUP BY r.student_id
), computed AS (
    SELECT p.*, round((p.gpa * p.attempted + COALESCE(o.points, 0)) / (p.attempted + COALESCE(o.credits, 0)), 2)
               AS cgpa,
           CASE WHEN p.earned = p.attempted THEN 'pass' ELSE 'fail' END AS status
    FROM per_student p LEFT JOIN others o ON o.student_id = p.student_id
)"""

_PUBLISH = _COMPUTED + """, saved AS (
    INSERT INTO semester_results AS r (enrollment_id, student_id, academic_year, semester, gpa, cgpa,
                                       total_credits_attempted, total_credits_earned, status, published_at,
                                       published_by_id, created_at)
    SELECT enrollment_id, student_id, $2, $1, gpa, cgpa, attempted, earned, status, now(), $4, now()
    FROM computed ORDER BY student_id
    ON CONFLICT (student_id, semester) DO UPDATE SET
        published_at = CASE WHEN r.published_at IS NULL OR
            (r.academic_year, r.gpa, r.cgpa, r.total_credits_attempted, r.total_credits_earned, r.status)
            IS DISTINCT FROM (EXCLUDED.academic_year, EXCLUDED.gpa, EXCLUDED.cgpa, EXCLUDED.total_credits_attempted,
                              EXCLUDED.total_credits_earned, EXCLUDED.status)
            THEN EXCLUDED.published_at ELSE r.published_at END,
        published_by_id = CASE WHEN r.published_at IS NULL OR
            (r.academic_year, r.gpa, r.cgpa, r.total_credits_attempted, r.total_credits_earned, r.status)
            IS DISTINCT FROM (EXCLUDED.academic_year, EXCLUDED.gpa, EXCLUDED.cgpa, EXCLUDED.total_credits_attempted,
                              EXCLUDED.total_credits_earned, EXCLUDED.status)
            THEN EXCLUDED.published_by_id ELSE r.published_by_id END,
        academic_year = EXCLUDED.academic_year, enrollment_id = EXCLUDED.enrollment_id, gpa = EXCLUDED.gpa,
        cgpa = EXCLUDED.cgpa, total_credits_attempted = EXCLUDED.total_credits_attempted,
        total_credits_earned = EXCLUDED.total_credits_earned, status = EXCLUDED.status, updated_at = now()
    RETURNING r.student_id, r.gpa, r.cgpa
), students_set AS (
    UPDATE students s SET cgpa = v.cgpa, updated_at = now()
    FROM saved v WHERE s.id = v.student_id AND s.cgpa IS DISTINCT FROM v.cgpa
    RETURNING s.id
)
SELECT student_id, gpa FROM saved ORDER BY student_id
"""

_PREVIEW = _COMPUTED + """
SELECT c.student_id, s.student_code, u.first_name, u.last_name, c.gpa, c.cgpa, c.attempted, c.earned,
       c.failures, c.status
FROM computed c JOIN students s ON s.id = c.student_id JOIN users u ON u.id = s.user_id
ORDER BY c.failures DESC, s.student_code
"""


async def _publish(actor: Actor, *, semester: int, academic_year: str,
                   student_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    connection = connections.get("default")
    await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_PUBLISH_LOCK])
    rows = await connection.execute_query_dict(
        _PUBLISH, [semester, academic_year, list(student_ids) if student_ids is not None else None, actor.user_id])
    if rows:
        # The students and their parents are told by a job once this commits (a result
        # published again after a change is told again; one unchanged is not).
        await queue_after_commit(reminders.NotifyResultsPublished(semester=semester, academic_year=academic_year))
    return [dict(r) for r in rows]


async def publish_results(actor: Actor, *, data: PublishRequest) -> dict[str, Any]:
    """Admin and staff. Every student with grades in the offerings of (semester, year),
    or those of `student_ids` (unknown ids are skipped; known ones without grades are
    failed items). Nothing to publish is a 404. One transaction."""
    authorize(actor, Permission.GRADES_PUBLISH)
    requested = list(dict.fromkeys(data.student_ids)) if data.student_ids is not None else None
    async with atomic():
        published = await _publish(actor, semester=data.semester, academic_year=data.academic_year,
                                   student_ids=requested)
        results = [{"student_id": r["student_id"], "success": True, "message": "Result published", "gpa": r["gpa"]}
                   for r in published]
        if requested is not None:
            done = {r["student_id"] for r in published}
            others = [i for i in requested if i not in done]
            known = set(await ids_of(Student.filter(id__in=others), "id"))
            results += [{"student_id": i, "success": False, "message": "No grades for this semester", "gpa": None}
                        for i in requested if i in known]
            order = {sid: n for n, sid in enumerate(requested)}
            results.sort(key=lambda r: order[r["student_id"]])
        if not published:
            if not results:
                raise NotFound(f"No grades to publish for semester {data.semester} of {data.academic_year}")
        else:
            await audit_bulk(actor, "update", entity_type="semester_results", entity_id=data.semester,
                             name=f"semester {data.semester} {data.academic_year} published",
                             after={"semester": data.semester, "academic_year": data.academic_year,
                                    "students": len(published)})
    return {"total": len(results), "published": len(published), "failed": len(results) - len(published),
            "results": results}


async def preview_publish(actor: Actor, *, semester: int, academic_year: str,
                          student_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """What publishing would record, students with failures first; writes nothing."""
    authorize(actor, Permission.GRADES_PUBLISH)
    rows = await connections.get("default").execute_query_dict(
        _PREVIEW, [semester, academic_year, list(student_ids) if student_ids is not None else None])
    return [dict(r) for r in rows]


# --- the admin panel's gradebook ----------------------------------------------------------

_MARKS_SHEET = f"""
SELECT r.enrollment_id, e.student_id, s.student_code, u.first_name, u.last_name, g.id AS grade_id,
       g.marks_obtained, g.remarks
FROM course_registrations r
JOIN enrollments e ON e.id = r.enrollment_id
JOIN students s ON s.id = e.student_id
JOIN users u ON u.id = s.user_id
LEFT JOIN grades g ON g.enrollment_id = r.enrollment_id AND g.assessment_id = $2
WHERE r.course_offering_id = $1 AND (r.status IN {_GRADABLE_SQL} OR g.id IS NOT NULL)
ORDER BY s.student_code, e.id
"""


async def marks_sheet(actor: Actor, *, assessment_id: int) -> dict[str, Any]:
    """One assessment's roster with the marks given so far (None where none yet)."""
    authorize(actor, Permission.GRADES_WRITE)
    async with atomic():
        assessment = await _assessment_for_marks(actor, assessment_id, None)
        rows = await connections.get("default").execute_query_dict(
            _MARKS_SHEET, [assessment["course_offering_id"], assessment_id])
    return {"assessment": assessment, "rows": [dict(r) for r in rows]}


async def save_marks(actor: Actor, *, assessment_id: int, marks: dict[int, Decimal],
                     reason: str | None = None) -> dict[str, Any]:
    """The gradebook's one submit: new marks are submitted together (as bulk), changed
    ones updated one by one (a published one needs `reason`). One result per changed
    or new entry; unchanged entries are left alone."""
    authorize(actor, Permission.GRADES_WRITE)
    sheet = await marks_sheet(actor, assessment_id=assessment_id)
    existing = {r["enrollment_id"]: r for r in sheet["rows"] if r["grade_id"] is not None}
    new = [{"enrollment_id": e, "marks_obtained": m} for e, m in marks.items() if e not in existing]
    results: list[dict[str, Any]] = []
    if new:
        results += (await bulk_submit_grades(actor, data=GradeBulk(assessment_id=assessment_id, items=new)))["results"]
    for enrollment_id, value in marks.items():
        row = existing.get(enrollment_id)
        if row is None or Decimal(row["marks_obtained"]) == value:
            continue
        try:
            await update_grade(actor, grade_id=row["grade_id"],
                               changes=GradeUpdate(marks_obtained=value, **({"reason": reason} if reason else {})))
            results.append({"enrollment_id": enrollment_id, "success": True, "message": "Updated",
                            "grade_id": row["grade_id"]})
        except InvalidState as exc:
            results.append({"enrollment_id": enrollment_id, "success": False, "message": exc.message,
                            "grade_id": row["grade_id"]})
    return {"results": results, "failed": sum(1 for r in results if not r["success"])}


_OFFERING_GRID = """
SELECT r.enrollment_id, s.student_code, u.first_name, u.last_name, g.assessment_id, g.marks_obtained
FROM course_registrations r
JOIN enrollments e ON e.id = r.enrollment_id
JOIN students s ON s.id = e.student_id
JOIN users u ON u.id = s.user_id
LEFT JOIN grades g ON g.enrollment_id = r.enrollment_id AND g.course_offering_id = r.course_offering_id
WHERE r.course_offering_id = $1 AND r.status IN ('registered', 'completed')
ORDER BY s.student_code, e.id
"""


async def offering_gradebook(actor: Actor, *, offering_id: int) -> dict[str, Any]:
    """Students x assessments of one offering, with each student's weighted percentage
    and letter."""
    authorize(actor, Permission.GRADES_READ)
    await ensure_teaches(actor, offering_id)
    connection = connections.get("default")
    assessments = await connection.execute_query_dict(
        "SELECT id, name, max_marks, weightage FROM assessments WHERE course_offering_id = $1 ORDER BY date, id",
        [offering_id])
    weights = {a["id"]: (Decimal(a["max_marks"]), Decimal(a["weightage"])) for a in assessments}
    scale = await connection.execute_query_dict(
        "SELECT letter, min_percentage, grade_point FROM grading_scales ORDER BY min_percentage DESC")
    students: dict[int, dict[str, Any]] = {}
    for row in await connection.execute_query_dict(_OFFERING_GRID, [offering_id]):
        entry = students.setdefault(row["enrollment_id"], {
            "enrollment_id": row["enrollment_id"], "student_code": row["student_code"],
            "name": f"{row['first_name']} {row['last_name']}", "marks": {}, "percentage": Decimal(0)})
        if row["assessment_id"] is not None:
            entry["marks"][row["assessment_id"]] = row["marks_obtained"]
            max_marks, weight = weights[row["assessment_id"]]
            entry["percentage"] += Decimal(row["marks_obtained"]) / max_marks * weight
    for entry in students.values():
        entry["percentage"] = to_hundredths(entry["percentage"])
        entry["letter"] = next((s["letter"] for s in scale if Decimal(s["min_percentage"]) <= entry["percentage"]), "")
    return {"assessments": assessments, "students": list(students.values())}


async def student_semesters(actor: Actor, *, student_id: int) -> dict[str, Any]:
    """Every term the student has marks in, oldest first: its courses (weighted
    percentage, letter, grade point), the SGPA they give (as `calculate_sgpa`) and, once
    the term is published, the published GPA and the CGPA it brought; with the CGPA over
    the published terms (as `calculate_cgpa`, None before any)."""
    authorize(actor, Permission.GRADES_READ)
    if not await sees_student(actor, student_id):
        raise NotFound("Student not found")
    connection = connections.get("default")
    courses = await connection.execute_query_dict(
        COURSE_RESULTS.format(where="e.student_id = $1") + " ORDER BY p.academic_year, p.semester, c.code",
        [student_id])
    results = await connection.execute_query_dict(PUBLISHED_RESULTS, [student_id])
    published = {(r["semester"], r["academic_year"]): r for r in results}
    terms: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in courses:
        terms.setdefault((row["semester"], row["academic_year"]), []).append(row)
    semesters = []
    for (semester, year), rows in terms.items():
        credits, sgpa = _sgpa(rows)
        result = published.get((semester, year))
        semesters.append({
            "semester": semester, "academic_year": year, "courses": [course_result(r) for r in rows],
            "credits": credits, "sgpa": sgpa, "published": result is not None,
            "published_gpa": result["gpa"] if result else None, "cgpa": result["cgpa"] if result else None,
            "status": result["status"] if result else None,
        })
    total_credits, cgpa = cgpa_of(results)
    return {"student_id": student_id, "semesters": semesters, "total_credits": total_credits, "cgpa": cgpa}
