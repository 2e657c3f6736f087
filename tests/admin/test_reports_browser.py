"""The Reports page and the home page's figures in headless Chromium: an accountant reads
the fee collection of one department, queues its Excel file, watches it being made by
the worker and downloads it. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.enums import UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser


async def _styled(page) -> None:
    font = await page.evaluate("getComputedStyle(document.body).getPropertyValue('--tblr-font-sans-serif')")
    assert font.strip(), "Tabler's CSS variables are missing: the stylesheet did not load"
    assert page.outside_requests == []


async def _university() -> object:
    today = dt.datetime.now(dt.UTC).date()
    departments = []
    for name, paid in (("Computer Science and Engineering", "42000.00"), ("Mechanical Engineering", "18500.00"),
                       ("Electronics and Communication", "30000.00")):
        department = await factories.create_department(name=name)
        departments.append(department)
        program = await factories.create_program(department=department)
        for month in range(3):
            student = await factories.create_student(program=program, department=department)
            structure = await factories.create_fee_structure(student=student, due_date=today - dt.timedelta(days=3))
            await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal(paid),
                                               payment_date=(today.replace(day=1) - dt.timedelta(days=31 * month)))
    return departments[0]


async def test_accountant_filters_a_report_queues_the_file_and_downloads_it(page, run_jobs):
    from openpyxl import load_workbook

    staff, _ = await make_person(UserType.STAFF)
    department = await _university()
    await browser_login(page, staff)

    await page.click("#admin-menu >> text=Reports")
    await page.click("#report-tabs [data-report=fee-collection]")
    await page.wait_for_url("**report=fee-collection**")
    assert await page.locator("[data-figure=total_collected] .figure-value").inner_text() == "₹2,71,500.00"
    await page.select_option("#filter-department_id", str(department.id))  # type: ignore[attr-defined]
    await page.click("#apply-filters")
    await page.wait_for_url(f"**department_id={department.id}**")  # type: ignore[attr-defined]
    assert await page.locator("[data-figure=total_collected] .figure-value").inner_text() == "₹1,26,000.00"
    # Three months with payments over four calendar months: the one without any is drawn as
    # zero, not left out. The shared link carries only the filter that is set.
    values = await page.locator("#report-chart svg .bar").evaluate_all("bars => bars.map(b => b.dataset.value)")
    assert sorted(values) == ["0", "42000", "42000", "42000"]
    assert page.url.endswith(f"?report=fee-collection&department_id={department.id}")  # type: ignore[attr-defined]
    await _styled(page)
    await page.screenshot(path=artifact("reports_fee_collection.png"), full_page=True)

    await page.click("#download-buttons [data-format=xlsx]")
    row = page.locator("#report-jobs tbody tr[data-job]").first
    await row.wait_for()
    assert "Waiting for a worker" in await row.inner_text()
    await page.screenshot(path=artifact("reports_job_queued.png"), full_page=False)
    await run_jobs()
    await row.locator(".download-file").wait_for(timeout=15000)
    assert await row.get_attribute("data-status") == "done"
    async with page.expect_download() as waiting:
        await row.locator(".download-file").click()
    download = await waiting.value
    saved = artifact("fee-collection.xlsx")
    await download.save_as(saved)
    book = load_workbook(saved)
    values = [c for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    assert "Computer Science and Engineering" in values
    assert all(name not in values for name in ("Mechanical Engineering", "Electronics and Communication"))
    await page.screenshot(path=artifact("reports_job_done.png"), full_page=False)


async def test_every_report_tab_draws_its_chart(page):
    staff, _ = await make_person(UserType.STAFF)
    await _university()
    hostel = await factories.create_hostel(name="Godavari Hall", total_capacity=40)
    await factories.create_allocation(room=await factories.create_room(hostel=hostel))
    await browser_login(page, staff)
    await page.goto("/admin/reports/list")
    names = await page.locator("#report-tabs .nav-link").evaluate_all("links => links.map(l => l.dataset.report)")
    assert len(names) == 7
    for name in names:
        await page.click(f"#report-tabs [data-report={name}]")
        await page.wait_for_url(f"**report={name}**")
        svg = await page.locator("#report-chart svg").bounding_box()
        assert svg and svg["width"] > 200, name
        assert await page.locator("#figures [data-figure]").count() >= 3, name
        await page.screenshot(path=artifact(f"reports_{name}.png"), full_page=True)


async def test_the_home_page_cards_lead_to_their_lists(page):
    staff, _ = await make_person(UserType.STAFF)
    await _university()
    await factories.create_loan(due_date=dt.datetime.now(dt.UTC) - dt.timedelta(days=4))
    await browser_login(page, staff)
    assert await page.locator("[data-figure=overdue_books] .figure-value").inner_text() == "1"
    await _styled(page)
    await page.screenshot(path=artifact("home_today.png"), full_page=True)
    await page.click("[data-figure=overdue_books]")
    await page.wait_for_url("**/admin/overdue_books/list")
