"""Faculty: the rules of domain.md §3.4 with its RECs.

`faculty.is_hod` mirrors `departments.hod_id`: whoever is named head of a department has
the flag, nobody else does, and a head always belongs to the department they head.
Writes that can change that take `lock_headships()` first and then lock departments
before faculty rows (departments.py's docstring says why).
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, NotFound
from dashboard.core.files import UploadSource
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_change, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.course_offerings import ClassScheduleEntry
from dashboard.schemas.faculty import (
    FacultyCourseOut,
    FacultyCreate,
    FacultyOut,
    FacultyPhotoOut,
    FacultyStudentOut,
    FacultyUpdate,
)
from dashboard.schemas.people import split_account
from dashboard.services import course_offerings, people, students
from dashboard.services.departments import lock_headships
from models import ClassSchedule, Department, Faculty, User
from models.enums import EmploymentType, FacultyStatus, UserType

FACULTY_FIELDS = (
    "id", "user_id", "employee_id", "department_id", "designation", "specialization", "qualification",
    "date_of_joining", "employment_type", "experience_years", "is_hod", "status", "created_at", "updated_at",
)
FACULTY_USER_FIELDS = {
    "first_name": "user__first_name", "middle_name": "user__middle_name", "last_name": "user__last_name",
    "email": "user__email", "user_name": "user__user_name", "phone": "user__phone",
    "is_active": "user__is_active",
}
# An update sending any of these goes under the headship lock. status is among them
# because DELETE changes it under that lock while ending the member's headships.
_HEADSHIP_FIELDS = ("department_id", "is_hod", "status")
LABEL = "Faculty member"


def visible_faculty(actor: Actor) -> QuerySet[Faculty]:
    """Faculty records are part of the catalogue: every signed-in role reads them all."""
    return Faculty.all()


def photo_editable_faculty(actor: Actor) -> QuerySet[Faculty]:
    """Whose photo this actor may replace: staff anyone's, a faculty member their own.
    A colleague's id is "not found", as a student's is in the students service."""
    if actor.can(Permission.FACULTY_WRITE):
        return Faculty.all()
    return Faculty.filter(id=actor.faculty_id) if actor.faculty_id is not None else Faculty.filter(id__in=[])


async def _get(faculty_id: int) -> Faculty:
    return await get_or_404(Faculty, faculty_id, label=LABEL)


async def _record(faculty_id: int) -> FacultyOut:
    rows = await Faculty.filter(id=faculty_id).values(*FACULTY_FIELDS, **FACULTY_USER_FIELDS)
    if not rows:
        raise NotFound("Faculty member not found")
    return FacultyOut.model_validate(rows[0])


async def list_faculty(
    actor: Actor, *, page: PageRequest, status: FacultyStatus | None = None, department_id: int | None = None,
    employment_type: EmploymentType | None = None, is_hod: bool | None = None, search: str | None = None,
) -> Page[FacultyOut]:
    authorize(actor, Permission.FACULTY_READ)
    filters = {"status": status, "department_id": department_id, "employment_type": employment_type,
               "is_hod": is_hod}
    query = Faculty.filter(**{k: v for k, v in filters.items() if v is not None})
    if search:
        query = query.filter(Q(employee_id__icontains=search) | Q(designation__icontains=search))
    result = await paginate_values(query.order_by("id"), page, *FACULTY_FIELDS, **FACULTY_USER_FIELDS)
    return result.with_items(FacultyOut.rows(result.items))


async def get_faculty(actor: Actor, *, faculty_id: int) -> FacultyOut:
    authorize(actor, Permission.FACULTY_READ)
    return await _record(faculty_id)


# --- writing ------------------------------------------------------------------------------


async def _department(*, code: str | None = None, pk: int | None = None, lock: bool = False) -> Department:
    query = Department.select_for_update() if lock else Department.all()
    department = await (
        query.get_or_none(code__iexact=code) if code is not None else query.get_or_none(id=pk)
    )
    if department is None:
        raise NotFound("Department not found")
    return department


async def _lock_departments(faculty_id: int, *department_ids: int) -> dict[int, Department]:
    """Lock, by id, the given departments and any the member heads; call under
    `lock_headships()`, before locking the member's row."""
    departments = await Department.select_for_update().filter(
        Q(id__in=department_ids) | Q(hod_id=faculty_id)
    ).order_by("id")
    return {department.id: department for department in departments}


