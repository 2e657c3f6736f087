"""Courses and their prerequisites: domain.md §3.5 with its RECs.

Prerequisites are a many-to-many graph (course_prerequisites: `course` requires
`prerequisite`). It must stay acyclic: a course cannot require itself, directly or
through a chain. Every change to the graph takes one transaction-scoped advisory lock,
so two concurrent edits cannot each add half of a cycle.

Lock order: the graph lock first, then course rows. A new link takes a share lock on its
prerequisite's row (the foreign key), so a writer that held a course row while waiting
for the graph lock could deadlock with one that holds the graph lock and reaches for
that row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise.expressions import Q, RawSQL

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic, ids_of
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_change,
    ensure_unique,
    get_or_404,
    refuse_nulls,
    require_changes,
)
from dashboard.schemas.courses import CourseCreate, CourseOut, CourseUpdate
from models import (
    Course,
    CourseOffering,
    CoursePrerequisite,
    Department,
    ExamSchedule,
    Grade,
    ProgramCourse,
)
from models.enums import CourseType, Level

COURSE_FIELDS = (
    "id", "name", "code", "description", "syllabus", "credits", "department_id", "course_type", "level",
    "max_students", "is_active", "created_at", "updated_at",
)
# The prerequisite ids ride along in the same query as the course.
_PREREQUISITE_IDS = RawSQL(
    'ARRAY(SELECT cp.prerequisite_id FROM course_prerequisites cp '
    'WHERE cp.course_id = "courses"."id" ORDER BY cp.prerequisite_id)'
)
LABEL = "Course"
_DEPENDANTS = (
    (CourseOffering, "course_id", "course offerings"),
    (Grade, "course_id", "grades"),
    (ProgramCourse, "course_id", "program curricula"),
    (CoursePrerequisite, "prerequisite_id", "courses that require it"),
    (ExamSchedule, "course_id", "exam schedules"),
)
# pg_advisory_xact_lock key for edits of the prerequisite graph ("prereqs" in ASCII).
GRAPH_LOCK_KEY = 0x70726572657173

# Is `$2` reachable by following "requires" edges from any course in `$1`? Then making
# `$2` require those courses closes a cycle. UNION (not UNION ALL) ends the walk even if
# the stored graph were somehow cyclic already.
_REACHES_SQL = """
WITH RECURSIVE reachable(id) AS (
    SELECT unnest($1::int[])
    UNION
    SELECT cp.prerequisite_id FROM course_prerequisites cp JOIN reachable r ON cp.course_id = r.id
)
SELECT EXISTS (SELECT 1 FROM reachable WHERE id = $2) AS cycle
"""


def _with_prerequisites(query: Any) -> Any:
    return query.annotate(prerequisites=_PREREQUISITE_IDS)


async def _record(course_id: int) -> CourseOut:
    rows = await _with_prerequisites(Course.filter(id=course_id)).values(*COURSE_FIELDS, "prerequisites")
    if not rows:
        raise NotFound("Course not found")
    return CourseOut.model_validate(rows[0])


async def list_courses(
    actor: Actor, *, page: PageRequest, department_id: int | None = None, course_type: CourseType | None = None,
    level: Level | None = None, is_active: bool | None = None, search: str | None = None,
) -> Page[CourseOut]:
    authorize(actor, Permission.COURSES_READ)
    filters = {"department_id": department_id, "course_type": course_type, "level": level, "is_active": is_active}
    query = Course.filter(**{k: v for k, v in filters.items() if v is not None})
    if search:
        query = query.filter(Q(name__icontains=search) | Q(code__icontains=search))
    result = await paginate_values(_with_prerequisites(query.order_by("id")), page, *COURSE_FIELDS, "prerequisites")
    return result.with_items(CourseOut.rows(result.items))


async def get_course(actor: Actor, *, course_id: int) -> CourseOut:
    authorize(actor, Permission.COURSES_READ)
    return await _record(course_id)


async def course_prerequisites(actor: Actor, *, course_id: int) -> list[Course]:
    """The courses required first, by id; [] when there are none."""
    authorize(actor, Permission.COURSES_READ)
    await get_or_404(Course, course_id, label=LABEL)
    return await Course.filter(dependent_links__course_id=course_id).order_by("id")


# --- writing ------------------------------------------------------------------------------


async def _check_department(department_id: int) -> None:
    if not await Department.exists(id=department_id):
        raise NotFound("Department not found")


async def _lock_graph() -> None:
    from tortoise import connections

    await connections.get("default").execute_query("SELECT pg_advisory_xact_lock($1)", [GRAPH_LOCK_KEY])


async def _check_prerequisites(course_id: int | None, prerequisite_ids: Iterable[int]) -> list[int]:
    """Distinct ids, each an existing course; for an existing course, none of them may be
    the course itself or (transitively) require it."""
    ids = sorted(set(prerequisite_ids))
    if not ids:
        return []
    found = set(await ids_of(Course.filter(id__in=ids), "id"))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Prerequisite course not found: {', '.join(map(str, missing))}")
    if course_id is None:
        return ids  # a new course has no dependants, so it cannot close a cycle
    if course_id in ids:
        raise InvalidState("A course cannot be its own prerequisite")
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(_REACHES_SQL, [ids, course_id])
    if rows[0]["cycle"]:
        raise InvalidState("These prerequisites would create a cycle: one of them already requires this course")
    return ids


async def _set_prerequisites(course: Course, ids: list[int]) -> tuple[list[int], list[int]]:
    """Replace the course's prerequisite links; (the ids before, the ids after)."""
    current = set(await ids_of(CoursePrerequisite.filter(course_id=course.id), "prerequisite_id"))
    wanted = set(ids)
    if current - wanted:
        await CoursePrerequisite.filter(course_id=course.id, prerequisite_id__in=current - wanted).delete()
    if wanted - current:
        await CoursePrerequisite.bulk_create(
            [CoursePrerequisite(course_id=course.id, prerequisite_id=i) for i in sorted(wanted - current)]
        )
    return sorted(current), sorted(wanted)


