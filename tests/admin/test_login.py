"""Signing in and out of the panel, the session cookie, password change and the login
rate limit."""

from __future__ import annotations

import httpx
import pytest

from dashboard.core.security import TokenType, create_token
from models import AuditLog, User
from models.enums import UserType
from tests import factories
from tests.admin.conftest import ORIGIN, make_person

WRONG = "Wrong-password-1"


async def _login(client: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    return await client.post("/admin/login", data={"username": login, "password": password})


def _error(response: httpx.Response) -> str:
    text = response.text
    start = text.index('id="login-error">') + len('id="login-error">')
    return text[start:text.index("</div>", start)].strip()


@pytest.mark.parametrize("role", ["admin", "staff", "faculty"])
async def test_admin_staff_and_faculty_sign_in_by_email_or_user_name(anonymous, role):
    user, _ = await make_person(role)
    for login in (user.email, user.user_name):
        anonymous.cookies.clear()
        response = await _login(anonymous, login, factories.PASSWORD)
        assert (response.status_code, response.headers["location"]) == (303, "/admin/")
        assert (await anonymous.get("/admin/")).status_code == 200
    assert (await User.get(id=user.id)).last_login is not None


async def test_wrong_passwords_unknown_and_deactivated_accounts_get_the_same_refusal(anonymous):
    admin, _ = await make_person(UserType.ADMIN)
    student, _ = await make_person(UserType.STUDENT)
    inactive, _ = await make_person(UserType.STAFF)
    await User.filter(id=inactive.id).update(is_active=False)
    wrong = await _login(anonymous, admin.email, WRONG)
    assert wrong.status_code == 401
    message = _error(wrong)
    assert message and message != "login_failed"  # a translated message, not the raw msgid
    for login, password in [(inactive.email, factories.PASSWORD), ("nobody@example.edu", factories.PASSWORD),
                            (admin.email, "x" * 100), (student.email, WRONG)]:
        response = await _login(anonymous, login, password)
        assert response.status_code == 401, login
        assert _error(response) == message
        assert "admin_session" not in response.headers.get("set-cookie", "")
        assert (await anonymous.get("/admin/")).status_code == 303


@pytest.mark.parametrize("role", [UserType.STUDENT, UserType.PARENT])
async def test_a_student_or_parent_with_the_right_password_is_told_the_panel_is_for_staff(anonymous, role):
    user, _ = await make_person(role)
    guessed = await _login(anonymous, user.email, WRONG)
    assert guessed.status_code == 401 and "for university staff" not in guessed.text
    response = await _login(anonymous, user.email, factories.PASSWORD)
    assert response.status_code == 403
    assert "The admin panel is for university staff" in _error(response)
    assert "admin_session" not in response.headers.get("set-cookie", "")
    assert (await anonymous.get("/admin/")).status_code == 303
    assert (await User.get(id=user.id)).last_login is None


async def test_a_demoted_or_deactivated_user_loses_the_session_at_once(admin_login):
    client = await admin_login("staff")
    assert (await client.get("/admin/departments/list")).status_code == 200
    await User.filter(id=client.user.id).update(user_type=UserType.STUDENT)
    assert (await client.get("/admin/departments/list")).status_code == 303
    await User.filter(id=client.user.id).update(user_type=UserType.STAFF, is_active=False)
    assert (await client.get("/admin/departments/list")).status_code == 303


async def test_session_cookie_flags(anonymous):
    user, _ = await make_person(UserType.ADMIN)
    response = await _login(anonymous, user.email, factories.PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert "admin_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "path=/admin" in cookie and "secure" not in cookie


async def test_session_cookie_is_secure_over_https(app):
    user, _ = await make_person(UserType.ADMIN)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="https://test", headers={"Origin": "https://test"}
    ) as client:
        response = await _login(client, user.email, factories.PASSWORD)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


async def test_logout_is_a_post_and_ends_the_session(admin_login):
    client = await admin_login("admin")
    assert (await client.get("/admin/logout")).status_code == 405
    assert (await client.get("/admin/")).status_code == 200
    token = client.cookies.get("admin_session")
    response = await client.post("/admin/logout")
    assert (response.status_code, response.headers["location"]) == (303, "/admin/login")
    client.cookies.set("admin_session", token, domain="test", path="/admin")
    assert (await client.get("/admin/")).status_code == 303


async def test_there_is_no_init_route(anonymous):
    for method in ("GET", "POST"):
        response = await anonymous.request(method, "/admin/init", data={"username": "x", "password": "yyyyyyyy",
                                                                        "confirm_password": "yyyyyyyy"})
        assert response.status_code in (404, 405)
    assert await User.all().count() == 0


# --- password change ------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "again", "message"), [
    (WRONG, "New-password-9", "New-password-9", "The current password is incorrect"),
    (factories.PASSWORD, "New-password-9", "Other-password-9", "The new passwords do not match"),
    (factories.PASSWORD, "short", "short", "Password must be at least 8 characters"),
    (factories.PASSWORD, "é" * 40, "é" * 40, "Password must be at most 72 bytes"),
])
async def test_password_change_refusals_change_nothing(admin_login, old, new, again, message):
    client = await admin_login("staff")
    before = (await User.get(id=client.user.id)).hashed_password
    response = await client.post("/admin/password", data={"old_password": old, "new_password": new,
                                                           "re_new_password": again})
    assert response.status_code == 400
    assert message in response.text
    assert (await User.get(id=client.user.id)).hashed_password == before
    assert (await client.get("/admin/")).status_code == 200


