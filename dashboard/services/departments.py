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

from typing import Any

from tortoise import connections

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_edit,
    delete_unless_referenced,
    ensure_unique,
    get_or_404,
    refuse_nulls,
    require_changes,
)
from dashboard.schemas.departments import (
    DepartmentCreate,
    DepartmentFacultyOut,
    DepartmentOut,
    DepartmentStudentOut,
    DepartmentUpdate,
)
from dashboard.services import students
from models import Course, Department, Faculty, Program, Student
from models.academics import University
from models.enums import FacultyStatus

# pg_advisory_xact_lock key for changes of who heads which department ("headship" in ASCII).
HEADSHIP_LOCK_KEY = 0x6865616473686970

# What blocks a delete, in the words the 409 uses.
_DEPENDANTS = (
    (Program, "programs"),
    (Course, "courses"),
    (Faculty, "faculty members"),
    (Student, "students"),
)


LABEL = "Department"


# The first screen of the catalogue, opened all day: written out once, the page and its
# exact total in one statement (a dozen rows; the count rides along as a window).
# `{where}` is made of the fixed clauses below, the values are bind parameters.
DEPARTMENT_PAGE_SQL = """
SELECT id, university_id, name, code, description, hod_id, phone, email, building, floor, is_active, created_at,
       updated_at, count(*) OVER () AS total
FROM departments{where}
ORDER BY id LIMIT ${limit} OFFSET ${offset}
"""
DEPARTMENT_COUNT_SQL = "SELECT count(*) AS total FROM departments{where}"


async def list_departments(
    actor: Actor, *, page: PageRequest, is_active: bool | None = None, search: str | None = None
) -> Page[DepartmentOut]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    clauses: list[str] = []
    params: list[Any] = []
    if is_active is not None:
        params.append(is_active)
        clauses.append(f"is_active = ${len(params)}")
    if search:
        params.append(students.like_pattern(search))
        n = len(params)
        clauses.append(f"(UPPER(CAST(name AS VARCHAR)) LIKE UPPER(${n}) ESCAPE '\\' "
                       f"OR UPPER(CAST(code AS VARCHAR)) LIKE UPPER(${n}) ESCAPE '\\')")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    connection = connections.get("default")
    rows = await connection.execute_query_dict(
        DEPARTMENT_PAGE_SQL.format(where=where, limit=len(params) + 1, offset=len(params) + 2),
        [*params, page.page_size, page.offset])
    if rows:
        total = rows[0]["total"]
    else:
        # Past the last page (or none at all): the window had no row to ride on.
        total = (await connection.execute_query_dict(DEPARTMENT_COUNT_SQL.format(where=where), params))[0]["total"] \
            if page.offset else 0
    return Page(items=DepartmentOut.rows(rows), total=total, page=page.page, page_size=page.page_size)


async def get_department(actor: Actor, *, department_id: int) -> Department:
    authorize(actor, Permission.DEPARTMENTS_READ)
    return await get_or_404(Department, department_id, label=LABEL)


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
    if department_id is None or hod.department_id != department_id:
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


async def create_department(actor: Actor, *, data: DepartmentCreate) -> Department:
    """A new department, active. It has no faculty yet, so a head named here can only be
    refused; the head is named by a later update."""
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    if data.hod_id is not None:
        await _check_hod(data.hod_id, None)
    async with atomic():
        await ensure_unique(Department, "department", name=data.name, code=data.code)
        university = await University.filter(is_active=True).order_by("id").first()
        department = await Department.create(**data.model_dump(), university=university, is_active=True)
        await audit.record(actor, "create", department)
    return department


async def update_department(actor: Actor, *, department_id: int, changes: DepartmentUpdate) -> Department:
    """A partial update; the code is immutable (the schema does not accept it)."""
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    fields = changes.changes()
    require_changes(fields)
    refuse_nulls(Department, fields)
    async with atomic():
        if "hod_id" in fields:
            await lock_headships()
        async with audited_edit(actor, Department, department_id, label=LABEL) as department:
            if fields.get("name") is not None:
                await ensure_unique(Department, "department", name=fields["name"], exclude_id=department.id)
            if fields.get("hod_id") is not None:
                await _check_hod(fields["hod_id"], department.id)
            previous_hod = department.hod_id
            department.update_from_dict(fields)
        if "hod_id" in fields:
            await _sync_hod_flags(department, previous_hod)
    return department


async def delete_department(actor: Actor, *, department_id: int) -> None:
    authorize(actor, Permission.DEPARTMENTS_WRITE)
    await delete_unless_referenced(actor, Department, department_id, label="Department",
                                   dependants=_DEPENDANTS, column="department_id")


async def department_faculty(actor: Actor, *, department_id: int) -> list[DepartmentFacultyOut]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    await get_or_404(Department, department_id, label=LABEL)
    return DepartmentFacultyOut.rows(await (
        Faculty.filter(department_id=department_id)
        .order_by("id")
        .values("id", "employee_id", "user_id", "designation", "is_hod", "status",
                first_name="user__first_name", last_name="user__last_name")
    ))


async def department_students(actor: Actor, *, department_id: int) -> list[DepartmentStudentOut]:
    """The department's students this actor may see (`students.visible_students`)."""
    authorize(actor, Permission.DEPARTMENTS_READ)
    authorize(actor, Permission.STUDENTS_READ)
    await get_or_404(Department, department_id, label=LABEL)
    query = students.visible_students(actor).filter(department_id=department_id).order_by("id")
    return DepartmentStudentOut.rows(await query.values(
        "user_id", "student_code", "program_id", "semester", "batch_year", "status",
        student_id="id", first_name="user__first_name", last_name="user__last_name",
    ))


async def department_courses(actor: Actor, *, department_id: int) -> list[Course]:
    authorize(actor, Permission.DEPARTMENTS_READ)
    await get_or_404(Department, department_id, label=LABEL)
    return await Course.filter(department_id=department_id).order_by("id")