async def _make_head(actor: Actor, department: Department, faculty: Faculty) -> None:
    """`faculty` heads `department`; the previous head loses the flag."""
    previous = department.hod_id
    if previous == faculty.id:
        return
    async with audited_change(actor, department, fields=["hod_id"]):
        department.hod_id = faculty.id
    if previous is not None:
        await Faculty.filter(id=previous).exclude(
            id__in=Subquery(Department.filter(hod_id=previous).values("hod_id"))
        ).update(is_hod=False)


async def _stop_heading(actor: Actor, faculty_id: int) -> None:
    for department in await Department.select_for_update().filter(hod_id=faculty_id).order_by("id"):
        async with audited_change(actor, department, fields=["hod_id"]):
            department.hod_id = None


async def create_faculty(actor: Actor, *, data: FacultyCreate) -> FacultyOut:
    """The user account (type faculty) and the faculty row in one transaction. The
    department is named by code. With is_hod the member becomes their department's head.
    Checks: email, user name, employee id (409), department (404)."""
    authorize(actor, Permission.FACULTY_WRITE)
    account, rest = split_account(data.model_dump())
    password_hash = await people.hashed(account.pop("password"))
    department_code = rest.pop("department_code")
    heading = data.is_hod
    async with atomic():
        if heading:
            await lock_headships()
        await people.check_account_unique(email=data.email.strip().lower(), user_name=data.user_name)
        if await Faculty.filter(employee_id__iexact=data.employee_id).exists():
            raise Conflict("Employee ID already exists")
        department = await _department(code=department_code, lock=heading)
        await people.check_account_unique(phone=data.phone)
        user = await people.create_account(actor, user_type=UserType.FACULTY, account=account,
                                           password_hash=password_hash)
        faculty = await Faculty.create(user=user, department=department, **rest)
        await audit.record(actor, "create", faculty)
        if faculty.is_hod:
            await _make_head(actor, department, faculty)
    return await _record(faculty.id)


async def update_faculty(actor: Actor, *, faculty_id: int, changes: FacultyUpdate) -> FacultyOut:
    """A partial update. Moving to another department ends a headship; `is_hod` true
    makes the member head of their (new) department, false ends it."""
    authorize(actor, Permission.FACULTY_WRITE)
    account, rest = split_account(changes.changes())
    require_changes(account or rest)
    refuse_nulls(Faculty, rest)
    headship = any(field in rest for field in _HEADSHIP_FIELDS)
    async with atomic():
        new_department = None
        if headship:
            await lock_headships()
            # Read unlocked only to learn which departments to lock first; under the
            # headship lock nobody else can change this member's department or headships.
            current = await _get(faculty_id)
            new_department_id = rest.get("department_id", current.department_id)  # type: ignore[attr-defined]
            departments = await _lock_departments(faculty_id, current.department_id,  # type: ignore[attr-defined]
                                                  new_department_id)
            new_department = departments.get(new_department_id)
            if new_department is None:
                raise NotFound("Department not found")
        faculty = await get_or_404(Faculty, faculty_id, label=LABEL, for_update=True)
        user = await User.select_for_update().get(id=faculty.user_id)  # type: ignore[attr-defined]
        await people.update_account(actor, user, account)

        async with audited_change(actor, faculty):
            moved = new_department is not None and new_department.id != faculty.department_id  # type: ignore[attr-defined]
            wants_head = bool(rest.get("is_hod", faculty.is_hod and not moved))
            faculty.update_from_dict({k: v for k, v in rest.items() if k != "is_hod"})
            faculty.is_hod = wants_head
        if new_department is not None:
            if moved or not wants_head:
                await _stop_heading(actor, faculty.id)
            if wants_head:
                await _make_head(actor, new_department, faculty)
        if rest.get("status") in (FacultyStatus.ACTIVE, FacultyStatus.INACTIVE):
            await people.set_account_active(actor, user.id, rest["status"] == FacultyStatus.ACTIVE)
    return await _record(faculty_id)


