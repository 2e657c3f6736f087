"""The promises of the per-request token check hold across processes: two app servers
(separate uvicorn processes, as two workers are) share this suite's PostgreSQL and Redis,
and a deactivation, a logout or a role change made through one is in force on the very
next request to the other, however warm that one is."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from models import User
from models.enums import UserType
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _server() -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, RATE_LIMIT_ENABLED="false", LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "dashboard.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:] if process.stderr else "server exited")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/health/ready", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="module")
def workers(services) -> Iterator[tuple[str, str]]:
    with _server() as first, _server() as second:
        yield first, second


@pytest.fixture
async def two(app, workers) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=workers[0], timeout=30) as a, \
            httpx.AsyncClient(base_url=workers[1], timeout=30) as b:
        yield a, b


async def _sign_in(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    response = await client.post(LOGIN, json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _warm(clients: tuple[httpx.AsyncClient, ...], headers: dict[str, str], path: str = ME) -> None:
    """Several requests to each server, so that whatever a server keeps between requests
    is in place before the change."""
    for client in clients:
        for _ in range(3):
            response = await client.get(path, headers=headers)
            assert response.status_code == 200, response.text


async def test_a_deactivation_through_one_worker_refuses_the_next_request_to_the_other(two):
    a, b = two
    admin = await factories.create_user(user_type=UserType.ADMIN)
    teacher = await factories.create_faculty()
    teacher_user = await User.get(id=teacher.user_id)
    teacher_tokens = await _sign_in(a, teacher_user)
    await _warm((a, b), _bearer(teacher_tokens))

    admin_tokens = await _sign_in(b, admin)
    deactivated = await a.delete(f"/api/v1/faculty/{teacher.id}", headers=_bearer(admin_tokens))
    assert deactivated.status_code == 204, deactivated.text

    for client in (b, a):
        refused = await client.get(ME, headers=_bearer(teacher_tokens))
        assert refused.status_code == 401, refused.text
        assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    refresh = await b.post("/api/v1/auth/refresh", json={"refresh_token": teacher_tokens["refresh_token"]})
    assert refresh.status_code == 401


async def test_a_logout_on_one_worker_revokes_the_token_on_the_other_at_once(two):
    a, b = two
    student = await factories.create_student()
    user = await User.get(id=student.user_id)
    tokens = await _sign_in(a, user)
    other_session = await _sign_in(b, user)
    await _warm((a, b), _bearer(tokens))
    await _warm((a, b), _bearer(other_session))

    logged_out = await b.post("/api/v1/auth/logout", headers=_bearer(tokens))
    assert logged_out.status_code == 200, logged_out.text

    for client in (a, b):
        assert (await client.get(ME, headers=_bearer(tokens))).status_code == 401
        assert (await client.get("/api/v1/departments", headers=_bearer(tokens))).status_code == 401
        # Only that session ended: the user's other sign-in still works everywhere.
        assert (await client.get(ME, headers=_bearer(other_session))).status_code == 200


async def test_a_change_written_straight_to_the_database_is_in_force_on_both_workers(two):
    """No server keeps the user row between requests: a role change or deactivation made
    by any writer (another service, a script, the database console) counts at once."""
    a, b = two
    staff = await factories.create_user(user_type=UserType.STAFF)
    tokens = await _sign_in(a, staff)
    await _warm((a, b), _bearer(tokens), "/api/v1/fee-structures")

    await User.filter(id=staff.id).update(user_type=UserType.FACULTY)
    for client in (a, b):
        refused = await client.get("/api/v1/fee-structures", headers=_bearer(tokens))
        assert refused.status_code == 403, refused.text

    await User.filter(id=staff.id).update(is_active=False)
    for client in (b, a):
        assert (await client.get(ME, headers=_bearer(tokens))).status_code == 401


async def test_ending_a_users_sessions_elsewhere_refuses_their_tokens_on_both_workers(two):
    """The panel's "end sessions" (and a password change) mark every token issued so far
    as revoked, from whichever process makes the change."""
    from dashboard.core.actor import Actor
    from dashboard.services import users

    a, b = two
    user = await factories.create_user()
    tokens = await _sign_in(a, user)
    await _warm((a, b), _bearer(tokens))
    await users.end_user_sessions(Actor.system(), user_id=user.id)
    for client in (b, a):
        assert (await client.get(ME, headers=_bearer(tokens))).status_code == 401
    assert (await b.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401
    fresh = await _sign_in(b, user)
    for client in (a, b):
        assert (await client.get(ME, headers=_bearer(fresh))).status_code == 200
