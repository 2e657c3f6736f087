"""The panel in headless Chromium (Debian's), against the app under uvicorn: what a
member of staff and a faculty member really see. No request may leave the machine."""

from __future__ import annotations

import datetime as dt

import pytest

from models import AuditLog, Department
from models.enums import UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser


async def _styled(page) -> None:
    """The pinned Tabler stylesheet is applied (served by the app itself)."""
    font = await page.evaluate("getComputedStyle(document.body).getPropertyValue('--tblr-font-sans-serif')")
    assert font.strip(), "Tabler's CSS variables are missing: the stylesheet did not load"
    assert page.outside_requests == []


async def test_admin_creates_finds_edits_a_department_and_sees_the_audit_row(page):
    user, _ = await make_person(UserType.ADMIN)
    await page.goto("/admin/login")
    await _styled(page)
    await page.screenshot(path=artifact("login.png"), full_page=True)
    await browser_login(page, user)

    await page.goto("/admin/department/list")
    await page.click("#create-button")
    await page.fill("#field-name", "Astrophysics")
    await page.fill("#field-code", "ASTRO")
    await page.fill("#field-building", "Observatory")
    await page.click("#save")
    await page.wait_for_url("**/admin/department/list")

    await page.fill("#filter-search", "astro")
    await page.click("#apply-filters")
    await page.wait_for_url("**search=astro**")
    rows = page.locator("#rows tbody tr[data-id]")
    assert await rows.count() == 1
    assert "Astrophysics" in await rows.first.inner_text()

    await rows.first.get_by_role("link", name="Edit").click()
    await page.fill("#field-name", "Astrophysics and Cosmology")
    await page.click("#save")
    await page.wait_for_url("**/admin/department/list")
    department = await Department.get(code="ASTRO")
    assert department.name == "Astrophysics and Cosmology"

    await page.goto(f"/admin/auditlog/list?entity_type=departments&entity_id={department.id}")
    audit_rows = page.locator("#rows tbody tr[data-id]")
    assert await audit_rows.count() == 2
    newest = await audit_rows.first.inner_text()
    assert "Update" in newest and "Astrophysics and Cosmology" in newest
    assert await AuditLog.filter(entity_type="departments", entity_id=department.id, action="update",
                                 user_id=user.id).exists()
    await _styled(page)


async def test_faculty_sees_only_their_offerings_and_no_users_list(page):
    teacher, profile = await make_person(UserType.FACULTY)
    other, other_profile = await make_person(UserType.FACULTY)
    mine = await factories.create_offering(faculty=[profile], academic_year="2025-26")
    theirs = await factories.create_offering(faculty=[other_profile], academic_year="2024-25")
    await browser_login(page, teacher)

    menu = await page.locator("#admin-menu").inner_text()
    assert "Course offerings" in menu and "Students" in menu
    assert "Users" not in menu and "Departments" not in menu

    await page.goto("/admin/courseoffering/list")
    ids = await page.locator("#rows tbody tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert ids == [str(mine.id)]
    assert str(theirs.id) not in ids
    assert await page.locator("#create-button").count() == 0
    assert await page.locator(".row-delete").count() == 0

    response = await page.goto("/admin/user/list")
    assert response.status == 403
    await _styled(page)


async def test_home_shows_kpis_and_two_drawn_charts(page):
    admin, _ = await make_person(UserType.ADMIN)
    science = await factories.create_department(name="Science")
    arts = await factories.create_department(name="Arts")
    this_month = dt.datetime.now(dt.UTC).replace(day=1, hour=12)
    for department, count in ((science, 3), (arts, 2)):
        program = await factories.create_program(department=department)
        for _ in range(count):
            student = await factories.create_student(program=program, department=department)
            await factories.create_enrollment(student=student, enrollment_date=this_month)
    await browser_login(page, admin)

    assert await page.locator("[data-kpi=students] .kpi-value").inner_text() == "5"
    assert await page.locator("[data-kpi=departments] .kpi-value").inner_text() == "2"
    assert await page.locator("[data-kpi=enrollments] .kpi-value").inner_text() == "5"
    for chart in ("#chart-departments", "#chart-enrollments"):
        svg = page.locator(f"{chart} svg")
        assert await svg.count() == 1
        box = await svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 40
        drawn = await page.locator(f"{chart} svg rect").evaluate_all(
            "rects => rects.filter(r => r.getBBox().height > 0 && r.getBBox().width > 0).length")
        assert drawn >= 1
    bars = await page.locator("#chart-departments .bar").evaluate_all(
        "bars => bars.map(b => [b.dataset.label, b.dataset.value])")
    assert bars == [["Science", "3"], ["Arts", "2"]]
    months = await page.locator("#chart-enrollments .bar").evaluate_all("bars => bars.map(b => b.dataset.value)")
    assert len(months) == 12 and months[-1] == "5"
    await _styled(page)
    await page.screenshot(path=artifact("home.png"), full_page=True)

    await page.goto("/admin/student/list")
    assert await page.locator("#rows tbody tr[data-id]").count() == 5
    await page.screenshot(path=artifact("students.png"), full_page=True)
