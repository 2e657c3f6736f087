"""/docs (Swagger UI) and /redoc (ReDoc) in headless Chromium (Debian's), against the app
under uvicorn, with every request that would leave the machine blocked: both render every
operation from the files the app serves itself."""

from __future__ import annotations

import pytest

from api import create_api
from tests.admin.conftest import artifact, browser, live_server, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

DOCUMENT = create_api().openapi()
OPERATION_COUNT = sum(len(item) for item in DOCUMENT["paths"].values())


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
    assert await operations.count() == OPERATION_COUNT
    assert await page.locator(".opblock-tag").count() == len({tag for item in DOCUMENT["paths"].values()
                                                               for op in item.values() for tag in op["tags"]})
    await page.screenshot(path=artifact("docs-swagger.png"))

    # An operation opens with what it does and who may call it.
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
    assert await operations.count() == OPERATION_COUNT
    assert "Who may call:" in await operations.first.inner_text()
    await page.screenshot(path=artifact("docs-redoc.png"))
    assert page.outside_requests == []
    # The vendor logo in ReDoc's sidebar is refused by the page's policy, never fetched.
    assert all("cdn.redoc.ly" in problem or "Content Security Policy" in problem for problem in problems), problems
