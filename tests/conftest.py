"""The test harness: real PostgreSQL and Redis, one database per run built from the
migrations, the app's lifespan entered once, tables truncated after each test.

Servers: TEST_DATABASE_URL / TEST_REDIS_URL when set (CI), otherwise the embedded
PostgreSQL and Redis under var/test-services, started and stopped by this run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP as SMTPServer  # noqa: N811 - aiosmtpd's name, renamed for clarity

ROOT = Path(__file__).resolve().parents[1]
_TEST_DB = f"dashboard_test_{uuid.uuid4().hex[:8]}"
_LOCK_SECONDS = 3 * 3600


def _embedded_servers() -> tuple[str, str]:
    from dashboard.embedded import start_postgres, start_redis

    data_dir = ROOT / "var" / "test-services"
    return start_postgres(data_dir, database="postgres"), start_redis(data_dir)


def _server_urls() -> tuple[str, str]:
    db_url, redis_url = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if db_url and redis_url:
        return db_url, redis_url
    embedded_db, embedded_redis = _embedded_servers()
    return db_url or embedded_db, redis_url or embedded_redis


async def _claim_redis_db(base_url: str) -> tuple[str, Any]:
    """Runs in parallel (other checkouts, other helpers) must not flush each other's keys:
    claim a free logical database with a lock key, and use that one."""
    import redis.asyncio as aioredis

    for number in range(1, 16):
        url = _redis_db_url(base_url, number)
        client = aioredis.from_url(url)
        if await client.set("dashboard-test:lock", _TEST_DB, nx=True, ex=_LOCK_SECONDS):
            await client.flushdb()
            await client.set("dashboard-test:lock", _TEST_DB, ex=_LOCK_SECONDS)
            return url, client
        await client.aclose()
    raise RuntimeError("no free Redis database (1-15) for this test run")


def _redis_db_url(base_url: str, number: int) -> str:
    from urllib.parse import urlparse

    url = urlparse(base_url)
    if url.scheme == "unix":
        # Not geturl(): it drops the empty authority ("unix:/path"), which redis-py's
        # synchronous client refuses.
        return f"unix://{url.path}?db={number}"
    return url._replace(path=f"/{number}").geturl()


@pytest.fixture(scope="session")
async def services() -> AsyncIterator[dict[str, str]]:
    from dashboard.core.db import apply_migrations, create_database, drop_database, with_database

    base_db, base_redis = _server_urls()
    db_url = with_database(base_db, _TEST_DB)
    redis_url, lock_client = await _claim_redis_db(base_redis)
    data_dir = Path(tempfile.mkdtemp(prefix="dashboard-test-data-"))
    os.environ.update(
        {
            "APP_ENV": "test",
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "DATA_DIR": str(data_dir),
            "JWT_SECRET_KEY": "test-secret-" + "x" * 40,
            "BCRYPT_ROUNDS": "4",
            "SMTP_HOST": "",
            "CORS_ORIGINS": "http://frontend.test",
        }
    )
    from dashboard.settings import get_settings

    get_settings.cache_clear()
    await create_database(db_url)
    await apply_migrations(db_url)
    try:
        yield {"database_url": db_url, "redis_url": redis_url, "data_dir": str(data_dir)}
    finally:
        await drop_database(db_url)
        await lock_client.flushdb()
        await lock_client.aclose()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def app(services: dict[str, str]) -> AsyncIterator[Any]:
    from dashboard.app import create_app

    application = create_app()
    async with application.router.lifespan_context(application):
        yield application


_tables: list[str] = []


async def _truncate_all() -> None:
    """Empty the tables a test wrote to. One EXISTS probe finds them; DELETE with the
    foreign-key triggers off (session_replication_role) empties them in any order, which
    on small tables is far cheaper than a cascading TRUNCATE."""
    from tortoise import connections

    connection = connections.get("default")
    if not _tables:
        rows = await connection.execute_query_dict(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('aerich', 'grading_scales') ORDER BY tablename"
        )
        _tables.extend(row["tablename"] for row in rows)
    probe = " UNION ALL ".join(
        f"SELECT '{table}' AS name WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in _tables
    )
    dirty = [row["name"] for row in await connection.execute_query_dict(probe)]
    if dirty:
        deletes = "".join(f'DELETE FROM "{table}";' for table in dirty)
        await connection.execute_script(
            f"BEGIN; SET LOCAL session_replication_role = replica; {deletes} COMMIT;"
        )


@pytest.fixture(autouse=True)
async def _isolate(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test starts from empty tables and an empty Redis database (the migrations'
    reference data, such as the grading scale, stays)."""
    uses_app = "app" in request.fixturenames
    yield
    if not uses_app:
        return
    from dashboard.core import cache

    await _truncate_all()
    await cache.redis().flushdb()
    await cache.redis().set("dashboard-test:lock", _TEST_DB, ex=_LOCK_SECONDS)


