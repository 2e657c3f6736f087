"""Attendance: domain.md §3.7 with its RECs and notes §3.1.

A mark belongs to one course offering and is accepted only for an enrollment registered
in it; a faculty member marks only the offerings they teach (403). One formula
everywhere: attended = present + late, and every mark (excused included) counts in the
total; percentage = attended / total x 100, rounded to 2 decimals.

`attendance_summary` (per enrollment and calendar month) is kept exact in the same
transaction as every write: the write first locks the affected summary rows (creating
them if needed), then recounts them from `attendance` in a later statement, which
therefore sees every concurrent write that committed before the lock was granted. Two
writers of one enrollment-month take turns; neither can overwrite the other's count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import orjson
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, fetch_page, filter_conditions, page_statements
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_edit, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.attendance import (
    AttendanceBulk,
    AttendanceCreate,
    AttendanceUpdate,
    RegisterMark,
)
from dashboard.services.enrollments import (
    audit_bulk,
    ensure_teaches,
    scope_by_student,
    student_scope_sql,
)
from dashboard.services.students import student_scope
from models import Attendance, AttendanceSummary, CourseOffering, CourseRegistration, Enrollment
from models.enums import AttendanceStatus, RegistrationStatus

ATTENDANCE_FIELDS = ("id", "enrollment_id", "student_id", "course_offering_id", "date", "status", "remarks",
                     "marked_at", "updated_at")
# The same fields as one statement's columns, for the list (its hottest read).
_ATTENDANCE_COLUMNS = ", ".join([*ATTENDANCE_FIELDS, "marked_by_id AS marked_by"])
SUMMARY_FIELDS = ("id", "enrollment_id", "month", "total_classes", "attended_classes", "attendance_percentage",
                  "created_at", "updated_at")
ATTENDED = (AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value)
_ALREADY = "Attendance already marked for this date"
_NOT_REGISTERED = "Student is not registered in this course offering"
# The world's clocks run up to 14 hours ahead of UTC: a date that is today anywhere is
# not in the future.
_AHEAD_OF_UTC = dt.timedelta(hours=14)


async def visible_attendance(actor: Actor) -> Any:
    return await scope_by_student(actor, Attendance.all())


def percentage(attended: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.00")
    return (Decimal(100 * attended) / Decimal(total)).quantize(Decimal("0.01"))


def latest_class_day() -> dt.date:
    return (dt.datetime.now(dt.UTC) + _AHEAD_OF_UTC).date()


def _check_date(day: dt.date) -> None:
    if day > latest_class_day():
        raise InvalidState("Attendance cannot be marked for a date in the future")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- the monthly summaries -----------------------------------------------------------------

_LOCK_SUMMARIES = """
INSERT INTO attendance_summary AS s (enrollment_id, month, total_classes, attended_classes,
                                     attendance_percentage, created_at)
SELECT k.e, k.m, 0, 0, 0, now() FROM unnest($1::int[], $2::date[]) AS k(e, m) ORDER BY k.e, k.m
ON CONFLICT (enrollment_id, month) DO UPDATE SET updated_at = now()
"""
_RECOUNT_SUMMARIES = """
UPDATE attendance_summary s
SET total_classes = c.total, attended_classes = c.attended, updated_at = now(),
    attendance_percentage = CASE WHEN c.total = 0 THEN 0 ELSE round(100.0 * c.attended / c.total, 2) END
