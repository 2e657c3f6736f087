"""Admin panel fixtures: clients signed in through the real login form."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
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


# --- browser tests ----------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SCREEN = {"width": 1440, "height": 900}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
async def live_server(services: dict[str, str]) -> AsyncIterator[str]:
    """The app under uvicorn in a child process, on a free loopback port, against the test
    database and Redis (the `services` fixture put their URLs in the environment)."""
    port = _free_port()
    log_path = Path(services["data_dir"]) / "uvicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: ASYNC220 - starts the test server once per session
            [sys.executable, "-m", "uvicorn", "--factory", "dashboard.app:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env={**os.environ}, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient() as probe:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("uvicorn exited:\n" + log_path.read_text())
                try:
                    if (await probe.get(base + "/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start:\n" + log_path.read_text())
                await asyncio.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser build."""
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 - a local file, once per test
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def page(browser: Any, live_server: str, app: Any) -> AsyncIterator[Any]:
    """A fresh browser context whose requests may reach only the live server: anything
    else (a CDN) is aborted and recorded in `page.outside_requests`, so a test sees that
    the panel renders with no internet. `app` is requested so that the test's rows are
    cleaned up like any other test's."""
    # The screen of issue 10: a 1440 x 900 laptop, the smallest a member of staff works on.
    context = await browser.new_context(base_url=live_server, viewport=SCREEN)
    outside: list[str] = []

    async def route(request_route: Any) -> None:
        if request_route.request.url.startswith(live_server):
            await request_route.continue_()
        else:
            outside.append(request_route.request.url)
            await request_route.abort()

    await context.route("**/*", route)
    tab = await context.new_page()
    tab.outside_requests = outside
    try:
        yield tab
    finally:
        await context.close()


async def browser_login(page: Any, user: Any, password: str = factories.PASSWORD) -> None:
    await page.goto("/admin/login")
    await page.fill("#username", user.email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/admin/")


def artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)
