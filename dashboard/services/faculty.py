"""Faculty: the rules of domain.md §3.4 with its RECs.

`faculty.is_hod` mirrors `departments.hod_id`: whoever is named head of a department has
the flag, nobody else does, and a head always belongs to the department they head.
Writes that can change that take `lock_headships()` first and then lock departments
before faculty rows (departments.py's docstring says why).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q, Subquery

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, Forbidden, InvalidState, NotFound
from dashboard.core.files import UploadSource
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import check_fields, require_changes
from dashboard.services import people
from dashboard.services.departments import lock_headships
from models import (
    ClassSchedule,
    CourseOffering,
    CourseRegistration,
    Department,
    Faculty,
    Student,
    User,
)
from models.enums import EmploymentType, FacultyStatus, OfferingStatus, RegistrationStatus, UserType

FACULTY_FIELDS = (
    "id", "user_id", "employee_id", "department_id", "designation", "specialization", "qualification",
    "date_of_joining", "employment_type", "experience_years", "is_hod", "status", "created_at", "updated_at",
)
FACULTY_USER_FIELDS = {
    "first_name": "user__first_name", "middle_name": "user__middle_name", "last_name": "user__last_name",
    "email": "user__email", "user_name": "user__user_name", "phone": "user__phone",
    "is_active": "user__is_active",
}
_FACULTY_COLUMNS = (
    "employee_id", "designation", "specialization", "qualification", "date_of_joining", "employment_type",
    "experience_years", "is_hod", "status",
)
_UPDATABLE = tuple(c for c in _FACULTY_COLUMNS if c != "employee_id") + ("department_id",)
_NOT_NULL = ("designation", "employment_type", "is_hod", "status", "department_id")
# An update sending any of these goes under the headship lock. status is among them
# because DELETE changes it under that lock while ending the member's headships.
_HEADSHIP_FIELDS = ("department_id", "is_hod", "status")

# Offerings whose students a faculty member is teaching now.
CURRENT_OFFERING_STATUSES = (OfferingStatus.OPEN, OfferingStatus.ONGOING)


async def _get(faculty_id: int) -> Faculty:
    faculty = await Faculty.get_or_none(id=faculty_id)
    if faculty is None:
        raise NotFound("Faculty member not found")
    return faculty


async def _record(faculty_id: int) -> dict[str, Any]:
    rows = await Faculty.filter(id=faculty_id).values(*FACULTY_FIELDS, **FACULTY_USER_FIELDS)
    if not rows:
        raise NotFound("Faculty member not found")
    return rows[0]


async def list_faculty(
    actor: Actor, *, page: PageRequest, status: FacultyStatus | None = None, department_id: int | None = None,
    employment_type: EmploymentType | None = None, is_hod: bool | None = None, search: str | None = None,
) -> Page[dict[str, Any]]:
    authorize(actor, Permission.FACULTY_READ)
    filters = {"status": status, "department_id": department_id, "employment_type": employment_type,
               "is_hod": is_hod}
    query = Faculty.filter(**{k: v for k, v in filters.items() if v is not None})
    if search:
        query = query.filter(Q(employee_id__icontains=search) | Q(designation__icontains=search))
    return await paginate_values(query.order_by("id"), page, *FACULTY_FIELDS, **FACULTY_USER_FIELDS)


async def get_faculty(actor: Actor, *, faculty_id: int) -> dict[str, Any]:
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
    before = audit.snapshot(department)
    department.hod_id = faculty.id
    department.updated_at = dt.datetime.now(dt.UTC)
    await department.save(update_fields=["hod_id", "updated_at"])
    await audit.record(actor, "update", department, before=before)
    if previous is not None:
        await Faculty.filter(id=previous).exclude(
            id__in=Subquery(Department.filter(hod_id=previous).values("hod_id"))
        ).update(is_hod=False)


async def _stop_heading(actor: Actor, faculty_id: int) -> None:
    for department in await Department.select_for_update().filter(hod_id=faculty_id).order_by("id"):
        before = audit.snapshot(department)
        department.hod_id = None
        department.updated_at = dt.datetime.now(dt.UTC)
        await department.save(update_fields=["hod_id", "updated_at"])
        await audit.record(actor, "update", department, before=before)


async def create_faculty(actor: Actor, *, data: dict[str, Any]) -> dict[str, Any]:
    """The user account (type faculty) and the faculty row in one transaction.

    `data`: the account fields (email, user_name, password, first_name, last_name, optional
    contact fields), employee_id, `department_code` or `department_id`, designation,
    employment_type, and optionally specialization, qualification, date_of_joining,
    experience_years, is_hod (false), status (active). With is_hod the member becomes
    their department's head. Checks: email, user name, employee id (409), department (404).
    """
    authorize(actor, Permission.FACULTY_WRITE)
    data = dict(data)
    password = data.pop("password")
    account, rest = people.split_user_fields(data)
    password_hash = await people.hashed(password)
    heading = bool(rest.get("is_hod"))
    async with atomic():
        if heading:
            await lock_headships()
        await people.check_account_unique(email=account["email"].strip().lower(), user_name=account["user_name"])
        if await Faculty.filter(employee_id__iexact=rest["employee_id"]).exists():
            raise Conflict("Employee ID already exists")
        department = await _department(code=rest.pop("department_code", None), pk=rest.pop("department_id", None),
                                       lock=heading)
        await people.check_account_unique(phone=account.get("phone"))
        unknown = set(rest) - set(_FACULTY_COLUMNS)
        if unknown:
            raise InvalidState(f"Unknown faculty fields: {', '.join(sorted(unknown))}")
        rest["is_hod"] = heading
        if rest.get("status") is None:
            rest["status"] = FacultyStatus.ACTIVE
        user = await people.create_account(actor, user_type=UserType.FACULTY, account=account,
                                           password_hash=password_hash)
        faculty = await Faculty.create(user=user, department=department, **rest)
        await audit.record(actor, "create", faculty)
        if faculty.is_hod:
            await _make_head(actor, department, faculty)
    return await _record(faculty.id)


async def update_faculty(actor: Actor, *, faculty_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """A partial update. Moving to another department ends a headship; `is_hod` true
    makes the member head of their (new) department, false ends it."""
    authorize(actor, Permission.FACULTY_WRITE)
    require_changes(changes)
    account, rest = people.split_user_fields(dict(changes), people.USER_UPDATE_FIELDS)
    check_fields(rest, writable=_UPDATABLE, not_null=_NOT_NULL)
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
        faculty = await Faculty.select_for_update().get_or_none(id=faculty_id)
        if faculty is None:
            raise NotFound("Faculty member not found")
        user = await User.select_for_update().get(id=faculty.user_id)  # type: ignore[attr-defined]
        await people.update_account(actor, user, account)

        before = audit.snapshot(faculty)
        moved = new_department is not None and new_department.id != faculty.department_id  # type: ignore[attr-defined]
        wants_head = bool(rest.get("is_hod", faculty.is_hod and not moved))
        faculty.update_from_dict({k: v for k, v in rest.items() if k != "is_hod"})
        faculty.is_hod = wants_head
        faculty.updated_at = dt.datetime.now(dt.UTC)
        await faculty.save()
        if new_department is not None:
            if moved or not wants_head:
                await _stop_heading(actor, faculty.id)
            if wants_head:
                await _make_head(actor, new_department, faculty)
        await audit.record(actor, "update", faculty, before=before)
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
        faculty = await Faculty.select_for_update().get_or_none(id=faculty_id)
        if faculty is None:
            raise NotFound("Faculty member not found")
        before = audit.snapshot(faculty)
        faculty.status = FacultyStatus.INACTIVE
        faculty.is_hod = False
        faculty.updated_at = dt.datetime.now(dt.UTC)
        await faculty.save(update_fields=["status", "is_hod", "updated_at"])
        await audit.record(actor, "update", faculty, before=before)
        await people.set_account_active(actor, faculty.user_id, False)  # type: ignore[attr-defined]


# --- teaching -----------------------------------------------------------------------------


async def faculty_courses(actor: Actor, *, faculty_id: int) -> list[dict[str, Any]]:
    """The offerings this member teaches, with their course, ordered by offering id."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.OFFERINGS_READ)
    await _get(faculty_id)
    return await CourseOffering.filter(faculty_assignments__faculty_id=faculty_id).order_by("id").values(
        "course_id", "program_id", "semester", "academic_year", "section", "status",
        offering_id="id", course_name="course__name", course_code="course__code", credits="course__credits",
    )


