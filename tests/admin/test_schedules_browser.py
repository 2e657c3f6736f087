"""The exam timetable and week grid screens in headless Chromium against the app under
uvicorn: a clash shown on the sitting form, then a sitting added; a room's week."""

from __future__ import annotations

import datetime as dt

import pytest

from models import ExamTimetable
from models.enums import UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser


async def test_staff_see_a_clash_on_the_form_then_add_a_sitting(page):
    staff, _ = await make_person(UserType.STAFF)
    schedule = await factories.create_exam_schedule(exam_name="Algorithms finals")
    offering = await factories.create_offering(course=await schedule.course)
    taken = await factories.create_exam_entry(venue="Hall A")
    await browser_login(page, staff)
    await page.click("text=Exam timetable")
    await page.select_option("#schedule", str(schedule.id))
    await page.click("#open-schedule")
    await page.wait_for_selector("#add-sitting")
    await page.fill("#exam-date", "2025-12-03")
    await page.fill("#venue", "Hall A")
    await page.click("#save-sitting")
    await page.wait_for_selector("#form-error")
    error = await page.locator("#form-error").inner_text()
    assert "Venue 'Hall A' is already taken" in error and f"entry {taken.id}" in error
    await page.screenshot(path=artifact("exam-timetable-clash.png"), full_page=True)
    assert await ExamTimetable.filter(exam_schedule_id=schedule.id).count() == 0
    await page.fill("#venue", "Hall B")
    await page.click("#save-sitting")
    await page.wait_for_selector("#page-notice")
    assert "Hall B" in await page.locator("#sittings").inner_text()
    await page.screenshot(path=artifact("exam-timetable-added.png"), full_page=True)
    assert await ExamTimetable.filter(exam_schedule_id=schedule.id, venue="Hall B").count() == 1
    assert page.outside_requests == []


async def test_a_rooms_week_grid(page):
    staff, _ = await make_person(UserType.STAFF)
    teacher = await factories.create_faculty()
    courses = {code: await factories.create_course(code=code, name=name) for code, name in (
        ("CS101", "Programming"), ("CS205", "Data Structures"), ("MA110", "Calculus"))}
    for day, hour, length, code in ((0, 9, 1, "CS101"), (0, 10, 2, "CS205"), (2, 9, 1, "CS101"), (4, 14, 2, "MA110")):
        offering = await factories.create_offering(course=courses[code], faculty=[teacher],
                                                   section=f"{day}{hour}")
        slot = await factories.create_slot(day_of_week=day, start_time=dt.time(hour),
                                           end_time=dt.time(hour + length))
        await factories.create_class_schedule(course_offering=offering, slot=slot, room_no="B-204")
    await browser_login(page, staff)
    await page.click("text=Week timetable")
    await page.fill("#room", "B-204")
    await page.click("#show-grid")
    await page.wait_for_selector("#week-grid")
    assert "4 classes a week" in await page.locator("#grid-title").inner_text()
    grid = await page.locator("#week-grid").inner_text()
    assert "MONDAY" in grid.upper() and "10:00–12:00" in grid and "MA110" in grid
    await page.screenshot(path=artifact("timetable-week-grid.png"), full_page=True)
    assert page.outside_requests == []
