"""/docs (Swagger UI) and /redoc (ReDoc) in headless Chromium (Debian's), against the app
under uvicorn, with every request that would leave the machine blocked: both render every
operation from the files the app serves itself."""

from __future__ import annotations

import asyncio
import time

import pytest

from api import create_api
from tests.admin.conftest import artifact, browser, live_server, page  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.browser

DOCUMENT = create_api().openapi()
OPERATION_IDS = {operation["operationId"] for item in DOCUMENT["paths"].values() for operation in item.values()}
OPERATION_COUNT = len(OPERATION_IDS)


async def _operations_seen(tab, locator, *, step: int = 600, seconds: float = 90) -> set[str]:
    """The ids of every element matching `locator` that appears while the page is scrolled
    to its end. Swagger UI keeps only the operations near the viewport in the DOM, so a
    reader who scrolls sees them all while no single moment holds them all."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.update(await locator.evaluate_all("elements => elements.map(e => e.id)"))
        if len(seen) >= OPERATION_COUNT:
            break
        await tab.mouse.wheel(0, step)
        await asyncio.sleep(0.05)
    return seen


def _watch_console(tab) -> list[str]:
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    return problems


async def test_swagger_ui_renders_every_operation_offline(page):  # noqa: F811
    problems = _watch_console(page)
    await page.goto("/docs")
    operations = page.locator(".opblock")
    await operations.first.wait_for(state="visible", timeout=30_000)
    await page.screenshot(path=artifact("docs-swagger.png"))
    seen = await _operations_seen(page, operations)
    # Swagger UI's element ids are "operations-<tag>-<operationId>".
    assert {element_id.split("-", 2)[2] for element_id in seen} == OPERATION_IDS

    # The filter box finds a tag; an operation opens with what it does and who may call it.
    await page.mouse.wheel(0, -10**6)
    await page.fill(".operation-filter-input", "Departments")
    departments = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/departments"]')).first
    await departments.locator(".opblock-summary").click()
    description = departments.locator(".opblock-description-wrapper")
    await description.wait_for(state="visible")
    assert "Who may call:" in await description.inner_text()
    assert await departments.locator("tr[data-param-name='search'] .parameter__name").count() == 1
    await page.screenshot(path=artifact("docs-swagger-operation.png"), full_page=False)

    assert page.outside_requests == []
    assert problems == []


async def test_redoc_renders_every_operation_offline(page):  # noqa: F811
    problems = _watch_console(page)
    await page.goto("/redoc")
    operations = page.locator("[data-section-id^='operation/']")
    await operations.first.wait_for(state="attached", timeout=60_000)
    await page.screenshot(path=artifact("docs-redoc.png"))
    assert await operations.count() == OPERATION_COUNT
    assert "Who may call:" in await operations.first.inner_text()
    assert page.outside_requests == []
    # The vendor logo in ReDoc's sidebar is refused by the page's policy, never fetched.
    assert all("cdn.redoc.ly" in problem or "Content Security Policy" in problem for problem in problems), problems
