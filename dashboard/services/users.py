"""User accounts: credentials and creation. The auth API and the CLI both come here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.fields import CharField
from tortoise.functions import Lower

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, Forbidden, InvalidState
from dashboard.core.roles import Permission
from dashboard.core.security import (
    hash_password,
    password_fits_bcrypt,
    revoke_all_sessions,
    verify_password,
)
from dashboard.core.updates import audited_edit, get_or_404, touch
from dashboard.services import admin_sessions
from dashboard.settings import get_settings
from models import AdminStaff, User
from models.enums import AdminStaffRole, UserType

MIN_PASSWORD_LENGTH = 8

# The only account types a caller without USERS_CREATE may open for themselves.
SELF_REGISTRATION_TYPES = frozenset({UserType.STUDENT, UserType.PARENT})

# Roles whose accounts get an admin_staff row: fee payments and book issues record
# which staff member processed them.
_STAFF_ROLES = {UserType.ADMIN: AdminStaffRole.SUPER_ADMIN, UserType.STAFF: AdminStaffRole.STAFF}


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidState(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if not password_fits_bcrypt(password):
        raise InvalidState("Password must be at most 72 bytes")


def _column_length(column: str) -> int:
    field = User._meta.fields_map[column]
    if not isinstance(field, CharField):
        raise TypeError(f"users.{column} is not a text column")
    return field.max_length


async def authenticate_credentials(login: str, password: str) -> User | None:
    """The user for an email (or user name) and password, or None. Costs one bcrypt
    check whether or not the account exists."""
    login = login.strip()
    # Only the columns the value fits: a longer value cannot match, and the ORM refuses a
    # filter value past a column's length (a 60-character email is no user name).
    matches = [Q(**{column: value}) for column, value in (("email", login.lower()), ("user_name", login))
               if len(value) <= _column_length(column)]
    user = await User.get_or_none(Q(*matches, join_type=Q.OR)) if login and matches else None
    ok = await verify_password(password, user.hashed_password if user else None)
    return user if ok else None


async def display_name(user_id: int) -> str:
    user = await User.get_or_none(id=user_id).only("id", "first_name", "last_name")
    return f"{user.first_name} {user.last_name}" if user else ""


async def create_user(actor: Actor, *, user_type: UserType, email: str, user_name: str, password: str,
                      first_name: str, last_name: str, staff_profile: dict[str, Any] | None = None,
                      **profile: Any) -> User:
    """A new active, unverified account. A duplicate email or user name is one generic
    conflict, so the answer does not reveal which exists. Admin and staff accounts get
    their admin_staff row in the same transaction (`staff_profile` overrides its defaults)."""
    authorize(actor, Permission.USERS_CREATE)
    if user_type in _STAFF_ROLES:
        # Admin and staff accounts carry staff powers; only whoever manages staff records
        # (admins) may open one, or staff could mint administrators.
        authorize(actor, Permission.STAFF_MANAGE)
    return await _create_user(actor, user_type=user_type, email=email, user_name=user_name,
                              password=password, first_name=first_name, last_name=last_name,
                              staff_profile=staff_profile, **profile)


async def register_user(actor: Actor | None, *, user_type: UserType, **fields: Any) -> User:
    """POST /auth/register. A caller holding USERS_CREATE (admin, staff) opens any type of
    account; anyone else, signed in or not, only a student or parent one, and only while
    ALLOW_SELF_REGISTRATION is on."""
    if actor is not None and actor.can(Permission.USERS_CREATE):
        return await create_user(actor, user_type=user_type, **fields)
    if not get_settings().allow_self_registration:
        raise Forbidden("Self-registration is disabled")
    if user_type not in SELF_REGISTRATION_TYPES:
        raise Forbidden("Self-registration is limited to student and parent accounts")
    return await _create_user(actor or Actor.system(), user_type=user_type, **fields)


async def _create_user(actor: Actor, *, user_type: UserType, email: str, user_name: str, password: str,
                       first_name: str, last_name: str, staff_profile: dict[str, Any] | None = None,
                       **profile: Any) -> User:
    check_password_rules(password)
    email = email.strip().lower()
    hashed = await hash_password(password)
    async with atomic():
        # Emails are stored lowercased, so equality is exact. User names keep the case
        # they were typed in and are unique ignoring it: LOWER(user_name), the expression
        # of the uq_users_user_name_ci index, which both enforces that and serves this
        # lookup (iexact's UPPER would scan the table).
        taken = Q(email=email) | Q(user_name_folded=user_name.lower())
        if profile.get("phone"):
            taken |= Q(phone=profile["phone"])
        if await User.annotate(user_name_folded=Lower("user_name")).filter(taken).exists():
            raise Conflict("An account with these details already exists")
        user = await User.create(
            user_type=user_type, email=email, user_name=user_name, hashed_password=hashed,
            first_name=first_name, last_name=last_name, created_by_id=actor.user_id, **profile,
        )
        await audit.record(actor, "create", user)
        if user_type in _STAFF_ROLES:
            staff_row = {
                "employee_id": f"EMP-{user.id:06d}",
                "role": _STAFF_ROLES[user_type],
                "designation": "Administrator" if user_type is UserType.ADMIN else "Staff",
                "date_of_joining": dt.datetime.now(dt.UTC).date(),
            }
            staff_row.update({k: v for k, v in (staff_profile or {}).items() if v is not None})
            staff = await AdminStaff.create(user=user, **staff_row)
            await audit.record(actor, "create", staff)
    return user


async def change_password(actor: Actor, *, old_password: str, new_password: str, repeated: str) -> None:
    """The signed-in user's own password: the old one must match, the new one follows the
    API's rules. Every API token and admin-panel session of the user ends too (a change
    often follows a leak), whichever surface made the change."""
    user = await User.get_or_none(id=actor.user_id)
    if user is None or not await verify_password(old_password, user.hashed_password):
        raise InvalidState("The current password is incorrect")
    if new_password != repeated:
        raise InvalidState("The new passwords do not match")
    check_password_rules(new_password)
    hashed = await hash_password(new_password)
    # Before the write: if Redis fails the password is unchanged, rather than changed with
    # the old tokens still valid.
    await revoke_all_sessions(user.id)
    await admin_sessions.end_all_sessions(user.id)
    async with atomic():
        user.hashed_password = hashed
        touch(user)
        user.updated_by_id = user.id  # type: ignore[attr-defined]
        await user.save(update_fields=["hashed_password", "updated_at", "updated_by_id"])
        await audit.record(actor, "password_change", user, before={}, after={})


async def record_panel_sign_in(user_id: int) -> None:
    """The admin panel's sign-in time of the account (the API's login records none)."""
    await User.filter(id=user_id).update(last_login=dt.datetime.now(dt.UTC))


async def end_user_sessions(actor: Actor, *, user_id: int) -> None:
    """Every API token and admin-panel session of the account stops working."""
    authorize(actor, Permission.STAFF_MANAGE)
    user = await get_or_404(User, user_id, label="User")
    await revoke_all_sessions(user.id)
    await admin_sessions.end_all_sessions(user.id)
    await audit.record(actor, "sessions_end", user, before={}, after={})


async def set_user_active(actor: Actor, *, user_id: int, active: bool) -> User:
    """Deactivate (every session ends, sign-in refused) or reactivate an account. An admin
    cannot deactivate their own account, so the last one cannot lock everyone out."""
    authorize(actor, Permission.STAFF_MANAGE)
    if not active and user_id == actor.user_id:
        raise InvalidState("You cannot deactivate your own account")
    async with audited_edit(actor, User, user_id, label="User") as user:
        if user.is_active == active:
            raise InvalidState("The account is already " + ("active" if active else "deactivated"))
        user.is_active = active
        user.updated_by_id = actor.user_id  # type: ignore[attr-defined]
    if not active:
        await revoke_all_sessions(user.id)
        await admin_sessions.end_all_sessions(user.id)
    return user


async def send_password_reset_code(actor: Actor, *, user_id: int) -> None:
    """Email the account the one-time code of the forgot-password flow, as if its owner
    had asked; the code itself never passes through the caller."""
    from dashboard.services.auth import request_password_reset

    authorize(actor, Permission.STAFF_MANAGE)
    user = await get_or_404(User, user_id, label="User")
    if not user.is_active:
        raise InvalidState("The account is deactivated: reactivate it before sending a reset code")
    await request_password_reset(email=user.email)
    await audit.record(actor, "password_reset_sent", user, before={}, after={})
