"""Staff records (`admin_staff`): the people who process fee payments and book issues.

An admin or staff account and its admin_staff row are made together (users.create_user);
the row's status and the account's is_active move together, and "delete" deactivates both.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import audited_change, get_or_404, refuse_nulls, require_changes
from dashboard.schemas.people import split_account
from dashboard.schemas.staff import StaffCreate, StaffUpdate
from dashboard.services import users
from models import AdminStaff, Department, User
from models.enums import AdminStaffRole, PersonStatus, UserType

STAFF_USER_TYPES = frozenset({UserType.ADMIN, UserType.STAFF})
LABEL = "Staff member"


async def _get(staff_id: int, *, for_update: bool = False) -> AdminStaff:
    staff = await get_or_404(AdminStaff, staff_id, label=LABEL, for_update=for_update)
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


async def create_staff(actor: Actor, *, data: StaffCreate) -> AdminStaff:
    """The account (admin or staff) and its staff record; employee_id defaults to
    EMP-<user id>."""
    authorize(actor, Permission.STAFF_MANAGE)
    account, profile = split_account(data.model_dump(exclude_none=True))
    await _check_department(data.department_id)
    if data.employee_id:
        await _ensure_employee_id_free(data.employee_id)
    # A race past the employee-id check meets the unique index: a 409 all the same.
    user = await users.create_user(actor, staff_profile=profile, **account)
    return await _get((await AdminStaff.get(user_id=user.id)).id)


def _differs(instance: Any, changes: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in changes.items())


async def update_staff(actor: Actor, *, staff_id: int, changes: StaffUpdate) -> AdminStaff:
    """A partial update of the record and of the account's names and type. The status
    drives the account: anything but active signs the person out on their next request."""
    authorize(actor, Permission.STAFF_MANAGE)
    user_changes, staff_changes = split_account(changes.changes())
    require_changes(user_changes or staff_changes)
    refuse_nulls(AdminStaff, staff_changes)
    refuse_nulls(User, user_changes)
    if "department_id" in staff_changes:
        await _check_department(staff_changes["department_id"])
    async with atomic():
        staff = await _get(staff_id, for_update=True)
        user: User = staff.user
        if user.id == actor.user_id and (
            staff_changes.get("status", PersonStatus.ACTIVE) != PersonStatus.ACTIVE
            or user_changes.get("user_type", user.user_type) != user.user_type
        ):
            raise InvalidState("You cannot deactivate or change the type of your own account")
        if staff_changes.get("employee_id"):
            await _ensure_employee_id_free(staff_changes["employee_id"], exclude_id=staff.id)

        if _differs(staff, staff_changes):
            async with audited_change(actor, staff):
                staff.update_from_dict(staff_changes)

        if "status" in staff_changes:
            user_changes["is_active"] = staff_changes["status"] == PersonStatus.ACTIVE
        if _differs(user, user_changes):
            phone = user_changes.get("phone")
            if phone and await User.filter(phone=phone).exclude(id=user.id).exists():
                raise Conflict("An account with these details already exists")
            async with audited_change(actor, user):
                user.update_from_dict(user_changes)
                user.updated_by_id = actor.user_id
    return staff


async def deactivate_staff(actor: Actor, *, staff_id: int) -> None:
    """DELETE: people are deactivated, never removed (their payments and loans point here)."""
    await update_staff(actor, staff_id=staff_id, changes=StaffUpdate(status=PersonStatus.INACTIVE))
