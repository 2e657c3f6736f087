"""The two things the panel's generic layer (admin_views.base.Service) needs from a
service that the services do not all give yet, in one place so that each goes with one
deletion:

1. Typed inputs. The generic layer calls `create_<thing>(actor, *, data: <Thing>Create)`
   and `update_<thing>(actor, *, <thing>_id, changes: <Thing>Update)`. Services that
   still take dicts are wrapped in `DictInputs`, which hands them `data.model_dump()` and
   `changes.model_dump(exclude_unset=True)` (the fields the form sent); the staff service
   also wants its account and profile apart. A service that takes the typed objects is
   imported as it is, with no wrapper.
2. Row scopes. Each resource lists the rows of `visible_<things>(actor)`. The functions
   below stand in for the services that do not define theirs yet, with the rules the
   panel applied until now: the catalogue, people records and accounts are whole for
   whoever the guard lets in (staff, admins), and a faculty member sees the offerings they
   teach and the students registered in them.

This is the only module of admin_views that builds an ORM query of its own
(tests/admin/test_layering.py holds every other to that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

# The request schemas: from the API's modules until they live in dashboard/schemas/<group>.py.
from api.course_offerings import OfferingCreate, OfferingUpdate
from api.courses import CourseCreate, CourseUpdate
from api.departments import DepartmentCreate, DepartmentUpdate
from api.faculty import FacultyCreate, FacultyUpdate
from api.programs import ProgramCreate, ProgramUpdate
from api.staff import StaffCreate, StaffUpdate
from api.students import StudentCreate, StudentUpdate
from dashboard.core.actor import Actor
from dashboard.core.roles import Permission
from dashboard.services import (
    course_offerings,
    courses,
    departments,
    faculty,
    programs,
    staff,
    students,
    users,
)
from models import (
    AdminStaff,
    AuditLog,
    Course,
    CourseOffering,
    Department,
    Enrollment,
    Faculty,
    OfferingFaculty,
    Parent,
    Program,
    Student,
    User,
)
from models.enums import RegistrationStatus

# The account half of a staff create (the rest is the admin_staff row).
__all__ = [
    "CourseCreate", "CourseUpdate", "DepartmentCreate", "DepartmentUpdate", "FacultyCreate", "FacultyUpdate",
    "OfferingCreate", "OfferingUpdate", "ProgramCreate", "ProgramUpdate", "StaffCreate", "StaffUpdate",
    "StudentCreate", "StudentUpdate",
]

_STAFF_ACCOUNT_FIELDS = frozenset({"user_type", "email", "user_name", "password", "first_name", "middle_name",
                                   "last_name", "phone"})


class DictInputs:
    """A service module seen through the typed signatures: create_/update_ functions get
    dicts made from the schema objects, everything else (scopes included) is the module's
    own unless `overrides` names it."""

    def __init__(self, module: Any, **overrides: Callable[..., Any]) -> None:
        self._module = module
        self._overrides = overrides
        self.__name__ = module.__name__

    def __getattr__(self, name: str) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        function = getattr(self._module, name)
        if name.startswith("create_"):
            async def create(actor: Actor, *, data: BaseModel) -> Any:
                return await function(actor, data=data.model_dump())
            return create
        if name.startswith("update_"):
            async def update(actor: Actor, *, changes: BaseModel, **row_id: int) -> Any:
                return await function(actor, changes=changes.model_dump(exclude_unset=True), **row_id)
            return update
        return function


# --- row scopes -----------------------------------------------------------------------------


def offerings_taught_by(faculty_id: int) -> QuerySet:
    return CourseOffering.filter(id__in=Subquery(OfferingFaculty.filter(faculty_id=faculty_id).values("offering_id")))


def students_taught_by(faculty_id: int) -> QuerySet:
    """The students with a live (not dropped) registration in an offering the faculty
    member teaches."""
    registrations = Enrollment.filter(
        course_registrations__course_offering_id__in=Subquery(
            OfferingFaculty.filter(faculty_id=faculty_id).values("offering_id")),
        course_registrations__status__not=RegistrationStatus.DROPPED,
    )
    return Student.filter(id__in=Subquery(registrations.values("student_id")))


def students_registered_in(offering_id: int) -> Subquery:
    """An offering's roster (live registrations), for the students list's offering filter."""
    registrations = Enrollment.filter(course_registrations__course_offering_id=offering_id,
                                      course_registrations__status__not=RegistrationStatus.DROPPED)
    return Subquery(registrations.values("student_id"))


def visible_offerings(actor: Actor) -> QuerySet:
    if actor.faculty_id is not None and not actor.can(Permission.OFFERINGS_WRITE):
        return offerings_taught_by(actor.faculty_id)
    return CourseOffering.all()


def visible_students(actor: Actor) -> QuerySet:
    if actor.faculty_id is not None and not actor.can(Permission.STUDENTS_WRITE):
        return students_taught_by(actor.faculty_id)
    if actor.sees_all_records:
        return Student.all()
    return Student.filter(id__in=list(actor.own_student_ids))


def _everyone(model: Any) -> Callable[[Actor], QuerySet]:
    def visible(actor: Actor) -> QuerySet:
        return model.all()
    visible.__doc__ = f"Every {model.__name__} row: the guard admits only those who may read them all."
    return visible


visible_departments = _everyone(Department)
visible_programs = _everyone(Program)
visible_courses = _everyone(Course)
visible_faculty = _everyone(Faculty)
visible_parents = _everyone(Parent)
visible_staff = _everyone(AdminStaff)
visible_users = _everyone(User)
visible_audit_logs = _everyone(AuditLog)


# --- the services as the generic layer calls them -------------------------------------------


async def _create_staff(actor: Actor, *, data: BaseModel) -> Any:
    values = {k: v for k, v in data.model_dump().items() if v is not None}
    account = {k: v for k, v in values.items() if k in _STAFF_ACCOUNT_FIELDS}
    profile = {k: v for k, v in values.items() if k not in _STAFF_ACCOUNT_FIELDS}
    return await staff.create_staff(actor, account=account, profile=profile)


department_service = DictInputs(departments, visible_departments=visible_departments)
program_service = DictInputs(programs, visible_programs=visible_programs)
course_service = DictInputs(courses, visible_courses=visible_courses)
offering_service = DictInputs(course_offerings, visible_offerings=visible_offerings,
                              offerings_taught_by=offerings_taught_by)
student_service = DictInputs(students, visible_students=visible_students, students_taught_by=students_taught_by)
faculty_service = DictInputs(faculty, visible_faculty=visible_faculty)
staff_service = DictInputs(staff, visible_staff=visible_staff, create_staff=_create_staff)
user_service = DictInputs(users, visible_users=visible_users)


class _ScopeOnly:
    """A domain the panel only lists (no service writes it yet)."""

    def __init__(self, name: str, **scopes: Callable[[Actor], QuerySet]) -> None:
        self.__name__ = name
        for key, scope in scopes.items():
            setattr(self, key, scope)


parent_service = _ScopeOnly("parents", visible_parents=visible_parents)
audit_log_service = _ScopeOnly("audit_logs", visible_audit_logs=visible_audit_logs)