FROM (
    SELECT k.e, k.m, count(a.id) AS total,
           count(a.id) FILTER (WHERE a.status IN ('present', 'late')) AS attended
    FROM unnest($1::int[], $2::date[]) AS k(e, m)
    LEFT JOIN attendance a ON a.enrollment_id = k.e AND a.date >= k.m AND a.date < (k.m + interval '1 month')::date
    GROUP BY k.e, k.m
) c
WHERE s.enrollment_id = c.e AND s.month = c.m
"""


async def refresh_summaries(keys: Iterable[tuple[int, dt.date]]) -> None:
    """Recount the (enrollment, month) summaries, inside the caller's transaction."""
    ordered = sorted({(e, month_of(m)) for e, m in keys})
    if not ordered:
        return
    params = [[e for e, _ in ordered], [m for _, m in ordered]]
    connection = connections.get("default")
    await connection.execute_query(_LOCK_SUMMARIES, params)
    await connection.execute_query(_RECOUNT_SUMMARIES, params)


_REBUILD_SUMMARIES = """
INSERT INTO attendance_summary (enrollment_id, month, total_classes, attended_classes, attendance_percentage,
                                created_at)
SELECT enrollment_id, date_trunc('month', date)::date, count(*),
       count(*) FILTER (WHERE status IN ('present', 'late')),
       round(100.0 * count(*) FILTER (WHERE status IN ('present', 'late')) / count(*), 2), now()
FROM attendance GROUP BY 1, 2 ORDER BY 1, 2
ON CONFLICT (enrollment_id, month) DO UPDATE SET total_classes = EXCLUDED.total_classes,
    attended_classes = EXCLUDED.attended_classes, attendance_percentage = EXCLUDED.attendance_percentage,
    updated_at = now()
"""


async def rebuild_summaries(actor: Actor) -> None:
    """Every summary recounted from the marks (a repair after loading marks by other
    means; the writes here never need it)."""
    authorize(actor, Permission.ATTENDANCE_REPORT)
    authorize(actor, Permission.RECORDS_ALL)
    async with atomic():
        await connections.get("default").execute_query(_REBUILD_SUMMARIES)


# --- reading ------------------------------------------------------------------------------


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


