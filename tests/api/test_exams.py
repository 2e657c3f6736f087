"""/api/v1/exams: exam schedules, their status flow and deletion (domain.md §3.13)."""

from __future__ import annotations

import pytest

from models import AuditLog, ExamSchedule
from models.enums import ExamStatus
from tests import factories

URL = "/api/v1/exams"


def _body(course_id: int, **overrides) -> dict:
    body = {"exam_name": "Algorithms finals", "exam_type": "final", "course_id": course_id,
            "academic_year": "2025-26", "semester": 3, "start_time": "2025-12-01T08:00:00Z",
            "end_time": "2025-12-14T18:00:00Z", "location": "Main block"}
    body.update(overrides)
    return body


async def _rows() -> list[tuple]:
    return await ExamSchedule.all().order_by("id").values_list("id", "exam_name", "status", "start_time", "end_time")


async def test_staff_create_read_and_list(staff_client, student_client):
    course = await factories.create_course()
    created = await staff_client.post(URL, json=_body(course.id))
    assert created.status_code == 201, created.text
    schedule = created.json()
    assert schedule["status"] == "draft" and schedule["course_id"] == course.id
    assert await AuditLog.filter(entity_type="exam_schedules", action="create").count() == 1
    got = await student_client.get(f"{URL}/{schedule['id']}")
    assert got.status_code == 200 and got.json() == schedule
    listed = await student_client.get(URL)
    assert listed.status_code == 200 and listed.json()["total"] == 1


async def test_a_naive_time_is_taken_as_utc(staff_client):
    course = await factories.create_course()
    created = await staff_client.post(URL, json=_body(course.id, start_time="2025-12-01T08:00:00",
                                                      end_time="2025-12-01T12:00:00+02:00"))
    assert created.status_code == 201, created.text
    assert created.json()["start_time"].startswith("2025-12-01T08:00:00")
    assert created.json()["end_time"].startswith("2025-12-01T10:00:00")
    same_instant = await staff_client.post(URL, json=_body(course.id, start_time="2025-12-01T08:00:00",
                                                           end_time="2025-12-01T10:00:00+02:00"))
    assert same_instant.status_code == 400


@pytest.mark.parametrize(("field", "value", "status"), [
    ("course_id", 999999, 404),
    ("end_time", "2025-12-01T08:00:00Z", 400),
    ("end_time", "2025-11-30T08:00:00Z", 400),
    ("exam_type", "viva", 422),
    ("status", "postponed", 422),
    ("academic_year", "2025", 422),
    ("semester", 0, 422),
    ("exam_name", "x" * 201, 422),
    ("start_time", "1900-01-01T00:00:00Z", 422),
])
async def test_bad_creates_change_nothing(staff_client, field, value, status):
    course = await factories.create_course()
    response = await staff_client.post(URL, json={**_body(course.id), field: value})
    assert response.status_code == status, response.text
    assert await _rows() == []


async def test_an_unknown_field_is_refused(staff_client):
    course = await factories.create_course()
    response = await staff_client.post(URL, json={**_body(course.id), "room": "x"})
    assert response.status_code == 422
    assert await _rows() == []


async def test_list_filters(staff_client):
    first = await factories.create_exam_schedule(semester=1)
    second = await factories.create_exam_schedule(semester=2, exam_type="midterm", status=ExamStatus.DRAFT,
                                                  academic_year="2024-25")
    async def ids(**params):
        response = await staff_client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]
    assert await ids() == [first.id, second.id]
    assert await ids(course_id=second.course_id) == [second.id]
    assert await ids(semester=1) == [first.id]
    assert await ids(status="draft") == [second.id]
    assert await ids(exam_type="final") == [first.id]
    assert await ids(academic_year="2024-25") == [second.id]
    assert (await staff_client.get(URL, params={"status": "nope"})).status_code == 422


async def test_get_unknown_is_404(student_client):
    assert (await student_client.get(f"{URL}/999999")).status_code == 404


