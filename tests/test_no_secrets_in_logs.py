"""No password, token, one-time code or session key in any log line, job argument or
stored log (audit_logs, system_logs).

Every auth flow runs once over real HTTP through uvicorn, with every logger of the process
at DEBUG (root, uvicorn and its access log, arq, the ORM and our JSON logs), and the emails
delivered by the burst worker. Each secret the flows create or send is collected on the
way; none may appear in a log record, however it is formatted, nor in a queued job.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from typing import Any

import httpx
import pytest
import uvicorn

from dashboard.core import cache
from dashboard.logs import JsonFormatter, configure_logging
from dashboard.settings import get_settings
from models import AuditLog, SystemLog, User
from models.enums import UserType
from tests import factories

AUTH = "/api/v1/auth"
# The test's own HTTP client logs the headers it receives (a session cookie among them):
# the client is not the product.
_TEST_CLIENT_LOGGERS = ("httpx", "httpcore")
_BCRYPT_HASH = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")


class _Capture(logging.Handler):
    """Keeps every record three ways: as our JSON line, as the plain message, and as the
    raw pieces (arguments and structured fields), so that no formatter can hide a leak."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_TEST_CLIENT_LOGGERS):
            return
        pieces = [self.json.format(record), logging.Formatter().format(record), repr(record.args),
                  repr(getattr(record, "fields", None)), repr(record.__dict__)]
        self.lines.append(f"[{record.name} {record.levelname}] " + "\n".join(pieces))


@pytest.fixture
def captured_logs() -> Iterator[_Capture]:
    """The product's logging configuration (dashboard.logs), then every logger that exists
    or that a flow creates later (they propagate to the root) at DEBUG, none disabled (our
    logging configuration silences uvicorn's access log)."""
    capture = _Capture()
    root = logging.getLogger()
    saved_handlers = list(root.handlers)
    configure_logging("DEBUG")  # the product's configuration first, then everything louder
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    loggers += [logging.getLogger(name) for name in (
        "arq", "arq.worker", "arq.jobs", "arq.connections", "uvicorn", "uvicorn.error", "uvicorn.access",
        "dashboard", "dashboard.access", "jobs", "tortoise", "tortoise.db_client", "asyncpg", "fastapi_admin",
    )]
    saved = [(logger, logger.level, logger.disabled, logger.propagate) for logger in loggers]
    saved_root = root.level
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.propagate = True
    root.setLevel(logging.DEBUG)
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_root)
        for logger, level, disabled, propagate in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.propagate = propagate


