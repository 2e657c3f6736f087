"""The panel in headless Chromium (Debian's), against the app under uvicorn: what a
member of staff and a faculty member really see. No request may leave the machine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import AuditLog, Department, User
from models.enums import UserType
from tests import factories
from tests.admin.conftest import SCREEN, artifact, browser_login, make_person

STUDENTS = "/admin/students"
USERS = "/admin/users"

pytestmark = pytest.mark.browser


async def _styled(page) -> None:
    """The pinned Tabler stylesheet is applied (served by the app itself)."""
    # A selector can appear while the stylesheet is still arriving: judge the loaded page.
    await page.wait_for_load_state("load")
    font = await page.evaluate("getComputedStyle(document.body).getPropertyValue('--tblr-font-sans-serif')")
    assert font.strip(), "Tabler's CSS variables are missing: the stylesheet did not load"
    assert page.outside_requests == []


async def test_admin_creates_finds_edits_a_department_and_sees_the_audit_row(page):
    user, _ = await make_person(UserType.ADMIN)
    await page.goto("/admin/login")
    await _styled(page)
    await page.screenshot(path=artifact("login.png"), full_page=True)
    await browser_login(page, user)

    await page.goto("/admin/departments/list")
    await page.click("#create-button")
    assert await page.locator("#page-title").inner_text() == "New department"
    await page.fill("#field-name", "Astrophysics")
    await page.fill("#field-code", "ASTRO")
    await page.fill("#field-building", "Observatory")
    await page.click("#save")
    await page.wait_for_url("**/admin/departments/list")

    await page.fill("#filter-search", "astro")
    await page.click("#apply-filters")
    await page.wait_for_url("**search=astro**")
    rows = page.locator("#rows tbody tr[data-id]")
    assert await rows.count() == 1
    assert "Astrophysics" in await rows.first.inner_text()

    await rows.first.get_by_role("link", name="Edit").click()
    assert await page.locator("#page-title").inner_text() == f"Edit department #{await rows_id(page)}"
    await _fits_the_screen(page)
    await page.screenshot(path=artifact("department-form.png"))
    await page.fill("#field-name", "Astrophysics and Cosmology")
    await page.click("#save")
    await page.wait_for_url("**/admin/departments/list")
    department = await Department.get(code="ASTRO")
    assert department.name == "Astrophysics and Cosmology"

    await page.goto(f"/admin/audit_logs/list?entity_type=departments&entity_id={department.id}")
    audit_rows = page.locator("#rows tbody tr[data-id]")
    assert await audit_rows.count() == 2
    newest = await audit_rows.first.inner_text()
    assert "Update" in newest and "Astrophysics and Cosmology" in newest
    assert await AuditLog.filter(entity_type="departments", entity_id=department.id, action="update",
                                 user_id=user.id).exists()
    await _styled(page)


async def test_faculty_sees_only_their_offerings_and_no_users_list(page):
    teacher, profile = await make_person(UserType.FACULTY)
    _other, other_profile = await make_person(UserType.FACULTY)
    mine = await factories.create_offering(faculty=[profile], academic_year="2025-26")
    theirs = await factories.create_offering(faculty=[other_profile], academic_year="2024-25")
    await browser_login(page, teacher)

    menu = await page.locator("#admin-menu").inner_text()
    assert "Course offerings" in menu and "Students" in menu
    assert "Users" not in menu and "Departments" not in menu

    await page.goto("/admin/course_offerings/list")
    ids = await page.locator("#rows tbody tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert ids == [str(mine.id)]
    assert str(theirs.id) not in ids
    assert await page.locator("#create-button").count() == 0
    assert await page.locator(".row-delete").count() == 0

    await page.screenshot(path=artifact("faculty-offerings.png"))
    response = await page.goto("/admin/users/list")
    assert response.status == 403
    await _styled(page)


async def rows_id(page) -> str:
    """The id in the address of the edit page being shown."""
    return page.url.rstrip("/").rsplit("/", 1)[1]


async def _fits_the_screen(page) -> None:
    """No horizontal scrolling of the page itself (a wide table scrolls inside its card)."""
    widths = await page.evaluate(
        "({page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth})")
    assert widths["page"] <= widths["view"], widths


async def _inside_viewport(page, selector: str) -> int:
    """Every element of `selector` is wholly on screen horizontally; returns how many."""
    boxes = await page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; })")
    assert boxes, selector
    for left, right, width in boxes:
        assert width > 0 and left >= 0 and right <= SCREEN["width"], (selector, left, right)
    return len(boxes)


async def _labels_inside_their_charts(page) -> None:
    """No chart label is cut by its drawing's edge (the viewBox clips what overflows)."""
    clipped = await page.locator("svg.chart").evaluate_all("""svgs => svgs.flatMap(svg => {
        const box = svg.viewBox.baseVal;
        return Array.from(svg.querySelectorAll('text')).filter(t => {
            const b = t.getBBox();
            return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5 || b.y < box.y - 0.5
                || b.y + b.height > box.y + box.height + 0.5;
        }).map(t => t.textContent);
    })""")
    assert clipped == []