@pytest.fixture(scope="session")
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        yield anonymous


AuthedClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def login_as(app: Any) -> AsyncIterator[AuthedClientFactory]:
    """`await login_as("student")` → a client holding an access token for a new user of
    that role, with the profile row the role needs (`client.user`, `client.profile`).
    Pass `user=` (and `profile=`) to sign in as an existing user."""
    from dashboard.core.security import TokenType, create_token
    from models.enums import UserType
    from tests import factories

    opened: list[httpx.AsyncClient] = []

    async def _login(role: str | UserType, *, user: Any = None, profile: Any = None,
                     **profile_overrides: Any) -> httpx.AsyncClient:
        role = UserType(role)
        if user is None:
            user = await factories.create_user(user_type=role)
            if role is UserType.STUDENT:
                profile = await factories.create_student(user=user, **profile_overrides)
            elif role is UserType.FACULTY:
                profile = await factories.create_faculty(user=user, **profile_overrides)
            elif role is UserType.PARENT:
                profile = await factories.create_parent(user=user, **profile_overrides)
            elif role in (UserType.ADMIN, UserType.STAFF):
                from models import AdminStaff
                from models.enums import AdminStaffRole

                profile = await AdminStaff.create(
                    user=user, employee_id=f"EMP{user.id:06d}", role=AdminStaffRole.STAFF,
                    designation="Registrar", date_of_joining="2020-01-01",
                )
        token = create_token(user.id, TokenType.ACCESS)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        authed = httpx.AsyncClient(transport=transport, base_url="http://test",
                                   headers={"Authorization": f"Bearer {token}"})
        authed.user = user  # type: ignore[attr-defined]
        authed.profile = profile  # type: ignore[attr-defined]
        opened.append(authed)
        return authed

    yield _login
    for authed in opened:
        await authed.aclose()


@pytest.fixture
async def admin_client(login_as: AuthedClientFactory) -> httpx.AsyncClient:
    return await login_as("admin")


@pytest.fixture
async def staff_client(login_as: AuthedClientFactory) -> httpx.AsyncClient:
    return await login_as("staff")


@pytest.fixture
async def faculty_client(login_as: AuthedClientFactory) -> httpx.AsyncClient:
    return await login_as("faculty")


@pytest.fixture
async def student_client(login_as: AuthedClientFactory) -> httpx.AsyncClient:
    return await login_as("student")


@pytest.fixture
async def parent_client(login_as: AuthedClientFactory) -> httpx.AsyncClient:
    return await login_as("parent")


class _Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.received = asyncio.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.received.set()
        return "250 Message accepted for delivery"


@pytest.fixture
async def smtp_sink(app: Any) -> AsyncIterator[_Sink]:
    """A real SMTP server on loopback in the test's loop; the app's settings point at it
    for the duration of the test."""
    from dashboard.settings import get_settings

    sink = _Sink()
    server = await asyncio.get_running_loop().create_server(lambda: SMTPServer(sink), "127.0.0.1", 0)
    settings = get_settings()
    saved = (settings.smtp_host, settings.smtp_port, settings.smtp_starttls)
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = (
        "127.0.0.1", server.sockets[0].getsockname()[1], False,
    )
    try:
        yield sink
    finally:
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = saved
        server.close()
        await server.wait_closed()


@pytest.fixture
async def run_jobs(services: dict[str, str]) -> Callable[[], Awaitable[int]]:
    """`await run_jobs()` runs every queued job with a burst worker; returns how many
    completed and fails the test if any failed."""
    from jobs.worker import run_burst

    async def _run() -> int:
        # Every queue: a job on one may queue work on another (a notice's email batches).
        return await run_burst(services["redis_url"])

    return _run