async def list_attendance(
    actor: Actor, *, page: PageRequest, enrollment_id: int | None = None, student_id: int | None = None,
    course_offering_id: int | None = None, status: AttendanceStatus | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> Page[dict[str, Any]]:
    """Newest first. Also serves a student's own list (`student_id`)."""
    authorize(actor, Permission.ATTENDANCE_READ)
    filters = {"enrollment_id": enrollment_id, "student_id": student_id, "course_offering_id": course_offering_id,
               "status": status, "date >=": _day(date_from), "date <=": _day(date_to)}
    params: list[Any] = []
    conditions = filter_conditions(filters, params)
    scope = await student_scope_sql(actor, "student_id", params)
    if scope:
        conditions.append(scope)
    page_sql, count_sql = page_statements(_ATTENDANCE_COLUMNS, "attendance", conditions, "date DESC, id DESC",
                                          len(params))
    return await fetch_page(page_sql, count_sql, params, page)


async def _record(attendance_id: int) -> dict[str, Any]:
    rows = await Attendance.filter(id=attendance_id).values(*ATTENDANCE_FIELDS, marked_by="marked_by_id")
    return rows[0]


async def attendance_reports(
    actor: Actor, *, enrollment_id: int | None = None, student_id: int | None = None,
    course_offering_id: int | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Per (enrollment, student): the count of each status and the percentage."""
    authorize(actor, Permission.ATTENDANCE_READ)
    filters = {"enrollment_id": enrollment_id, "student_id": student_id, "course_offering_id": course_offering_id,
               "date__gte": _day(date_from), "date__lte": _day(date_to)}
    query = (await visible_attendance(actor)).filter(**{k: v for k, v in filters.items() if v is not None})
    counted = {status.value: Count("id", _filter=Q(status=status)) for status in AttendanceStatus}
    rows = await query.annotate(total_classes=Count("id"), **counted).group_by(
        "enrollment_id", "student_id").order_by("student_id", "enrollment_id").values(
        "enrollment_id", "student_id", "total_classes", *counted)
    for row in rows:
        row["attendance_percentage"] = percentage(row["present"] + row["late"], row["total_classes"])
    return {"records": rows, "total": len(rows)}


def _whole_months(date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """Whether the range is made of calendar months, so the summaries can answer it."""
    starts = date_from is None or date_from.day == 1
    ends = date_to is None or (date_to + dt.timedelta(days=1)).day == 1
    return starts and ends


# Over all time, each enrollment's totals are kept in `attendance_totals` (migration 5: the
# sum of its monthly summaries, kept by triggers in the transaction of every summary
# write), with its percentage indexed, so the defaulters are an index range instead of a
# sum over every summary. The filters and the caller's scope follow as `{filters}`.
ALL_TIME_DEFAULTERS_SQL = """
SELECT t.enrollment_id, t.student_id, s.student_code, u.first_name, u.last_name,
       t.total_classes, t.attended_classes, t.attendance_percentage
FROM attendance_totals t
JOIN students s ON s.id = t.student_id
JOIN users u ON u.id = s.user_id
WHERE t.total_classes > 0 AND t.attendance_percentage < $1{filters}
ORDER BY t.attendance_percentage, t.student_id, t.enrollment_id
"""


async def _all_time_defaulters(actor: Actor, *, threshold: float, department_id: int | None,
                               program_id: int | None) -> tuple[str, list[Any]]:
    params: list[Any] = [threshold]
    clauses: list[str] = []
    if department_id is not None:
        params.append(department_id)
        clauses.append("t.enrollment_id IN (SELECT id FROM enrollments WHERE program_id IN "
                       f"(SELECT id FROM programs WHERE department_id = ${len(params)}))")
    if program_id is not None:
        params.append(program_id)
        clauses.append(f"t.enrollment_id IN (SELECT id FROM enrollments WHERE program_id = ${len(params)})")
    scope = await student_scope_sql(actor, "t.student_id", params)
    if scope:
        clauses.append(scope)
    return ALL_TIME_DEFAULTERS_SQL.format(filters="".join(f" AND {clause}" for clause in clauses)), params


async def _defaulters_sql(
    actor: Actor, *, threshold: float, course_offering_id: int | None, department_id: int | None,
    program_id: int | None, date_from: dt.date | None, date_to: dt.date | None,
) -> tuple[str, list[Any]]:
    """The defaulters' rows (AttendanceDefaulter's columns, lowest percentage first) as
    SQL and its parameters. With neither an offering nor dates it reads the all-time
    totals; without an offering and with whole months, the monthly summaries; otherwise
    the marks."""
    authorize(actor, Permission.ATTENDANCE_REPORT)
    date_from, date_to = _day(date_from), _day(date_to)
    if course_offering_id is None and date_from is None and date_to is None:
        return await _all_time_defaulters(actor, threshold=threshold, department_id=department_id,
                                          program_id=program_id)
    params: list[Any] = []
    where: list[str] = []
    if course_offering_id is None and _whole_months(date_from, date_to):
        source, total, attended, day = "attendance_summary", "sum(x.total_classes)", "sum(x.attended_classes)", "month"
    else:
        source = "attendance"
        total, attended, day = "count(*)", "count(*) FILTER (WHERE x.status IN ('present', 'late'))", "date"
        if course_offering_id is not None:
            params.append(course_offering_id)
            where.append(f"x.course_offering_id = ${len(params)}")
    if date_from is not None:
        params.append(month_of(date_from) if source == "attendance_summary" else date_from)
        where.append(f"x.{day} >= ${len(params)}")
    if date_to is not None:
        params.append(date_to)
        where.append(f"x.{day} <= ${len(params)}")
    outer: list[str] = []
    if department_id is not None:
        params.append(department_id)
        outer.append(f"e.program_id IN (SELECT id FROM programs WHERE department_id = ${len(params)})")
    if program_id is not None:
        params.append(program_id)
        outer.append(f"e.program_id = ${len(params)}")
    scope = await student_scope_sql(actor, "e.student_id", params)
    if scope:
        outer.append(scope)
    params.append(threshold)
    pct = f"round(100.0 * {attended} / {total}, 2)"
    sql = f"""
SELECT d.enrollment_id, e.student_id, s.student_code, u.first_name, u.last_name,
       d.total_classes, d.attended_classes, d.attendance_percentage
FROM (
    SELECT x.enrollment_id, {total} AS total_classes, {attended} AS attended_classes, {pct} AS attendance_percentage
    FROM {source} x {"WHERE " + " AND ".join(where) if where else ""}
    GROUP BY x.enrollment_id
    HAVING {total} > 0 AND {pct} < ${len(params)}
) d
JOIN enrollments e ON e.id = d.enrollment_id
JOIN students s ON s.id = e.student_id
JOIN users u ON u.id = s.user_id
{"WHERE " + " AND ".join(outer) if outer else ""}
ORDER BY d.attendance_percentage, e.student_id, d.enrollment_id
"""
    return sql, params


async def attendance_defaulters(
    actor: Actor, *, threshold: float = 75.0, course_offering_id: int | None = None,
    department_id: int | None = None, program_id: int | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Enrollments whose attendance (all time, or within the dates; in one offering
    when given) is strictly below `threshold` percent, lowest first (see _defaulters_sql)."""
    sql, params = await _defaulters_sql(
        actor, threshold=threshold, course_offering_id=course_offering_id, department_id=department_id,
        program_id=program_id, date_from=date_from, date_to=date_to)
    rows = await connections.get("default").execute_query_dict(sql, params)
    return {"threshold": threshold, "defaulters": [dict(r) for r in rows], "total": len(rows)}


# The defaulters as the API's JSON body (DefaultersOut), the rows written by PostgreSQL:
# for the whole university (~3,400 rows at 50,000 students) turning them into dicts,
# validating them into the response model and encoding them again cost more of the app's
# CPU than the query. The aggregate reads its sorted subquery in order (a plain scan of
# it, nothing between); the percentage is a JSON number as the model writes it (74.50 for
# 74.5). A test compares the two forms.
DEFAULTERS_JSON_SQL = """
SELECT coalesce(json_agg(d), '[]')::text AS defaulters, count(*) AS total FROM ({rows}) d
"""


async def attendance_defaulters_json(
    actor: Actor, *, threshold: float = 75.0, course_offering_id: int | None = None,
    department_id: int | None = None, program_id: int | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> bytes:
    """`attendance_defaulters` as the JSON of DefaultersOut, ready to send."""
    sql, params = await _defaulters_sql(
        actor, threshold=threshold, course_offering_id=course_offering_id, department_id=department_id,
        program_id=program_id, date_from=date_from, date_to=date_to)
    row = (await connections.get("default").execute_query_dict(DEFAULTERS_JSON_SQL.format(rows=sql), params))[0]
    return b"".join((b'{"threshold":', orjson.dumps(float(threshold)), b',"defaulters":',
                     str(row["defaulters"]).encode(), b',"total":', str(int(row["total"])).encode(), b"}"))


async def attendance_summary(actor: Actor, *, enrollment_id: int | None = None, student_id: int | None = None,
                             month: dt.date | None = None) -> list[dict[str, Any]]:
    """Monthly summaries, newest month first. A caller who sees every record names an
    enrollment or a student (the whole table is no answer)."""
    authorize(actor, Permission.ATTENDANCE_READ)
    scope = await student_scope(actor)
    if enrollment_id is None and student_id is None and scope.everyone:
        raise InvalidState("Give enrollment_id or student_id")
    query = AttendanceSummary.all() if scope.everyone else AttendanceSummary.filter(
        enrollment__student_id__in=list(scope.ids))
    if enrollment_id is not None:
        query = query.filter(enrollment_id=enrollment_id)
    if student_id is not None:
        query = query.filter(enrollment__student_id=student_id)
    if month is not None:
        query = query.filter(month=month_of(month))
    return await query.order_by("-month", "enrollment_id").values(*SUMMARY_FIELDS)


# --- writing ------------------------------------------------------------------------------


async def _offering_for_marks(actor: Actor, offering_id: int, day: dt.date) -> CourseOffering:
    _check_date(day)
    offering = await get_or_404(CourseOffering, offering_id, label="Course offering")
    await ensure_teaches(actor, offering.id)
    return offering


async def mark_attendance(actor: Actor, *, data: AttendanceCreate) -> dict[str, Any]:
    """Future date 400; unknown offering 404; an offering a faculty caller does not
    teach 403; unknown enrollment 404; a student_id other than the enrollment's, or an
    enrollment not registered in the offering, 400; a second mark for the same
    (enrollment, offering, date) 409, also when two arrive at once."""
    authorize(actor, Permission.ATTENDANCE_WRITE)
    offering = await _offering_for_marks(actor, data.course_offering_id, data.date)
    enrollment = await Enrollment.get_or_none(id=data.enrollment_id)
    if enrollment is None:
        raise NotFound("Enrollment not found")
    if data.student_id is not None and data.student_id != enrollment.student_id:
        raise InvalidState("student_id is not the enrollment's student")
    if not await CourseRegistration.exists(enrollment_id=enrollment.id, course_offering_id=offering.id,
                                           status=RegistrationStatus.REGISTERED):
        raise InvalidState(_NOT_REGISTERED)
    try:
        async with atomic():
            mark = await Attendance.create(
                enrollment_id=enrollment.id, student_id=enrollment.student_id,
                course_offering_id=offering.id, date=data.date, status=data.status, remarks=data.remarks,
                marked_by_id=actor.user_id,
            )
            await refresh_summaries([(enrollment.id, data.date)])
            await audit.record(actor, "create", mark)
    except IntegrityError as exc:
        raise Conflict(_ALREADY) from exc
    return await _record(mark.id)


_ROSTER_STATE = """
SELECT e.id, e.student_id, r.status AS registration
FROM enrollments e
LEFT JOIN course_registrations r ON r.enrollment_id = e.id AND r.course_offering_id = $2
WHERE e.id = ANY($1::int[])
"""
_INSERT_MARKS = """
INSERT INTO attendance (enrollment_id, student_id, course_offering_id, date, status, remarks, marked_by_id, marked_at)
SELECT e, s, $4, $5, st, r, $6, now()
FROM unnest($1::int[], $2::int[], $3::text[], $7::text[]) AS t(e, s, st, r)
ORDER BY e
ON CONFLICT (enrollment_id, date, course_offering_id) DO NOTHING
RETURNING id, enrollment_id
"""
# The register's save: a mark added by a concurrent save since this one looked is
# overwritten (the last submit wins, as when it was there already).
_UPSERT_MARKS = _INSERT_MARKS.replace("DO NOTHING", (
    "DO UPDATE SET status = EXCLUDED.status, remarks = EXCLUDED.remarks, marked_by_id = EXCLUDED.marked_by_id, "
    "updated_at = now()"))
_LOCK_MARKS = """
SELECT id, enrollment_id, status, remarks FROM attendance
WHERE course_offering_id = $1 AND date = $2 AND enrollment_id = ANY($3::int[])
ORDER BY enrollment_id FOR UPDATE
"""
_UPDATE_MARKS = """
UPDATE attendance a SET status = t.st, remarks = t.r, marked_by_id = $4, updated_at = now()
FROM unnest($1::int[], $2::text[], $3::text[]) AS t(i, st, r)
WHERE a.id = t.i
"""


async def bulk_mark_attendance(actor: Actor, *, data: AttendanceBulk, overwrite: bool = False) -> dict[str, Any]:
    """One class: a result per item, in order. The valid marks go in with one INSERT in
    one transaction; a mark that exists already (or is added meanwhile by a concurrent
    request) is "already marked", unless `overwrite` (the admin panel's register, which
    shows the marks it edits), where it is changed instead, and so is one that a
    concurrent save added meanwhile: the last submit wins."""
    authorize(actor, Permission.ATTENDANCE_WRITE)
    offering = await _offering_for_marks(actor, data.course_offering_id, data.date)
    connection = connections.get("default")
    listed = [item.enrollment_id for item in data.items]
    state = {row["id"]: row for row in await connection.execute_query_dict(_ROSTER_STATE, [listed, offering.id])}
    results: list[dict[str, Any]] = []
    valid: dict[int, tuple[dict[str, Any], Any]] = {}
    for item in data.items:
        row = state.get(item.enrollment_id)
        result: dict[str, Any] = {"enrollment_id": item.enrollment_id, "student_id": row["student_id"] if row else None,
                                  "success": False, "attendance_id": None}
        results.append(result)
        if row is None:
            result["message"] = "Enrollment not found"
        elif item.student_id is not None and item.student_id != row["student_id"]:
            result["message"] = "student_id is not the enrollment's student"
        elif row["registration"] != RegistrationStatus.REGISTERED.value:
            result["message"] = _NOT_REGISTERED
        elif item.enrollment_id in valid:
            result["message"] = "Listed twice in this request"
        else:
            valid[item.enrollment_id] = (result, item)

    if valid:
        ids = sorted(valid)
        async with atomic():
            touched: list[int] = []
            to_insert = ids
            if overwrite:
                existing = {r["enrollment_id"]: r for r in await connection.execute_query_dict(
                    _LOCK_MARKS, [offering.id, data.date, ids])}
                changed = [e for e in ids if e in existing and (
                    existing[e]["status"] != valid[e][1].status.value or existing[e]["remarks"] != valid[e][1].remarks)]
                if changed:
                    await connection.execute_query(_UPDATE_MARKS, [
                        [existing[e]["id"] for e in changed], [valid[e][1].status.value for e in changed],
                        [valid[e][1].remarks for e in changed], actor.user_id])
                for e in ids:
                    if e in existing:
                        valid[e][0].update(success=True, attendance_id=existing[e]["id"],
                                           message="Updated" if e in changed else "Unchanged")
                touched.extend(changed)
                to_insert = [e for e in ids if e not in existing]
            if to_insert:
                inserted = await connection.execute_query_dict(_UPSERT_MARKS if overwrite else _INSERT_MARKS, [
                    to_insert, [state[e]["student_id"] for e in to_insert],
                    [valid[e][1].status.value for e in to_insert], offering.id, data.date, actor.user_id,
                    [valid[e][1].remarks for e in to_insert]])
                for row in inserted:
                    valid[row["enrollment_id"]][0].update(success=True, attendance_id=row["id"], message="Marked")
                touched.extend(row["enrollment_id"] for row in inserted)
            await refresh_summaries((e, data.date) for e in touched)
            if touched:
                await audit_bulk(actor, "create", entity_type="attendance", entity_id=offering.id,
                                 name=f"offering {offering.id} attendance {data.date.isoformat()}",
                                 after={"course_offering_id": offering.id, "date": data.date.isoformat(),
                                        "enrollment_ids": sorted(touched)})
    for result in results:
        result.setdefault("message", _ALREADY)
    successful = sum(1 for r in results if r["success"])
    return {"total": len(results), "successful": successful, "failed": len(results) - successful,
            "results": results}


async def update_attendance(actor: Actor, *, attendance_id: int, changes: AttendanceUpdate) -> dict[str, Any]:
    """Status and remarks. A mark outside the caller's scope is a 404; one of an
    offering a faculty caller does not teach, a 403."""
    authorize(actor, Permission.ATTENDANCE_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(Attendance, values)
    async with atomic():
        scope = await visible_attendance(actor)
        async with audited_edit(actor, scope, attendance_id, label="Attendance record") as mark:
            await ensure_teaches(actor, mark.course_offering_id)
            mark.update_from_dict(values)
            mark.marked_by_id = actor.user_id
        await refresh_summaries([(mark.enrollment_id, mark.date)])
    return await _record(attendance_id)


# --- the admin panel's register -----------------------------------------------------------

_REGISTER = """
SELECT r.enrollment_id, e.student_id, s.student_code, u.first_name, u.last_name, a.id AS attendance_id,
       a.status, a.remarks
FROM course_registrations r
JOIN enrollments e ON e.id = r.enrollment_id
JOIN students s ON s.id = e.student_id
JOIN users u ON u.id = s.user_id
LEFT JOIN attendance a ON a.enrollment_id = r.enrollment_id AND a.course_offering_id = r.course_offering_id
                       AND a.date = $2
WHERE r.course_offering_id = $1 AND (r.status = 'registered' OR a.id IS NOT NULL)
ORDER BY s.student_code, e.id
"""


async def class_register(actor: Actor, *, offering_id: int, day: dt.date) -> list[dict[str, Any]]:
    """The offering's roster for one class day, with the marks already given that day
    (status None where none yet)."""
    authorize(actor, Permission.ATTENDANCE_WRITE)
    await _offering_for_marks(actor, offering_id, day)
    rows = await connections.get("default").execute_query_dict(_REGISTER, [offering_id, day])
    return [dict(r) for r in rows]


async def save_register(actor: Actor, *, offering_id: int, day: dt.date,
                        marks: Sequence[RegisterMark]) -> dict[str, Any]:
    """The register's one submit: new marks are added, changed ones edited."""
    return await bulk_mark_attendance(actor, data=AttendanceBulk(
        course_offering_id=offering_id, date=day,
        items=[{"enrollment_id": m.enrollment_id, "status": m.status, "remarks": m.remarks} for m in marks],
    ), overwrite=True)


# One row per offering the student has marks in: each status counted, the newest term
# first. The student's marks are counted first (an index range on student_id) and only
# those few offerings joined, rather than the offerings walked to meet the marks.
STUDENT_BY_OFFERING_SQL = """
SELECT a.course_offering_id, c.code AS course_code, c.name AS course_name, o.semester, o.academic_year,
       o.section, a.total_classes, a.present, a.late, a.absent, a.excused, a.last_marked
FROM (
    SELECT course_offering_id, count(*) AS total_classes,
           count(*) FILTER (WHERE status = 'present') AS present, count(*) FILTER (WHERE status = 'late') AS late,
           count(*) FILTER (WHERE status = 'absent') AS absent,
           count(*) FILTER (WHERE status = 'excused') AS excused, max(date) AS last_marked
    FROM attendance WHERE student_id = $1
    GROUP BY course_offering_id
) a
JOIN course_offerings o ON o.id = a.course_offering_id
JOIN courses c ON c.id = o.course_id
ORDER BY o.academic_year DESC, o.semester DESC, c.code, a.course_offering_id
"""


async def student_attendance_by_offering(actor: Actor, *, student_id: int) -> list[dict[str, Any]]:
    """A student's attendance per course offering: classes marked, each status counted
    and the percentage attended (present + late, the one formula of the reports);
    another student's id is "not found"."""
    authorize(actor, Permission.ATTENDANCE_READ)
    scope = await student_scope(actor)
    if not scope.everyone and student_id not in scope.ids:
        raise NotFound("Student not found")
    rows = await connections.get("default").execute_query_dict(STUDENT_BY_OFFERING_SQL, [student_id])
    records = [dict(row) for row in rows]
    for row in records:
        row["attended_classes"] = sum(row[status] for status in ATTENDED)
        row["attendance_percentage"] = percentage(row["attended_classes"], row["total_classes"])
    return records