async def test_password_change_signs_out_everywhere_and_the_new_password_works(admin_login, app):
    client = await admin_login("staff")
    other_session = await admin_login("staff", user=client.user)
    api_token = create_token(client.user.id, TokenType.ACCESS)
    api = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                            base_url=ORIGIN, headers={"Authorization": f"Bearer {api_token}"})
    assert (await client.get("/admin/password")).status_code == 200
    response = await client.post("/admin/password", data={"old_password": factories.PASSWORD,
                                                           "new_password": "Brand-new-pass-7",
                                                           "re_new_password": "Brand-new-pass-7"})
    assert (response.status_code, response.headers["location"]) == (303, "/admin/login")
    assert (await client.get("/admin/")).status_code == 303
    assert (await other_session.get("/admin/")).status_code == 303
    assert (await api.get("/api/v1/auth/me")).status_code == 401
    await api.aclose()
    assert await AuditLog.filter(entity_type="users", entity_id=client.user.id, action="password_change").exists()
    client.cookies.clear()
    assert (await _login(client, client.user.email, factories.PASSWORD)).status_code == 401
    assert (await _login(client, client.user.email, "Brand-new-pass-7")).status_code == 303


# --- rate limit -----------------------------------------------------------------------------


async def test_logins_are_rate_limited_like_the_api(anonymous):
    from dashboard.settings import get_settings

    user, _ = await make_person(UserType.ADMIN)
    allowed = int(get_settings().rate_limit_login.split("/")[0])
    for _ in range(allowed):
        assert (await _login(anonymous, user.email, WRONG)).status_code == 401
    blocked = await _login(anonymous, user.email, factories.PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert "admin_session" not in blocked.headers.get("set-cookie", "")


async def test_a_password_changed_anywhere_ends_the_panel_sessions(admin_login):
    """The service ends them, so any caller of it (not only the panel's form) does."""
    from dashboard.services.auth import load_actor
    from dashboard.services.users import change_password

    client = await admin_login("staff")
    assert (await client.get("/admin/")).status_code == 200
    actor = await load_actor(client.user.id)
    await change_password(actor, old_password=factories.PASSWORD, new_password="Another-pass-77",
                          repeated="Another-pass-77")
    assert (await client.get("/admin/")).status_code == 303


async def test_a_long_email_signs_in_and_no_length_is_a_500(anonymous):
    """The form looks the value up as an email and as a user name (at most 50 characters):
    a longer email must still find its account."""
    email = "a" * 64 + "@" + "panel-" * 8 + "example.edu"
    user = await factories.create_user(user_type=UserType.ADMIN, email=email)
    response = await _login(anonymous, email, factories.PASSWORD)
    assert (response.status_code, response.headers["location"]) == (303, "/admin/")
    for login in ("x" * 51, "y" * 300, "z@" * 600):
        anonymous.cookies.clear()
        assert (await _login(anonymous, login, factories.PASSWORD)).status_code == 401
    assert (await User.get(id=user.id)).last_login is not None
