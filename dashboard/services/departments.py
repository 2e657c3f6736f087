"""Departments: the rules of domain.md §3.5.

The pattern every resource group follows: keyword-only functions taking an Actor,
`authorize` first, writes inside `atomic()` with an audit row, DomainErrors out.

Who heads which department is spread over two tables (departments.hod_id, and
faculty.department_id / is_hod), and its rule ("the head belongs to the department")
spans both. Every write that can change it (naming or clearing a head here; creating a
head, moving a member, changing is_hod or status, deactivating in the faculty service)
runs under `lock_headships()`, taken before any row lock, then locks in one order:
department rows (by id), then faculty rows. Naming a head has to go department first
anyway: the hod_id foreign key share-locks the faculty row when the department row is
written. The one lock makes the checks (is the member in this department? whom does
this member head?) hold until commit, and the one order keeps these writers from
deadlocking with each other or with edits that lock a single department or member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import check_changes, delete_unless_referenced, ensure_unique
from models import Course, Department, Faculty, Program, Student
from models.academics import University
from models.enums import FacultyStatus

# pg_advisory_xact_lock key for changes of who heads which department ("headship" in ASCII).
HEADSHIP_LOCK_KEY = 0x6865616473686970

_WRITABLE = ("name", "description", "hod_id", "phone", "email", "building", "floor", "is_active")

# What blocks a delete, in the words the 409 uses.
_DEPENDANTS = (
    (Program, "programs"),
    (Course, "courses"),
    (Faculty, "faculty members"),
    (Student, "students"),
)


async def _get(department_id: int) -> Department:
    department = await Department.get_or_none(id=department_id)
    if department is None:
        raise NotFound("Department not found")
    return department


async def list_departments(
    actor: Actor, *, page: PageRequest, is_active: bool | None = None, search: str | None = None
) -> Page[Department]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    query = Department.all().order_by("id")
    if is_active is not None:
        query = query.filter(is_active=is_active)
    if search:
        query = query.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return await paginate(query, page)


async def get_department(actor: Actor, *, department_id: int) -> Department:
    authorize(actor, Permission.DEPARTMENTS_READ)
    return await _get(department_id)


async def lock_headships() -> None:
    """Serialize changes of who heads which department until the transaction ends (see the
    module docstring). Take it before locking any department or faculty row."""
    from tortoise import connections

    await connections.get("default").execute_query("SELECT pg_advisory_xact_lock($1)", [HEADSHIP_LOCK_KEY])


async def _check_hod(hod_id: int, department_id: int | None) -> Faculty:
    """The head of department must be a faculty member of that department. Under
    `lock_headships()` the answer holds until commit: moving a member takes that lock too."""
    hod = await Faculty.get_or_none(id=hod_id)
    if hod is None:
        raise NotFound("Faculty member for hod_id not found")
    if department_id is None or hod.department_id != department_id:  # type: ignore[attr-defined]
        raise InvalidState("The head of department must be a faculty member of this department")
    if hod.status != FacultyStatus.ACTIVE:
        # Deactivating a member ends their headships; naming one would undo that.
        raise InvalidState("The head of department must be an active faculty member")
    return hod


async def _sync_hod_flags(department: Department, previous_hod_id: int | None) -> None:
    """faculty.is_hod mirrors departments.hod_id."""
    if previous_hod_id is not None and previous_hod_id != department.hod_id:
        still_heads = await Department.filter(hod_id=previous_hod_id).exists()
        if not still_heads:
            await Faculty.filter(id=previous_hod_id).update(is_hod=False)
    if department.hod_id is not None:
        await Faculty.filter(id=department.hod_id).update(is_hod=True)


async def create_department(actor: Actor, *, data: dict[str, Any]) -> Department:
    """`data` holds name, code and the optional contact fields. A new department has no
    faculty yet, so its head is named by a later update."""
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    if data.get("hod_id") is not None:
        await _check_hod(data["hod_id"], None)
    async with atomic():
        await ensure_unique(Department, "department", name=data["name"], code=data["code"])
        university = await University.filter(is_active=True).order_by("id").first()
        department = await Department.create(**data, university=university, is_active=True)
        await audit.record(actor, "create", department)
    return department


async def update_department(actor: Actor, *, department_id: int, changes: dict[str, Any]) -> Department:
    """A partial update; the code is immutable (the schema does not accept it)."""
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    check_changes(changes, writable=_WRITABLE, not_null=("name", "is_active"))
    async with atomic():
        if "hod_id" in changes:
            await lock_headships()
        department = await Department.select_for_update().get_or_none(id=department_id)
        if department is None:
            raise NotFound("Department not found")
        before = audit.snapshot(department)
        if changes.get("name") is not None:
            await ensure_unique(Department, "department", name=changes["name"], exclude_id=department.id)
        if changes.get("hod_id") is not None:
            await _check_hod(changes["hod_id"], department.id)
        previous_hod = department.hod_id
        department.update_from_dict(changes)
        department.updated_at = dt.datetime.now(dt.UTC)
        await department.save()
        if "hod_id" in changes:
            await _sync_hod_flags(department, previous_hod)
        await audit.record(actor, "update", department, before=before)
    return department


async def delete_department(actor: Actor, *, department_id: int) -> None:
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    await delete_unless_referenced(actor, Department, department_id, label="Department",
                                   dependants=_DEPENDANTS, column="department_id")


async def department_faculty(actor: Actor, *, department_id: int) -> list[dict[str, Any]]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    await _get(department_id)
    return await (
        Faculty.filter(department_id=department_id)
        .order_by("id")
        .values("id", "employee_id", "user_id", "designation", "is_hod", "status",
                first_name="user__first_name", last_name="user__last_name")
    )


async def department_students(actor: Actor, *, department_id: int) -> list[dict[str, Any]]:
    """Staff and faculty see the whole department; a student or parent only their own."""
    authorize(actor, Permission.DEPARTMENTS_READ)
    authorize(actor, Permission.STUDENTS_READ)
    await _get(department_id)
    query = Student.filter(department_id=department_id).order_by("id")
    if not actor.sees_all_records:
        query = query.filter(id__in=actor.own_student_ids)
    return await query.values(
        "user_id", "student_code", "program_id", "semester", "batch_year", "status",
        student_id="id", first_name="user__first_name", last_name="user__last_name",
    )


async def department_courses(actor: Actor, *, department_id: int) -> list[dict[str, Any]]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    await _get(department_id)
    return await (
        Course.filter(department_id=department_id)
        .order_by("id")
        .values("id", "name", "code", "credits", "course_type", "level", "is_active")
    )