@pytest.fixture
async def served(app: Any) -> AsyncIterator[str]:
    """The app under a real uvicorn server in this event loop (the lifespan is already
    entered by the `app` fixture), with uvicorn's access log on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None,
                            access_log=True, log_level="debug")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _outbox_codes() -> list[str]:
    codes = []
    for path in sorted(get_settings().outbox_dir.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        codes.append(re.search(r"\b(\d{6})\b", text).group(1))
        path.unlink()
    return codes


async def _queued_job_arguments() -> list[str]:
    return [repr((job.function, job.args, job.kwargs)) for job in await cache.redis().queued_jobs()]


async def test_no_auth_flow_logs_a_secret(served, captured_logs, run_jobs):
    for path in get_settings().outbox_dir.glob("*.eml"):
        path.unlink()
    secrets: dict[str, str] = {}
    job_arguments: list[str] = []

    async def run_queued_jobs() -> None:
        job_arguments.extend(await _queued_job_arguments())
        assert await run_jobs() >= 1

    async with httpx.AsyncClient(base_url=served) as http:
        # register
        secrets["registration password"] = "Registered-pass-31"
        response = await http.post(f"{AUTH}/register", json={
            "user_type": "student", "email": "ada.lovelace@example.edu", "user_name": "ada.lovelace",
            "password": secrets["registration password"], "first_name": "Ada", "last_name": "Lovelace",
        })
        assert response.status_code == 201, response.text

        # a wrong login, a refused one (422), then a right one
        secrets["wrong password"] = "Not-my-password-77"
        response = await http.post(f"{AUTH}/login", json={"email": "ada.lovelace@example.edu",
                                                          "password": secrets["wrong password"]})
        assert response.status_code == 401
        secrets["password refused by the schema"] = "shrt-pw"
        response = await http.post(f"{AUTH}/login", json={"email": "ada.lovelace@example.edu",
                                                          "password": secrets["password refused by the schema"]})
        assert response.status_code == 422
        assert secrets["password refused by the schema"] not in response.text
        response = await http.post(f"{AUTH}/login", json={"email": "ada.lovelace@example.edu",
                                                          "password": secrets["registration password"]})
        assert response.status_code == 200, response.text
        pair = response.json()
        secrets["access token"], secrets["refresh token"] = pair["access_token"], pair["refresh_token"]
        me = await http.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert me.status_code == 200

        # refresh: by header, then by body, then the spent token again (refused, session revoked)
        response = await http.post(f"{AUTH}/refresh", headers={"Authorization": f"Bearer {pair['refresh_token']}"})
        assert response.status_code == 200, response.text
        rotated = response.json()
        secrets["rotated access token"] = rotated["access_token"]
        secrets["rotated refresh token"] = rotated["refresh_token"]
        response = await http.post(f"{AUTH}/refresh", json={"refresh_token": pair["refresh_token"]})
        assert response.status_code == 401

        # logout, with a fresh pair and its refresh token in the body
        response = await http.post(f"{AUTH}/login", json={"email": "ada.lovelace@example.edu",
                                                          "password": secrets["registration password"]})
        second = response.json()
        secrets["second access token"] = second["access_token"]
        secrets["second refresh token"] = second["refresh_token"]
        response = await http.post(f"{AUTH}/logout", json={"refresh_token": second["refresh_token"]},
                                   headers={"Authorization": f"Bearer {second['access_token']}"})
        assert response.status_code == 200, response.text

        # send-verification and verify-email, the code delivered by the worker
        response = await http.post(f"{AUTH}/send-verification", json={"email": "ada.lovelace@example.edu"})
        assert response.status_code == 200
        await run_queued_jobs()
        [secrets["verification code"]] = _outbox_codes()
        response = await http.post(f"{AUTH}/verify-email", json={"email": "ada.lovelace@example.edu",
                                                                 "otp": secrets["verification code"]})
        assert response.status_code == 200, response.text

        # forgot-password and reset-password: a wrong code, a refused body, then the right code
        response = await http.post(f"{AUTH}/forgot-password", json={"email": "ada.lovelace@example.edu"})
        assert response.status_code == 200
        await run_queued_jobs()
        [secrets["reset code"]] = _outbox_codes()
        secrets["wrong code"] = f"{(int(secrets['reset code']) + 1) % 1_000_000:06d}"
        secrets["new password"] = "Reset-password-58"
        response = await http.post(f"{AUTH}/reset-password", json={
            "email": "ada.lovelace@example.edu", "otp": secrets["wrong code"], "new_password": secrets["new password"]})
        assert response.status_code == 400
        response = await http.post(f"{AUTH}/reset-password", json={
            "email": "ada.lovelace@example.edu", "otp": "12345", "new_password": secrets["new password"]})
        assert response.status_code == 422 and secrets["new password"] not in response.text
        response = await http.post(f"{AUTH}/reset-password", json={
            "email": "ada.lovelace@example.edu", "otp": secrets["reset code"], "new_password": secrets["new password"]})
        assert response.status_code == 200, response.text

    # the admin panel: sign in, change the password, sign out
    admin = await factories.create_user(user_type=UserType.ADMIN, email="grace@example.edu", user_name="grace")
    secrets["admin password"] = factories.PASSWORD
    async with httpx.AsyncClient(base_url=served, headers={"Origin": served}) as panel:
        response = await panel.post("/admin/login", data={"username": "grace", "password": "Wrong-admin-pass-1"})
        assert response.status_code == 401
        secrets["wrong admin password"] = "Wrong-admin-pass-1"
        response = await panel.post("/admin/login", data={"username": admin.email, "password": factories.PASSWORD})
        assert response.status_code == 303, response.text
        secrets["admin session key"] = panel.cookies["admin_session"]
        assert (await panel.get("/admin/")).status_code == 200
        secrets["admin new password"] = "Admin-new-pass-64"
        response = await panel.post("/admin/password", data={
            "old_password": factories.PASSWORD, "new_password": secrets["admin new password"],
            "re_new_password": secrets["admin new password"]})
        assert response.status_code in (200, 303), response.text
        response = await panel.post("/admin/login", data={"username": admin.email,
                                                          "password": secrets["admin new password"]})
        assert response.status_code == 303, response.text
        secrets["second admin session key"] = panel.cookies["admin_session"]
        assert (await panel.post("/admin/logout")).status_code in (302, 303)

    # The logs kept in the database: the audit trail and the system log.
    stored = [repr(row) for model in (AuditLog, SystemLog) for row in await model.all().values()]
    assert any("password_reset" in row for row in stored) and any("password_change" in row for row in stored)
    hashes = {f"password hash of {user.email}": user.hashed_password for user in await User.all()}
    in_stored = [(name, row) for name, value in {**secrets, **hashes}.items() for row in stored if value in row]
    assert not in_stored, f"secrets in audit_logs or system_logs: {in_stored}"

    assert captured_logs.lines, "nothing was captured: the test would pass for the wrong reason"
    assert any("arq" in line and "send_" in line for line in captured_logs.lines), "the worker's log was not captured"
    leaks = [(name, line) for name, value in {**secrets, **hashes}.items()
             for line in captured_logs.lines if value in line]
    leaks += [("a bcrypt hash", line) for line in captured_logs.lines if _BCRYPT_HASH.search(line)]
    assert not leaks, "secrets in the logs:\n" + "\n\n".join(f"{name}: {line[:2000]}" for name, line in leaks)
    in_jobs = [(name, args) for name, value in secrets.items() for args in job_arguments if value in args]
    assert not in_jobs, f"secrets in job arguments: {in_jobs}"