async def create_course(actor: Actor, *, data: CourseCreate) -> CourseOut:
    """A new course, with its prerequisites (course ids) linked in the same transaction."""
    authorize(actor, Permission.COURSES_WRITE)
    async with atomic():
        await ensure_unique(Course, "course", name=data.name, code=data.code)
        await _check_department(data.department_id)
        await _lock_graph()
        ids = await _check_prerequisites(None, data.prerequisites)
        course = await Course.create(**data.model_dump(exclude={"prerequisites"}))
        await audit.record(actor, "create", course)
        if ids:
            await CoursePrerequisite.bulk_create(
                [CoursePrerequisite(course_id=course.id, prerequisite_id=i) for i in ids])
    return await _record(course.id)


async def update_course(actor: Actor, *, course_id: int, changes: CourseUpdate) -> CourseOut:
    """A partial update; the code is immutable. `prerequisites`, when sent, replaces the
    whole set and is checked for existence, self-reference and cycles."""
    authorize(actor, Permission.COURSES_WRITE)
    fields = changes.changes()
    require_changes(fields)
    refuse_nulls(Course, fields)
    prerequisites = fields.pop("prerequisites", None)
    async with atomic():
        if prerequisites is not None:
            # Before the row lock: the lock order of the module docstring.
            await _lock_graph()
        course = await get_or_404(Course, course_id, label=LABEL, for_update=True)
        if "name" in fields:
            await ensure_unique(Course, "course", name=fields["name"], exclude_id=course.id)
        if fields.get("department_id") is not None:
            await _check_department(fields["department_id"])
        ids = await _check_prerequisites(course.id, prerequisites) if prerequisites is not None else None
        links: dict[str, tuple[Any, Any]] = {}
        async with audited_change(actor, course, also=links):
            course.update_from_dict(fields)
            if ids is not None:
                links["prerequisites"] = await _set_prerequisites(course, ids)
    return await _record(course_id)


async def delete_course(actor: Actor, *, course_id: int) -> None:
    """Refused (409) while anything refers to the course; its own prerequisite links go
    with it."""
    authorize(actor, Permission.COURSES_WRITE)
    async with atomic():
        # Before the row lock: the lock order of the module docstring.
        await _lock_graph()
        course = await get_or_404(Course, course_id, label=LABEL, for_update=True)
        blocking = [label for model, column, label in _DEPENDANTS
                    if await model.filter(**{column: course_id}).exists()]
        if blocking:
            raise Conflict(f"Course cannot be deleted: it still has {', '.join(blocking)}")
        before = audit.snapshot(course)
        await course.delete()
        await audit.record(actor, "delete", course, before=before, after=None)
