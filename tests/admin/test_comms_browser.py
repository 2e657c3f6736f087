"""The communication and schedule screens in headless Chromium against the app under
uvicorn: the notification composer (the audience's count as the form changes, send, the
delivery once the burst worker has run the fan-out), the document library (upload,
filter, download), the exam schedule form with an error, and the week grid picked by a
teacher's name."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from dashboard.settings import get_settings
from models import Document, ExamSchedule, Notification, UserNotification
from models.enums import AccessLevel, UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def _text(page, selector: str) -> str:
    return await page.locator(selector).inner_text()


async def test_the_composer_counts_the_audience_sends_and_shows_the_delivery(page, run_jobs, smtp_sink):
    staff, _ = await make_person(UserType.STAFF)
    program = await factories.create_program(name="Computer Science", code="BSCS")
    for n in range(4):
        user = await factories.create_user(user_type=UserType.STUDENT, first_name=f"Student{n}", last_name="Kaur")
        await factories.create_student(user=user, program=program, department_id=program.department_id)
    await factories.create_user(user_type=UserType.FACULTY, first_name="Ada", last_name="Lovelace")
    await browser_login(page, staff)
    await page.click("text=Notifications")
    await page.click("#compose")
    await page.wait_for_selector("#composer")
    await page.wait_for_load_state()
    await page.wait_for_function("document.querySelector('#audience-count').textContent === '4'")
    await page.check("#audience-all", force=True)
    await page.wait_for_function("document.querySelector('#audience-count').textContent === '6'")
    # Chosen people: the program's students found by program, one removed again.
    await page.check("#audience-specific", force=True)
    await page.wait_for_function("document.querySelector('#audience-count').textContent === '0'")
    await page.select_option("#people-program", str(program.id))
    await page.wait_for_selector("#add-all:not([hidden])")
    assert "4 people match" in await _text(page, "#people-total")
    await page.click("#add-all")
    await page.wait_for_function("document.querySelector('#audience-count').textContent === '4'")
    assert await page.locator("#people-matches .person-match .badge").count() == 4
    await page.click(".chosen-person >> nth=0 >> [data-remove]")
    await page.wait_for_function("document.querySelector('#audience-count').textContent === '3'")
    # The one removed is no longer marked as chosen among the matches.
    assert await page.locator("#people-matches .person-match .badge").count() == 3
    await page.fill("#title", "Lab B closed on Friday")
    await page.fill("#message", "Lab B is closed on Friday for maintenance; classes move to Lab C.")
    await page.select_option("#type", "urgent")
    # Clicking the people list scrolled the page: a full-page capture draws the sticky
    # menu and summary where the scroll left them, so it is taken from the top.
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=artifact("notification-composer.png"), full_page=True)
    await page.click("#send")
    await page.wait_for_selector("#page-notice")
    notification = await Notification.get(title="Lab B closed on Friday")
    assert len(notification.target_user_ids or []) == 3
    await run_jobs()
    assert await UserNotification.filter(notification_id=notification.id).count() == 3
    row = f'tr[data-notification="{notification.id}"]'
    # The list refreshes a sent notice's delivery by itself while the fan-out runs.
    await page.wait_for_function(
        f"document.querySelector('{row} [data-emails]').textContent.trim().startsWith('3')", timeout=10000)
    assert (await _text(page, f"{row} [data-recipients]")).strip() == "3"
    assert (await _text(page, f"{row} [data-read]")).strip().startswith("0")
    assert len(smtp_sink.messages) == 3
    await page.screenshot(path=artifact("notification-delivery.png"), full_page=True)
    assert page.outside_requests == []


async def test_the_document_library_upload_filter_and_download(page, tmp_path: Path):
    staff, _ = await make_person(UserType.STAFF)
    owner = await factories.create_user(first_name="Grace", last_name="Hopper", email="grace@example.edu")
    await factories.create_document(user=owner, title="Hostel rules", access_level=AccessLevel.PUBLIC,
                                    is_public=True, document_type="report")
    await factories.create_document(user=owner, title="Medical certificate", access_level=AccessLevel.PRIVATE)
    pdf = tmp_path / "Degree certificate — Hopper.pdf"
    pdf.write_bytes(PDF)
    await browser_login(page, staff)
    await page.click("text=Document library")
    await page.wait_for_selector("#documents")
    assert "2 documents" in await _text(page, "#documents-total")
    await page.wait_for_load_state()
    await page.click("#open-upload")
    await page.set_input_files("#file", str(pdf))
    await page.fill("#doc-title", "Degree certificate")
    await page.select_option("#doc-type", "certificate")
    await page.check("#access-internal", force=True)
    await page.fill("#owner-search", "grace")
    await page.wait_for_selector(f'#owner option[value="{owner.id}"]', state="attached")
    await page.fill("#doc-tags", "degree, 2025")
    await page.screenshot(path=artifact("document-upload-form.png"), full_page=True)
    await page.click("#upload-document")
    await page.wait_for_selector("#page-notice")
    assert "uploaded (internal)" in await _text(page, "#page-notice")
    document = await Document.get(title="Degree certificate")
    assert document.user_id == owner.id and document.access_level is AccessLevel.INTERNAL
    assert "3 documents" in await _text(page, "#documents-total")
    await page.screenshot(path=artifact("document-library.png"), full_page=True)
    await page.select_option("#f-access", "internal")
    await page.click("#apply-filters")
    await page.wait_for_selector("#documents")
    assert "1 document" in await _text(page, "#documents-total")
    table = await _text(page, "#documents")
    assert "Degree certificate" in table and "Hostel rules" not in table and "Internal" in table
    async with page.expect_download() as download_info:
        await page.click(f'[data-download="{document.id}"]')
    download = await download_info.value
    assert download.suggested_filename == "Degree certificate — Hopper.pdf"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == PDF
    await page.screenshot(path=artifact("document-library-filtered.png"), full_page=True)
    assert page.outside_requests == []
    for stored in get_settings().media_root.rglob("*"):
        if stored.is_file() and "documents" in stored.parts:
            stored.unlink()


async def test_the_exam_schedule_form_shows_an_error_then_saves(page):
    staff, _ = await make_person(UserType.STAFF)
    await factories.create_course(code="CS301", name="Algorithms")
    await factories.create_course(code="MA110", name="Calculus")
    await browser_login(page, staff)
    await page.click("text=Exam schedules")
    await page.wait_for_selector("#schedule-form")
    await page.wait_for_load_state()
    await page.fill("#exam-name", "Algorithms finals")
    await page.select_option("#exam-type", "final")
    await page.fill("#course-search", "algo")
    assert await page.locator("#course").evaluate("s => s.options[s.selectedIndex].text") == "CS301 · Algorithms"
    await page.fill("#academic-year", "2025-26")
    await page.fill("#exam-semester", "3")
    await page.fill("#starts", "2025-12-12T09:00")
    await page.fill("#ends", "2025-12-01T17:00")
    await page.fill("#location", "Main block")
    await page.click("#save-schedule")
    await page.wait_for_selector("#form-error")
    assert "The start must be before the end" in await _text(page, "#form-error")
    assert await page.input_value("#exam-name") == "Algorithms finals"
    await page.screenshot(path=artifact("exam-schedule-error.png"), full_page=True)
    assert await ExamSchedule.all().count() == 0
    await page.fill("#starts", "2025-12-01T09:00")
    await page.fill("#ends", "2025-12-12T17:00")
    await page.click("#save-schedule")
    await page.wait_for_selector("#page-notice")
    schedule = await ExamSchedule.get(exam_name="Algorithms finals")
    assert schedule.end_time == dt.datetime(2025, 12, 12, 17, tzinfo=dt.UTC)
    statuses = await page.locator("#exam-status option").all_inner_texts()
    assert statuses == ["Draft", "Scheduled", "Cancelled"]
    await page.screenshot(path=artifact("exam-schedule-saved.png"), full_page=True)
    await page.click("#open-timetable")
    await page.wait_for_selector("#add-sitting")
    await page.wait_for_load_state()
    widths = [await page.locator(sel).evaluate("e => e.getBoundingClientRect().width") for sel in ("#start", "#end")]
    # "09:00" with its clock button fits without being cut off.
    assert min(widths) >= 120, widths
    await page.screenshot(path=artifact("exam-timetable-form.png"), full_page=True)
    assert page.outside_requests == []


async def test_a_teachers_week_picked_by_name(page):
    staff, _ = await make_person(UserType.STAFF)
    user = await factories.create_user(user_type=UserType.FACULTY, first_name="Ada", last_name="Lovelace")
    teacher = await factories.create_faculty(user=user, employee_id="EMP-ADA")
    for n in range(3):
        other = await factories.create_user(user_type=UserType.FACULTY, first_name=f"Other{n}", last_name="Person")
        await factories.create_faculty(user=other)
    program = await factories.create_program(name="Computer Science", code="BSCS")
    course = await factories.create_course(code="CS205", name="Data Structures")
    for day, hour in ((0, 9), (2, 11)):
        offering = await factories.create_offering(course=course, faculty=[teacher], program=program, semester=3,
                                                   section=f"S{day}")
        slot = await factories.create_slot(day_of_week=day, start_time=dt.time(hour), end_time=dt.time(hour + 1))
        await factories.create_class_schedule(course_offering=offering, slot=slot, room_no="B-204")
    await browser_login(page, staff)
    await page.click("text=Week timetable")
    await page.wait_for_load_state()
    await page.fill("#faculty-search", "lovel")
    assert "1 of 4 match" in await _text(page, "#pick-teacher [data-match-count]")
    await page.click("#show-teacher")
    await page.wait_for_selector("#week-grid")
    assert "Lovelace, Ada · 2 classes a week" in await _text(page, "#grid-title")
    assert await page.locator("#faculty").input_value() == str(teacher.id)
    await page.screenshot(path=artifact("timetable-teacher-picker.png"), full_page=True)
    await page.fill("#program-search", "bscs")
    await page.fill("#semester", "3")
    await page.click("#show-cohort")
    await page.wait_for_selector("#week-grid")
    assert "Computer Science (BSCS), semester 3 · 2 classes" in await _text(page, "#grid-title")
    assert page.outside_requests == []
