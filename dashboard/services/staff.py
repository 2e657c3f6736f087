"""Staff records (`admin_staff`): the people who process fee payments and book issues.

An admin or staff account and its admin_staff row are made together (users.create_user);
the row's status and the account's is_active move together, and "delete" deactivates both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import require_changes
from dashboard.services import users
from models import AdminStaff, Department, User
from models.enums import AdminStaffRole, PersonStatus, UserType

STAFF_USER_TYPES = frozenset({UserType.ADMIN, UserType.STAFF})
# Columns of each table that an update may change.
_STAFF_FIELDS = frozenset({"employee_id", "role", "department_id", "designation", "date_of_joining", "status"})
_USER_FIELDS = frozenset({"user_type", "first_name", "middle_name", "last_name", "phone"})
_NOT_NULL = frozenset({"employee_id", "role", "designation", "date_of_joining", "status",
                       "user_type", "first_name", "last_name"})


async def _get(staff_id: int, *, for_update: bool = False) -> AdminStaff:
    query = AdminStaff.select_for_update() if for_update else AdminStaff
    staff = await query.get_or_none(id=staff_id)
    if staff is None:
        raise NotFound("Staff member not found")
    await staff.fetch_related("user")
    return staff


async def _check_department(department_id: int | None) -> None:
    if department_id is not None and not await Department.filter(id=department_id).exists():
        raise NotFound("Department not found")


async def _ensure_employee_id_free(employee_id: str, exclude_id: int | None = None) -> None:
    clash = AdminStaff.filter(employee_id__iexact=employee_id)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if await clash.exists():
        raise Conflict("A staff member with this employee id already exists")


async def list_staff(
    actor: Actor, *, page: PageRequest, role: AdminStaffRole | None = None, status: PersonStatus | None = None,
    department_id: int | None = None, search: str | None = None,
) -> Page[AdminStaff]:
    authorize(actor, Permission.STAFF_MANAGE)
    query = AdminStaff.all().select_related("user").order_by("id")
    if role is not None:
        query = query.filter(role=role)
    if status is not None:
        query = query.filter(status=status)
    if department_id is not None:
        query = query.filter(department_id=department_id)
    if search:
        query = query.filter(
            Q(employee_id__icontains=search) | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search) | Q(user__email__icontains=search)
        )
    return await paginate(query, page)


async def get_staff(actor: Actor, *, staff_id: int) -> AdminStaff:
    authorize(actor, Permission.STAFF_MANAGE)
    return await _get(staff_id)


async def create_staff(actor: Actor, *, account: dict[str, Any], profile: dict[str, Any]) -> AdminStaff:
    """`account`: user_type (admin or staff), email, user_name, password, names, phone.
    `profile`: the admin_staff columns; employee_id defaults to EMP-<user id>."""
    authorize(actor, Permission.STAFF_MANAGE)
    if account["user_type"] not in STAFF_USER_TYPES:
        raise InvalidState("A staff record belongs to an admin or staff account")
    await _check_department(profile.get("department_id"))
    if profile.get("employee_id"):
        await _ensure_employee_id_free(profile["employee_id"])
    # A race past the employee-id check meets the unique index: a 409 all the same.
    user = await users.create_user(actor, staff_profile=profile, **account)
    return await _get((await AdminStaff.get(user_id=user.id)).id)


def _differs(instance: Any, changes: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in changes.items())


def _check_not_null(changes: dict[str, Any]) -> None:
    cleared = sorted(name for name in _NOT_NULL if name in changes and changes[name] is None)
    if cleared:
        raise InvalidState(f"{', '.join(cleared)} cannot be empty")


async def update_staff(actor: Actor, *, staff_id: int, changes: dict[str, Any]) -> AdminStaff:
    """A partial update of the record and of the account's names and type. The status
    drives the account: anything but active signs the person out on their next request."""
    authorize(actor, Permission.STAFF_MANAGE)
    require_changes(changes)
    _check_not_null(changes)
    if "user_type" in changes and changes["user_type"] not in STAFF_USER_TYPES:
        raise InvalidState("A staff record belongs to an admin or staff account")
    if "department_id" in changes:
        await _check_department(changes["department_id"])
    async with atomic():
        staff = await _get(staff_id, for_update=True)
        user: User = staff.user
        if user.id == actor.user_id and (
            changes.get("status", PersonStatus.ACTIVE) != PersonStatus.ACTIVE
            or changes.get("user_type", user.user_type) != user.user_type
        ):
            raise InvalidState("You cannot deactivate or change the type of your own account")
        if changes.get("employee_id"):
            await _ensure_employee_id_free(changes["employee_id"], exclude_id=staff.id)
        now = dt.datetime.now(dt.UTC)

        staff_changes = {k: v for k, v in changes.items() if k in _STAFF_FIELDS}
        if _differs(staff, staff_changes):
            before = audit.snapshot(staff)
            staff.update_from_dict(staff_changes)
            staff.updated_at = now
            await staff.save()
            await audit.record(actor, "update", staff, before=before)

        user_changes = {k: v for k, v in changes.items() if k in _USER_FIELDS}
        if "status" in changes:
            user_changes["is_active"] = changes["status"] == PersonStatus.ACTIVE
        if _differs(user, user_changes):
            if user_changes.get("phone") and await User.filter(phone=user_changes["phone"]).exclude(id=user.id).exists():
                raise Conflict("An account with these details already exists")
            before = audit.snapshot(user)
            user.update_from_dict(user_changes)
            user.updated_at = now
            user.updated_by_id = actor.user_id  # type: ignore[attr-defined]
            await user.save()
            await audit.record(actor, "update", user, before=before)
    return staff


async def deactivate_staff(actor: Actor, *, staff_id: int) -> None:
    """DELETE: people are deactivated, never removed (their payments and loans point here)."""
    await update_staff(actor, staff_id=staff_id, changes={"status": PersonStatus.INACTIVE})
