"""Admin panel fixtures: clients signed in through the real login form."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from models.enums import UserType
from tests import factories

ORIGIN = "http://test"
SAME_ORIGIN = {"Origin": ORIGIN}

AdminLogin = Callable[..., Awaitable[httpx.AsyncClient]]


async def make_person(role: str | UserType, **profile_overrides: Any) -> tuple[Any, Any]:
    """A user of `role` with the profile row the role needs (password factories.PASSWORD)."""
    from models import AdminStaff
    from models.enums import AdminStaffRole

    role = UserType(role)
    user = await factories.create_user(user_type=role)
    profile: Any = None
    if role is UserType.STUDENT:
        profile = await factories.create_student(user=user, **profile_overrides)
    elif role is UserType.FACULTY:
        profile = await factories.create_faculty(user=user, **profile_overrides)
    elif role is UserType.PARENT:
        profile = await factories.create_parent(user=user, **profile_overrides)
    else:
        profile = await AdminStaff.create(user=user, employee_id=f"EMP{user.id:06d}", role=AdminStaffRole.STAFF,
                                          designation="Registrar", date_of_joining="2020-01-01")
    return user, profile


@pytest.fixture
async def admin_login(app: Any) -> AsyncIterator[AdminLogin]:
    """`await admin_login("staff")` → a client holding an admin session cookie, made by
    posting the login form (`client.user`, `client.profile`). Pass `user=` to sign in as an
    existing user; a refused login fails the test."""
    opened: list[httpx.AsyncClient] = []

    async def _login(role: str | UserType = UserType.ADMIN, *, user: Any = None, profile: Any = None,
                     password: str = factories.PASSWORD, **profile_overrides: Any) -> httpx.AsyncClient:
        if user is None:
            user, profile = await make_person(role, **profile_overrides)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                                   base_url=ORIGIN, headers=SAME_ORIGIN)
        opened.append(client)
        response = await client.post("/admin/login", data={"username": user.email, "password": password})
        assert response.status_code == 303, response.text
        client.user = user  # type: ignore[attr-defined]
        client.profile = profile  # type: ignore[attr-defined]
        return client

    yield _login
    for client in opened:
        await client.aclose()


@pytest.fixture
async def anonymous(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                                 base_url=ORIGIN, headers=SAME_ORIGIN) as client:
        yield client
