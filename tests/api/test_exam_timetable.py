"""/api/v1/exam-timetable: sittings, their checks and clashes, a student's exams and
the export (domain.md §3.13 with its RECs)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

import openpyxl
import pytest

from models import AuditLog, ExamTimetable
from models.enums import ExamStatus, RegistrationStatus
from tests import factories

URL = "/api/v1/exam-timetable"


def _body(schedule, offering, *, day: str = "2025-12-03", start: str = "09:00", end: str = "12:00",
          **overrides) -> dict:
    body = {"exam_schedule_id": schedule.id, "course_offering_id": offering.id, "exam_date": day,
            "start_time": f"{day}T{start}:00Z", "end_time": f"{day}T{end}:00Z", "duration_minutes": 180,
            "venue": "Hall A", "max_marks": 100}
    body.update(overrides)
    return body


async def _rows() -> list[tuple]:
    return await ExamTimetable.all().order_by("id").values_list(
        "id", "exam_schedule_id", "course_offering_id", "exam_date", "start_time", "venue")


@pytest.fixture
async def session():
    """A schedule and an offering of its course."""
    schedule = await factories.create_exam_schedule()
    offering = await factories.create_offering(course=await schedule.course)
    return schedule, offering


async def test_create_get_list_update_delete(staff_client, student_client, session):
    schedule, offering = session
    created = await staff_client.post(URL, json=_body(schedule, offering))
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["max_marks"] == 100 and entry["venue"] == "Hall A"
    assert (await student_client.get(f"{URL}/{entry['id']}")).json() == entry
    listed = await student_client.get(URL, params={"exam_schedule_id": schedule.id})
    assert listed.json()["total"] == 1
    assert (await student_client.get(URL, params={"course_offering_id": offering.id + 1000})).json()["total"] == 0
    moved = await staff_client.put(f"{URL}/{entry['id']}", json={"venue": "Hall B", "max_marks": 50})
    assert moved.status_code == 200 and moved.json()["venue"] == "Hall B"
    assert (await staff_client.delete(f"{URL}/{entry['id']}")).status_code == 204
    assert await _rows() == []
    assert (await staff_client.get(f"{URL}/{entry['id']}")).status_code == 404
    assert (await staff_client.delete(f"{URL}/{entry['id']}")).status_code == 404
    actions = await AuditLog.filter(entity_type="exam_timetables").order_by("id").values_list("action", flat=True)
    assert actions == ["create", "update", "delete"]


async def test_an_entry_may_be_moved_onto_its_own_time(staff_client):
    entry = await factories.create_exam_entry()
    response = await staff_client.put(f"{URL}/{entry.id}", json={"duration_minutes": 170})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("change", "status", "words"), [
    ({"exam_schedule_id": 999999}, 404, "Exam schedule not found"),
    ({"course_offering_id": 999999}, 404, "Course offering not found"),
    ({"end_time": "2025-12-03T09:00:00Z"}, 400, "before end_time"),
    ({"exam_date": "2025-12-20", "start_time": "2025-12-20T09:00:00Z", "end_time": "2025-12-20T12:00:00Z"}, 400,
     "window"),
    ({"start_time": "2025-11-30T09:00:00Z"}, 400, "window"),
    ({"duration_minutes": 0}, 422, None),
    ({"max_marks": 0}, 422, None),
    ({"max_marks": "12.345"}, 422, None),
    ({"venue": ""}, 422, None),
    ({"venue": "v" * 101}, 422, None),
    ({"exam_date": "03/12/2025"}, 422, None),
])
async def test_bad_creates_change_nothing(staff_client, session, change, status, words):
    schedule, offering = session
    response = await staff_client.post(URL, json={**_body(schedule, offering), **change})
    assert response.status_code == status, response.text
    if words:
        assert words in response.json()["detail"]
    assert await _rows() == []


async def test_an_offering_of_another_course_is_refused(staff_client, session):
    schedule, _ = session
    stranger = await factories.create_offering()
    response = await staff_client.post(URL, json=_body(schedule, stranger))
    assert response.status_code == 400
    assert f"Course offering {stranger.id} is not of the exam schedule's course" in response.json()["detail"]
    assert await _rows() == []


async def test_a_venue_clash_is_refused_naming_it(staff_client, session):
    schedule, offering = session
    taken = await factories.create_exam_entry(venue="Hall A")  # another course, same hall
    before = await _rows()
    response = await staff_client.post(URL, json=_body(schedule, offering, start="11:00", end="13:00",
                                                       venue="hall a"))
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert "Venue 'Hall A'" in detail and f"entry {taken.id}" in detail
    assert f"course offering {taken.course_offering_id}" in detail
    assert response.json()["error"]["details"][0]["kind"] == "venue"
    assert await _rows() == before
    # Back to back is no clash.
    assert (await staff_client.post(URL, json=_body(schedule, offering, start="12:00", end="14:00",
                                                    venue="Hall A"))).status_code == 201


async def test_a_program_semester_clash_is_refused_naming_it(staff_client, session):
    schedule, offering = session
    sibling = await factories.create_offering(program=await offering.program, semester=offering.semester)
    other_schedule = await factories.create_exam_schedule(course=await sibling.course)
    taken = await factories.create_exam_entry(exam_schedule=other_schedule, course_offering=sibling, venue="Hall Z")
    before = await _rows()
    response = await staff_client.post(URL, json=_body(schedule, offering))
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert f"Program {offering.program_id} semester {offering.semester}" in detail and f"entry {taken.id}" in detail
    assert await _rows() == before
    # Another semester of the same program does not clash.
    later = await factories.create_offering(program=await offering.program, semester=2,
                                            course=await schedule.course)
    assert (await staff_client.post(URL, json=_body(schedule, later))).status_code == 201


async def test_a_student_with_two_exams_at_once_is_refused(staff_client, session):
    schedule, offering = session
    student = await factories.create_student()
    enrollment = await factories.create_enrollment(student=student)
    await factories.create_registration(course_offering=offering, enrollment=enrollment)
    elsewhere = await factories.create_offering()  # another program: only the student links them
    await factories.create_registration(course_offering=elsewhere, enrollment=enrollment)
    other_schedule = await factories.create_exam_schedule(course=await elsewhere.course)
    taken = await factories.create_exam_entry(exam_schedule=other_schedule, course_offering=elsewhere,
                                              venue="Hall Z", hour=10)
    before = await _rows()
    response = await staff_client.post(URL, json=_body(schedule, offering))
    assert response.status_code == 409, response.text
    assert (f"1 student registered in course offering {offering.id} also sits exam timetable entry {taken.id}"
            in response.json()["detail"])
    assert await _rows() == before


async def test_a_dropped_student_does_not_clash(staff_client, session):
    schedule, offering = session
    enrollment = await factories.create_enrollment()
    await factories.create_registration(course_offering=offering, enrollment=enrollment,
                                        status=RegistrationStatus.DROPPED)
    elsewhere = await factories.create_offering()
    await factories.create_registration(course_offering=elsewhere, enrollment=enrollment)
    other_schedule = await factories.create_exam_schedule(course=await elsewhere.course)
    await factories.create_exam_entry(exam_schedule=other_schedule, course_offering=elsewhere, venue="Z")
    assert (await staff_client.post(URL, json=_body(schedule, offering))).status_code == 201


async def test_a_cancelled_session_occupies_nothing(staff_client, session):
    schedule, offering = session
    cancelled = await factories.create_exam_schedule(status=ExamStatus.CANCELLED)
    await factories.create_exam_entry(exam_schedule=cancelled, venue="Hall A")
    assert (await staff_client.post(URL, json=_body(schedule, offering))).status_code == 201


async def test_an_update_that_clashes_changes_nothing(staff_client, session):
    schedule, offering = session
    first = await factories.create_exam_entry(exam_schedule=schedule, course_offering=offering, venue="Hall A")
    other = await factories.create_exam_entry(venue="Hall B", hour=14)
    before = await _rows()
    response = await staff_client.put(f"{URL}/{other.id}", json={
        "start_time": "2025-12-03T10:00:00Z", "end_time": "2025-12-03T13:00:00Z", "venue": "Hall A"})
    assert response.status_code == 409 and f"entry {first.id}" in response.json()["detail"]
    assert (await staff_client.put(f"{URL}/{other.id}", json={})).status_code == 400
    assert (await staff_client.put(f"{URL}/{other.id}", json={"venue": None})).status_code == 400
    assert (await staff_client.put(f"{URL}/{other.id}", json={"exam_schedule_id": 999999})).status_code == 404
    assert (await staff_client.put(f"{URL}/999999", json={"venue": "x"})).status_code == 404
    assert await _rows() == before


async def test_two_sittings_booked_at_once_cannot_share_a_hall(staff_client):
    schedule = await factories.create_exam_schedule()
    first = await factories.create_offering(course=await schedule.course)
    second = await factories.create_offering(course=await schedule.course)
    responses = await asyncio.gather(*(staff_client.post(URL, json=_body(schedule, o)) for o in (first, second)))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(await _rows()) == 1


# --- a student's exams ---------------------------------------------------------------------


async def test_a_students_exams_are_those_they_are_registered_for(login_as, staff_client):
    offering, registrations = await factories.create_class(2)
    registration = registrations[0]
    schedule = await factories.create_exam_schedule(course=await offering.course)
    late = await factories.create_exam_entry(exam_schedule=schedule, course_offering=offering, day=dt.date(2025, 12, 5))
    early = await factories.create_exam_entry(exam_schedule=schedule, course_offering=offering)
    # The same program's other offering, not registered: not shown (the reference showed it).
    await factories.create_exam_entry(course_offering=await factories.create_offering(
        program=await offering.program))
    # A second enrollment (another program) registered in the same offering: still each sitting once.
    second = await factories.create_enrollment(student=registration.student, program=await factories.create_program())
    await factories.create_registration(course_offering=offering, enrollment=second)

    student = await login_as("student", user=await registration.student.user, profile=registration.student)
    response = await student.get(f"{URL}/student/{registration.student.id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["student_id"] == registration.student.id and body["total"] == 2
    assert [e["id"] for e in body["exams"]] == [early.id, late.id]
    first = body["exams"][0]
    assert first["exam_name"] == schedule.exam_name and first["exam_type"] == "final"
    assert first["course_id"] == offering.course_id and first["status"] == "scheduled"
    assert first["max_marks"] == 100 and first["duration_minutes"] == 180
    # Another student's id is a 404 for a student, and an unknown one for staff.
    assert (await student.get(f"{URL}/student/{registrations[1].student.id}")).status_code == 404
    assert (await staff_client.get(f"{URL}/student/999999")).status_code == 404
    assert (await staff_client.get(f"{URL}/student/{registrations[1].student.id}")).json()["total"] == 2
    # A student registered in nothing has no sittings, not a 404.
    idle = await factories.create_student()
    assert (await staff_client.get(f"{URL}/student/{idle.id}")).json() == {
        "student_id": idle.id, "exams": [], "total": 0}


async def test_faculty_read_only_the_exams_of_students_they_teach(login_as):
    teacher = await login_as("faculty")
    _, registrations = await factories.create_class(1, faculty=[teacher.profile])
    stranger = await factories.create_student()
    assert (await teacher.get(f"{URL}/student/{registrations[0].student.id}")).status_code == 200
    assert (await teacher.get(f"{URL}/student/{stranger.id}")).status_code == 404


async def test_a_parent_reads_their_childs_exams(login_as):
    _, registrations = await factories.create_class(1)
    child = registrations[0].student
    parent = await login_as("parent")
    child.parent_id = parent.profile.id
    await child.save(update_fields=["parent_id"])
    assert (await parent.get(f"{URL}/student/{child.id}")).status_code == 200
    other = await factories.create_student()
    assert (await parent.get(f"{URL}/student/{other.id}")).status_code == 404


# --- export --------------------------------------------------------------------------------


@pytest.fixture
async def exported():
    schedule = await factories.create_exam_schedule(semester=3, exam_name="=HYPERLINK(\"http://x\")")
    entry = await factories.create_exam_entry(exam_schedule=schedule, venue="@Hall")
    other = await factories.create_exam_entry(exam_schedule=await factories.create_exam_schedule(
        academic_year="2024-25"))
    return schedule, entry, other


async def test_export_json_with_filters(student_client, exported):
    schedule, entry, _ = exported
    everything = await student_client.get(f"{URL}/export")
    assert everything.status_code == 200 and everything.json()["total"] == 2
    one = (await student_client.get(f"{URL}/export", params={"exam_schedule_id": schedule.id})).json()
    assert one["total"] == 1
    record = one["records"][0]
    assert record["academic_year"] == "2025-26" and record["semester"] == 3 and record["venue"] == "@Hall"
    assert record["course_offering_id"] == entry.course_offering_id
    assert (await student_client.get(f"{URL}/export", params={"academic_year": "2024-25"})).json()["total"] == 1
    assert (await student_client.get(f"{URL}/export", params={"semester": 3})).json()["total"] == 1
    assert (await student_client.get(f"{URL}/export", params={"semester": 2})).json()["total"] == 0


async def test_export_csv_is_formula_safe(student_client, exported):
    schedule, _, _ = exported
    response = await student_client.get(f"{URL}/export", params={"format": "csv", "exam_schedule_id": schedule.id})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "exam_timetable_export.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][0] == "Exam Name" and len(rows) == 2
    assert rows[1][0].startswith("'=") and rows[1][10] == "'@Hall"


async def test_export_xlsx_is_formula_safe(student_client, exported):
    response = await student_client.get(f"{URL}/export", params={"format": "XLSX"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert all(not str(cell).startswith(("=", "@")) for row in rows[1:] for cell in row if cell is not None)


async def test_export_refuses_an_unknown_format(student_client):
    response = await student_client.get(f"{URL}/export", params={"format": "pdf"})
    assert response.status_code == 400 and "json, csv or xlsx" in response.json()["detail"]


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role, session):
    client = await login_as(role)
    schedule, offering = session
    entry = await factories.create_exam_entry(venue="Z")
    assert (await client.post(URL, json=_body(schedule, offering))).status_code == 403
    assert (await client.put(f"{URL}/{entry.id}", json={"venue": "Y"})).status_code == 403
    assert (await client.delete(f"{URL}/{entry.id}")).status_code == 403
    assert (await client.get(f"{URL}/{entry.id}")).status_code == 200
    assert len(await _rows()) == 1