@pytest.mark.parametrize(("path", "allowed"), [
    (["scheduled", "ongoing", "completed"], True),
    (["cancelled"], True),
    (["scheduled", "ongoing", "cancelled"], True),
    (["scheduled", "ongoing", "completed", "cancelled"], True),
    (["ongoing"], False),
    (["completed"], False),
    (["scheduled", "draft"], False),
    (["cancelled", "scheduled"], False),
    (["scheduled", "ongoing", "completed", "ongoing"], False),
])
async def test_the_status_flow(staff_client, path, allowed):
    schedule = await factories.create_exam_schedule(status=ExamStatus.DRAFT)
    statuses = [r.status_code for r in [await staff_client.put(f"{URL}/{schedule.id}", json={"status": s})
                                        for s in path]]
    if allowed:
        assert statuses == [200] * len(path)
        assert (await ExamSchedule.get(id=schedule.id)).status == path[-1]
    else:
        assert statuses[:-1] == [200] * (len(path) - 1) and statuses[-1] == 400
        expected = path[-2] if len(path) > 1 else "draft"
        assert (await ExamSchedule.get(id=schedule.id)).status == expected


async def test_the_same_status_again_is_accepted(staff_client):
    schedule = await factories.create_exam_schedule(status=ExamStatus.ONGOING)
    assert (await staff_client.put(f"{URL}/{schedule.id}", json={"status": "ongoing"})).status_code == 200


async def test_update_rechecks_the_merged_times(staff_client):
    schedule = await factories.create_exam_schedule()
    before = await _rows()
    too_late = await staff_client.put(f"{URL}/{schedule.id}", json={"start_time": "2025-12-20T00:00:00Z"})
    assert too_late.status_code == 400 and "before end_time" in too_late.json()["detail"]
    moved = await staff_client.put(f"{URL}/{schedule.id}", json={"start_time": "2025-12-02T00:00:00Z",
                                                                  "location": "Hall B"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["location"] == "Hall B"
    assert (await _rows()) != before


@pytest.mark.parametrize(("body", "status"), [
    ({}, 400), ({"exam_name": None}, 400), ({"course_id": 999999}, 404), ({"semester": 0}, 422),
    ({"status": "nope"}, 422),
])
async def test_bad_updates_change_nothing(staff_client, body, status):
    schedule = await factories.create_exam_schedule()
    before = await _rows()
    response = await staff_client.put(f"{URL}/{schedule.id}", json=body)
    assert response.status_code == status, response.text
    assert await _rows() == before


async def test_update_unknown_is_404(staff_client):
    assert (await staff_client.put(f"{URL}/999999", json={"location": "x"})).status_code == 404


async def test_a_window_that_leaves_entries_outside_is_refused(staff_client):
    entry = await factories.create_exam_entry()
    schedule_id = entry.exam_schedule_id
    before = await _rows()
    shrunk = await staff_client.put(f"{URL}/{schedule_id}", json={"start_time": "2025-12-05T08:00:00Z"})
    assert shrunk.status_code == 409 and str(entry.id) in shrunk.json()["detail"]
    other = await factories.create_course()
    recoursed = await staff_client.put(f"{URL}/{schedule_id}", json={"course_id": other.id})
    assert recoursed.status_code == 409 and str(entry.id) in recoursed.json()["detail"]
    assert await _rows() == before
    fine = await staff_client.put(f"{URL}/{schedule_id}", json={"start_time": "2025-12-02T08:00:00Z"})
    assert fine.status_code == 200


async def test_delete(staff_client):
    schedule = await factories.create_exam_schedule()
    response = await staff_client.delete(f"{URL}/{schedule.id}")
    assert response.status_code == 204
    assert await _rows() == []
    assert await AuditLog.filter(entity_type="exam_schedules", action="delete").count() == 1
    assert (await staff_client.delete(f"{URL}/{schedule.id}")).status_code == 404


async def test_a_schedule_with_entries_is_not_deleted(staff_client):
    entry = await factories.create_exam_entry()
    second = await factories.create_exam_entry(exam_schedule=await entry.exam_schedule, hour=14)
    response = await staff_client.delete(f"{URL}/{entry.exam_schedule_id}")
    assert response.status_code == 409
    assert f"{entry.id}, {second.id}" in response.json()["detail"]
    assert len(await _rows()) == 1


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    client = await login_as(role)
    schedule = await factories.create_exam_schedule()
    course = await factories.create_course()
    assert (await client.post(URL, json=_body(course.id))).status_code == 403
    assert (await client.put(f"{URL}/{schedule.id}", json={"location": "x"})).status_code == 403
    assert (await client.delete(f"{URL}/{schedule.id}")).status_code == 403
    assert (await client.get(f"{URL}/{schedule.id}")).status_code == 200
    assert len(await _rows()) == 1


async def test_admin_writes_too(admin_client):
    course = await factories.create_course()
    assert (await admin_client.post(URL, json=_body(course.id))).status_code == 201
