"""Who is acting: the identity every service function receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.core.errors import Forbidden
from dashboard.core.roles import Permission, permissions_of
from models.enums import UserType


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    role: UserType | None
    student_id: int | None = None
    faculty_id: int | None = None
    parent_id: int | None = None
    admin_staff_id: int | None = None
    # A student's own id, a parent's linked children: the records that are their own
    # (read by the scope functions of dashboard/services/students.py alone).
    own_student_ids: tuple[int, ...] = ()
    ip_address: str | None = None
    user_agent: str | None = None
    permissions: frozenset[Permission] = field(default=frozenset())

    @classmethod
    def for_user(cls, *, user_id: int, role: UserType, **linked: object) -> Actor:
        return cls(user_id=user_id, role=role, permissions=permissions_of(role), **linked)  # type: ignore[arg-type]

    @classmethod
    def system(cls) -> Actor:
        """Workers and CLI tasks: every permission, no user behind it."""
        return cls(user_id=None, role=None, permissions=frozenset(Permission))

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def sees_all_records(self) -> bool:
        """Read only by the scope functions of dashboard/services/students.py (a test
        fails on any other use): who sees which student is decided there alone."""
        return Permission.RECORDS_ALL in self.permissions


def authorize(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise Forbidden("You do not have permission to perform this action")
