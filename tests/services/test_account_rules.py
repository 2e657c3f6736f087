"""Account rules the admin panel and jobs reach without HTTP, called as the services are:
staff cannot deactivate (or retype) their own account, and a password change refuses a
wrong current password and ends every API token issued before it."""

from __future__ import annotations

import pytest

from dashboard.core.actor import Actor
from dashboard.core.errors import InvalidState, NotAuthenticated
from dashboard.core.security import (
    TokenType,
    create_token,
    decode_token,
    ensure_not_revoked,
    verify_password,
)
from dashboard.schemas.staff import StaffUpdate
from dashboard.services import staff, users
from dashboard.services.auth import load_actor
from models import AdminStaff, AuditLog, User
from models.enums import AdminStaffRole, PersonStatus, UserType
from tests import factories

pytestmark = pytest.mark.usefixtures("app")

NEW_PASSWORD = "Battery-staple-77"


async def _admin() -> tuple[Actor, AdminStaff]:
    user = await factories.create_user(user_type=UserType.ADMIN)
    record = await factories.create_admin_staff(user=user, role=AdminStaffRole.SUPER_ADMIN)
    return await load_actor(user.id), record


async def _state(record: AdminStaff) -> tuple[PersonStatus, bool, UserType]:
    fresh = await AdminStaff.get(id=record.id).select_related("user")
    return fresh.status, fresh.user.is_active, fresh.user.user_type


@pytest.mark.parametrize(
    "changes",
    [
        {"status": PersonStatus.INACTIVE},
        {"status": PersonStatus.SUSPENDED},
        {"user_type": UserType.STAFF},
        {"designation": "Still me", "status": PersonStatus.INACTIVE},
    ],
)
async def test_staff_cannot_deactivate_or_retype_their_own_account(changes):
    actor, record = await _admin()
    with pytest.raises(InvalidState, match="cannot deactivate or change the type of your own account"):
        await staff.update_staff(actor, staff_id=record.id, changes=StaffUpdate(**changes))
    assert await _state(record) == (PersonStatus.ACTIVE, True, UserType.ADMIN)
    assert (await AdminStaff.get(id=record.id)).designation == record.designation
    assert not await AuditLog.filter(action="update").exists()


async def test_the_delete_of_ones_own_record_is_refused_too():
    actor, record = await _admin()
    with pytest.raises(InvalidState, match="your own account"):
        await staff.deactivate_staff(actor, staff_id=record.id)
    assert await _state(record) == (PersonStatus.ACTIVE, True, UserType.ADMIN)


async def test_ones_own_other_fields_may_change():
    actor, record = await _admin()
    await staff.update_staff(actor, staff_id=record.id, changes=StaffUpdate(designation="Registrar",
                                                                          status=PersonStatus.ACTIVE))
    assert (await AdminStaff.get(id=record.id)).designation == "Registrar"


async def test_another_admin_deactivates_the_record_and_the_account_together():
    actor, _ = await _admin()
    _, colleague = await _admin()
    await staff.deactivate_staff(actor, staff_id=colleague.id)
    assert await _state(colleague) == (PersonStatus.INACTIVE, False, UserType.ADMIN)
    with pytest.raises(NotAuthenticated):
        await load_actor(colleague.user_id)  # type: ignore[attr-defined]


async def test_a_password_change_ends_every_earlier_token():
    user = await factories.create_user(user_type=UserType.STAFF)
    actor = await load_actor(user.id)
    earlier = [decode_token(create_token(user.id, kind), kind) for kind in (TokenType.ACCESS, TokenType.REFRESH)]

    await users.change_password(actor, old_password=factories.PASSWORD, new_password=NEW_PASSWORD,
                                repeated=NEW_PASSWORD)

    for claims in earlier:
        with pytest.raises(NotAuthenticated, match="revoked"):
            await ensure_not_revoked(claims)
    assert await verify_password(NEW_PASSWORD, (await User.get(id=user.id)).hashed_password)
    audit = await AuditLog.get(action="password_change")
    assert (audit.old_value, audit.new_value) == ({}, {}), "the audit row must hold no password hash"


@pytest.mark.parametrize(
    ("old", "new", "repeated", "message"),
    [
        ("Wrong-password-1", NEW_PASSWORD, NEW_PASSWORD, "current password is incorrect"),
        (factories.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "do not match"),
        (factories.PASSWORD, "short", "short", "at least 8 characters"),
        (factories.PASSWORD, "é" * 40, "é" * 40, "at most 72 bytes"),
    ],
)
async def test_a_refused_password_change_keeps_the_password_and_the_tokens(old, new, repeated, message):
    user = await factories.create_user(user_type=UserType.STAFF)
    actor = await load_actor(user.id)
    claims = decode_token(create_token(user.id, TokenType.ACCESS), TokenType.ACCESS)
    with pytest.raises(InvalidState, match=message):
        await users.change_password(actor, old_password=old, new_password=new, repeated=repeated)
    await ensure_not_revoked(claims)
    assert (await User.get(id=user.id)).hashed_password == factories.PASSWORD_HASH
    assert not await AuditLog.filter(action="password_change").exists()
