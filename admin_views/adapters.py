"""The row scopes the panel's generic layer (admin_views.base.Service) needs that their
services do not define yet, in one place so that each goes with one deletion when its
service gets its own `visible_<things>(actor)`.

The students, faculty and course-offerings services own theirs (with `students_taught_by`
and `offerings_taught_by`, the one definition of who teaches whom); the panel takes them
as they are. For the others the functions below keep the rule the panel applied until
now: the catalogue, people records and accounts are whole for whoever the guard lets in
(the guard checks each resource's permission before any row is read).

This is the only module of admin_views that builds an ORM query of its own
(tests/admin/test_layering.py holds every other to that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from dashboard.core.actor import Actor
from dashboard.schemas.course_offerings import OfferingCreate, OfferingUpdate
from dashboard.schemas.courses import CourseCreate, CourseUpdate
from dashboard.schemas.departments import DepartmentCreate, DepartmentUpdate
from dashboard.schemas.faculty import FacultyCreate, FacultyUpdate
from dashboard.schemas.programs import ProgramCreate, ProgramUpdate
from dashboard.schemas.staff import StaffCreate, StaffUpdate
from dashboard.schemas.students import StudentCreate, StudentUpdate
from dashboard.services import course_offerings as offering_service
from dashboard.services import courses, departments, programs, staff, users
from dashboard.services import faculty as faculty_service
from dashboard.services import students as student_service
from models import AdminStaff, Course, Department, Enrollment, Parent, Program, User
from models.enums import RegistrationStatus

# Re-exported so that each screen imports its schemas and service from one place while the
# stand-ins below exist.
__all__ = [
    "CourseCreate", "CourseUpdate", "DepartmentCreate", "DepartmentUpdate", "FacultyCreate", "FacultyUpdate",
    "OfferingCreate", "OfferingUpdate", "ProgramCreate", "ProgramUpdate", "StaffCreate", "StaffUpdate",
    "StudentCreate", "StudentUpdate", "faculty_service", "offering_service", "student_service",
]


class WithScopes:
    """A service module with the scope functions it lacks added; everything else is the
    module's own."""

    def __init__(self, module: Any, **scopes: Callable[[Actor], QuerySet]) -> None:
        self._module = module
        self._scopes = scopes
        self.__name__ = module.__name__

    def __getattr__(self, name: str) -> Any:
        if name in self._scopes:
            return self._scopes[name]
        return getattr(self._module, name)


def students_registered_in(offering_id: int) -> Subquery:
    """An offering's roster (live registrations), for the students list's offering filter."""
    registrations = Enrollment.filter(course_registrations__course_offering_id=offering_id,
                                      course_registrations__status__not=RegistrationStatus.DROPPED)
    return Subquery(registrations.values("student_id"))


def _everyone(model: Any) -> Callable[[Actor], QuerySet]:
    def visible(actor: Actor) -> QuerySet:
        return model.all()
    visible.__doc__ = f"Every {model.__name__} row: the guard admits only those who may read them all."
    return visible


department_service = WithScopes(departments, visible_departments=_everyone(Department))
program_service = WithScopes(programs, visible_programs=_everyone(Program))
course_service = WithScopes(courses, visible_courses=_everyone(Course))
staff_service = WithScopes(staff, visible_staff=_everyone(AdminStaff))
user_service = WithScopes(users, visible_users=_everyone(User))


class _ScopeOnly:
    """A domain the panel only lists (no service writes it yet)."""

    def __init__(self, name: str, **scopes: Callable[[Actor], QuerySet]) -> None:
        self.__name__ = name
        for key, scope in scopes.items():
            setattr(self, key, scope)


parent_service = _ScopeOnly("parents", visible_parents=_everyone(Parent))