LONG_DEPARTMENTS = ("Computer Science and Engineering", "Electronics and Communication Engineering",
                    "Mechanical and Automation Engineering", "Humanities and Social Sciences")


async def test_home_shows_kpis_and_two_drawn_charts_with_whole_labels(page):
    admin, _ = await make_person(UserType.ADMIN)
    this_month = dt.datetime.now(dt.UTC).replace(day=1, hour=12)
    for index, name in enumerate(LONG_DEPARTMENTS):
        department = await factories.create_department(name=name)
        program = await factories.create_program(department=department)
        for _ in range(4 - index):
            student = await factories.create_student(program=program, department=department)
            await factories.create_enrollment(student=student, enrollment_date=this_month)
    structure = await factories.create_fee_structure(student=student, tuition_fee=Decimal("19992000.00"),
                                                     total_fee=Decimal("20000000.00"))
    await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("19486090.00"))
    await browser_login(page, admin)

    assert await page.locator("[data-kpi=students] .kpi-value").inner_text() == "10"
    assert await page.locator("[data-kpi=departments] .kpi-value").inner_text() == "4"
    assert await page.locator("[data-kpi=enrollments] .kpi-value").inner_text() == "10"
    assert await page.locator("[data-kpi=fees] .kpi-value").inner_text() == "₹1,94,86,090.00"
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
    assert bars == [[name, str(4 - index)] for index, name in enumerate(LONG_DEPARTMENTS)]
    # The whole name is written, not only carried in a data attribute.
    shown = await page.locator("#chart-departments .bar-label").evaluate_all("ts => ts.map(t => t.textContent)")
    assert shown == list(LONG_DEPARTMENTS)
    months = await page.locator("#chart-enrollments .bar").evaluate_all("bars => bars.map(b => b.dataset.value)")
    assert len(months) == 12 and months[-1] == "10"
    await _labels_inside_their_charts(page)
    await _fits_the_screen(page)
    await _styled(page)
    favicon = await page.evaluate("document.querySelector('link[rel=icon]').href")
    assert favicon.endswith("/admin/favicon.svg")
    await page.screenshot(path=artifact("home.png"))


async def _long_people(count: int) -> None:
    departments = [await factories.create_department(name=name) for name in LONG_DEPARTMENTS]
    for n in range(count):
        department = departments[n % len(departments)]
        program = await factories.create_program(department=department, code=f"BT{n:03d}")
        user = await factories.create_user(first_name=f"Venkata Subramanya {n}", last_name="Lakshminarayanan",
                                           email=f"venkata.subramanya.lakshminarayanan.{n}@students.example.edu")
        await factories.create_student(user=user, program=program, department=department,
                                       student_code=f"CSE2026{n:04d}")