async def deactivate_faculty(actor: Actor, *, faculty_id: int) -> None:
    """DELETE: inactive, no longer head of anything, and the account cannot sign in.
    Teaching history (offerings, marks given) stays."""
    authorize(actor, Permission.FACULTY_WRITE)
    async with atomic():
        await lock_headships()
        await _get(faculty_id)
        await _stop_heading(actor, faculty_id)
        faculty = await get_or_404(Faculty, faculty_id, label=LABEL, for_update=True)
        async with audited_change(actor, faculty, fields=["status", "is_hod"]):
            faculty.status = FacultyStatus.INACTIVE
            faculty.is_hod = False
        await people.set_account_active(actor, faculty.user_id, False)  # type: ignore[attr-defined]


# --- teaching -----------------------------------------------------------------------------


async def faculty_courses(actor: Actor, *, faculty_id: int) -> list[FacultyCourseOut]:
    """The offerings this member teaches, with their course, ordered by offering id."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.OFFERINGS_READ)
    await get_or_404(visible_faculty(actor), faculty_id, label=LABEL)
    return FacultyCourseOut.rows(await course_offerings.offerings_taught_by(faculty_id).order_by("id").values(
        "course_id", "program_id", "semester", "academic_year", "section", "status",
        offering_id="id", course_name="course__name", course_code="course__code", credits="course__credits",
    ))


async def faculty_schedule(actor: Actor, *, faculty_id: int) -> list[ClassScheduleEntry]:
    """Active weekly classes of the offerings this member teaches, by day and time."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.TIMETABLE_READ)
    await get_or_404(visible_faculty(actor), faculty_id, label=LABEL)
    taught = course_offerings.offerings_taught_by(faculty_id).values("id")
    return await course_offerings.class_schedule_entries(
        ClassSchedule.filter(course_offering_id__in=Subquery(taught)))


async def faculty_students(actor: Actor, *, faculty_id: int) -> list[FacultyStudentOut]:
    """The students this member teaches now (`students.students_taught_by(now=True)`:
    registered in an open or ongoing offering), each once, by id,
    of those this actor may see: a faculty member reading a colleague's list sees only
    the students both teach; a student or parent only their own."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.STUDENTS_READ)
    await get_or_404(visible_faculty(actor), faculty_id, label=LABEL)
    taught = students.students_taught_by(faculty_id, now=True).values("id")
    query = students.visible_students(actor).filter(id__in=Subquery(taught))
    return FacultyStudentOut.rows(await query.order_by("id").values(
        "user_id", "student_code", "program_id", "department_id", "semester", "batch_year", "status",
        student_id="id", first_name="user__first_name", last_name="user__last_name", email="user__email",
    ))


# --- photo --------------------------------------------------------------------------------


async def upload_faculty_photo(actor: Actor, *, faculty_id: int, upload: UploadSource) -> FacultyPhotoOut:
    """The member themselves, or staff."""
    authorize(actor, Permission.FACULTY_PHOTO)
    faculty = await get_or_404(photo_editable_faculty(actor), faculty_id, label=LABEL)
    await people.replace_photo(actor, user_id=faculty.user_id, upload=upload)  # type: ignore[attr-defined]
    return FacultyPhotoOut(faculty_id=faculty.id, user_id=faculty.user_id,  # type: ignore[attr-defined]
                           message="Photo uploaded successfully")


async def faculty_photo(actor: Actor, *, faculty_id: int) -> people.Photo:
    authorize(actor, Permission.FACULTY_READ)
    faculty = await get_or_404(visible_faculty(actor), faculty_id, label=LABEL)
    return await people.open_photo(user_id=faculty.user_id)  # type: ignore[attr-defined]
