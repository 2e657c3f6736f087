"""The weekly class timetable: time slots and the classes booked into them."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import SlotType
from models.fields import WallClockTimeField

if TYPE_CHECKING:
    from models import CourseOffering


class TimetableSlot(TimestampedModel):
    slot_type = fields.CharEnumField(SlotType, max_length=20)
    # 0 = Monday ... 6 = Sunday.
    day_of_week = fields.SmallIntField()
    start_time = WallClockTimeField()
    end_time = WallClockTimeField()

    class Meta:
        table = "timetable_slots"
        indexes = (("day_of_week", "start_time"),)

    def __str__(self) -> str:
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        day = days[self.day_of_week] if 0 <= self.day_of_week <= 6 else str(self.day_of_week)
        return f"{day} {self.start_time:%H:%M}-{self.end_time:%H:%M} ({self.slot_type})"


class ClassSchedule(TimestampedModel):
    """An offering taught in a room during a slot, every week."""

    course_offering: fields.ForeignKeyRelation["CourseOffering"] = fields.ForeignKeyField(
        "models.CourseOffering",
        related_name="class_schedules",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    course_offering_id: int
    # slot_id leads the (slot_id, room_no) index in Meta, which serves as its index.
    slot: fields.ForeignKeyRelation["TimetableSlot"] = fields.ForeignKeyField(
        "models.TimetableSlot", related_name="class_schedules", on_delete=fields.OnDelete.RESTRICT
    )
    slot_id: int
    room_no = fields.CharField(max_length=50, db_index=True)
    is_active = fields.BooleanField(default=True, db_index=True)

    class Meta:
        table = "class_schedules"
        # At most one active row per (slot, room): partial unique index in models.constraints.
        indexes = (("slot_id", "room_no"),)

    def __str__(self) -> str:
        return f"offering {self.course_offering_id} / slot {self.slot_id} / room {self.room_no}"
