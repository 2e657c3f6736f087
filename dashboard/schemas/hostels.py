"""Hostels, rooms and allocations (domain.md §3.12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AliasChoices, ConfigDict, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fees import AcademicYear, Remarks, check_academic_year
from dashboard.schemas.fields import Money, ref_id
from models.enums import HostelAllocationStatus, HostelRoomStatus, HostelRoomType, HostelType

Name = Annotated[str, Field(min_length=2, max_length=100)]
Count = Annotated[int, Field(ge=0, le=100000)]
Items = Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=50)]
RoomNumber = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")]
Beds = Annotated[int, Field(ge=1, le=20)]
Fee = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
# Staff set these; "occupied" follows the beds taken and is never set by hand.
SettableRoomStatus = Annotated[HostelRoomStatus, Field(description="available, maintenance or reserved")]


def _not_occupied(status: HostelRoomStatus | None) -> None:
    if status is HostelRoomStatus.OCCUPIED:
        raise ValueError("a room is occupied when its beds are taken; set available, maintenance or reserved")


class HostelCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Kaveri Hostel", "hostel_type": "girls", "address": "North campus",
        "total_rooms": 120, "total_capacity": 240, "amenities": ["wifi", "mess", "laundry"],
        "rules": ["Gates close at 22:00"],
    }]})

    name: Name
    hostel_type: HostelType
    address: Annotated[str, Field(max_length=255)] | None = None
    total_rooms: Count
    total_capacity: Count
    warden_id: Annotated[int | None, ref_id("The warden: a staff member's id (admin_staff, not a user)")] = None
    amenities: Items | None = None
    rules: Items | None = None


class HostelUpdate(InputModel):
    """Every field optional; the hostel type is immutable."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "total_rooms": 124, "total_capacity": 248,
    }]})

    name: Name | None = None
    address: Annotated[str, Field(max_length=255)] | None = None
    total_rooms: Count | None = None
    total_capacity: Count | None = None
    warden_id: Annotated[int | None, ref_id("The warden: a staff member's id (admin_staff, not a user)")] = None
    amenities: Items | None = None
    rules: Items | None = None
    is_active: bool | None = None


class HostelOut(OutputModel):
    id: int
    name: str
    hostel_type: HostelType
    address: str | None
    total_rooms: int
    total_capacity: int
    occupied_capacity: int
    warden_id: int | None = Field(description="The warden: a staff member's id (admin_staff, not a user)")
    amenities: list[str] | None
    rules: list[str] | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class RoomCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "hostel_id": 2, "room_number": "B-204", "room_type": "double", "floor": 2, "capacity": 2,
        "room_fee": "18000.00", "amenities": ["wifi", "study table"],
    }]})

    hostel_id: Annotated[int, ref_id("The hostel's id")]
    room_number: RoomNumber
    room_type: HostelRoomType
    floor: Annotated[int, Field(ge=-5, le=200)] | None = None
    capacity: Beds
    room_fee: Fee
    amenities: Items | None = None
    status: SettableRoomStatus = HostelRoomStatus.AVAILABLE

    @model_validator(mode="after")
    def _status(self) -> RoomCreate:
        _not_occupied(self.status)
        return self


class RoomUpdate(InputModel):
    """Every field optional; the hostel and number are fixed. Capacity may not fall below
    the beds taken."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "maintenance",
    }]})

    room_type: HostelRoomType | None = None
    floor: Annotated[int, Field(ge=-5, le=200)] | None = None
    capacity: Beds | None = None
    room_fee: Fee | None = None
    amenities: Items | None = None
    status: SettableRoomStatus | None = None
    is_active: bool | None = None

    @model_validator(mode="after")
    def _status(self) -> RoomUpdate:
        _not_occupied(self.status)
        return self


class RoomOut(OutputModel):
    id: int
    hostel_id: int = Field(description="The hostel's id")
    room_number: str
    room_type: HostelRoomType
    floor: int | None
    capacity: int
    occupied_beds: int
    room_fee: Money
    amenities: list[str] | None
    status: HostelRoomStatus
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class AvailableRoom(OutputModel):
    id: int
    hostel_id: int = Field(description="The hostel's id")
    hostel_name: str
    hostel_type: HostelType
    room_number: str
    room_type: HostelRoomType
    floor: int | None
    capacity: int
    occupied_beds: int
    free_beds: int
    room_fee: Money


class AllocationCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "student_id": 17, "hostel_id": 2, "room_id": 31, "academic_year": "2026-27",
    }]})

    student_id: Annotated[int, ref_id("The student's id")]
    hostel_id: Annotated[int, ref_id("The hostel's id")]
    room_id: Annotated[int, ref_id("The hostel room's id")]
    academic_year: AcademicYear = Field(validation_alias=AliasChoices("academic_year", "acedamic_year"))
    remarks: Remarks | None = None

    @model_validator(mode="after")
    def _year(self) -> AllocationCreate:
        check_academic_year(self.academic_year)
        return self


class AllocationUpdate(InputModel):
    """A transfer when `room_id` names another room (the old allocation is closed as
    transferred and a new one returned); otherwise only the remarks change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "room_id": 35, "remarks": "Moved nearer the lift",
    }]})

    room_id: Annotated[int | None, ref_id("The hostel room's id")] = None
    remarks: Remarks | None = None


class AllocationOut(OutputModel):
    id: int
    student_id: int = Field(description="The student's id")
    hostel_id: int = Field(description="The hostel's id")
    room_id: int = Field(description="The hostel room's id")
    allocation_date: dt.datetime
    release_date: dt.datetime | None
    academic_year: str
    status: HostelAllocationStatus
    remarks: str | None
    created_at: dt.datetime
    updated_at: dt.datetime | None


class AllocationHistoryItem(AllocationOut):
    hostel_name: str
    room_number: str


class AllocationHistoryOut(OutputModel):
    student_id: int = Field(description="The student's id")
    allocations: list[AllocationHistoryItem]
    total: int
