"""What students and faculty members share: the user account created with them, its
contact fields, and the profile photo.

Private to the students and faculty services (the auth service owns self-registration
and its deliberately vague duplicate message; here staff create people and get told
exactly which field clashes, in the order of domain.md §3.3).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.functions import Lower

from dashboard.core import audit
from dashboard.core.actor import Actor
from dashboard.core.db import atomic, on_commit
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.files import (
    IMAGES,
    PHOTO_MAX_BYTES,
    UploadSource,
    accept_upload,
    file_store,
    mime_type_of,
)
from dashboard.core.security import hash_password, password_fits_bcrypt
from dashboard.core.updates import audited_change, touch
from models import User
from models.enums import UserType

MIN_PASSWORD_LENGTH = 8

_NOT_NULL = ("email", "first_name", "last_name")


def _normalise(account: dict[str, Any]) -> dict[str, Any]:
    if account.get("email") is not None:
        account["email"] = account["email"].strip().lower()
    for name in _NOT_NULL:
        if name in account and account[name] is None:
            raise InvalidState(f"{name} cannot be empty")
    return account


async def check_account_unique(*, email: str | None = None, user_name: str | None = None,
                               phone: str | None = None, exclude_user_id: int | None = None) -> None:
    """409 naming the first clash: email, then user name, then phone. Email and user
    name compare ignoring case, as LOWER(column): the expression of their unique indexes
    (uq_users_*_ci), so the lookup uses them rather than scanning every account."""
    checks = (
        ("email", email, "Email already registered"),
        ("user_name", user_name, "Username already taken"),
        ("phone", phone, "Phone number already registered"),
    )
    for field, value, message in checks:
        if value is None:
            continue
        if field == "phone":
            query = User.filter(phone=value)
        else:
            query = User.annotate(folded=Lower(field)).filter(folded=value.lower())
        if exclude_user_id is not None:
            query = query.exclude(id=exclude_user_id)
        if await query.exists():
            raise Conflict(message)


async def hashed(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidState(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if not password_fits_bcrypt(password):
        raise InvalidState("Password must be at most 72 bytes")
    return await hash_password(password)


async def create_account(actor: Actor, *, user_type: UserType, account: dict[str, Any],
                         password_hash: str) -> User:
    """Inside the caller's transaction, after the caller checked uniqueness."""
    account = _normalise(dict(account))
    user = await User.create(
        user_type=user_type, hashed_password=password_hash, is_active=True, is_verified=False,
        created_by_id=actor.user_id, **account,
    )
    await audit.record(actor, "create", user)
    return user


async def update_account(actor: Actor, user: User, changes: dict[str, Any]) -> None:
    """Inside the caller's transaction, on the user row the caller locked: uniqueness
    re-checked, then saved and audited."""
    if not changes:
        return
    changes = _normalise(dict(changes))
    await check_account_unique(
        email=changes.get("email") if changes.get("email") != user.email else None,
        phone=changes.get("phone") if changes.get("phone") not in (None, user.phone) else None,
        exclude_user_id=user.id,
    )
    async with audited_change(actor, user):
        user.update_from_dict(changes)
        user.updated_by_id = actor.user_id


async def set_account_active(actor: Actor, user_id: int, active: bool) -> None:
    user = await User.select_for_update().get(id=user_id)
    if user.is_active == active:
        return
    async with audited_change(actor, user, fields=["is_active", "updated_by_id"]):
        user.is_active = active
        user.updated_by_id = actor.user_id


# --- photos ----------------------------------------------------------------------------


async def replace_photo(actor: Actor, *, user_id: int, upload: UploadSource) -> None:
    """Check and store the new photo, point the user at it, and only once that has
    committed remove the old file. A rejected upload stores nothing; a failed database
    write removes the new file again."""
    accepted = await accept_upload(upload, kinds=IMAGES, max_bytes=PHOTO_MAX_BYTES, default_suffix=".jpg")
    store = file_store()
    stored = await store.save(accepted.chunks, folder="photos", suffix=accepted.kind.suffix,
                              name_prefix=str(user_id))
    try:
        async with atomic():
            user = await User.select_for_update().get(id=user_id)
            old_key = user.profile_picture
            before = audit.snapshot(user)
            user.profile_picture = stored.key
            user.updated_by_id = actor.user_id
            touch(user)
            await user.save(update_fields=["profile_picture", "updated_at", "updated_by_id"])
            # The audit row says the photo changed; the key itself is never copied there.
            await audit.record(actor, "update", user, before=before,
                               after=audit.snapshot(user) | {"photo": "replaced"})
            if old_key and old_key != stored.key:
                async def _remove_old() -> None:
                    await store.delete(old_key)

                await on_commit(_remove_old)
    except BaseException:
        await store.delete(stored.key)
        raise


@dataclass(frozen=True, slots=True)
class Photo:
    media_type: str
    size: int
    body: AsyncIterator[bytes]


async def open_photo(*, user_id: int) -> Photo:
    key = await User.filter(id=user_id).first().values_list("profile_picture", flat=True)
    if not key:
        raise NotFound("No photo has been uploaded")
    store = file_store()
    size = await store.size(key)  # type: ignore[arg-type]
    if size is None:
        raise NotFound("No photo has been uploaded")
    return Photo(media_type=mime_type_of(key), size=size, body=await store.open(key))  # type: ignore[arg-type]
