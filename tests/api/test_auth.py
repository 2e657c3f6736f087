"""/api/v1/auth: registration, login, tokens (and attacks on them), logout, refresh, /me."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import time
import uuid
import warnings

import bcrypt
import httpx
import jwt
import pytest

from dashboard.core.security import TokenType, create_token
from dashboard.settings import get_settings
from models import AdminStaff, AuditLog, User
from models.enums import UserType
from tests import factories

AUTH = "/api/v1/auth"
USER_INFO_KEYS = {"id", "user_type", "email", "user_name", "first_name", "last_name", "is_active", "is_verified"}


def _client(app, ip: str = "127.0.0.1", token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 50000)),
                             base_url="http://test", headers=headers)


def _registration(**overrides) -> dict:
    n = uuid.uuid4().hex[:8]
    body = {
        "user_type": "student", "email": f"new{n}@example.edu", "user_name": f"new{n}",
        "password": "A-good-password-1", "first_name": "Ada", "last_name": "Lovelace",
    }
    body.update(overrides)
    return body


def _assert_envelope(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    return body


async def _login(client: httpx.AsyncClient, email: str, password: str = factories.PASSWORD) -> dict:
    response = await client.post(f"{AUTH}/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


# --- register -----------------------------------------------------------------------------


@pytest.mark.parametrize("user_type", ["student", "parent"])
async def test_anonymous_registration_of_students_and_parents(client, user_type):
    body = _registration(user_type=user_type, email="Mixed.Case@Example.edu", phone="+1 555 0100")
    response = await client.post(f"{AUTH}/register", json=body)
    assert response.status_code == 201, response.text
    info = response.json()
    assert set(info) == USER_INFO_KEYS
    assert info["user_type"] == user_type and info["email"] == "mixed.case@example.edu"
    assert info["is_active"] is True and info["is_verified"] is False
    user = await User.get(id=info["id"])
    assert bcrypt.checkpw(b"A-good-password-1", user.hashed_password.encode())
    assert user.phone == "+1 555 0100" and user.created_by_id is None
    audit = await AuditLog.get(entity_type="users", entity_id=user.id)
    assert audit.action == "create" and "hashed_password" not in audit.new_value


@pytest.mark.parametrize("user_type", ["admin", "staff", "faculty"])
async def test_anonymous_registration_of_other_types_is_refused(client, user_type):
    body = _registration(user_type=user_type)
    response = await client.post(f"{AUTH}/register", json=body)
    _assert_envelope(response, 403, "FORBIDDEN")
    assert not await User.filter(email=body["email"]).exists()


async def test_a_token_without_users_create_gets_only_self_registration(student_client):
    refused = await student_client.post(f"{AUTH}/register", json=_registration(user_type="admin"))
    _assert_envelope(refused, 403, "FORBIDDEN")
    allowed = await student_client.post(f"{AUTH}/register", json=_registration(user_type="parent"))
    assert allowed.status_code == 201
    assert (await User.get(id=allowed.json()["id"])).created_by_id == student_client.user.id


@pytest.mark.parametrize(
    ("creator", "user_type"),
    [("admin", t) for t in ("admin", "staff", "faculty", "student", "parent")]
    + [("staff", t) for t in ("faculty", "student", "parent")],
)
async def test_admin_creates_any_type_and_staff_the_non_staff_ones(login_as, creator, user_type):
    authed = await login_as(creator)
    body = _registration(user_type=user_type)
    response = await authed.post(f"{AUTH}/register", json=body)
    assert response.status_code == 201, response.text
    user = await User.get(id=response.json()["id"])
    assert user.user_type == user_type and user.created_by_id == authed.user.id
    staff_row = await AdminStaff.get_or_none(user_id=user.id)
    assert (staff_row is not None) == (user_type in ("admin", "staff"))


@pytest.mark.parametrize("user_type", ["admin", "staff"])
async def test_staff_may_not_create_admin_or_staff_accounts(staff_client, user_type):
    body = _registration(user_type=user_type)
    _assert_envelope(await staff_client.post(f"{AUTH}/register", json=body), 403, "FORBIDDEN")
    assert not await User.filter(email=body["email"]).exists()


async def test_self_registration_can_be_switched_off(client, admin_client):
    settings = get_settings()
    settings.allow_self_registration = False
    try:
        body = _registration()
        _assert_envelope(await client.post(f"{AUTH}/register", json=body), 403, "FORBIDDEN")
        assert not await User.filter(email=body["email"]).exists()
        assert (await admin_client.post(f"{AUTH}/register", json=body)).status_code == 201
    finally:
        settings.allow_self_registration = True


async def test_a_bad_token_on_register_is_401_not_anonymous(client):
    response = await client.post(f"{AUTH}/register", json=_registration(),
                                 headers={"Authorization": "Bearer not-a-token"})
    _assert_envelope(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_duplicate_email_or_user_name_is_one_generic_409(client):
    existing = await factories.create_user(email="taken@example.edu", user_name="taken")
    by_email = await client.post(f"{AUTH}/register", json=_registration(email="TAKEN@example.edu"))
    by_name = await client.post(f"{AUTH}/register", json=_registration(user_name="taken"))
    first = _assert_envelope(by_email, 409, "CONFLICT")
    second = _assert_envelope(by_name, 409, "CONFLICT")
    assert first["detail"] == second["detail"]
    assert "email" not in first["detail"].lower() and "name" not in first["detail"].lower()
    assert await User.all().count() == 1 and (await User.first()).id == existing.id


async def test_a_user_name_differing_only_in_case_is_the_same_generic_409(client):
    """Caught by the service's check (its generic message), not only by the database's
    case-insensitive index (whose 409 would word it differently)."""
    existing = await factories.create_user(user_name="alice")
    exact = _assert_envelope(await client.post(f"{AUTH}/register", json=_registration(user_name="alice")),
                             409, "CONFLICT")
    by_case = _assert_envelope(await client.post(f"{AUTH}/register", json=_registration(user_name="Alice")),
                               409, "CONFLICT")
    assert by_case["detail"] == exact["detail"]
    assert [u.id for u in await User.all()] == [existing.id]
    assert not await AuditLog.filter(entity_type="users").exists()


@pytest.mark.parametrize(
    "password",
    [
        "short7!",  # 7 characters
        "é" * 37,  # 37 characters but 74 bytes: past bcrypt's 72
        "x" * 73,
        "x" * 5000,
    ],
)
async def test_passwords_outside_8_to_72_bytes_are_422(client, password):
    body = _registration(password=password)
    response = await client.post(f"{AUTH}/register", json=body)
    error = _assert_envelope(response, 422, "VALIDATION_ERROR")
    assert [d["field"] for d in error["error"]["details"]] == ["body.password"]
    assert password not in response.text
    assert not await User.filter(email=body["email"]).exists()


async def test_a_72_byte_password_is_accepted_as_typed(client):
    password = " " + "é" * 35 + "x"  # 1 + 70 + 1 bytes, leading space kept
    body = _registration(password=password)
    assert (await client.post(f"{AUTH}/register", json=body)).status_code == 201
    await _login(client, body["email"], password)
    bad = await client.post(f"{AUTH}/login", json={"email": body["email"], "password": password.strip()})
    assert bad.status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"user_type": "teacher"},
        {"user_type": "ADMIN"},
        {"email": "not-an-email"},
        {"user_name": "ab"},
        {"user_name": "x" * 51},
        {"user_name": "bad name"},
        {"first_name": ""},
        {"gender": "unknown"},
        {"date_of_birth": "31/12/2000"},
        {"is_active": False},
        {"hashed_password": "x"},
    ],
)
async def test_bad_registration_input_is_422_and_creates_nothing(client, change):
    response = await client.post(f"{AUTH}/register", json=_registration(**change))
    _assert_envelope(response, 422, "VALIDATION_ERROR")
    assert await User.all().count() == 0


# --- login --------------------------------------------------------------------------------


async def test_login_returns_a_token_pair_and_sets_last_login(client):
    user = await factories.create_user(email="ada@example.edu")
    before = dt.datetime.now(dt.UTC)
    tokens = await _login(client, "ADA@example.edu")
    assert set(tokens) == {"access_token", "refresh_token", "token_type"} and tokens["token_type"] == "bearer"

    settings = get_settings()
    access = jwt.decode(tokens["access_token"], settings.secret_key(), algorithms=["HS256"])
    refresh = jwt.decode(tokens["refresh_token"], settings.secret_key(), algorithms=["HS256"])
    assert access["sub"] == refresh["sub"] == str(user.id)
    assert (access["type"], refresh["type"]) == ("access", "refresh")
    assert access["jti"] != refresh["jti"] and access["sid"] == refresh["sid"]
    assert access["exp"] - access["iat"] == pytest.approx(30 * 60, abs=1)
    assert refresh["exp"] - refresh["iat"] == pytest.approx(7 * 86400, abs=1)

    await user.refresh_from_db()
    assert user.last_login is not None and user.last_login >= before - dt.timedelta(seconds=1)
    me = await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == user.id


async def test_wrong_password_and_unknown_email_answer_alike(client):
    await factories.create_user(email="ada@example.edu")
    wrong = await client.post(f"{AUTH}/login", json={"email": "ada@example.edu", "password": "Wrong-password"})
    unknown = await client.post(f"{AUTH}/login", json={"email": "nobody@example.edu", "password": "Wrong-password"})
    first = _assert_envelope(wrong, 401, "UNAUTHORIZED")
    second = _assert_envelope(unknown, 401, "UNAUTHORIZED")
    assert first["detail"] == second["detail"] == "Invalid email or password"
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"] == "Bearer"


async def test_deactivated_account_is_403_only_with_the_right_password(client):
    user = await factories.create_user(email="gone@example.edu", is_active=False)
    right = await client.post(f"{AUTH}/login", json={"email": "gone@example.edu", "password": factories.PASSWORD})
    assert _assert_envelope(right, 403, "FORBIDDEN")["detail"] == "Account is deactivated"
    wrong = await client.post(f"{AUTH}/login", json={"email": "gone@example.edu", "password": "Wrong-password"})
    _assert_envelope(wrong, 401, "UNAUTHORIZED")
    await user.refresh_from_db()
    assert user.last_login is None


@pytest.mark.parametrize("email", ["ada@example.edu", "nobody@example.edu"])
async def test_a_password_past_72_bytes_is_401_never_500(client, email):
    await factories.create_user(email="ada@example.edu")
    for password in ("é" * 40, factories.PASSWORD + "x" * 80):
        response = await client.post(f"{AUTH}/login", json={"email": email, "password": password})
        _assert_envelope(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "body", [{"email": "ada@example.edu", "password": "short"}, {"email": "ada"}, {"password": "x" * 10}, {}]
)
async def test_bad_login_input_is_422(client, body):
    _assert_envelope(await client.post(f"{AUTH}/login", json=body), 422, "VALIDATION_ERROR")


# --- JWT attacks: each one a 401 ----------------------------------------------------------


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user_id: int, token_type: str = "access", **overrides) -> dict:
    now = time.time()
    claims = {"sub": str(user_id), "type": token_type, "jti": uuid.uuid4().hex, "iat": now, "exp": int(now) + 600}
    claims.update(overrides)
    return claims


def _forge(kind: str, victim_id: int, own_token: str) -> str:
    secret = get_settings().secret_key()
    if kind == "alg_none":
        return jwt.encode(_claims(victim_id), None, algorithm="none")
    if kind == "alg_none_by_hand":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(victim_id))}."
    if kind == "another_key":
        return jwt.encode(_claims(victim_id), "another-secret-" + "z" * 40, algorithm="HS256")
    if kind == "another_algorithm":
        with warnings.catch_warnings():
            # PyJWT warns that the test key is short for HS512; the point is the algorithm.
            warnings.simplefilter("ignore")
            return jwt.encode(_claims(victim_id), secret, algorithm="HS512")
    if kind == "tampered_payload":
        header, payload, signature = own_token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = str(victim_id)
        return f"{header}.{_b64(claims)}.{signature}"
    if kind == "expired":
        return jwt.encode(_claims(victim_id, iat=time.time() - 3600, exp=int(time.time()) - 60), secret, "HS256")
    if kind == "refresh_as_access":
        return create_token(victim_id, TokenType.REFRESH)
    if kind == "integer_subject":
        return jwt.encode(_claims(victim_id, sub=victim_id), secret, algorithm="HS256")
    if kind == "no_jti":
        claims = _claims(victim_id)
        del claims["jti"]
        return jwt.encode(claims, secret, algorithm="HS256")
    if kind == "garbage":
        return "not.a.jwt"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["alg_none", "alg_none_by_hand", "another_key", "another_algorithm", "tampered_payload",
     "expired", "refresh_as_access", "integer_subject", "no_jti", "garbage"],
)
async def test_forged_or_misused_access_tokens_are_401(app, student_client, kind):
    victim = await factories.create_user(user_type=UserType.ADMIN)
    own = student_client.headers["authorization"].split()[1]
    async with _client(app, token=_forge(kind, victim.id, own)) as attacker:
        response = await attacker.get(f"{AUTH}/me")
        _assert_envelope(response, 401, "UNAUTHORIZED")
        assert response.headers["www-authenticate"] == "Bearer"
        _assert_envelope(await attacker.get("/api/v1/departments"), 401, "UNAUTHORIZED")


async def test_an_access_token_is_not_a_refresh_token(client):
    user = await factories.create_user()
    tokens = await _login(client, user.email)
    for where in ("header", "body"):
        kwargs = ({"headers": {"Authorization": f"Bearer {tokens['access_token']}"}} if where == "header"
                  else {"json": {"refresh_token": tokens["access_token"]}})
        response = await client.post(f"{AUTH}/refresh", **kwargs)
        assert _assert_envelope(response, 401, "UNAUTHORIZED")["detail"] == "Invalid token type"


async def test_refresh_without_a_token_is_401(client):
    _assert_envelope(await client.post(f"{AUTH}/refresh"), 401, "UNAUTHORIZED")


# --- logout -------------------------------------------------------------------------------


async def test_logout_revokes_the_access_and_the_refresh_token(client):
    user = await factories.create_user()
    tokens = await _login(client, user.email)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = await client.post(f"{AUTH}/logout", headers=bearer, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200 and response.json() == {"message": "Successfully logged out"}
    revoked = await client.get(f"{AUTH}/me", headers=bearer)
    assert _assert_envelope(revoked, 401, "UNAUTHORIZED")["detail"] == "Token has been revoked"
    refresh = await client.post(f"{AUTH}/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    _assert_envelope(refresh, 401, "UNAUTHORIZED")


async def test_logout_without_a_body_still_ends_the_refresh_token(client):
    user = await factories.create_user()
    tokens = await _login(client, user.email)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.post(f"{AUTH}/logout", headers=bearer)).status_code == 200
    refresh = await client.post(f"{AUTH}/refresh", json={"refresh_token": tokens["refresh_token"]})
    _assert_envelope(refresh, 401, "UNAUTHORIZED")


async def test_logout_ends_one_session_not_the_others(client):
    user = await factories.create_user()
    laptop = await _login(client, user.email)
    phone = await _login(client, user.email)
    await client.post(f"{AUTH}/logout", headers={"Authorization": f"Bearer {laptop['access_token']}"})
    still = await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {phone['access_token']}"})
    assert still.status_code == 200


async def test_logout_refuses_another_accounts_refresh_token_and_revokes_nothing(client):
    mine, theirs = await factories.create_user(), await factories.create_user()
    my_tokens, their_tokens = await _login(client, mine.email), await _login(client, theirs.email)
    bearer = {"Authorization": f"Bearer {my_tokens['access_token']}"}
    response = await client.post(f"{AUTH}/logout", headers=bearer,
                                 json={"refresh_token": their_tokens["refresh_token"]})
    _assert_envelope(response, 400, "BAD_REQUEST")
    assert (await client.get(f"{AUTH}/me", headers=bearer)).status_code == 200
    refreshed = await client.post(f"{AUTH}/refresh", json={"refresh_token": their_tokens["refresh_token"]})
    assert refreshed.status_code == 200


async def test_logout_needs_an_access_token(client):
    _assert_envelope(await client.post(f"{AUTH}/logout"), 401, "UNAUTHORIZED")


# --- refresh ------------------------------------------------------------------------------


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(client):
    user = await factories.create_user()
    first = await _login(client, user.email)
    rotated = await client.post(f"{AUTH}/refresh", headers={"Authorization": f"Bearer {first['refresh_token']}"})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    me = await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.status_code == 200

    reused = await client.post(f"{AUTH}/refresh", headers={"Authorization": f"Bearer {first['refresh_token']}"})
    assert _assert_envelope(reused, 401, "UNAUTHORIZED")["detail"] == "Token has been revoked"
    # Whoever holds the rotated pair (possibly whoever copied the old token) is out too.
    _assert_envelope(await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {second['access_token']}"}),
                     401, "UNAUTHORIZED")
    _assert_envelope(await client.post(f"{AUTH}/refresh", json={"refresh_token": second["refresh_token"]}),
                     401, "UNAUTHORIZED")


async def test_concurrent_refreshes_with_one_token_rotate_once(client):
    user = await factories.create_user()
    tokens = await _login(client, user.email)
    responses = await asyncio.gather(
        *(client.post(f"{AUTH}/refresh", json={"refresh_token": tokens["refresh_token"]}) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401, 401]


async def test_refresh_is_refused_for_a_deactivated_user(client):
    user = await factories.create_user()
    tokens = await _login(client, user.email)
    await User.filter(id=user.id).update(is_active=False)
    response = await client.post(f"{AUTH}/refresh", json={"refresh_token": tokens["refresh_token"]})
    _assert_envelope(response, 401, "UNAUTHORIZED")


async def test_an_expired_refresh_token_is_401(client):
    user = await factories.create_user()
    now = time.time()
    expired = jwt.encode(_claims(user.id, "refresh", iat=now - 8 * 86400, exp=int(now) - 60),
                         get_settings().secret_key(), algorithm="HS256")
    _assert_envelope(await client.post(f"{AUTH}/refresh", json={"refresh_token": expired}), 401, "UNAUTHORIZED")


# --- /me and live accounts ----------------------------------------------------------------


async def test_me_returns_the_callers_user_info(parent_client):
    response = await parent_client.get(f"{AUTH}/me")
    assert response.status_code == 200
    user = parent_client.user
    assert response.json() == {
        "id": user.id, "user_type": "parent", "email": user.email, "user_name": user.user_name,
        "first_name": user.first_name, "last_name": user.last_name, "is_active": True, "is_verified": False,
        "student_id": None, "faculty_id": None, "staff_id": None, "parent_id": parent_client.profile.id,
        "linked_students": [],
    }


async def test_me_needs_a_token(client):
    response = await client.get(f"{AUTH}/me")
    _assert_envelope(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_deactivated_users_live_token_is_401_at_once(student_client):
    assert (await student_client.get(f"{AUTH}/me")).status_code == 200
    await User.filter(id=student_client.user.id).update(is_active=False)
    _assert_envelope(await student_client.get(f"{AUTH}/me"), 401, "UNAUTHORIZED")
    _assert_envelope(await student_client.get("/api/v1/departments"), 401, "UNAUTHORIZED")


async def test_a_re_roled_user_loses_access_at_once(staff_client):
    body = {"name": "Physics", "code": "PHY"}
    assert (await staff_client.post("/api/v1/departments", json=body)).status_code == 201
    await User.filter(id=staff_client.user.id).update(user_type=UserType.FACULTY)
    refused = await staff_client.post("/api/v1/departments", json={"name": "Chemistry", "code": "CHE"})
    _assert_envelope(refused, 403, "FORBIDDEN")
