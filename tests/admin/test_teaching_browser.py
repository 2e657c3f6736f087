"""The teaching screens in headless Chromium against the app under uvicorn: a faculty
member marks a register, reopens and edits it, and fills in a gradebook; a member of
staff previews and publishes results. No request may leave the machine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Attendance, AttendanceSummary, Grade, SemesterResult
from models.enums import AttendanceStatus, UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser

DAY = dt.date(2025, 9, 1)


async def test_faculty_marks_reopens_and_edits_the_register(page):
    teacher, profile = await make_person(UserType.FACULTY)
    offering, regs = await factories.create_class(4, faculty=[profile])
    await browser_login(page, teacher)
    assert "Attendance register" in await page.locator("#admin-menu").inner_text()
    await page.click("text=Attendance register")
    await page.select_option("#offering", str(offering.id))
    await page.fill("#day", DAY.isoformat())
    await page.click("#open-register")
    await page.wait_for_selector("#roster")
    assert "everyone present by default" in await page.locator("#register-state").inner_text()
    absent = regs[1].enrollment_id
    await page.check(f"input[name=status-{absent}][value=absent]")
    await page.check(f"input[name=status-{regs[2].enrollment_id}][value=excused]")
    await page.screenshot(path=artifact("attendance-register.png"), full_page=True)
    await page.click("#save-register")
    await page.wait_for_selector("#page-notice")
    assert "Saved 4 of 4" in await page.locator("#page-notice").inner_text()
    assert await Attendance.filter(course_offering_id=offering.id).count() == 4

    # Reopening the day shows what was marked; one change is saved as an edit.
    await page.goto(f"/admin/attendance_register/list?offering_id={offering.id}&date={DAY.isoformat()}")
    assert "Marked: editing" in await page.locator("#register-state").inner_text()
    assert await page.is_checked(f"input[name=status-{absent}][value=absent]")
    await page.check(f"input[name=status-{absent}][value=late]")
    await page.fill(f"input[name=remarks-{absent}]", "Bus was late")
    await page.click("#save-register")
    await page.wait_for_selector("#page-notice")
    await page.screenshot(path=artifact("attendance-register-edited.png"), full_page=True)
    mark = await Attendance.get(enrollment_id=absent, course_offering_id=offering.id)
    assert (mark.status, mark.remarks) == (AttendanceStatus.LATE, "Bus was late")
    assert await Attendance.filter(course_offering_id=offering.id).count() == 4
    summary = await AttendanceSummary.get(enrollment_id=absent)
    assert (summary.total_classes, summary.attended_classes) == (1, 1)
    assert page.outside_requests == []


async def test_faculty_fills_in_the_gradebook(page):
    teacher, profile = await make_person(UserType.FACULTY)
    offering, regs = await factories.create_class(3, faculty=[profile])
    mid = await factories.create_assessment(course_offering=offering, name="Midterm", max_marks=Decimal(50),
                                            weightage=Decimal(60))
    await factories.create_assessment(course_offering=offering, name="Quiz", max_marks=Decimal(20),
                                      weightage=Decimal(40))
    await browser_login(page, teacher)
    await page.goto("/admin/gradebook/list")
    await page.select_option("#offering", str(offering.id))
    await page.click("#open-gradebook")
    await page.click(f".assessment-link[data-id='{mid.id}']")
    await page.wait_for_selector("#marks-form")
    for registration, marks in zip(regs, ("45", "30.5", "12"), strict=True):
        await page.fill(f"input[name=marks-{registration.enrollment_id}]", marks)
    await page.screenshot(path=artifact("gradebook-marks.png"), full_page=True)
    await page.click("#save-marks")
    await page.wait_for_selector("#page-notice")
    assert sorted(g.marks_obtained for g in await Grade.filter(assessment_id=mid.id)) == [
        Decimal("12.00"), Decimal("30.50"), Decimal("45.00")]
    # reopen and correct one; a mark above the maximum is refused on the form
    await page.fill(f"input[name=marks-{regs[2].enrollment_id}]", "60")
    await page.click("#save-marks")
    await page.wait_for_selector("#page-error")
    assert "max marks" in await page.locator("#page-error").inner_text()
    await page.fill(f"input[name=marks-{regs[2].enrollment_id}]", "14")
    await page.click("#save-marks")
    await page.wait_for_selector("#page-notice")
    assert (await Grade.get(assessment_id=mid.id, enrollment_id=regs[2].enrollment_id)).marks_obtained == 14
    await page.click("#back-to-grid")
    await page.wait_for_selector("#grid")
    first = page.locator(f"#grid tr[data-enrollment='{regs[0].enrollment_id}']")
    assert (await first.locator(".percentage").inner_text()).strip() == "54.00"
    assert (await first.locator(".letter").inner_text()).strip() == "B"
    await page.screenshot(path=artifact("gradebook-grid.png"), full_page=True)
    assert page.outside_requests == []


async def test_staff_previews_then_publishes_results(page):
    staff, _ = await make_person(UserType.STAFF)
    offering, regs = await factories.create_class(3)
    paper = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100), weightage=Decimal(100))
    for registration, marks in zip(regs, (95, 62, 31), strict=True):
        await factories.create_grade(enrollment=registration.enrollment, assessment=paper,
                                     marks_obtained=Decimal(marks))
    await browser_login(page, staff)
    await page.click("text=Publish results")
    await page.fill("#semester", "1")
    await page.fill("#year", "2025-26")
    await page.click("#preview")
    await page.wait_for_selector("#preview-summary")
    assert "3 students · 1 with failures" in await page.locator("#preview-summary").inner_text()
    first_row = await page.locator("#rows tbody tr").first.inner_text()
    assert regs[2].student.student_code in first_row and "Fail" in first_row
    await page.screenshot(path=artifact("publish-preview.png"), full_page=True)
    assert await SemesterResult.all().count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#confirm-publish")
    await page.wait_for_selector("#page-notice")
    assert "Published 3 results" in await page.locator("#page-notice").inner_text()
    assert await SemesterResult.filter(published_by_id=staff.id).count() == 3
    await page.screenshot(path=artifact("publish-done.png"), full_page=True)

    await page.goto(f"/admin/transcripts/list?student_id={regs[0].student.id}")
    transcript = await page.locator("#transcript").inner_text()
    assert regs[0].student.student_code in transcript and "SGPA 10.00" in transcript and "CGPA 10.00" in transcript
    await page.emulate_media(media="print")
    await page.screenshot(path=artifact("transcript-print.png"), full_page=True)
    assert page.outside_requests == []
