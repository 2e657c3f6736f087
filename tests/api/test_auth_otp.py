"""The one-time-code flows: forgot-password, reset-password, send-verification, verify-email,
with the emails delivered by the worker."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest

from dashboard.core import cache
from dashboard.settings import get_settings
from models import AuditLog, User
from models.enums import UserType
from tests import factories

AUTH = "/api/v1/auth"
NEW_PASSWORD = "Brand-new-password-9"


def _client(app, ip: str) -> httpx.AsyncClient:
    # Each guess from its own address: the per-IP request limit (5/min) must not be what
    # stops the guessing here, the per-email attempt counter must.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 50000)), base_url="http://test")


def _code_in(message: EmailMessage) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"\b(\d{6})\b", text).group(1)


def _outbox() -> list[EmailMessage]:
    files = sorted(get_settings().outbox_dir.glob("*.eml"))
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]


@pytest.fixture(autouse=True)
def _empty_outbox(services):
    for path in get_settings().outbox_dir.glob("*.eml"):
        path.unlink()


async def _request_code(client, run_jobs, endpoint: str, email: str) -> str:
    response = await client.post(f"{AUTH}/{endpoint}", json={"email": email})
    assert response.status_code == 200, response.text
    assert await run_jobs() == 1
    [message] = [m for m in _outbox() if m["To"] == email]
    return _code_in(message)


async def _reset(client, email: str, otp: str, password: str = NEW_PASSWORD) -> httpx.Response:
    return await client.post(f"{AUTH}/reset-password", json={"email": email, "otp": otp, "new_password": password})


# --- the worker delivers -------------------------------------------------------------------


async def test_forgot_password_email_arrives_by_smtp_and_its_code_resets_the_password(client, smtp_sink, run_jobs):
    user = await factories.create_user(email="ada@example.edu", first_name="Ada")
    old = (await client.post(f"{AUTH}/login", json={"email": user.email, "password": factories.PASSWORD})).json()

    response = await client.post(f"{AUTH}/forgot-password", json={"email": "Ada@Example.edu"})
    assert response.status_code == 200 and response.json() == {"message": "OTP has been sent to your email"}
    assert smtp_sink.messages == [], "nothing is sent inside the request"
    assert await run_jobs() == 1

    [message] = smtp_sink.messages
    assert message["To"] == "ada@example.edu" and message["Subject"] == "Your password reset code"
    assert message.get_body(preferencelist=("plain",)) is not None
    html = message.get_body(preferencelist=("html",)).get_content()
    code = _code_in(message)
    assert code in html and "Hello Ada" in html
    assert _outbox() == []

    reset = await _reset(client, "ada@example.edu", code)
    assert reset.status_code == 200, reset.text
    new_login = await client.post(f"{AUTH}/login", json={"email": user.email, "password": NEW_PASSWORD})
    assert new_login.status_code == 200
    old_login = await client.post(f"{AUTH}/login", json={"email": user.email, "password": factories.PASSWORD})
    assert old_login.status_code == 401

    # Every session from before the reset is over; the new login's is not.
    me = await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {old['access_token']}"})
    assert me.status_code == 401
    assert (await client.post(f"{AUTH}/refresh", json={"refresh_token": old["refresh_token"]})).status_code == 401
    fresh = new_login.json()["access_token"]
    assert (await client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200

    audit = await AuditLog.get(entity_type="users", entity_id=user.id, action="password_reset")
    assert audit.user_id == user.id


async def test_a_reset_also_ends_admin_panel_sessions(app, client, run_jobs):
    from tests.admin.conftest import ORIGIN, make_person

    user, _ = await make_person(UserType.STAFF)
    other, _ = await make_person(UserType.STAFF)
    panels = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                                base_url=ORIGIN, headers={"Origin": ORIGIN}) for _ in range(3)]
    try:
        for panel, person in zip(panels, (user, user, other), strict=True):
            signed_in = await panel.post("/admin/login",
                                         data={"username": person.email, "password": factories.PASSWORD})
            assert signed_in.status_code == 303
            assert (await panel.get("/admin/")).status_code == 200

        code = await _request_code(client, run_jobs, "forgot-password", user.email)
        assert (await _reset(client, user.email, code)).status_code == 200

        # Both of the user's panel sessions are over, with their cookies still sent; another
        # user's session is untouched.
        for panel in panels[:2]:
            assert panel.cookies.get("admin_session")
            ended = await panel.get("/admin/")
            assert (ended.status_code, ended.headers["location"]) == (303, "/admin/login")
        assert (await panels[2].get("/admin/")).status_code == 200
        fresh = await panels[0].post("/admin/login", data={"username": user.email, "password": NEW_PASSWORD})
        assert fresh.status_code == 303
        assert (await panels[0].get("/admin/")).status_code == 200
    finally:
        for panel in panels:
            await panel.aclose()


async def test_without_smtp_the_email_goes_to_the_outbox(client, run_jobs):
    await factories.create_user(email="ada@example.edu")
    await client.post(f"{AUTH}/forgot-password", json={"email": "ada@example.edu"})
    assert _outbox() == []
    assert await run_jobs() == 1
    [message] = _outbox()
    assert message["To"] == "ada@example.edu"
    assert message.get_body(preferencelist=("html",)) is not None
    assert (await _reset(client, "ada@example.edu", _code_in(message))).status_code == 200


async def test_forgot_password_answers_alike_for_unknown_and_inactive_emails(client, run_jobs):
    await factories.create_user(email="known@example.edu")
    await factories.create_user(email="inactive@example.edu", is_active=False)
    answers = []
    for email in ("known@example.edu", "unknown@example.edu", "inactive@example.edu"):
        response = await client.post(f"{AUTH}/forgot-password", json={"email": email})
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == answers[2] == (200, {"message": "OTP has been sent to your email"})
    assert await run_jobs() == 1
    assert [m["To"] for m in _outbox()] == ["known@example.edu"]


async def test_the_code_is_stored_hashed_with_a_ttl(client, run_jobs):
    await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    keys = [k.decode() for k in await cache.redis().keys("otp:*")]
    assert keys == ["otp:reset-password:ada@example.edu"]
    stored = (await cache.redis().get(keys[0])).decode()
    assert code not in stored and len(stored) == 64
    assert 0 < await cache.redis().ttl(keys[0]) <= 300


async def test_a_code_works_once(client, run_jobs):
    await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    assert (await _reset(client, "ada@example.edu", code)).status_code == 200
    again = await _reset(client, "ada@example.edu", code, "Another-password-7")
    assert again.status_code == 400 and again.json()["detail"] == "Invalid or expired OTP"


async def test_a_new_code_replaces_the_old_one(client, run_jobs):
    await factories.create_user(email="ada@example.edu")
    first = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    for path in get_settings().outbox_dir.glob("*.eml"):
        path.unlink()
    second = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    if first != second:
        assert (await _reset(client, "ada@example.edu", first)).status_code == 400
    assert (await _reset(client, "ada@example.edu", second)).status_code == 200


async def test_reset_for_an_email_without_a_code_is_400(client):
    await factories.create_user(email="ada@example.edu")
    response = await _reset(client, "ada@example.edu", "123456")
    assert response.status_code == 400 and response.json()["error"]["code"] == "BAD_REQUEST"
    response = await _reset(client, "nobody@example.edu", "123456")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ada@example.edu", "otp": "12345", "new_password": NEW_PASSWORD},
        {"email": "ada@example.edu", "otp": "abcdef", "new_password": NEW_PASSWORD},
        {"email": "ada@example.edu", "otp": "123456", "new_password": "short"},
        {"email": "ada@example.edu", "otp": "123456", "new_password": "é" * 37},
        {"email": "ada@example.edu", "otp": "123456"},
        {"email": "ada", "otp": "123456", "new_password": NEW_PASSWORD},
    ],
)
async def test_bad_reset_input_is_422_and_costs_no_attempt(client, body):
    response = await client.post(f"{AUTH}/reset-password", json=body)
    assert response.status_code == 422
    assert await cache.redis().get("otp-attempts:reset-password:ada@example.edu") is None


# --- attempts -----------------------------------------------------------------------------


async def test_the_sixth_wrong_guess_is_429_and_then_even_the_right_code(app, client, run_jobs):
    user = await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for n in range(5):
        async with _client(app, f"10.0.1.{n}") as guesser:
            response = await _reset(guesser, "ada@example.edu", wrong)
            assert response.status_code == 400, (n, response.text)
    async with _client(app, "10.0.1.100") as guesser:
        sixth = await _reset(guesser, "ada@example.edu", wrong)
        assert sixth.status_code == 429 and sixth.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert 0 < int(sixth.headers["retry-after"]) <= 300
        assert (await _reset(guesser, "ada@example.edu", code)).status_code == 429
    await user.refresh_from_db()
    assert user.hashed_password == factories.PASSWORD_HASH

    # A new code starts the count again.
    for path in get_settings().outbox_dir.glob("*.eml"):
        path.unlink()
    fresh = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    async with _client(app, "10.0.1.101") as owner:
        assert (await _reset(owner, "ada@example.edu", fresh)).status_code == 200


async def test_ten_concurrent_wrong_guesses_get_five_tries(app, client, run_jobs):
    await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    guessers = [_client(app, f"10.0.2.{n}") for n in range(10)]
    try:
        responses = await asyncio.gather(*(_reset(g, "ada@example.edu", wrong) for g in guessers))
    finally:
        for guesser in guessers:
            await guesser.aclose()
    assert sorted(r.status_code for r in responses) == [400] * 5 + [429] * 5
    async with _client(app, "10.0.2.100") as owner:
        assert (await _reset(owner, "ada@example.edu", code)).status_code == 429


# --- email verification --------------------------------------------------------------------


async def test_send_verification_then_verify_email(client, run_jobs):
    user = await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "send-verification", "ada@example.edu")
    [message] = _outbox()
    assert message["Subject"] == "Confirm your email address"
    response = await client.post(f"{AUTH}/verify-email", json={"email": "ada@example.edu", "otp": code})
    assert response.status_code == 200 and response.json() == {"message": "Email verified successfully"}
    await user.refresh_from_db()
    assert user.is_verified is True
    audit = await AuditLog.get(entity_type="users", entity_id=user.id, action="update")
    assert audit.old_value == {"is_verified": False} and audit.new_value == {"is_verified": True}


async def test_send_verification_answers_alike_and_skips_verified_accounts(client, run_jobs):
    await factories.create_user(email="new@example.edu")
    await factories.create_user(email="done@example.edu", is_verified=True)
    answers = {
        email: (await client.post(f"{AUTH}/send-verification", json={"email": email})).json()
        for email in ("new@example.edu", "done@example.edu", "nobody@example.edu")
    }
    assert len({str(a) for a in answers.values()}) == 1
    assert await run_jobs() == 1
    assert [m["To"] for m in _outbox()] == ["new@example.edu"]


async def test_a_reset_code_does_not_verify_an_email(client, run_jobs):
    user = await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "forgot-password", "ada@example.edu")
    response = await client.post(f"{AUTH}/verify-email", json={"email": "ada@example.edu", "otp": code})
    assert response.status_code == 400 and response.json()["detail"] == "Invalid or expired OTP"
    await user.refresh_from_db()
    assert user.is_verified is False
    # ...and the reset code is still good for what it was sent for.
    assert (await _reset(client, "ada@example.edu", code)).status_code == 200


async def test_a_verification_code_does_not_reset_a_password(client, run_jobs):
    user = await factories.create_user(email="ada@example.edu")
    code = await _request_code(client, run_jobs, "send-verification", "ada@example.edu")
    assert (await _reset(client, "ada@example.edu", code)).status_code == 400
    await user.refresh_from_db()
    assert user.hashed_password == factories.PASSWORD_HASH


async def test_verify_email_body_is_email_and_otp_only(client):
    response = await client.post(f"{AUTH}/verify-email",
                                 json={"email": "ada@example.edu", "otp": "123456", "new_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert await User.all().count() == 0
