"""Hostels, their rooms, and the history of who lived where."""

from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import TimestampedModel
from models.enums import HostelAllocationStatus, HostelRoomStatus, HostelRoomType, HostelType

if TYPE_CHECKING:
    from models import AdminStaff, Student


class Hostel(TimestampedModel):
    name = fields.CharField(max_length=100, unique=True)
    # Immutable once created.
    hostel_type = fields.CharEnumField(HostelType, max_length=20, db_index=True)
    address = fields.CharField(max_length=255, null=True)
    # Declared figures; not reconciled with the rooms.
    total_rooms = fields.IntField()
    total_capacity = fields.IntField()
    # Changed only by conditional UPDATEs beside the allocation that justifies it.
    occupied_capacity = fields.IntField(default=0)
    warden: fields.ForeignKeyNullableRelation["AdminStaff"] = fields.ForeignKeyField(
        "models.AdminStaff",
        related_name="wardened_hostels",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    warden_id: int | None
    amenities: fields.JSONField[Any] = fields.JSONField(null=True)
    rules: fields.JSONField[Any] = fields.JSONField(null=True)
    is_active = fields.BooleanField(default=True, db_index=True)

    class Meta:
        table = "hostels"

    def __str__(self) -> str:
        return self.name


class HostelRoom(TimestampedModel):
    room_number = fields.CharField(max_length=20)
    room_type = fields.CharEnumField(HostelRoomType, max_length=20)
    # hostel_id leads the unique key below, which serves as its index.
    hostel: fields.ForeignKeyRelation["Hostel"] = fields.ForeignKeyField(
        "models.Hostel", related_name="rooms", on_delete=fields.OnDelete.CASCADE
    )
    hostel_id: int
    floor = fields.IntField(null=True)
    capacity = fields.IntField()
    # Changed only by conditional UPDATEs beside the allocation that justifies it.
    occupied_beds = fields.IntField(default=0)
    room_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    amenities: fields.JSONField[Any] = fields.JSONField(null=True)
    status = fields.CharEnumField(
        HostelRoomStatus, max_length=20, default=HostelRoomStatus.AVAILABLE, db_index=True
    )
    is_active = fields.BooleanField(default=True, db_index=True)

    class Meta:
        table = "hostel_rooms"
        unique_together = (("hostel", "room_number"),)

    def __str__(self) -> str:
        return f"hostel {self.hostel_id} room {self.room_number}"


class HostelAllocation(TimestampedModel):
    """A stay of a student in a room. Rows are kept: vacate and transfer close them."""

    student: fields.ForeignKeyRelation["Student"] = fields.ForeignKeyField(
        "models.Student",
        related_name="hostel_allocations",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    student_id: int
    hostel: fields.ForeignKeyRelation["Hostel"] = fields.ForeignKeyField(
        "models.Hostel",
        related_name="allocations",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    hostel_id: int
    room: fields.ForeignKeyRelation["HostelRoom"] = fields.ForeignKeyField(
        "models.HostelRoom",
        related_name="allocations",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    room_id: int
    allocation_date = fields.DatetimeField(auto_now_add=True)
    release_date = fields.DatetimeField(null=True)
    academic_year = fields.CharField(max_length=20)
    status = fields.CharEnumField(
        HostelAllocationStatus,
        max_length=20,
        default=HostelAllocationStatus.ACTIVE,
        db_index=True,
    )
    remarks = fields.TextField(null=True)

    class Meta:
        table = "hostel_allocations"

    def __str__(self) -> str:
        return f"student {self.student_id} in room {self.room_id} ({self.status})"
