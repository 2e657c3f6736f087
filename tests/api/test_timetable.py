"""/api/v1/timetable: generation with every clash check, updates, and the student,
faculty and room views (domain.md §3.14 with its RECs)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from models import AuditLog, ClassSchedule
from models.enums import SlotType
from tests import factories

URL = "/api/v1/timetable"


async def _rows() -> list[tuple]:
    return await ClassSchedule.all().order_by("id").values_list("id", "course_offering_id", "slot_id", "room_no",
                                                               "is_active")


def _item(offering, slot, room: str = "B-204") -> dict:
    return {"course_offering_id": offering.id, "slot_id": slot.id, "room_no": room}


async def _slot(day: int = 0, start: int = 9, end: int | None = None, **overrides):
    return await factories.create_slot(day_of_week=day, start_time=dt.time(start),
                                       end_time=dt.time(end if end is not None else start + 1), **overrides)


async def _refused(client, items: list[dict], status: int, *words: str) -> dict:
    """Posts, expects the refusal naming `words`, and that nothing was inserted."""
    before = await _rows()
    response = await client.post(f"{URL}/generate", json={"items": items})
    assert response.status_code == status, response.text
    for word in words:
        assert word in response.json()["detail"], response.json()["detail"]
    assert await _rows() == before
    return response.json()


async def test_generate_books_every_item(staff_client):
    first, second = await factories.create_offering(), await factories.create_offering()
    monday, tuesday = await _slot(0), await _slot(1)
    response = await staff_client.post(f"{URL}/generate", json={"items": [
        _item(first, monday), _item(second, monday, "B-210"), _item(first, tuesday)]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["total"] == 3
    assert [(c["course_offering_id"], c["slot_id"], c["room_no"], c["is_active"]) for c in body["created"]] == [
        (first.id, monday.id, "B-204", True), (second.id, monday.id, "B-210", True),
        (first.id, tuesday.id, "B-204", True)]
    assert len(await _rows()) == 3
    assert await AuditLog.filter(entity_type="class_schedules", action="create").count() == 1


async def test_an_empty_list_is_a_400(staff_client):
    await _refused(staff_client, [], 400, "at least one item")


async def test_unknown_offering_or_slot_is_a_404_naming_the_item(staff_client):
    offering, slot = await factories.create_offering(), await _slot()
    await _refused(staff_client, [_item(offering, slot), {**_item(offering, slot, "X"), "course_offering_id": 999999}],
                   404, "Course offering 999999 not found (item 2)")
    await _refused(staff_client, [_item(offering, slot), {**_item(offering, slot, "X"), "slot_id": 999999}],
                   404, "Timetable slot 999999 not found (item 2)")


@pytest.mark.parametrize("items", [
    [{"course_offering_id": 0, "slot_id": 1, "room_no": "A"}],
    [{"course_offering_id": 1, "slot_id": 1, "room_no": ""}],
    [{"course_offering_id": 1, "slot_id": 1, "room_no": "r" * 51}],
    [{"course_offering_id": 1, "slot_id": 1}],
    [{"course_offering_id": 1, "slot_id": 1, "room_no": "A", "teacher": 3}],
    [{"course_offering_id": 1, "slot_id": 1, "room_no": "A"}] * 501,
])
async def test_malformed_items_are_a_422(staff_client, items):
    await _refused(staff_client, items, 422)


async def test_a_break_slot_takes_no_class(staff_client):
    offering = await factories.create_offering()
    lunch = await _slot(0, 12, slot_type=SlotType.BREAK)
    body = await _refused(staff_client, [_item(offering, await _slot(1)), _item(offering, lunch)], 400,
                          f"Item 2: slot {lunch.id}", "break slot")
    assert body["error"]["details"][0]["kind"] == "break_slot"


async def test_a_repeated_item_is_refused(staff_client):
    offering, slot = await factories.create_offering(), await _slot()
    await _refused(staff_client, [_item(offering, slot), _item(offering, slot)], 409, "Item 2 repeats item 1")


# --- clashes within the request --------------------------------------------------------------


async def test_one_room_twice_in_the_request_is_refused(staff_client):
    first, second = await factories.create_offering(), await factories.create_offering()
    nine, half_past = await _slot(0, 9, 11), await _slot(0, 10, 12)  # different slots, overlapping times
    await _refused(staff_client, [_item(first, nine), _item(second, half_past)], 409,
                   "Room 'B-204' is booked twice", f"item 1 (course offering {first.id}", f"item 2 (course offering "
                   f"{second.id}, slot {half_past.id}")


async def test_a_teacher_in_two_places_in_the_request_is_refused(staff_client):
    teacher = await factories.create_faculty()
    first = await factories.create_offering(faculty=[teacher])
    second = await factories.create_offering(faculty=[teacher])
    slot = await _slot()
    await _refused(staff_client, [_item(first, slot, "A"), _item(second, slot, "B")], 409,
                   f"Faculty member {teacher.id} would teach in two places", "room 'A'", "room 'B'")


async def test_one_cohort_in_two_classes_in_the_request_is_refused(staff_client):
    first = await factories.create_offering(semester=3, section="B")
    second = await factories.create_offering(program=await first.program, semester=3, section="B")
    slot = await _slot()
    await _refused(staff_client, [_item(first, slot, "A"), _item(second, slot, "C")], 409,
                   f"Program {first.program_id} 2025-26 semester 3 section B would have two classes at once")


async def test_other_sections_and_non_overlapping_slots_do_not_clash(staff_client):
    teacher = await factories.create_faculty()
    first = await factories.create_offering(semester=3, section="A", faculty=[teacher])
    second = await factories.create_offering(program=await first.program, semester=3, section="B")
    nine, ten, tuesday = await _slot(0, 9), await _slot(0, 10), await _slot(1, 9)
    response = await staff_client.post(f"{URL}/generate", json={"items": [
        _item(first, nine, "A"), _item(second, nine, "B"), _item(first, ten, "A"), _item(first, tuesday, "A")]})
    assert response.status_code == 201, response.text


# --- clashes with the stored timetable ------------------------------------------------------


async def test_a_booked_room_is_refused(staff_client):
    slot = await _slot()
    booked = await factories.create_class_schedule(slot=slot, room_no="B-204")
    offering = await factories.create_offering()
    await _refused(staff_client, [_item(offering, slot)], 409,
                   f"Room 'B-204' is already booked for slot {slot.id} by course offering {booked.course_offering_id}")


async def test_a_room_booked_at_an_overlapping_time_is_refused(staff_client):
    booked = await factories.create_class_schedule(slot=await _slot(0, 9, 11), room_no="B-204")
    offering, later = await factories.create_offering(), await _slot(0, 10, 12)
    await _refused(staff_client, [_item(offering, later)], 409, "Room 'B-204' is already booked at an overlapping "
                   "time", f"class schedule {booked.id}", f"item 1 (course offering {offering.id}, slot {later.id}")


async def test_an_inactive_booking_does_not_hold_the_room(staff_client):
    slot = await _slot()
    await factories.create_class_schedule(slot=slot, room_no="B-204", is_active=False)
    response = await staff_client.post(f"{URL}/generate", json={"items": [_item(await factories.create_offering(),
                                                                                slot)]})
    assert response.status_code == 201


async def test_a_teacher_already_teaching_then_is_refused(staff_client):
    teacher = await factories.create_faculty()
    slot = await _slot()
    booked = await factories.create_class_schedule(
        slot=slot, room_no="R1", course_offering=await factories.create_offering(faculty=[teacher]))
    offering = await factories.create_offering(faculty=[teacher, await factories.create_faculty()])
    await _refused(staff_client, [_item(offering, slot, "R2")], 409,
                   f"Faculty member {teacher.id} already teaches course offering {booked.course_offering_id}",
                   "room 'R1'", "room 'R2'")


async def test_a_cohort_already_in_class_is_refused(staff_client):
    slot = await _slot()
    existing = await factories.create_offering(semester=2, section=None)
    await factories.create_class_schedule(slot=slot, room_no="R1", course_offering=existing)
    offering = await factories.create_offering(program=await existing.program, semester=2, section=None)
    await _refused(staff_client, [_item(offering, slot, "R2")], 409,
                   f"Program {existing.program_id} 2025-26 semester 2 already has course offering {existing.id}")


async def test_every_clash_is_listed_in_details(staff_client):
    slot = await _slot()
    await factories.create_class_schedule(slot=slot, room_no="R1")
    await factories.create_class_schedule(slot=await _slot(0, 9, 10), room_no="R2")
    first, second = await factories.create_offering(), await factories.create_offering()
    body = await _refused(staff_client, [_item(first, slot, "R1"), _item(second, slot, "R2")], 409)
    assert [(d["item"], d["kind"]) for d in body["error"]["details"]] == [(1, "room"), (2, "room")]


async def test_two_requests_booking_one_room_at_once(staff_client):
    slot = await _slot()
    first, second = await factories.create_offering(), await factories.create_offering()
    responses = await asyncio.gather(*(staff_client.post(f"{URL}/generate", json={"items": [_item(o, slot)]})
                                       for o in (first, second)))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(await _rows()) == 1


# --- update ---------------------------------------------------------------------------------


async def test_update_moves_a_class_and_rechecks(staff_client):
    slot, other = await _slot(0), await _slot(1)
    taken = await factories.create_class_schedule(slot=other, room_no="R9")
    mine = await factories.create_class_schedule(slot=slot, room_no="R1")
    moved = await staff_client.put(f"{URL}/{mine.id}", json={"room_no": "R2"})
    assert moved.status_code == 200 and moved.json()["room_no"] == "R2"
    before = await _rows()
    clash = await staff_client.put(f"{URL}/{mine.id}", json={"slot_id": other.id, "room_no": "R9"})
    assert clash.status_code == 409 and f"class schedule {taken.id}" in clash.json()["detail"]
    assert await _rows() == before
    # Staying where it is, is no clash with itself.
    assert (await staff_client.put(f"{URL}/{mine.id}", json={"room_no": "R2"})).status_code == 200


async def test_a_reactivation_is_checked(staff_client):
    slot = await _slot()
    old = await factories.create_class_schedule(slot=slot, room_no="R1", is_active=False)
    await factories.create_class_schedule(slot=slot, room_no="R1")
    before = await _rows()
    response = await staff_client.put(f"{URL}/{old.id}", json={"is_active": True})
    assert response.status_code == 409 and "Room 'R1' is already booked" in response.json()["detail"]
    assert await _rows() == before


async def test_deactivating_is_never_a_clash(staff_client):
    lunch = await _slot(0, 12, slot_type=SlotType.BREAK)
    row = await factories.create_class_schedule(slot=lunch, room_no="R1")  # booked before the slot was a break
    response = await staff_client.put(f"{URL}/{row.id}", json={"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await staff_client.put(f"{URL}/{row.id}", json={"is_active": True})).status_code == 400


@pytest.mark.parametrize(("body", "status"), [
    ({}, 400), ({"room_no": None}, 400), ({"slot_id": 999999}, 404), ({"course_offering_id": 999999}, 404),
    ({"room_no": ""}, 422), ({"is_active": "maybe"}, 422), ({"day": 1}, 422),
])
async def test_bad_updates_change_nothing(staff_client, body, status):
    row = await factories.create_class_schedule()
    before = await _rows()
    response = await staff_client.put(f"{URL}/{row.id}", json=body)
    assert response.status_code == status, response.text
    assert await _rows() == before


async def test_update_unknown_is_404(staff_client):
    assert (await staff_client.put(f"{URL}/999999", json={"room_no": "x"})).status_code == 404


# --- reading --------------------------------------------------------------------------------


async def test_list_filters(student_client):
    slot = await _slot()
    first = await factories.create_class_schedule(slot=slot, room_no="R1")
    second = await factories.create_class_schedule(room_no="R2", is_active=False)

    async def ids(**params):
        response = await student_client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]
    assert await ids() == [first.id, second.id]
    assert await ids(course_offering_id=second.course_offering_id) == [second.id]
    assert await ids(slot_id=slot.id) == [first.id]
    assert await ids(room_no="R2") == [second.id]
    assert await ids(is_active=True) == [first.id]
    assert await ids(is_active=False) == [second.id]


async def test_the_student_view(login_as, staff_client):
    offering, registrations = await factories.create_class(2)
    student = registrations[0].student
    tuesday = await factories.create_class_schedule(course_offering=offering, slot=await _slot(1, 9))
    monday = await factories.create_class_schedule(course_offering=offering, slot=await _slot(0, 14))
    await factories.create_class_schedule(course_offering=offering, slot=await _slot(2), is_active=False)
    # The program's other offering, not registered: not shown.
    await factories.create_class_schedule(course_offering=await factories.create_offering(
        program=await offering.program))
    client = await login_as("student", user=await student.user, profile=student)
    response = await client.get(f"{URL}/student/{student.id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["student_id"] == student.id and body["total"] == 2
    assert [e["id"] for e in body["schedules"]] == [monday.id, tuesday.id]
    entry = body["schedules"][0]
    course = await offering.course
    assert (entry["course_code"], entry["course_name"], entry["day_of_week"], entry["slot_type"]) == (
        course.code, course.name, 0, "lecture")
    # The same fields as the offering's own schedule shows for that class.
    offering_view = (await staff_client.get(f"/api/v1/course-offerings/{offering.id}")).json()
    assert entry == next(e for e in offering_view["schedule"] if e["id"] == monday.id)
    assert (await client.get(f"{URL}/student/{registrations[1].student.id}")).status_code == 404
    assert (await staff_client.get(f"{URL}/student/999999")).status_code == 404
    # A student registered in nothing has an empty week, not a 404.
    idle = await factories.create_student()
    assert (await staff_client.get(f"{URL}/student/{idle.id}")).json() == {
        "student_id": idle.id, "schedules": [], "total": 0}


async def test_the_faculty_view(student_client):
    teacher = await factories.create_faculty()
    offering = await factories.create_offering(faculty=[teacher])
    row = await factories.create_class_schedule(course_offering=offering)
    await factories.create_class_schedule()
    response = await student_client.get(f"{URL}/faculty/{teacher.id}")
    assert response.status_code == 200
    assert response.json()["faculty_id"] == teacher.id
    assert [e["id"] for e in response.json()["schedules"]] == [row.id]
    assert (await student_client.get(f"{URL}/faculty/999999")).status_code == 404


async def test_the_room_view(student_client):
    row = await factories.create_class_schedule(room_no="Lab 3")
    await factories.create_class_schedule(room_no="Lab 3", is_active=False)
    response = await student_client.get(f"{URL}/room/Lab 3")
    assert response.status_code == 200
    assert response.json()["room_no"] == "Lab 3" and [e["id"] for e in response.json()["schedules"]] == [row.id]
    assert (await student_client.get(f"{URL}/room/Nowhere")).status_code == 404


@pytest.mark.parametrize("role", ["faculty", "student", "parent"])
async def test_only_admin_and_staff_write(login_as, role):
    client = await login_as(role)
    offering, slot = await factories.create_offering(), await _slot()
    row = await factories.create_class_schedule()
    assert (await client.post(f"{URL}/generate", json={"items": [_item(offering, slot)]})).status_code == 403
    assert (await client.put(f"{URL}/{row.id}", json={"room_no": "Z"})).status_code == 403
    assert len(await _rows()) == 1
