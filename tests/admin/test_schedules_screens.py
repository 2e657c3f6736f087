"""The exam timetable and week timetable screens over HTTP: role filtering on the
server, sittings added through the service, clashes shown on the form, and the grid."""

from __future__ import annotations

import datetime as dt

from models import ExamTimetable
from tests import factories

EXAMS = "/admin/exam_timetable/list"
GRID = "/admin/timetable_grid/list"


def _form(schedule, offering, **overrides) -> dict:
    form = {"schedule_id": schedule.id, "course_offering_id": offering.id, "exam_date": "2025-12-03",
            "start": "09:00", "end": "12:00", "duration_minutes": "180", "venue": "Hall A", "max_marks": "100"}
    form.update(overrides)
    return form


async def test_who_opens_which_screen(admin_login, anonymous):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    assert (await staff.get(EXAMS)).status_code == 200
    assert (await staff.get(GRID)).status_code == 200
    assert (await teacher.get(EXAMS)).status_code == 403
    assert (await teacher.get(GRID)).status_code == 200
    assert "/admin/exam_timetable/list" not in (await teacher.get("/admin/")).text
    response = await anonymous.get(EXAMS)
    assert response.status_code in (302, 303, 307) and "/admin/login" in response.headers["location"]


async def test_a_sitting_is_added_and_a_clash_is_shown_on_the_form(admin_login):
    staff = await admin_login("staff")
    schedule = await factories.create_exam_schedule()
    offering = await factories.create_offering(course=await schedule.course)
    taken = await factories.create_exam_entry(venue="Hall A")
    page = await staff.get(EXAMS, params={"schedule_id": schedule.id})
    assert schedule.exam_name in page.text and "No sittings yet" in page.text
    clash = await staff.post(EXAMS, data=_form(schedule, offering))
    assert clash.status_code == 409
    assert "Venue &#39;Hall A&#39; is already taken" in clash.text and f"entry {taken.id}" in clash.text
    assert 'value="Hall A"' in clash.text  # what was typed is kept
    assert await ExamTimetable.filter(exam_schedule_id=schedule.id).count() == 0
    bad = await staff.post(EXAMS, data=_form(schedule, offering, start="nine"))
    assert bad.status_code == 400 and "start_time" in bad.text
    added = await staff.post(EXAMS, data=_form(schedule, offering, venue="Hall B"))
    assert added.status_code == 303, added.text
    assert await ExamTimetable.filter(exam_schedule_id=schedule.id, venue="Hall B").count() == 1
    assert "Hall B" in (await staff.get(added.headers["location"])).text


async def test_an_unknown_schedule_is_a_404_page(admin_login):
    staff = await admin_login("staff")
    assert (await staff.get(EXAMS, params={"schedule_id": 999999})).status_code == 404


async def test_the_week_grids(admin_login):
    staff = await admin_login("staff")
    teacher = await factories.create_faculty()
    offering = await factories.create_offering(semester=3, faculty=[teacher])
    monday = await factories.create_slot(day_of_week=0, start_time=dt.time(9), end_time=dt.time(10))
    friday = await factories.create_slot(day_of_week=4, start_time=dt.time(14), end_time=dt.time(16))
    await factories.create_class_schedule(course_offering=offering, slot=monday, room_no="B-204")
    await factories.create_class_schedule(course_offering=offering, slot=friday, room_no="Lab 1")
    course = await offering.course
    by_room = await staff.get(GRID, params={"room_no": "B-204"})
    assert by_room.status_code == 200 and "Room B-204 · 1 classes" in by_room.text and course.code in by_room.text
    by_teacher = await staff.get(GRID, params={"faculty_id": teacher.id})
    assert "2 classes" in by_teacher.text and "14:00–16:00" in by_teacher.text
    by_cohort = await staff.get(GRID, params={"program_id": offering.program_id, "semester": 3})
    assert "2 classes" in by_cohort.text
    assert (await staff.get(GRID, params={"room_no": "Nowhere"})).status_code == 404
    assert (await staff.get(GRID, params={"faculty_id": 999999})).status_code == 404
    assert (await staff.get(GRID, params={"program_id": offering.program_id})).status_code == 400
