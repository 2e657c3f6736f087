"""/api/v1/hostels, /hostel-rooms and /hostel-allocations (domain.md §3.12)."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import asyncpg
import pytest

from dashboard.core.db import asyncpg_dsn
from models import AuditLog, Hostel, HostelAllocation, HostelRoom, Student
from tests import factories

HOSTELS = "/api/v1/hostels"
ROOMS = "/api/v1/hostel-rooms"
ALLOCATIONS = "/api/v1/hostel-allocations"


async def _counters_match_recounts() -> None:
    for room in await HostelRoom.all():
        assert room.occupied_beds == await HostelAllocation.filter(room_id=room.id, status="active").count()
    for hostel in await Hostel.all():
        assert hostel.occupied_capacity == await HostelAllocation.filter(hostel_id=hostel.id, status="active").count()


async def _state() -> tuple:
    rooms = await HostelRoom.all().order_by("id").values_list("id", "occupied_beds", "status")
    hostels = await Hostel.all().order_by("id").values_list("id", "occupied_capacity")
    allocations = await HostelAllocation.all().order_by("id").values_list("id", "status", "room_id")
    students = await Student.all().order_by("id").values_list("id", "hostel_id")
    return rooms, hostels, allocations, students


async def _student(gender="male"):
    return await factories.create_student(user=await factories.create_user(gender=gender))


# --- hostels and rooms --------------------------------------------------------------------


async def test_hostel_crud(staff_client, student_client):
    created = await staff_client.post(HOSTELS, json={"name": "Tagore Hall", "hostel_type": "boys", "total_rooms": 40,
                                                     "total_capacity": 90, "amenities": ["wifi", "mess"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["occupied_capacity"] == 0 and body["is_active"] is True and body["amenities"] == ["wifi", "mess"]
    assert await AuditLog.exists(entity_type="hostels", entity_id=body["id"], action="create")
    duplicate = await staff_client.post(HOSTELS, json={"name": "TAGORE HALL", "hostel_type": "girls",
                                                       "total_rooms": 1, "total_capacity": 1})
    assert duplicate.status_code == 409
    hostel_id = body["id"]
    updated = await staff_client.put(f"{HOSTELS}/{hostel_id}", json={"address": "North campus", "is_active": False})
    assert updated.status_code == 200 and updated.json()["address"] == "North campus"
    assert (await staff_client.put(f"{HOSTELS}/{hostel_id}", json={"hostel_type": "girls"})).status_code == 422
    assert (await staff_client.put(f"{HOSTELS}/{hostel_id}", json={})).status_code == 400
    assert (await staff_client.put(f"{HOSTELS}/{hostel_id}", json={"warden_id": 999999})).status_code == 404
    assert (await staff_client.put(f"{HOSTELS}/999999", json={"address": "x"})).status_code == 404
    assert (await student_client.get(f"{HOSTELS}/{hostel_id}")).json()["name"] == "Tagore Hall"
    assert (await student_client.post(HOSTELS, json={"name": "Mine", "hostel_type": "boys", "total_rooms": 1,
                                                     "total_capacity": 1})).status_code == 403
    other = await factories.create_hostel(hostel_type="girls")
    assert [h["id"] for h in (await student_client.get(HOSTELS, params={"hostel_type": "girls"})).json()["items"]] \
        == [other.id]
    assert [h["id"] for h in (await student_client.get(HOSTELS, params={"is_active": False})).json()["items"]] \
        == [hostel_id]
    assert (await student_client.get(HOSTELS, params={"hostel_type": "mixed"})).status_code == 422


async def test_rooms_crud_and_the_capacity_rule(staff_client):
    hostel = await factories.create_hostel()
    created = await staff_client.post(ROOMS, json={"hostel_id": hostel.id, "room_number": "A-101",
                                                   "room_type": "double", "capacity": 2, "room_fee": "26000"})
    assert created.status_code == 201, created.text
    room = created.json()
    assert (room["occupied_beds"], room["status"], room["room_fee"]) == (0, "available", "26000.00")
    assert (await staff_client.post(ROOMS, json={"hostel_id": hostel.id, "room_number": "a-101", "room_type": "single",
                                                 "capacity": 1, "room_fee": "1"})).status_code == 409
    # The same number in another hostel is fine.
    elsewhere = await factories.create_hostel()
    assert (await staff_client.post(ROOMS, json={"hostel_id": elsewhere.id, "room_number": "A-101",
                                                 "room_type": "single", "capacity": 1, "room_fee": "1"})
            ).status_code == 201
    assert (await staff_client.post(ROOMS, json={"hostel_id": 999999, "room_number": "B", "room_type": "single",
                                                 "capacity": 1, "room_fee": "1"})).status_code == 404
    assert (await staff_client.post(ROOMS, json={"hostel_id": hostel.id, "room_number": "C", "room_type": "single",
                                                 "capacity": 1, "room_fee": "1", "status": "occupied"})
            ).status_code == 422
    db_room = await HostelRoom.get(id=room["id"])
    await factories.create_allocation(room=db_room, student=await _student())
    await factories.create_allocation(room=await HostelRoom.get(id=room["id"]), student=await _student())
    await HostelRoom.filter(id=room["id"]).update(status="occupied")
    refused = await staff_client.put(f"{ROOMS}/{room['id']}", json={"capacity": 1})
    assert refused.status_code == 400 and "2 beds taken" in refused.json()["detail"]
    grown = await staff_client.put(f"{ROOMS}/{room['id']}", json={"capacity": 3, "room_type": "triple"})
    assert (grown.json()["capacity"], grown.json()["status"]) == (3, "available")
    maintenance = await staff_client.put(f"{ROOMS}/{room['id']}", json={"status": "maintenance"})
    assert maintenance.json()["status"] == "maintenance"
    assert (await staff_client.put(f"{ROOMS}/{room['id']}", json={"hostel_id": elsewhere.id})).status_code == 422


async def test_room_lists_filters_and_the_available_rooms(student_client):
    hostel = await factories.create_hostel(name="Alpha")
    closed = await factories.create_hostel(name="Closed", is_active=False)
    free = await factories.create_room(hostel=hostel, room_number="1", room_type="double")
    full = await factories.create_room(hostel=hostel, room_number="2", room_type="single", capacity=1)
    await factories.create_allocation(room=full, student=await _student())
    await HostelRoom.filter(id=full.id).update(status="occupied")
    fixing = await factories.create_room(hostel=hostel, room_number="3", status="maintenance")
    inactive = await factories.create_room(hostel=hostel, room_number="4", is_active=False)
    in_closed = await factories.create_room(hostel=closed, room_number="1")
    available = (await student_client.get(f"{ROOMS}/available")).json()
    assert [r["id"] for r in available] == [free.id]
    assert available[0]["free_beds"] == 2 and available[0]["hostel_name"] == "Alpha"
    assert (await student_client.get(f"{ROOMS}/available", params={"room_type": "single"})).json() == []
    assert (await student_client.get(f"{ROOMS}/available", params={"hostel_id": closed.id})).json() == []
    listed = (await student_client.get(ROOMS, params={"hostel_id": hostel.id})).json()
    assert [r["id"] for r in listed["items"]] == [inactive.id, fixing.id, full.id, free.id]
    assert [r["id"] for r in (await student_client.get(ROOMS, params={"room_status": "maintenance"})).json()["items"]] \
        == [fixing.id]
    assert [r["id"] for r in (await student_client.get(ROOMS, params={"is_active": False})).json()["items"]] \
        == [inactive.id]
    assert [r["id"] for r in (await student_client.get(ROOMS, params={"room_type": "single"})).json()["items"]] \
        == [full.id]
    assert [r["room_number"] for r in (await student_client.get(f"{HOSTELS}/{hostel.id}/rooms")).json()] \
        == ["1", "2", "3", "4"]
    assert (await student_client.get(f"{HOSTELS}/999999/rooms")).status_code == 404
    assert (await student_client.get(f"{ROOMS}/{in_closed.id}")).status_code == 200
    assert (await student_client.get(f"{ROOMS}/999999")).status_code == 404



async def test_available_rooms_json_is_the_response_model_of_the_rows(student_client):
    """The service encodes the list's JSON itself: it must read exactly as the rows validated
    into AvailableRoom and encoded by pydantic would (keys, order, money as text, nulls)."""
    from pydantic import TypeAdapter

    from dashboard.core.actor import Actor
    from dashboard.schemas.hostels import AvailableRoom
    from dashboard.services import hostels as service

    girls = await factories.create_hostel(name="Ganga \"Hall\" ü", hostel_type="girls")
    boys = await factories.create_hostel(name="Yamuna")
    await factories.create_room(hostel=girls, room_number="B-2", room_type="triple", capacity=3, floor=None,
                                room_fee=Decimal("1234.5"))
    await factories.create_room(hostel=girls, room_number="A-1", floor=2, room_fee=Decimal("0"))
    half = await factories.create_room(hostel=boys, room_number="10", room_type="single", capacity=1)
    await factories.create_room(hostel=boys, room_number="9", capacity=4, room_fee=Decimal("99999.99"))
    await factories.create_allocation(room=await factories.create_room(hostel=boys, room_number="8", capacity=2),
                                      student=await _student())
    await HostelRoom.filter(id=half.id).update(is_active=False)
    adapter = TypeAdapter(list[AvailableRoom])
    for params in ({}, {"hostel_id": girls.id}, {"room_type": "double"}, {"hostel_id": boys.id, "room_type": "triple"}):
        response = await student_client.get(f"{ROOMS}/available", params=params)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        rows = await service.available_rooms(Actor.system(), **params)
        expected = json.loads(adapter.dump_json(adapter.validate_python(rows)))
        assert response.json() == expected, params
        assert [list(room) for room in response.json()] == [list(room) for room in expected]
    listed = (await student_client.get(f"{ROOMS}/available")).json()
    assert [r["room_number"] for r in listed] == ["A-1", "B-2", "8", "9"]


async def _on_own_connection(services, *statements: str) -> None:
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        async with connection.transaction():
            for statement in statements:
                await connection.execute(statement)
    finally:
        await connection.close()


async def _rooms_version(services) -> tuple:
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        row = await connection.fetchrow("SELECT epoch, version FROM available_rooms_version")
        return tuple(row) if row else ()
    finally:
        await connection.close()


async def test_the_kept_available_list_follows_every_change(student_client, staff_client, services):
    """Each worker keeps the list it last sent while the rooms' version stays (migration
    13). Any change of a room or a hostel, through the API or straight in the database,
    shows on the next request."""
    hostel = await factories.create_hostel(name="Kaveri")
    single = await factories.create_room(hostel=hostel, room_number="1", room_type="single", capacity=1,
                                         room_fee=Decimal("0"))
    await factories.create_room(hostel=hostel, room_number="2", room_fee=Decimal("100"))

    async def listed(**params) -> list[tuple]:
        response = await student_client.get(f"{ROOMS}/available", params=params)
        assert response.status_code == 200, response.text
        return [(r["hostel_name"], r["room_number"], r["free_beds"], r["room_fee"]) for r in response.json()]

    assert await listed() == [("Kaveri", "1", 1, "0.00"), ("Kaveri", "2", 2, "100.00")]
    assert await listed(room_type="single") == [("Kaveri", "1", 1, "0.00")]
    # A write that skips the triggers leaves the version, so the kept list is what comes back:
    # the list is kept indeed, and only the version decides when it is read again.
    await _on_own_connection(services, "SET LOCAL session_replication_role = replica",
                             f"UPDATE hostel_rooms SET room_fee = 5 WHERE id = {single.id}")
    assert await listed() == [("Kaveri", "1", 1, "0.00"), ("Kaveri", "2", 2, "100.00")]

    await _on_own_connection(services, f"UPDATE hostel_rooms SET room_fee = 7 WHERE id = {single.id}")
    assert await listed() == [("Kaveri", "1", 1, "7.00"), ("Kaveri", "2", 2, "100.00")]

    allocated = await staff_client.post(ALLOCATIONS, json={"student_id": (await _student()).id, "hostel_id": hostel.id,
                                                           "room_id": single.id, "academic_year": "2025-26"})
    assert allocated.status_code == 201, allocated.text
    assert await listed() == [("Kaveri", "2", 2, "100.00")]
    assert await listed(room_type="single") == []

    assert (await staff_client.put(f"{HOSTELS}/{hostel.id}", json={"name": "Godavari"})).status_code == 200
    assert await listed() == [("Godavari", "2", 2, "100.00")]

    vacated = await staff_client.delete(f"{ALLOCATIONS}/{allocated.json()['id']}")
    assert vacated.status_code == 200
    assert await listed(room_type="single") == [("Godavari", "1", 1, "7.00")]

    await _on_own_connection(services, f"UPDATE hostels SET is_active = FALSE WHERE id = {hostel.id}")
    assert await listed() == [] and await listed(room_type="single") == []
    await _on_own_connection(services, f"UPDATE hostels SET is_active = TRUE WHERE id = {hostel.id}",
                             f"UPDATE hostel_rooms SET is_active = FALSE WHERE id = {single.id}")
    assert await listed() == [("Godavari", "2", 2, "100.00")]


async def test_the_rooms_version_moves_once_per_writing_transaction(app, services):
    hostel = await factories.create_hostel()
    rooms = [await factories.create_room(hostel=hostel) for _ in range(3)]
    epoch, before = await _rooms_version(services)
    ids = ", ".join(str(room.id) for room in rooms)
    await _on_own_connection(services, f"UPDATE hostel_rooms SET floor = 1 WHERE id IN ({ids})",
                             f"UPDATE hostels SET address = 'North' WHERE id = {hostel.id}")
    assert await _rooms_version(services) == (epoch, before + 1)
    await _on_own_connection(services, "SELECT * FROM hostel_rooms")
    assert await _rooms_version(services) == (epoch, before + 1)


async def test_writes_locking_two_rooms_in_opposite_orders_do_not_deadlock_on_the_version(app, services):
    """The version moves at commit, so it is the last lock a writer takes. Moved at each
    first write instead, the first writer would hold it while waiting for the second's
    room, and the second would wait for it: a deadlock."""
    first, second = (await factories.create_room(), await factories.create_room())
    one = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    other = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    other_watch = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        one_tx, other_tx = one.transaction(), other.transaction()
        await one_tx.start()
        await other_tx.start()
        await asyncio.wait_for(one.execute("UPDATE hostel_rooms SET floor = 1 WHERE id = $1", first.id), 10)
        await asyncio.wait_for(other.execute("UPDATE hostel_rooms SET floor = 2 WHERE id = $1", second.id), 10)
        one_pid = one.get_server_pid()
        waiting = asyncio.create_task(one.execute("UPDATE hostel_rooms SET floor = 1 WHERE id = $1", second.id))
        deadline = asyncio.get_running_loop().time() + 10
        while not await other_watch.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", one_pid):
            assert asyncio.get_running_loop().time() < deadline, "the second update never waited"
            await asyncio.sleep(0.01)
        await asyncio.wait_for(other_tx.commit(), 10)
        await asyncio.wait_for(waiting, timeout=10)
        await one_tx.commit()
    finally:
        for connection in (one, other, other_watch):
            await connection.close()
    assert [r.floor for r in await HostelRoom.filter(id__in=[first.id, second.id]).order_by("id")] == [1, 1]


# --- allocations --------------------------------------------------------------------------


async def test_allocate_transfer_vacate_and_history(staff_client):
    student = await _student()
    hostel = await factories.create_hostel(hostel_type="boys")
    room = await factories.create_room(hostel=hostel, capacity=1, room_number="101")
    allocated = await staff_client.post(ALLOCATIONS, json={"student_id": student.id, "hostel_id": hostel.id,
                                                           "room_id": room.id, "acedamic_year": "2025-26"})
    assert allocated.status_code == 201, allocated.text
    first = allocated.json()
    assert first["status"] == "active" and first["academic_year"] == "2025-26"
    room_now = await HostelRoom.get(id=room.id)
    assert (room_now.occupied_beds, room_now.status) == (1, "occupied")
    assert (await Student.get(id=student.id)).hostel_id == hostel.id

    other_hostel = await factories.create_hostel(hostel_type="unisex")
    new_room = await factories.create_room(hostel=other_hostel, room_number="202")
    moved = await staff_client.put(f"{ALLOCATIONS}/{first['id']}", json={"room_id": new_room.id})
    assert moved.status_code == 200, moved.text
    second = moved.json()
    assert second["id"] != first["id"] and second["room_id"] == new_room.id and second["hostel_id"] == other_hostel.id
    assert second["remarks"] == "Transferred from room 101"
    old = await HostelAllocation.get(id=first["id"])
    assert old.status == "transferred" and old.release_date is not None
    assert (await HostelRoom.get(id=room.id)).status == "available"
    assert (await Student.get(id=student.id)).hostel_id == other_hostel.id
    await _counters_match_recounts()

    assert (await staff_client.put(f"{ALLOCATIONS}/{first['id']}", json={"room_id": room.id})).status_code == 400
    remarks = await staff_client.put(f"{ALLOCATIONS}/{second['id']}", json={"remarks": "Near the stairs"})
    assert remarks.json()["id"] == second["id"] and remarks.json()["remarks"] == "Near the stairs"

    vacated = await staff_client.delete(f"{ALLOCATIONS}/{second['id']}")
    assert vacated.status_code == 200 and vacated.json()["status"] == "vacated"
    assert (await staff_client.delete(f"{ALLOCATIONS}/{second['id']}")).status_code == 400
    assert (await Student.get(id=student.id)).hostel_id is None
    await _counters_match_recounts()

    history = (await staff_client.get(f"{ALLOCATIONS}/history/{student.id}")).json()
    assert history["total"] == 2 and [a["status"] for a in history["allocations"]] == ["vacated", "transferred"]
    assert history["allocations"][0]["room_number"] == "202"
    assert (await staff_client.get(f"{ALLOCATIONS}/history/999999")).status_code == 404
    assert await HostelAllocation.all().count() == 2


async def test_a_vacate_leaves_a_room_in_maintenance_alone(staff_client):
    room = await factories.create_room(capacity=2)
    allocation = await factories.create_allocation(room=room, student=await _student())
    await HostelRoom.filter(id=room.id).update(status="maintenance")
    await staff_client.delete(f"{ALLOCATIONS}/{allocation.id}")
    room = await HostelRoom.get(id=room.id)
    assert (room.status, room.occupied_beds) == ("maintenance", 0)


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("already_housed", 409, "The student already has an active allocation"),
        ("missing_student", 404, "Student not found"),
        ("missing_hostel", 404, "Hostel not found"),
        ("missing_room", 404, "Room not found"),
        ("other_hostel", 400, "The room is in another hostel"),
        ("full", 409, "The room is full"),
        ("maintenance", 400, "The room is maintenance"),
        ("inactive_room", 400, "The room is not active"),
        ("inactive_hostel", 400, "The hostel is not active"),
        ("wrong_gender", 400, "A girls hostel cannot take this student (gender male)"),
    ],
)
async def test_allocation_refusals_change_nothing(staff_client, case, status, message):
    student = await _student("male")
    hostel = await factories.create_hostel(hostel_type="girls" if case == "wrong_gender" else "unisex",
                                           is_active=case != "inactive_hostel")
    room = await factories.create_room(hostel=hostel, capacity=1, is_active=case != "inactive_room",
                                       status="maintenance" if case == "maintenance" else "available")
    payload = {"student_id": student.id, "hostel_id": hostel.id, "room_id": room.id, "academic_year": "2025-26"}
    if case == "already_housed":
        await factories.create_allocation(student=student)
    if case == "full":
        await factories.create_allocation(room=room, student=await _student())
        await HostelRoom.filter(id=room.id).update(status="occupied")
    if case == "missing_student":
        payload["student_id"] = 999999
    if case == "missing_hostel":
        payload["hostel_id"] = 999999
    if case == "missing_room":
        payload["room_id"] = 999999
    if case == "other_hostel":
        payload["room_id"] = (await factories.create_room()).id
    before = await _state()
    response = await staff_client.post(ALLOCATIONS, json=payload)
    assert response.status_code == status, response.text
    assert response.json()["detail"] == message
    assert await _state() == before


async def test_transfer_refusals_change_nothing(staff_client):
    student = await _student()
    allocation = await factories.create_allocation(student=student)
    full = await factories.create_room(capacity=1)
    await factories.create_allocation(room=full, student=await _student())
    await HostelRoom.filter(id=full.id).update(status="occupied")
    girls = await factories.create_room(hostel=await factories.create_hostel(hostel_type="girls"))
    before = await _state()
    for body, status in (({"room_id": allocation.room_id}, 400), ({"room_id": full.id}, 409),
                         ({"room_id": 999999}, 404), ({"room_id": girls.id}, 400), ({}, 400),
                         ({"room_id": None}, 400), ({"room_id": "x"}, 422)):
        response = await staff_client.put(f"{ALLOCATIONS}/{allocation.id}", json=body)
        assert response.status_code == status, (body, response.text)
    assert (await staff_client.put(f"{ALLOCATIONS}/999999", json={"room_id": full.id})).status_code == 404
    assert (await staff_client.delete(f"{ALLOCATIONS}/999999")).status_code == 404
    assert await _state() == before


@pytest.mark.parametrize("overrides", [{"academic_year": "2025"}, {"room_id": 0}, {"student_id": -1},
                                       {"status": "active"}])
async def test_invalid_allocations_are_422(staff_client, overrides):
    payload = {"student_id": 1, "hostel_id": 1, "room_id": 1, "academic_year": "2025-26", **overrides}
    assert (await staff_client.post(ALLOCATIONS, json=payload)).status_code == 422
    assert (await staff_client.post(ALLOCATIONS, json={})).status_code == 422


async def test_lists_and_history_are_scoped(login_as, staff_client):
    student_client = await login_as("student")
    mine = await factories.create_allocation(student=student_client.profile, academic_year="2024-25")
    theirs = await factories.create_allocation()
    everyone = (await staff_client.get(ALLOCATIONS)).json()
    assert [a["id"] for a in everyone["items"]] == [theirs.id, mine.id]
    for name in ("academic_year", "acedamic_year"):
        assert [a["id"] for a in (await staff_client.get(ALLOCATIONS, params={name: "2024-25"})).json()["items"]] \
            == [mine.id]
    for name, value in (("student_id", theirs.student_id), ("room_id", theirs.room_id),
                        ("hostel_id", theirs.hostel_id), ("allocation_status", "active")):
        got = [a["id"] for a in (await staff_client.get(ALLOCATIONS, params={name: value})).json()["items"]]
        assert theirs.id in got and (mine.id not in got or name == "allocation_status")
    assert [a["id"] for a in (await student_client.get(ALLOCATIONS)).json()["items"]] == [mine.id]
    assert (await student_client.get(f"{ALLOCATIONS}/history/{theirs.student_id}")).status_code == 404
    assert (await student_client.get(f"{ALLOCATIONS}/history/{student_client.profile.id}")).json()["total"] == 1
    assert (await student_client.delete(f"{ALLOCATIONS}/{mine.id}")).status_code == 403
    assert (await student_client.post(ALLOCATIONS, json={"student_id": 1, "hostel_id": 1, "room_id": 1,
                                                         "academic_year": "2025-26"})).status_code == 403

    parent_client = await login_as("parent")
    child = await factories.create_student(parent=parent_client.profile)
    childs = await factories.create_allocation(student=child)
    assert [a["id"] for a in (await parent_client.get(ALLOCATIONS)).json()["items"]] == [childs.id]
    assert (await parent_client.get(f"{ALLOCATIONS}/history/{mine.student_id}")).status_code == 404

    faculty_client = await login_as("faculty")
    assert (await faculty_client.get(ALLOCATIONS)).json()["items"] == []
    assert (await faculty_client.get(f"{ALLOCATIONS}/history/{mine.student_id}")).status_code == 404


async def test_faculty_see_the_allocations_of_the_students_they_teach(login_as):
    from models import OfferingFaculty

    faculty_client = await login_as("faculty")
    offering = await factories.create_offering(status="ongoing")
    await OfferingFaculty.create(offering=offering, faculty=faculty_client.profile)
    registration = await factories.create_registration(course_offering=offering, status="registered")
    taught = await Student.get(id=(await registration.enrollment).student_id)
    mine = await factories.create_allocation(student=taught)
    await factories.create_allocation()
    assert [a["id"] for a in (await faculty_client.get(ALLOCATIONS)).json()["items"]] == [mine.id]
    assert (await faculty_client.get(f"{ALLOCATIONS}/history/{taught.id}")).json()["total"] == 1