async def test_the_students_list_fits_a_1440_screen_with_its_actions_in_view(page):
    admin, _ = await make_person(UserType.ADMIN)
    await _long_people(44)
    thenmozhi = await factories.create_student(user=await factories.create_user(
        first_name="Thenmozhi", last_name="Arunachalam", email="t.arunachalam@students.example.edu"))
    await browser_login(page, admin)
    await page.goto(STUDENTS + "/list")
    await _styled(page)
    await _fits_the_screen(page)
    assert await page.locator("#rows tbody tr[data-id]").count() == 20
    # Every row's actions are on screen without scrolling sideways.
    assert await _inside_viewport(page, "#rows tbody .row-edit") == 20
    assert await _inside_viewport(page, "#rows tbody .row-menu") == 20
    # The table may be wider than its card, but then it scrolls inside it, not the page.
    scroller = await page.locator("#table-scroller").evaluate(
        "e => ({overflow: getComputedStyle(e).overflowX, right: e.getBoundingClientRect().right})")
    assert scroller["overflow"] == "auto" and scroller["right"] <= SCREEN["width"]
    # Columns by priority: the essentials are shown, the least needed wait for a wider card.
    visible = await page.locator("#rows thead th[data-column]").evaluate_all(
        "ths => ths.filter(th => th.offsetWidth > 0).map(th => th.dataset.column)")
    assert {"student_code", "name", "program", "status"} <= set(visible)
    assert "category" not in visible
    assert "Sorted by student id, A to Z" in await page.locator("#sort-order").inner_text()
    await page.screenshot(path=artifact("students.png"))

    # The row menu opens on screen, and its delete asks first.
    await page.locator("#rows tbody .row-menu").first.click()
    menu = page.locator("#rows tbody .dropdown-menu.show")
    await menu.wait_for()
    assert await _inside_viewport(page, "#rows tbody .dropdown-menu.show .row-delete") == 1

    # Pagination: first, last, the pages around this one, and a jump.
    await page.fill("#page-jump-input", "3")
    await page.locator("#page-jump button[type=submit]").click()
    await page.wait_for_url("**page_num=3**")
    assert await page.locator("#rows tbody tr[data-id]").count() == 5
    assert await page.locator("#pagination [data-page=first]").count() == 1
    assert await page.locator("#pagination [data-page=last]").count() == 1

    # Search finds a full name as typed.
    await page.fill("#filter-search", "thenmozhi ARUNACHALAM")
    await page.click("#apply-filters")
    await page.wait_for_url("**search=**")
    assert await page.locator("#rows tbody tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)") == [
        str(thenmozhi.id)]


async def test_the_users_list_fits_the_screen_and_an_admin_deactivates_and_reactivates(page):
    admin, _ = await make_person(UserType.ADMIN)
    await _long_people(8)
    target, _ = await make_person(UserType.STAFF)
    await browser_login(page, admin)
    await page.goto(USERS + "/list")
    await _styled(page)
    await _fits_the_screen(page)
    assert await _inside_viewport(page, "#rows tbody .row-menu") == await page.locator("#rows tbody tr").count()
    # The menu outgrows the screen; the open entry is still in view.
    active = await page.locator("#admin-menu .nav-item.active").bounding_box()
    assert active and active["y"] >= 0 and active["y"] + active["height"] <= SCREEN["height"]
    await page.screenshot(path=artifact("users.png"))

    page.on("dialog", lambda dialog: dialog.accept())
    row = page.locator(f'#rows tbody tr[data-id="{target.id}"]')
    await row.locator(".row-menu").click()
    await _inside_viewport(page, f'#rows tbody tr[data-id="{target.id}"] .dropdown-menu.show [data-action]')
    await row.locator("[data-action=deactivate]").click()
    await page.locator("#action-done:not(.d-none)").wait_for()
    assert "deactivated" in await page.locator("#action-done").inner_text()
    assert (await User.get(id=target.id)).is_active is False

    row = page.locator(f'#rows tbody tr[data-id="{target.id}"]')
    await row.locator(".row-menu").click()
    await row.locator("[data-action=reactivate]").click()
    await page.wait_for_function("document.querySelector('#action-done').textContent.includes('active again')")
    assert (await User.get(id=target.id)).is_active is True
    assert await page.locator(f'#rows tbody tr[data-id="{target.id}"] [data-action=deactivate]').count() == 1
