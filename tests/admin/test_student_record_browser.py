"""The student record in headless Chromium: a registrar finds a student from the menu and
reads the whole file; the student's lecturer reads it without the fees. Screenshots go
to tests/artifacts/."""

from __future__ import annotations

import pytest

from models.enums import UserType
from tests.admin.conftest import artifact, browser_login, make_person
from tests.admin.test_student_record_screens import SECTIONS, demo_student

pytestmark = pytest.mark.browser


async def _styled(page) -> None:
    font = await page.evaluate("getComputedStyle(document.body).getPropertyValue('--tblr-font-sans-serif')")
    assert font.strip(), "Tabler's CSS variables are missing: the stylesheet did not load"
    assert page.outside_requests == []


async def test_registrar_finds_a_student_and_reads_every_section(page):
    admin, _ = await make_person(UserType.ADMIN)
    demo = await demo_student(admin)
    await browser_login(page, admin)

    await page.click("#admin-menu >> text=Student record")
    await page.fill("#student-q", "Krishnan")
    await page.click("#student-search-button")
    await page.wait_for_url("**q=Krishnan**")
    await page.click(f"#students-found tr[data-id='{demo.student.id}'] .open-record")
    await page.wait_for_url(f"**/admin/student_record/{demo.student.id}")
    await _styled(page)
    assert await page.locator("#page-title").inner_text() == "Ananya Krishnan (CS2024017)"
    for key in SECTIONS:
        section = page.locator(f"#section-{key}")
        assert await section.is_visible(), key
        assert await section.locator(".empty-row").count() == 0, f"{key} shows an empty state"
    assert await page.locator("#summary [data-summary='cgpa']").inner_text() == "8.57"
    assert await page.locator("#summary [data-summary='attendance']").inner_text() == "71.43%"
    assert await page.locator("#summary [data-summary='fees']").inner_text() == "₹38,000.00"
    assert await page.locator("#attendance-overall").inner_text() == "71.43%"
    await page.screenshot(path=artifact("student_record.png"), full_page=True)

    # Each section's screen is one click away.
    await page.click("#section-fees .section-link")
    await page.wait_for_url(f"**/admin/cashier/students/{demo.student.id}")
    await page.go_back()
    await page.click("#section-library .section-link")
    await page.wait_for_url(f"**/admin/library_desk/borrowers/{demo.user.id}")


async def test_the_lecturer_reads_the_record_without_fees(page):
    admin, _ = await make_person(UserType.ADMIN)
    demo = await demo_student(admin)
    await browser_login(page, await demo.faculty.user)
    await page.goto(f"/admin/student_record/{demo.student.id}")
    await _styled(page)
    assert await page.locator("#section-attendance").is_visible()
    assert await page.locator("#section-grades").is_visible()
    assert await page.locator("#section-fees").count() == 0
    assert await page.locator("#summary [data-summary='fees']").count() == 0
    await page.screenshot(path=artifact("student_record_faculty.png"), full_page=True)
