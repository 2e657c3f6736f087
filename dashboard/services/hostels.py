"""Hostels, rooms and allocations: the rules of domain.md §3.12 with its RECs.

`hostel_rooms.occupied_beds` and `hostels.occupied_capacity` count the active allocations
in them. They change only by conditional UPDATEs in the transaction of the allocation
that justifies them, with CHECKs behind them (0 <= occupied_beds <= capacity): a bed is
taken by `+ 1 WHERE occupied_beds < capacity AND status = 'available' AND is_active`, so
the last bed goes to exactly one of many simultaneous requests, and the partial unique
index on active allocations keeps a student in one room. A room's status follows its
beds between available and occupied only; maintenance and reserved are left alone.
When one transaction changes two rooms (a transfer) it does so in room-id order, so two
opposite transfers cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from tortoise import connections
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    audited_change,
    audited_edit,
    ensure_unique,
    get_or_404,
    refuse_nulls,
    require_changes,
)
from dashboard.schemas.hostels import (
    AllocationCreate,
    AllocationUpdate,
    HostelCreate,
    HostelUpdate,
    RoomCreate,
    RoomUpdate,
)
from dashboard.services import students
from dashboard.services.students import sees_student
from models import AdminStaff, Hostel, HostelAllocation, HostelRoom, Student
from models.enums import (
    Gender,
    HostelAllocationStatus,
    HostelRoomStatus,
    HostelType,
)

# Who may live in a hostel of each type; unisex takes anyone.
_GENDERS = {HostelType.BOYS: Gender.MALE, HostelType.GIRLS: Gender.FEMALE}


# --- scopes -------------------------------------------------------------------------------


def visible_hostels(actor: Actor) -> QuerySet[Hostel]:
    """Hostels and rooms are catalogue data: every signed-in role reads them."""
    authorize(actor, Permission.HOSTELS_READ)
    return Hostel.all()


def visible_rooms(actor: Actor) -> QuerySet[HostelRoom]:
    authorize(actor, Permission.HOSTELS_READ)
    return HostelRoom.all()


def visible_allocations(actor: Actor) -> QuerySet[HostelAllocation]:
    """Staff see every allocation; anyone else those of the students they may see
    (students.visible_students: faculty the students they teach, a student their own, a
    parent their children's)."""
    authorize(actor, Permission.HOSTELS_READ)
    if actor.can(Permission.HOSTELS_WRITE):
        return HostelAllocation.all()
    return HostelAllocation.filter(student_id__in=Subquery(students.visible_students(actor).values("id")))


async def _check_student_visible(actor: Actor, student_id: int) -> None:
    if not (actor.can(Permission.HOSTELS_WRITE) or await sees_student(actor, student_id)):
        raise NotFound("Student not found")


# --- hostels ------------------------------------------------------------------------------


async def list_hostels(actor: Actor, *, page: PageRequest, hostel_type: HostelType | None = None,
                       is_active: bool | None = None) -> Page[Hostel]:
    query = visible_hostels(actor)
    if hostel_type is not None:
        query = query.filter(hostel_type=hostel_type)
    if is_active is not None:
        query = query.filter(is_active=is_active)
    return await paginate(query.order_by("-id"), page)


async def get_hostel(actor: Actor, *, hostel_id: int) -> Hostel:
    return await get_or_404(visible_hostels(actor), hostel_id, label="Hostel")


async def _check_warden(warden_id: int | None) -> None:
    if warden_id is not None and not await AdminStaff.exists(id=warden_id):
        raise NotFound("Warden (staff member) not found")


async def create_hostel(actor: Actor, *, data: HostelCreate) -> Hostel:
    authorize(actor, Permission.HOSTELS_WRITE)
    values = data.model_dump()
    async with atomic():
        await _check_warden(values.get("warden_id"))
        await ensure_unique(Hostel, "hostel", name=values["name"])
        hostel = await Hostel.create(**values, occupied_capacity=0, is_active=True)
        await audit.record(actor, "create", hostel)
    return hostel


async def update_hostel(actor: Actor, *, hostel_id: int, changes: HostelUpdate) -> Hostel:
    """A partial update; the type is immutable (the schema does not accept it)."""
    authorize(actor, Permission.HOSTELS_WRITE)
    sent = changes.changes()
    require_changes(sent)
    # warden_id may be cleared; refuse_nulls reads columns, not foreign-key ids.
    refuse_nulls(Hostel, {k: v for k, v in sent.items() if k != "warden_id"})
    async with audited_edit(actor, Hostel, hostel_id, label="Hostel") as hostel:
        if "name" in sent:
            await ensure_unique(Hostel, "hostel", name=sent["name"], exclude_id=hostel.id)
        await _check_warden(sent.get("warden_id"))
        hostel.update_from_dict(sent)
    return hostel


async def hostel_rooms(actor: Actor, *, hostel_id: int) -> list[HostelRoom]:
    """Every room of the hostel, by number."""
    await get_hostel(actor, hostel_id=hostel_id)
    return await visible_rooms(actor).filter(hostel_id=hostel_id).order_by("room_number", "id")


# --- rooms --------------------------------------------------------------------------------


async def list_rooms(actor: Actor, *, page: PageRequest, hostel_id: int | None = None,
                     room_type: str | None = None, room_status: HostelRoomStatus | None = None,
                     is_active: bool | None = None) -> Page[HostelRoom]:
    filters = {"hostel_id": hostel_id, "room_type": room_type, "status": room_status, "is_active": is_active}
    query = visible_rooms(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate(query.order_by("-id"), page)


async def get_room(actor: Actor, *, room_id: int) -> HostelRoom:
    return await get_or_404(visible_rooms(actor), room_id, label="Room")


# The rooms a warden can allocate now, written out as SQL: the whole list is the answer
# (a thousand rooms and more), and building it through the ORM cost most of a request.
# The status is available only while a bed is free; `occupied_beds < capacity` guards a
# room whose status was left behind by a write outside the services. $1 and $2 are the
# optional hostel and room type.
_AVAILABLE_ROOMS_FROM = """
FROM hostel_rooms r JOIN hostels h ON h.id = r.hostel_id
WHERE r.is_active AND r.status = 'available' AND h.is_active AND r.occupied_beds < r.capacity
  AND ($1::int IS NULL OR r.hostel_id = $1) AND ($2::text IS NULL OR r.room_type = $2)
"""

AVAILABLE_ROOMS_SQL = f"""
SELECT r.id, r.hostel_id, h.name AS hostel_name, h.hostel_type, r.room_number, r.room_type, r.floor, r.capacity,
       r.occupied_beds, r.capacity - r.occupied_beds AS free_beds, r.room_fee
{_AVAILABLE_ROOMS_FROM}
ORDER BY r.hostel_id, r.room_number, r.id
"""

# The same list for the API's JSON body, with room_fee as the text `Money` writes (two
# decimals: numeric(12,2) as text). With ~1,300 rooms at 50,000 students, making dicts
# of the rows, validating them into `AvailableRoom` and encoding them again cost ~10 ms of
# the app's CPU per request, five times the query; the rows are encoded as they come
# (orjson) instead, with the keys and formats of AvailableRoom (a test compares the two).
AVAILABLE_ROOMS_JSON_SQL = f"""
SELECT r.id, r.hostel_id, h.name AS hostel_name, h.hostel_type, r.room_number, r.room_type, r.floor, r.capacity,
       r.occupied_beds, r.capacity - r.occupied_beds AS free_beds, r.room_fee::text AS room_fee
{_AVAILABLE_ROOMS_FROM}
ORDER BY r.hostel_id, r.room_number, r.id
"""


async def available_rooms(actor: Actor, *, hostel_id: int | None = None,
                          room_type: str | None = None) -> list[dict[str, Any]]:
    """Active rooms of active hostels with a free bed and status available, by hostel
    and number."""
    # Rooms are catalogue data: visible_rooms is every room for every signed-in role.
    visible_rooms(actor)
    kind = getattr(room_type, "value", room_type)
    return await connections.get("default").execute_query_dict(AVAILABLE_ROOMS_SQL, [hostel_id, kind])


# The list each worker last sent, per filter, with the `available_rooms_version` (epoch,
# version) it belongs to (migration 13): while the version stays, the list is the same,
# and sending the kept bytes costs one primary-key read instead of ~7 ms of CPU.
_AVAILABLE_ROOMS_VERSION_SQL = "SELECT epoch, version FROM available_rooms_version"
_AVAILABLE_ROOMS_KEPT_MAX = 64
_available_rooms_kept: dict[tuple[int | None, str | None], tuple[tuple[Any, ...], bytes]] = {}


async def _available_rooms_version(connection: Any) -> tuple[Any, ...] | None:
    _, rows = await connection.execute_query(_AVAILABLE_ROOMS_VERSION_SQL)
    return tuple(rows[0]) if rows else None


async def available_rooms_json(actor: Actor, *, hostel_id: int | None = None,
                               room_type: str | None = None) -> bytes:
    """`available_rooms` as the JSON array of `AvailableRoom` objects, ready to send."""
    visible_rooms(actor)
    kind = getattr(room_type, "value", room_type)
    connection = connections.get("default")
    key = (hostel_id, kind)
    version = await _available_rooms_version(connection)
    kept = _available_rooms_kept.get(key)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    _, rows = await connection.execute_query(AVAILABLE_ROOMS_JSON_SQL, [hostel_id, kind])
    if rows:
        # The names zipped with each row's values: a third cheaper than dict(record), which
        # looks every value up by name.
        names = tuple(rows[0].keys())
        body = orjson.dumps([dict(zip(names, row, strict=True)) for row in rows])
    else:
        body = b"[]"
    # Versions only move forward, so the same version before and after the read means no
    # room or hostel changed in between: the rows are that version's list.
    if version is not None and await _available_rooms_version(connection) == version:
        if key not in _available_rooms_kept and len(_available_rooms_kept) >= _AVAILABLE_ROOMS_KEPT_MAX:
            _available_rooms_kept.pop(next(iter(_available_rooms_kept)))
        _available_rooms_kept[key] = (version, body)
    return body


def _status_for(room: HostelRoom) -> HostelRoomStatus:
    """Between available and occupied the beds decide; maintenance and reserved stay."""
    if room.status in (HostelRoomStatus.AVAILABLE, HostelRoomStatus.OCCUPIED):
        return HostelRoomStatus.OCCUPIED if room.occupied_beds >= room.capacity else HostelRoomStatus.AVAILABLE
    return room.status


async def create_room(actor: Actor, *, data: RoomCreate) -> HostelRoom:
    authorize(actor, Permission.HOSTELS_WRITE)
    values = data.model_dump()
    async with atomic():
        if not await Hostel.exists(id=values["hostel_id"]):
            raise NotFound("Hostel not found")
        if await HostelRoom.filter(hostel_id=values["hostel_id"], room_number__iexact=values["room_number"]).exists():
            raise Conflict("This hostel already has a room with this number")
        room = await HostelRoom.create(**values, occupied_beds=0)
        await audit.record(actor, "create", room)
    return room


async def update_room(actor: Actor, *, room_id: int, changes: RoomUpdate) -> HostelRoom:
    """A partial update; capacity may not fall below the beds taken (400). Setting the
    status to available on a full room leaves it occupied."""
    authorize(actor, Permission.HOSTELS_WRITE)
    sent = changes.changes()
    require_changes(sent)
    refuse_nulls(HostelRoom, sent)
    async with audited_edit(actor, HostelRoom, room_id, label="Room") as room:
        if "capacity" in sent and sent["capacity"] < room.occupied_beds:
            raise InvalidState(f"capacity cannot be below the {room.occupied_beds} beds taken")
        room.update_from_dict(sent)
        room.status = _status_for(room)
    return room


# --- allocations --------------------------------------------------------------------------


async def list_allocations(
    actor: Actor, *, page: PageRequest, student_id: int | None = None, hostel_id: int | None = None,
    room_id: int | None = None, allocation_status: HostelAllocationStatus | None = None,
    academic_year: str | None = None,
) -> Page[HostelAllocation]:
    filters = {"student_id": student_id, "hostel_id": hostel_id, "room_id": room_id, "status": allocation_status,
               "academic_year": academic_year}
    query = visible_allocations(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate(query.order_by("-id"), page)


async def get_allocation(actor: Actor, *, allocation_id: int) -> HostelAllocation:
    return await get_or_404(visible_allocations(actor), allocation_id, label="Allocation")


async def allocation_history(actor: Actor, *, student_id: int) -> dict[str, Any]:
    """Every allocation of the student, newest first."""
    authorize(actor, Permission.HOSTELS_READ)
    await _check_student_visible(actor, student_id)
    if not await Student.exists(id=student_id):
        raise NotFound("Student not found")
    rows = await HostelAllocation.filter(student_id=student_id).order_by("-allocation_date", "-id").values(
        "id", "student_id", "hostel_id", "room_id", "allocation_date", "release_date", "academic_year", "status",
        "remarks", "created_at", "updated_at", hostel_name="hostel__name", room_number="room__room_number")
    return {"student_id": student_id, "allocations": rows, "total": len(rows)}


async def _check_fits(student: dict[str, Any], hostel: Hostel, room: HostelRoom) -> None:
    if not hostel.is_active:
        raise InvalidState("The hostel is not active")
    if not room.is_active:
        raise InvalidState("The room is not active")
    if room.status in (HostelRoomStatus.MAINTENANCE, HostelRoomStatus.RESERVED):
        raise InvalidState(f"The room is {room.status.value}")
    wanted = _GENDERS.get(hostel.hostel_type)
    if wanted is not None and student["gender"] != wanted:
        raise InvalidState(f"A {hostel.hostel_type.value} hostel cannot take this student "
                           f"(gender {student['gender'].value if student['gender'] else 'not recorded'})")


async def _take_bed(connection: Any, room_id: int) -> None:
    taken = await connection.execute_query_dict(
        "UPDATE hostel_rooms SET occupied_beds = occupied_beds + 1, updated_at = now(), "
        "status = CASE WHEN occupied_beds + 1 >= capacity THEN 'occupied' ELSE status END "
        "WHERE id = $1 AND occupied_beds < capacity AND status = 'available' AND is_active RETURNING id", [room_id])
    if not taken:
        raise Conflict("The room is full")


async def _free_bed(connection: Any, room_id: int) -> None:
    await connection.execute_query(
        "UPDATE hostel_rooms SET occupied_beds = occupied_beds - 1, updated_at = now(), "
        "status = CASE WHEN status = 'occupied' THEN 'available' ELSE status END "
        "WHERE id = $1 AND occupied_beds > 0", [room_id])


async def _move_hostel_count(connection: Any, hostel_id: int, delta: int) -> None:
    await connection.execute_query(
        "UPDATE hostels SET occupied_capacity = occupied_capacity + $2, updated_at = now() "
        "WHERE id = $1 AND occupied_capacity + $2 >= 0", [hostel_id, delta])


async def _student(student_id: int) -> dict[str, Any]:
    rows = await Student.filter(id=student_id).values("id", "hostel_id", gender="user__gender")
    if not rows:
        raise NotFound("Student not found")
    row = rows[0]
    row["gender"] = Gender(row["gender"]) if row["gender"] else None
    return row


async def allocate_room(actor: Actor, *, data: AllocationCreate) -> HostelAllocation:
    """A bed for a student without one: hostel and room active, the room available and
    in that hostel, the hostel's type fitting the student's gender."""
    authorize(actor, Permission.HOSTELS_WRITE)
    async with atomic() as connection:
        student = await _student(data.student_id)
        if await HostelAllocation.exists(student_id=data.student_id, status=HostelAllocationStatus.ACTIVE):
            raise Conflict("The student already has an active allocation")
        hostel = await Hostel.get_or_none(id=data.hostel_id)
        if hostel is None:
            raise NotFound("Hostel not found")
        room = await HostelRoom.get_or_none(id=data.room_id)
        if room is None:
            raise NotFound("Room not found")
        if room.hostel_id != hostel.id:
            raise InvalidState("The room is in another hostel")
        await _check_fits(student, hostel, room)
        await _take_bed(connection, room.id)
        await _move_hostel_count(connection, hostel.id, 1)
        allocation = await HostelAllocation.create(
            student_id=data.student_id, hostel_id=hostel.id, room_id=room.id, academic_year=data.academic_year,
            status=HostelAllocationStatus.ACTIVE, remarks=data.remarks)
        await Student.filter(id=data.student_id).update(hostel_id=hostel.id)
        await audit.record(actor, "create", allocation)
    return allocation


async def update_allocation(actor: Actor, *, allocation_id: int, changes: AllocationUpdate) -> HostelAllocation:
    """With another room_id, a transfer: the allocation is closed as transferred and a new
    active one in the new room (and its hostel) is returned. Otherwise only the remarks
    change. A transfer to the same room is a 400."""
    authorize(actor, Permission.HOSTELS_WRITE)
    sent = changes.changes()
    require_changes(sent)
    if sent.get("room_id") is None:
        if "remarks" not in sent:
            raise InvalidState("room_id cannot be null")
        async with audited_edit(actor, visible_allocations(actor), allocation_id, label="Allocation") as allocation:
            if allocation.status != HostelAllocationStatus.ACTIVE:
                raise InvalidState(f"Only an active allocation can be changed (this one is {allocation.status.value})")
            allocation.remarks = sent["remarks"]
        return allocation
    async with atomic() as connection:
        old = await get_or_404(visible_allocations(actor), allocation_id, label="Allocation", for_update=True)
        if old.status != HostelAllocationStatus.ACTIVE:
            raise InvalidState(f"Only an active allocation can be transferred (this one is {old.status.value})")
        if sent["room_id"] == old.room_id:
            raise InvalidState("The student is already in this room")
        new_room = await HostelRoom.get_or_none(id=sent["room_id"])
        if new_room is None:
            raise NotFound("Room not found")
        old_room = await HostelRoom.get(id=old.room_id)
        new_hostel = await Hostel.get(id=new_room.hostel_id)
        await _check_fits(await _student(old.student_id), new_hostel, new_room)
        # Both rooms change: in room-id order (see the module docstring).
        for room_id in sorted((old_room.id, new_room.id)):
            if room_id == new_room.id:
                await _take_bed(connection, room_id)
            else:
                await _free_bed(connection, room_id)
        if new_hostel.id != old.hostel_id:
            for hostel_id, delta in sorted(((old.hostel_id, -1), (new_hostel.id, 1))):
                await _move_hostel_count(connection, hostel_id, delta)
        async with audited_change(actor, old, fields=("status", "release_date")):
            old.status = HostelAllocationStatus.TRANSFERRED
            old.release_date = dt.datetime.now(dt.UTC)
        new = await HostelAllocation.create(
            student_id=old.student_id, hostel_id=new_hostel.id, room_id=new_room.id,
            academic_year=old.academic_year, status=HostelAllocationStatus.ACTIVE,
            remarks=sent.get("remarks") or f"Transferred from room {old_room.room_number}")
        await Student.filter(id=old.student_id).update(hostel_id=new_hostel.id)
        await audit.record(actor, "create", new)
    return new


async def vacate_allocation(actor: Actor, *, allocation_id: int) -> HostelAllocation:
    """Close an active allocation as vacated (the row stays); the bed is freed."""
    authorize(actor, Permission.HOSTELS_WRITE)
    async with (
        atomic() as connection,
        audited_edit(actor, visible_allocations(actor), allocation_id, label="Allocation") as allocation,
    ):
        if allocation.status != HostelAllocationStatus.ACTIVE:
            raise InvalidState(f"Only an active allocation can be vacated (this one is {allocation.status.value})")
        allocation.status = HostelAllocationStatus.VACATED
        allocation.release_date = dt.datetime.now(dt.UTC)
        await _free_bed(connection, allocation.room_id)
        await _move_hostel_count(connection, allocation.hostel_id, -1)
        await Student.filter(id=allocation.student_id).update(hostel_id=None)
    return allocation


async def hostel_occupancy(actor: Actor, *, hostel_id: int) -> dict[str, Any]:
    """A hostel's rooms by number, each with its current residents (the warden's view):
    two queries, whatever the number of rooms."""
    hostel = await get_hostel(actor, hostel_id=hostel_id)
    rooms = await visible_rooms(actor).filter(hostel_id=hostel_id).order_by("room_number", "id").values(
        "id", "room_number", "room_type", "floor", "capacity", "occupied_beds", "status", "is_active")
    residents = await visible_allocations(actor).filter(hostel_id=hostel_id, status=HostelAllocationStatus.ACTIVE) \
        .order_by("room_id", "id").values("id", "room_id", "student_id", "academic_year", "allocation_date",
                                          student_code="student__student_code",
                                          first_name="student__user__first_name",
                                          last_name="student__user__last_name")
    by_room: dict[int, list[dict[str, Any]]] = {}
    for resident in residents:
        by_room.setdefault(resident["room_id"], []).append(resident)
    for room in rooms:
        room["residents"] = by_room.get(room["id"], [])
    capacity = sum(room["capacity"] for room in rooms if room["is_active"])
    return {"hostel": hostel, "rooms": rooms, "capacity": capacity,
            "occupied": sum(room["occupied_beds"] for room in rooms)}