async def faculty_schedule(actor: Actor, *, faculty_id: int) -> list[dict[str, Any]]:
    """Active weekly classes of the offerings this member teaches, by day and time."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.TIMETABLE_READ)
    await _get(faculty_id)
    return await (
        ClassSchedule.filter(is_active=True, course_offering__faculty_assignments__faculty_id=faculty_id)
        .order_by("slot__day_of_week", "slot__start_time", "id")
        .values(
            "id", "course_offering_id", "room_no",
            course_name="course_offering__course__name", course_code="course_offering__course__code",
            section="course_offering__section", day_of_week="slot__day_of_week",
            start_time="slot__start_time", end_time="slot__end_time", slot_type="slot__slot_type",
        )
    )


async def faculty_students(actor: Actor, *, faculty_id: int) -> list[dict[str, Any]]:
    """Students registered in the offerings this member currently teaches (open or
    ongoing), each once, by id. A student or parent sees only their own in it."""
    authorize(actor, Permission.FACULTY_READ)
    authorize(actor, Permission.STUDENTS_READ)
    await _get(faculty_id)
    registered = CourseRegistration.filter(
        status=RegistrationStatus.REGISTERED,
        course_offering__status__in=CURRENT_OFFERING_STATUSES,
        course_offering__faculty_assignments__faculty_id=faculty_id,
    ).values("enrollment__student_id")
    query = Student.filter(id__in=Subquery(registered))
    if not actor.sees_all_records:
        query = query.filter(id__in=actor.own_student_ids)
    return await query.order_by("id").values(
        "user_id", "student_code", "program_id", "department_id", "semester", "batch_year", "status",
        student_id="id", first_name="user__first_name", last_name="user__last_name", email="user__email",
    )


# --- photo --------------------------------------------------------------------------------


async def upload_faculty_photo(actor: Actor, *, faculty_id: int, upload: UploadSource) -> dict[str, Any]:
    """The member themselves, or staff."""
    authorize(actor, Permission.FACULTY_PHOTO)
    # Missing first: a 404 for an id that names nobody, whoever asks (the role matrix).
    faculty = await _get(faculty_id)
    if not actor.can(Permission.FACULTY_WRITE) and actor.faculty_id != faculty_id:
        raise Forbidden("You may only upload your own photo")
    await people.replace_photo(actor, user_id=faculty.user_id, upload=upload)  # type: ignore[attr-defined]
    return {"faculty_id": faculty.id, "user_id": faculty.user_id,  # type: ignore[attr-defined]
            "message": "Photo uploaded successfully"}


async def faculty_photo(actor: Actor, *, faculty_id: int) -> people.Photo:
    authorize(actor, Permission.FACULTY_READ)
    faculty = await _get(faculty_id)
    return await people.open_photo(user_id=faculty.user_id)  # type: ignore[attr-defined]
